"""Registration pages: the public form and its thanks, a person's own registrations with
their edit and cancel, the registration's page, delegations and invitations. The organiser's
list and its decisions are in ``moderation``."""
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from summit.blueprints.badges.forms import RevokeForm
from summit.blueprints.desk.forms import SubstituteForm
from summit.blueprints.registrations.blueprint import bp
from summit.blueprints.registrations.forms import (
    DelegationForm,
    InvitationForm,
    RegistrationForm,
    RejectForm,
)
from summit.database import utcnow
from summit.extensions import db
from summit.forms import show_domain_error
from summit.i18n import language, select_locale
from summit.models import Delegation, Diet, IdDocumentType, Registration, RegistrationStatus
from summit.permissions import Permission, authorize, can
from summit.services.badges import issuing as badges
from summit.services.core.errors import DomainError
from summit.services.core.validation import mask_id, mask_phone
from summit.services.desk import (
    aides as desk_aides,
    printing as desk_printing,
    substitutes as desk_substitutes,
)
from summit.services.privacy import notices
from summit.services.protocol import banquet as protocol_tables
from summit.services.reception import (
    rooms as reception_rooms,
    transport as reception_transport,
    trips as reception_trips,
)
from summit.services.registration import (
    delegations,
    editing as registration_editing,
    lists as registration_lists,
    review as registration_review,
    submission as registrations,
)
from summit.services.summits import settings as summits


def _category_choices(form: RegistrationForm, summit, include_closed: bool) -> None:
    lang = language()
    form.category.choices = [
        SelectChoice(c.code, c.label(lang) + ("" if c.public else " · " + _("by invitation")))
        for c in summit.categories if c.public or include_closed]


TEXT_FIELDS = ("name", "name_native", "name_pinyin", "organisation_name", "position", "email",
               "phone", "id_number", "diet_note", "accessibility", "arrival_transport",
               "departure_transport", "hotel", "room_sharing")
VALUE_FIELDS = ("arrival_date", "arrival_time", "arrival_pickup", "departure_date",
                "departure_time", "departure_pickup")


def _details(form: RegistrationForm) -> registrations.RegistrationDetails:
    data = {name: getattr(form, name).data or "" for name in TEXT_FIELDS}
    data.update({name: getattr(form, name).data for name in VALUE_FIELDS})
    return registrations.RegistrationDetails(
        category=form.category.data or "", diet=Diet(form.diet.data),
        id_type=IdDocumentType(form.id_type.data) if form.id_type.data else None,
        locale=select_locale(), **data)


def load_registration(registration_id: int) -> Registration:
    return db.get_or_404(Registration, registration_id)


# --- public form and self-service --------------------------------------------------------

@bp.route("/summits/<slug:slug>/register", methods=["GET", "POST"])
def register(slug: str):
    summit = summits.get_by_slug(slug)
    is_open = registrations.registration_open(summit, utcnow())
    form = RegistrationForm()
    _category_choices(form, summit, include_closed=True)
    if request.method == "GET":
        if current_user.is_authenticated:
            form.email.data = current_user.email
            form.name.data = current_user.name
        if request.args.get("code"):
            form.invitation_code.data = request.args["code"][:32]
        default = registrations.default_category(summit)
        if default is not None:
            form.category.data = default.code
    # Without JavaScript, "Give an ID number" posts the form back only to show the ID fields.
    revealing = request.method == "POST" and bool(request.form.get("reveal_id"))
    valid = form.validate_on_submit() and not revealing
    if revealing:
        form.sensitive_consent.data = True
        for name, bound in form._fields.items():
            bound.errors = [] if name != "csrf_token" else bound.errors
    if is_open and form.is_submitted() and not revealing:
        # The category is checked with the other fields: every error shows at once.
        problem = registrations.category_problem(summit, form.category.data,
                                                 form.invitation_code.data)
        if problem is not None and not form.category.errors:
            form.category.errors = [*form.category.errors, problem]
            valid = False
    if is_open and valid:
        details = _details(form)
        details.consent = form.consent.data
        details.sensitive_consent = form.sensitive_consent.data
        try:
            submission = registrations.submit_registration(
                summit, details,
                actor=current_user if current_user.is_authenticated else None,
                invitation_code=form.invitation_code.data or None)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            # The same words for a taken address (its owner was emailed): see the service.
            if submission.status is RegistrationStatus.WAITLISTED:
                flash(_("The summit is full: you are on the waiting list. We have emailed "
                        "you."), "warning")
            else:
                flash(_("Thank you, your registration has been received. We have emailed "
                        "you a confirmation."), "success")
            return redirect(url_for("registrations.thanks", slug=slug))
    notice_version, notice_text = notices.text_of(summit, select_locale())
    return render_template("registrations/form.html", summit=summit, form=form,
                           is_open=is_open, registration=None, notice_text=notice_text,
                           notice_version=notice_version,
                           id_categories=[c for c in summit.categories if c.id_required])


@bp.get("/summits/<slug:slug>/register/thanks")
def thanks(slug: str):
    return render_template("registrations/thanks.html", summit=summits.get_by_slug(slug))


@bp.get("/registrations/mine")
@login_required
def mine():
    own = registration_lists.registrations_of(current_user)
    return render_template("registrations/mine.html", registrations=own,
                           pickups=reception_transport.pickups_of([r.id for r in own]),
                           rooms=reception_rooms.rooms_of([r.id for r in own]),
                           local=reception_trips.local_time,
                           tables={r.id: protocol_tables.tables_of(r) for r in own
                                   if r.status.value == "approved"},
                           own_delegations=delegations.delegations_of_registrar(current_user))


