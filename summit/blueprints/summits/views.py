from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.common import attempt, attempt_form, page_arg
from summit.blueprints.summits.blueprint import bp
from summit.blueprints.summits.forms import CategoryForm, GrantRoleForm, SummitForm, ZoneForm
from summit.extensions import db
from summit.forms import show_domain_error
from summit.models import AttendeeCategory, Membership, Role, Zone
from summit.permissions import ROLE_LABELS, Permission, authorize, can
from summit.services.accounts import roles
from summit.services.core import audit, audit_words
from summit.services.core.errors import DomainError
from summit.services.summits import settings as summits


def _child(model, summit, object_id: int):
    obj = db.get_or_404(model, object_id)
    if obj.summit_id != summit.id:
        abort(404)
    return obj


LOCAL_TIMES = ("registration_opens_at", "registration_closes_at", "edit_deadline",
               "press_deadline")


def _details(form: SummitForm) -> summits.SummitDetails:
    values = {name: getattr(form, name).data for name in summits.SUMMIT_FIELDS}
    for name in LOCAL_TIMES:
        values[name] = summits.local_to_utc(values[name], form.timezone.data)
    return summits.SummitDetails(**values, **form.organisation_lists())


@bp.get("/<slug:slug>")
def detail(slug: str):
    summit = summits.get_by_slug(slug)
    # Staff land on their console; ?view=public shows them the page everyone else sees.
    if request.args.get("view") != "public" and can(current_user, Permission.CONSOLE_VIEW,
                                                    summit):
        return redirect(url_for("console.index", slug=summit.slug))
    return render_template("summits/detail.html", summit=summit)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    authorize(Permission.SUMMIT_CREATE)
    form = SummitForm()
    if form.validate_on_submit():
        try:
            summit = summits.create_summit(current_user, _details(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The summit has been created. Add its zones and categories next."), "success")
            return redirect(url_for("summits.categories", slug=summit.slug))
    return render_template("summits/form.html", form=form, summit=None)


@bp.route("/<slug:slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    details = summits.details_of(summit)
    local = {name: summits.utc_to_local(getattr(details, name), summit.timezone)
             for name in LOCAL_TIMES}
    form = SummitForm(data={**details.__dict__, **local, "hosts": "\n".join(details.hosts),
                            "organisers": "\n".join(details.organisers),
                            "supporters": "\n".join(details.supporters)},
                      categories=summit.categories)
    if form.validate_on_submit():
        try:
            summit = summits.update_summit(current_user, summit, _details(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The summit has been saved."), "success")
            # The public page, as visitors now see it (staff would land on the console).
            return redirect(url_for("summits.detail", slug=summit.slug, view="public"))
    return render_template("summits/form.html", form=form, summit=summit)


def _category_form(summit, **kwargs) -> CategoryForm:
    form = CategoryForm(**kwargs)
    form.zones.choices = [SelectChoice(zone.code, f"{zone.code} · {zone.label_zh}")
                          for zone in summit.zones]
    return form


def _category_details(form: CategoryForm) -> summits.CategoryDetails:
    return summits.CategoryDetails(
        code=form.code.data, label_zh=form.label_zh.data, label_en=form.label_en.data or "",
        colour=form.colour.data, public=form.public.data, zone_codes=form.zones.data or [],
        capacity=form.capacity.data, id_required=form.id_required.data,
        id_reason=form.id_reason.data or "")


@bp.route("/<slug:slug>/categories", methods=["GET", "POST"])
@login_required
def categories(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    form = _category_form(summit)
    zone_form = ZoneForm(prefix="zone")
    if form.submit.data and form.validate_on_submit():
        try:
            category = summits.add_category(current_user, summit, _category_details(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Category %(code)s added.", code=category.code), "success")
            return redirect(url_for("summits.categories", slug=slug))
    return render_template("summits/categories.html", summit=summit, form=form,
                           zone_form=zone_form)


@bp.route("/<slug:slug>/categories/<int:category_id>/edit", methods=["GET", "POST"])
@login_required
def edit_category(slug: str, category_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    category = _child(AttendeeCategory, summit, category_id)
    form = _category_form(summit, data=summits.category_details(category).__dict__ | {
        "zones": [zone.code for zone in category.zones]})
    if form.validate_on_submit():
        if attempt_form(form, lambda: summits.update_category(current_user, category,
                                                               _category_details(form))):
            flash(_("Category %(code)s saved.", code=category.code), "success")
            return redirect(url_for("summits.categories", slug=slug))
    return render_template("summits/category_form.html", summit=summit, form=form,
                           category=category)


@bp.post("/<slug:slug>/categories/<int:category_id>/delete")
@login_required
def delete_category(slug: str, category_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    category = _child(AttendeeCategory, summit, category_id)
    summits.delete_category(current_user, category)
    flash(_("Category %(code)s deleted.", code=category.code), "success")
    return redirect(url_for("summits.categories", slug=slug))


@bp.post("/<slug:slug>/zones")
@login_required
def add_zone(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    zone_form = ZoneForm(prefix="zone")
    if zone_form.validate_on_submit():
        try:
            zone = summits.add_zone(current_user, summit, zone_form.code.data,
                                    zone_form.label_zh.data, zone_form.label_en.data or "")
        except DomainError as error:
            show_domain_error(zone_form, error)
        else:
            flash(_("Zone %(code)s added.", code=zone.code), "success")
            return redirect(url_for("summits.categories", slug=slug))
    return render_template("summits/categories.html", summit=summit,
                           form=_category_form(summit), zone_form=zone_form), 422


@bp.post("/<slug:slug>/zones/<int:zone_id>/delete")
@login_required
def delete_zone(slug: str, zone_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.SUMMIT_EDIT, summit)
    zone = _child(Zone, summit, zone_id)
    summits.delete_zone(current_user, zone)
    flash(_("Zone %(code)s deleted.", code=zone.code), "success")
    return redirect(url_for("summits.categories", slug=slug))


@bp.route("/<slug:slug>/people", methods=["GET", "POST"])
@login_required
def people(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.ROLES_MANAGE, summit)
    form = GrantRoleForm()
    if form.validate_on_submit():
        try:
            membership = roles.grant_role(current_user, summit, form.email.data,
                                          Role(form.role.data))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(email)s is now %(role)s.", email=membership.user.email,
                    role=ROLE_LABELS[membership.role]), "success")
            return redirect(url_for("summits.people", slug=slug))
    return render_template("summits/people.html", summit=summit, form=form,
                           memberships=roles.members(current_user, summit))


@bp.post("/<slug:slug>/people/<int:membership_id>/revoke")
@login_required
def revoke_role(slug: str, membership_id: int):
    summit = summits.get_by_slug(slug)
    authorize(Permission.ROLES_MANAGE, summit)
    membership = _child(Membership, summit, membership_id)
    attempt(lambda: roles.revoke_role(current_user, membership),
            _("The role has been removed."))
    return redirect(url_for("summits.people", slug=slug))


@bp.get("/<slug:slug>/audit")
@login_required
def audit_log(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.AUDIT_READ, summit)
    object_type = request.args.get("object_type", "")[:64] or None
    object_id = request.args.get("object_id", "")[:64] or None
    page = page_arg()
    entries = audit.list_entries(current_user, summit=summit, object_type=object_type,
                                 object_id=object_id, page=page)
    return render_template("summits/audit.html", summit=summit, entries=entries,
                           rows=audit_words.describe(entries.items),
                           object_type=object_type, object_id=object_id,
                           object_types=audit_words.object_type_choices(audit.object_types()))
