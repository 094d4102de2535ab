import io
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.badges.blueprint import bp
from summit.blueprints.badges.forms import BatchForm, RevokeForm, TemplateForm
from summit.database import utcnow
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import language
from summit.models import AttendeeCategory, BadgeSelection, BadgeSize, Delegation, Registration
from summit.models.agenda import LIVE_BOOKINGS
from summit.permissions import Permission, authorize
from summit.services.agenda import public as agenda_public
from summit.services.badges import batches as badge_batches, entry as badge_entry, issuing as badges
from summit.services.bookings import lists as bookings_lists
from summit.services.core.errors import DomainError, NotAllowed
from summit.services.summits import settings as summits

PDF = "application/pdf"


def _size(value: str | None) -> BadgeSize:
    try:
        return BadgeSize(value or BadgeSize.A6.value)
    except ValueError:
        abort(400, _("Unknown badge size."))


def send_pdf(data: bytes, filename: str):
    return send_file(io.BytesIO(data), mimetype=PDF, as_attachment=True,
                     download_name=filename)


def badge_filename(registration: Registration, size: BadgeSize) -> str:
    return f"badge-{registration.summit.slug}-{registration.id}-{size.value}.pdf"


# --- a person's badge ----------------------------------------------------------------------

@bp.get("/registrations/<int:registration_id>/badge.pdf")
@login_required
def download(registration_id: int):
    registration = db.get_or_404(Registration, registration_id)
    try:
        badge = badges.badge_for_download(current_user, registration)
    except NotAllowed:
        # Someone else's badge: a 403 like the registration page, not a redirect to it.
        abort(403)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("registrations.detail", registration_id=registration.id))
    size = _size(request.args.get("size"))
    return send_pdf(badges.render_badge(badge, size), badge_filename(registration, size))


@bp.get("/registrations/<int:registration_id>/entry")
@login_required
def entry(registration_id: int):
    """The delegate's phone: the entry code with today's programme and seat bookings."""
    registration = db.get_or_404(Registration, registration_id)
    try:
        code = badge_entry.entry_code(current_user, registration)
    except NotAllowed:
        abort(403)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("registrations.detail", registration_id=registration.id))
    summit = registration.summit
    zone = ZoneInfo(summit.timezone)
    today = utcnow().astimezone(zone).date()
    _agenda, entries = agenda_public.personal_agenda(current_user, summit)
    days = agenda_public.entries_by_day(entries)
    # Today's items; before the summit (or between its days) the next day that has some.
    day, day_entries = next(((d, e) for d, e in days if d >= today), (None, []))
    bookings = [b for b in bookings_lists.bookings_of(current_user)
                if b.item.summit_id == summit.id and b.status in LIVE_BOOKINGS]
    response = make_response(render_template(
        "badges/entry.html", summit=summit, registration=registration, code=code,
        zones=registration.category.zones, today=today, day=day, day_entries=day_entries,
        bookings=bookings))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/registrations/<int:registration_id>/entry-sw.js")
def entry_worker(registration_id: int):
    """The entry page's service worker, served beside the page so it may control it."""
    source = (Path(current_app.static_folder) / "js" / "entry-sw.js").read_bytes()
    return Response(source, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


def _badge_action(registration_id: int, action):
    registration = db.get_or_404(Registration, registration_id)
    authorize(Permission.BADGES_MANAGE, registration.summit)
    try:
        action(registration)
    except DomainError as error:
        flash(str(error), "error")
    return redirect(url_for("registrations.detail", registration_id=registration.id))


@bp.post("/registrations/<int:registration_id>/badge/reissue")
@login_required
def reissue(registration_id: int):
    def act(registration):
        badges.reissue(current_user, registration)
        flash(_("A new badge was issued; earlier prints no longer open any gate."), "success")

    return _badge_action(registration_id, act)


@bp.post("/registrations/<int:registration_id>/badge/revoke")
@login_required
def revoke(registration_id: int):
    def act(registration):
        form = RevokeForm()
        if not form.validate_on_submit():
            # An empty reason asks for one; otherwise say what is wrong with it (too long,
            # control characters) or with the form (an expired CSRF token).
            given = bool((form.reason.data or "").strip())
            errors = [str(e) for name, messages in form.errors.items() for e in messages
                      if given or name != "reason"]
            flash(errors[0] if errors else _("Say why the badge is revoked."), "error")
            return
        badges.revoke(current_user, registration, form.reason.data)
        flash(_("The badge is revoked: check-in will refuse it."), "success")

    return _badge_action(registration_id, act)


@bp.post("/registrations/<int:registration_id>/badge/restore")
@login_required
def restore(registration_id: int):
    def act(registration):
        badges.restore(current_user, registration)
        flash(_("The badge is valid again, with a new code: print it again."), "success")

    return _badge_action(registration_id, act)


# --- batches ----------------------------------------------------------------------------------

def _batch_choices(form: BatchForm, summit) -> None:
    lang = language()
    form.category.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(c.id), c.label(lang)) for c in summit.categories]
    form.delegation.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(d.id), d.name) for d in summit.delegations]