def _owner_or_staff(registration: Registration) -> None:
    if not registration_editing.may_manage(current_user, registration):
        abort(403)


@bp.route("/registrations/<int:registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(registration_id: int):
    registration = load_registration(registration_id)
    _owner_or_staff(registration)
    summit = registration.summit
    staff = can(current_user, Permission.REGISTRATIONS_MANAGE, summit)
    details = registrations.details_of(registration)
    form = RegistrationForm(data={**details.__dict__, "diet": details.diet.value,
                                  "id_type": details.id_type.value if details.id_type else ""})
    _category_choices(form, summit, include_closed=True)
    if not staff:
        form.category.render_kw = {"disabled": True}
        form.email.render_kw = {"readonly": True}
    if form.validate_on_submit():
        new = _details(form)
        if not staff:
            new.category, new.email = registration.category.code, registration.email
        try:
            registration_editing.update_registration(current_user, registration, new)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The registration has been saved."), "success")
            return redirect(url_for("registrations.detail", registration_id=registration.id))
    return render_template("registrations/form.html", summit=summit, form=form, is_open=True,
                           registration=registration)


@bp.get("/registrations/<int:registration_id>")
@login_required
def detail(registration_id: int):
    registration = load_registration(registration_id)
    _owner_or_staff(registration)
    return render_template("registrations/detail.html", registration=registration,
                           summit=registration.summit, reject_form=RejectForm(),
                           revoke_form=RevokeForm(), badge=badges.badge_of(registration),
                           show_private=True, mask_phone=mask_phone, mask_id=mask_id,
                           prints=desk_printing.history(registration),
                           print_labels=desk_printing, substitutes=desk_substitutes,
                           substitute_form=SubstituteForm(), refuse_form=RejectForm(),
                           aide_roles=desk_aides.ROLE_LABELS, aide_rules=desk_aides)


@bp.post("/registrations/<int:registration_id>/cancel")
@login_required
def cancel(registration_id: int):
    registration = load_registration(registration_id)
    _owner_or_staff(registration)
    try:
        registration_review.cancel_registration(current_user, registration)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The registration has been cancelled."), "success")
    return redirect(url_for("registrations.detail", registration_id=registration.id))


# --- moderation --------------------------------------------------------------------------

# --- delegations and invitations ---------------------------------------------------------

@bp.route("/summits/<slug:slug>/delegations", methods=["GET", "POST"])
@login_required
def delegation_list(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.REGISTRATIONS_MANAGE, summit)
    form = DelegationForm()
    if form.validate_on_submit():
        try:
            delegation = delegations.save_delegation(
                current_user, summit, name=form.name.data, county=form.county.data or "",
                quota=form.quota.data, registrar_email=form.registrar_email.data or None)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Delegation %(name)s saved.", name=delegation.name), "success")
            return redirect(url_for("registrations.delegation_list", slug=slug))
    return render_template("registrations/delegations.html", summit=summit, form=form,
                           used=registration_lists.places_used(summit))


@bp.route("/delegations/<int:delegation_id>", methods=["GET", "POST"])
@login_required
def delegation(delegation_id: int):
    delegation = db.get_or_404(Delegation, delegation_id)
    summit = delegation.summit
    staff = can(current_user, Permission.REGISTRATIONS_MANAGE, summit)
    if delegation.registrar_id != current_user.id and not staff:
        abort(403)
    form = RegistrationForm()
    _category_choices(form, summit, include_closed=True)
    if form.validate_on_submit():
        try:
            registration = registrations.register_delegate(summit, _details(form),
                                                           actor=current_user,
                                                           delegation=delegation)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("%(name)s added to the delegation.", name=registration.name), "success")
            return redirect(url_for("registrations.delegation", delegation_id=delegation.id))
    members = registration_lists.delegation_members(current_user, delegation)
    used = registration_lists.places_used(summit).get(delegation.id, 0)
    return render_template("registrations/delegation.html", summit=summit,
                           delegation=delegation, members=members, form=form, used=used,
                           mask_phone=mask_phone)


@bp.route("/summits/<slug:slug>/invitations", methods=["GET", "POST"])
@login_required
def invitation_list(slug: str):
    summit = summits.get_by_slug(slug)
    authorize(Permission.REGISTRATIONS_MANAGE, summit)
    form = InvitationForm()
    lang = language()
    form.category.choices = [SelectChoice("", _("Any category"))] + [
        SelectChoice(c.code, c.label(lang)) for c in summit.categories]
    form.delegation.choices = [SelectChoice("", _("No delegation"))] + [
        SelectChoice(str(d.id), d.name) for d in summit.delegations]
    if form.validate_on_submit():
        category = next((c for c in summit.categories if c.code == form.category.data), None)
        chosen = next((d for d in summit.delegations if str(d.id) == form.delegation.data), None)
        expires_at = None
        if form.expires_on.data:
            expires_at = datetime.combine(form.expires_on.data, time(23, 59, 59),
                                          tzinfo=ZoneInfo(summit.timezone)
                                          ).astimezone(UTC)
        try:
            invitation = delegations.create_invitation(
                current_user, summit, category=category, delegation=chosen,
                max_uses=form.max_uses.data, expires_at=expires_at, note=form.note.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Invitation code %(code)s created.", code=invitation.code), "success")
            return redirect(url_for("registrations.invitation_list", slug=slug))
    return render_template("registrations/invitations.html", summit=summit, form=form,
                           invitations=delegations.invitations(current_user, summit))
