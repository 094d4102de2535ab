"""Desk pages: organisers set up desks and printers; staff find a person and print, register
a walk-in, hand a badge to a substitute or add an aide. The kiosk is ``kiosk``."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.badges.views import send_pdf
from summit.blueprints.common import attempt
from summit.blueprints.desk.blueprint import bp
from summit.blueprints.desk.forms import (
    AideForm,
    AideLimitsForm,
    PoolForm,
    PrinterForm,
    PrintForm,
    ResendForm,
    SubstituteForm,
    WalkInForm,
)
from summit.extensions import db
from summit.forms import show_domain_error
from summit.models import BadgeSize, Printer, PrinterPool, Registration, Summit
from summit.permissions import Permission, authorize, can
from summit.services.core.errors import DomainError
from summit.services.desk import (
    aides,
    find as desk_find,
    printers as desk_printers,
    printing,
    substitutes,
    walkins,
)
from summit.services.summits import settings as summits


def pool_at(summit, pool_id: int) -> PrinterPool:
    pool = db.get_or_404(PrinterPool, pool_id)
    if pool.summit_id != summit.id:
        abort(404)
    return pool


def desk_at(slug: str, pool_id: int) -> tuple[Summit, PrinterPool]:
    """The summit and its desk (printer pool) a desk page works on, for desk staff only."""
    summit = summits.get_by_slug(slug)
    authorize(Permission.DESK_PRINT, summit)
    return summit, pool_at(summit, pool_id)


def _categories(summit):
    return [SelectChoice(c.id, c.label_zh) for c in summit.categories]


# --- organisers: desks and printers -------------------------------------------------------

@bp.route("/summits/<slug:slug>/desks", methods=["GET", "POST"])
@login_required
def desks(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.DESK_PRINT, summit)
    manage = can(current_user, Permission.BADGES_MANAGE, summit)
    if request.method == "POST" and not manage:
        abort(403)
    form = PoolForm()
    form.walk_in_categories.choices = _categories(summit)
    if form.validate_on_submit():
        chosen = [c for c in summit.categories if c.id in (form.walk_in_categories.data or [])]
        try:
            pool = desk_printers.save_pool(current_user, summit, name=form.name.data,
                                           kiosk=form.kiosk.data, walk_in_categories=chosen,
                                           walk_in_approve=form.walk_in_approve.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Desk %(name)s added.", name=pool.name), "success")
            return redirect(url_for("desk.desks", slug=slug))
    limits_form = None
    if can(current_user, Permission.REGISTRATIONS_MANAGE, summit):
        category = aides.registrar_category(summit)
        limits_form = AideLimitsForm(per_principal=summit.registrar_aides,
                                     category=str(category.id) if category else "")
        limits_form.category.choices = [SelectChoice("", "—")] + _categories(summit)
    return render_template("desk/desks.html", summit=summit, pools=desk_printers.pools(summit),
                           form=form, manage=manage, printer_form=PrinterForm(),
                           paper_labels=desk_printers.PAPER_LABELS, limits_form=limits_form)


@bp.post("/summits/<slug:slug>/desks/<int:pool_id>/printers")
@login_required
def add_printer(slug: str, pool_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    pool = pool_at(summit, pool_id)
    form = PrinterForm()
    if form.validate_on_submit():
        attempt(lambda: desk_printers.add_printer(
            current_user, pool, name=form.name.data, uri=form.uri.data,
            paper=BadgeSize(form.paper.data)), _("Printer added."))
    else:
        flash(_("Give the printer a name and an address."), "error")
    return redirect(url_for("desk.desks", slug=slug))


@bp.post("/summits/<slug:slug>/printers/<int:printer_id>/remove")
@login_required
def remove_printer(slug: str, printer_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    printer = db.get_or_404(Printer, printer_id)
    if printer.summit_id != summit.id:
        abort(404)
    if PrintForm().validate_on_submit():
        desk_printers.remove_printer(current_user, printer)
        flash(_("Printer removed."), "success")
    return redirect(url_for("desk.desks", slug=slug))


# --- the desk -----------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/desks/<int:pool_id>")
@login_required
def desk(slug: str, pool_id: int):
    summit, pool = desk_at(slug, pool_id)
    query = (request.args.get("q") or "")[:2000]
    people, error = [], None
    if query.strip():
        try:
            people = desk_find.find(current_user, summit, query)
        except DomainError as problem:
            error = str(problem)
    return _desk_page(summit, pool, query=query, people=people, error=error)


def _walk_in_form(summit, pool) -> WalkInForm:
    form = WalkInForm()
    organiser = can(current_user, Permission.REGISTRATIONS_MANAGE, summit)
    form.category.choices = [SelectChoice(str(c.id), c.label_zh) for c in summit.categories
                             if organiser or c.id in (pool.walk_in_category_ids or [])]
    return form


def _desk_page(summit, pool, *, query="", people=(), error=None, walk_in_form=None):
    return render_template("desk/desk.html", summit=summit, pool=pool, query=query,
                           people=people, error=error, recent=printing.recent(pool),
                           form=PrintForm(), resend_form=ResendForm(),
                           describe=printing.describe,
                           walk_in_form=walk_in_form or _walk_in_form(summit, pool))


@bp.post("/summits/<slug:slug>/desks/<int:pool_id>/walk-ins")
@login_required
def walk_in(slug: str, pool_id: int):
    summit, pool = desk_at(slug, pool_id)
    form = _walk_in_form(summit, pool)
    if form.validate_on_submit():
        category = next((c for c in summit.categories if str(c.id) == form.category.data),
                        None)
        try:
            done = walkins.register_walk_in(
                current_user, summit, pool, name=form.name.data,
                organisation=form.organisation.data or "", category=category,
                phone=form.phone.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            person = done.registration
            if done.job is not None:
                flash(_("%(name)s is registered and the badge is printing.",
                        name=person.name), "success")
            elif person.status.value == "approved":
                flash(_("%(name)s is registered: download the badge as PDF.",
                        name=person.name), "success")
            else:
                flash(_("%(name)s is registered and waits for an organiser's approval.",
                        name=person.name), "success")
            return redirect(url_for("desk.desk", slug=slug, pool_id=pool.id, q=person.name))
    return _desk_page(summit, pool, walk_in_form=form), 422


@bp.post("/summits/<slug:slug>/desks/<int:pool_id>/print/<int:registration_id>")
@login_required
def print_badge(slug: str, pool_id: int, registration_id: int):
    summit, pool = desk_at(slug, pool_id)
    registration = db.get_or_404(Registration, registration_id)
    if registration.summit_id != summit.id:
        abort(404)
    form = PrintForm()
    if not form.validate_on_submit():
        flash(_("The form has expired: try again."), "error")
    else:
        try:
            printing.send(current_user, registration, pool, form.chosen_reason)
            flash(_("The badge of %(name)s is on its way to the printer.",
                    name=registration.name), "success")
        except DomainError as error:
            flash(str(error), "error")
    return redirect(url_for("desk.desk", slug=slug, pool_id=pool.id,
                            q=request.args.get("q", "")))


@bp.get("/summits/<slug:slug>/desks/<int:pool_id>/badge/<int:registration_id>.pdf")
@login_required
def badge_pdf(slug: str, pool_id: int, registration_id: int):
    """Without a printer: the badge as PDF, printed by hand (not marked printed)."""
    summit, _pool = desk_at(slug, pool_id)
    registration = db.get_or_404(Registration, registration_id)
    if registration.summit_id != summit.id:
        abort(404)
    try:
        document = printing.pdf_of(current_user, registration)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("desk.desk", slug=slug, pool_id=pool_id))
    return send_pdf(document, f"badge-{registration.id}.pdf")


@bp.get("/summits/<slug:slug>/print-jobs/<key>")
@login_required
def job_state(slug: str, key: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.DESK_PRINT, summit)
    try:
        job = printing.find_job(summit.id, key[:32])
    except DomainError:
        abort(404)
    return jsonify(printing.describe(job))


@bp.post("/summits/<slug:slug>/print-jobs/<key>/resend")
@login_required
def resend(slug: str, key: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.DESK_PRINT, summit)
    try:
        job = printing.find_job(summit.id, key[:32])
    except DomainError:
        abort(404)
    form = ResendForm()
    form.printer.choices = [SelectChoice("", "")] + [
        SelectChoice(str(p.id), p.name) for p in desk_printers.all_printers(summit)]
    if form.validate_on_submit():
        printer = next((p for p in desk_printers.all_printers(summit)
                        if str(p.id) == form.printer.data), None)
        attempt(lambda: printing.resend(current_user, job, printer),
                _("Sent again."))
    return redirect(url_for("desk.desk", slug=slug, pool_id=job.pool_id or 0))


@bp.post("/registrations/<int:registration_id>/badge/unlock")
@login_required
def unlock(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    authorize(Permission.BADGES_MANAGE, registration.summit)
    if PrintForm().validate_on_submit():
        attempt(lambda: printing.unlock(current_user, registration),
                _("Unlocked: the desk may print this badge once more."))
    return redirect(url_for("registrations.detail", registration_id=registration.id))


# --- substitutes -------------------------------------------------------------------------

@bp.post("/registrations/<int:registration_id>/substitute")
@login_required
def substitute(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    if not substitutes.may_substitute(current_user, registration):
        abort(403)
    form = SubstituteForm()
    if form.validate_on_submit():
        try:
            new = substitutes.substitute(
                current_user, registration, name=form.name.data,
                organisation=form.organisation.data or "", phone=form.phone.data or "",
                position=form.position.data or "")
        except DomainError as error:
            flash(str(error), "error")
        else:
            flash(_("%(new)s takes the place of %(old)s.", new=new.name, old=registration.name),
                  "success")
            return redirect(url_for("registrations.detail", registration_id=new.id))
    else:
        flash(_("Give the substitute's name."), "error")
    return redirect(url_for("registrations.detail", registration_id=registration.id))


@bp.post("/registrations/<int:registration_id>/substitute/refuse")
@login_required
def refuse_substitute(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    authorize(Permission.REGISTRATIONS_MANAGE, registration.summit)
    try:
        substitutes.refuse(current_user, registration, request.form.get("reason", "")[:600])
        flash(_("The substitute is refused; the original person has the place again."),
              "success")
    except DomainError as error:
        flash(str(error), "error")
    return redirect(url_for("registrations.detail", registration_id=registration.id))


# --- aides --------------------------------------------------------------------------------

@bp.post("/registrations/<int:registration_id>/aides")
@login_required
def add_aide(registration_id: int):
    principal = db.get_or_404(Registration, registration_id)
    staff = can(current_user, Permission.REGISTRATIONS_MANAGE, principal.summit)
    if not staff and not aides.registrar_may_add(current_user, principal):
        abort(403)
    form = AideForm()
    form.category.choices = _categories(principal.summit)
    if not staff:  # the registrar's aides are in the organisers' category
        form.category.data = str(aides.registrar_category(principal.summit).id)
    if form.validate_on_submit():
        category = next((c for c in principal.summit.categories
                         if str(c.id) == form.category.data), None)
        try:
            aide = aides.add_aide(current_user, principal, name=form.name.data,
                                  role=form.role.data, category=category,
                                  phone=form.phone.data or "")
            flash(_("%(name)s comes with %(principal)s.", name=aide.name,
                    principal=principal.name), "success")
        except DomainError as error:
            flash(str(error), "error")
    else:
        flash(_("Give the name and the category."), "error")
    return redirect(url_for("registrations.detail", registration_id=principal.id))


@bp.post("/summits/<slug:slug>/aide-limits")
@login_required
def aide_limits(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.REGISTRATIONS_MANAGE, summit)
    form = AideLimitsForm()
    form.category.choices = [SelectChoice("", "—")] + _categories(summit)
    if form.validate_on_submit():
        category = next((c for c in summit.categories if str(c.id) == form.category.data),
                        None)
        attempt(lambda: aides.set_registrar_limits(
            current_user, summit, per_principal=form.per_principal.data, category=category),
            _("The limits for accompanying persons are saved."))
    else:
        flash(_("Give a number from 0 to 10."), "error")
    return redirect(url_for("desk.desks", slug=slug))