def _child(model, summit, value: str | None):
    if not value or not value.isdigit() or len(value) > 12:
        return None
    obj = db.session.get(model, int(value))
    return obj if obj is not None and obj.summit_id == summit.id else None


@bp.route("/summits/<slug:slug>/badges", methods=["GET", "POST"])
@login_required
def index(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    form = BatchForm()
    _batch_choices(form, summit)
    if form.validate_on_submit():
        try:
            job = badge_batches.start(
                current_user, summit, BadgeSelection(form.selection.data),
                BadgeSize(form.size.data),
                category=_child(AttendeeCategory, summit, form.category.data),
                delegation=_child(Delegation, summit, form.delegation.data))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            flash(_("Printing %(count)d badges.", count=job.total), "success")
            return redirect(url_for("badges.batch", slug=summit.slug, key=job.key))
    return render_template("badges/index.html", summit=summit, form=form,
                           counts=badge_batches.counts(summit),
                           jobs=badge_batches.recent(summit), labels=badge_batches)


@bp.get("/summits/<slug:slug>/badges/batches/<key>")
@login_required
def batch(slug: str, key: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    job = badge_batches.get(summit, key)
    return render_template("badges/batch.html", summit=summit, job=job, labels=badge_batches,
                           may_run_again=badge_batches.may_run_again(job))


@bp.get("/summits/<slug:slug>/badges/batches/<key>/status")
@login_required
def batch_status(slug: str, key: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    response = jsonify(badge_batches.status_json(badge_batches.get(summit, key)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/summits/<slug:slug>/badges/batches/<key>/download")
@login_required
def batch_download(slug: str, key: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    job = badge_batches.get(summit, key)
    try:
        data = badge_batches.pdf_of(current_user, job)
    except DomainError as error:
        flash(str(error), "error")
        return redirect(url_for("badges.batch", slug=summit.slug, key=job.key))
    return send_pdf(data, f"badges-{summit.slug}-{job.id}-{job.size.value}.pdf")


@bp.post("/summits/<slug:slug>/badges/batches/<key>/retry")
@login_required
def batch_retry(slug: str, key: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    job = badge_batches.get(summit, key)
    try:
        badge_batches.run_again(current_user, job)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The batch runs again."), "success")
    return redirect(url_for("badges.batch", slug=summit.slug, key=job.key))


# --- templates --------------------------------------------------------------------------------

def _category(slug: str, category_id: int) -> AttendeeCategory:
    summit = summits.get_by_slug(slug)
    authorize(Permission.BADGES_MANAGE, summit)
    category = db.get_or_404(AttendeeCategory, category_id)
    if category.summit_id != summit.id:
        abort(404)
    return category


def _template_details(form: TemplateForm) -> badges.TemplateDetails:
    return badges.TemplateDetails(**{name: getattr(form, name).data or ""
                                     for name in badges.TEMPLATE_FIELDS})


@bp.route("/summits/<slug:slug>/badges/templates/<int:category_id>", methods=["GET", "POST"])
@login_required
def template(slug: str, category_id: int):
    category = _category(slug, category_id)
    saved = badges.template_of(category)
    form = TemplateForm(data=vars(badges.details_of(saved)) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            badges.save_template(current_user, category, _template_details(form))
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            flash(_("The template is saved; badges print with it from now on."), "success")
            return redirect(url_for("badges.template", slug=slug, category_id=category.id))
    return render_template("badges/template.html", summit=category.summit, category=category,
                           form=form)


@bp.post("/summits/<slug:slug>/badges/templates/<int:category_id>/preview")
@login_required
def template_preview(slug: str, category_id: int):
    """The unsaved form drawn as the printer would get it (PNG), or why it cannot be."""
    category = _category(slug, category_id)
    form = TemplateForm()
    if not form.validate_on_submit():
        messages = [f"{form[name].label.text}: {'; '.join(map(str, errors))}"
                    for name, errors in form.errors.items()]
        return jsonify({"error": {"code": "validation_failed",
                                  "message": " ".join(messages)}}), 422
    try:
        draft = badges.check_template(category, _template_details(form))
        png = badges.preview_png(category, draft, form.sample.data, _size(form.size.data))
    except DomainError as error:
        return jsonify({"error": {"code": error.code, "message": str(error)}}), 422
    response = send_file(io.BytesIO(png), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
