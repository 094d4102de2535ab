"""Registrations over the API: public submission, the organiser's list and decisions."""
from flask import g, jsonify
from flask_babel import gettext as _
from wtforms import SelectChoice

from summit.blueprints.api import params
from summit.blueprints.api.auth import (
    BodyError,
    form_data,
    form_errors,
    json_body,
    known_fields,
    token_required,
)
from summit.blueprints.api.blueprint import bp
from summit.blueprints.registrations.forms import RegistrationForm
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Delegation,
    Diet,
    IdDocumentType,
    Registration,
    RegistrationStatus,
    Summit,
)
from summit.permissions import Permission, can
from summit.services.core.errors import NotAllowed
from summit.services.core.validation import mask_id, mask_phone
from summit.services.registration import (
    lists as registration_lists,
    review as registration_review,
    submission as registrations,
)
from summit.services.summits import settings as summits

FIELDS = ["name", "name_native", "name_pinyin", "organisation_name", "position", "category",
          "email", "phone", "invitation_code", "id_type", "id_number", "diet", "diet_note",
          "accessibility", "hotel", "room_sharing", "locale"]
# The API says "organization" where the form (and the database) say "organisation_name".
API_NAMES = {"organisation_name": "organization"}
API_FIELDS = [API_NAMES.get(name, name) for name in FIELDS]
LOCALES = ("zh_Hans", "zh_Hant", "en")


def _api_names(errors: dict) -> dict:
    return {API_NAMES.get(name, name): message for name, message in errors.items()}


def registration_json(registration: Registration, private: bool = False) -> dict:
    return _json(registration, registration.id, registration.summit, registration.category,
                 registration.delegation, private)


def submission_json(submission: registrations.PublicSubmission) -> dict:
    """The answer to a public submission. Without proof of the address (``discreet``) it has
    no id, so a taken address and a new one read the same."""
    registration = submission.registration
    if registration is not None and not submission.discreet:
        return registration_json(registration)
    return _json(submission.preview, None, submission.summit, submission.category,
                 submission.delegation, False)


def _json(registration: Registration, id_: int | None, summit: Summit,
          category: AttendeeCategory, delegation: Delegation | None, private: bool) -> dict:
    return {
        "id": id_,
        "summit": summit.slug,
        "status": registration.status.value,
        "status_reason": registration.status_reason,
        "name": registration.name,
        "name_native": registration.name_native,
        "name_pinyin": registration.name_pinyin,
        "organization": registration.organisation_name,
        "position": registration.position,
        "category": category.code,
        "delegation": delegation.name if delegation else None,
        "email": registration.email,
        "phone": registration.phone if private else mask_phone(registration.phone),
        "id_number": registration.id_number if private else mask_id(registration.id_number),
        "created_at": registration.created_at.isoformat(),
    }


@bp.post("/summits/<slug:slug>/registrations")
def create_registration(slug: str):
    summit = summits.get_by_slug(slug)
    payload = dict(known_fields(json_body(), API_FIELDS))
    if "organization" in payload:
        payload["organisation_name"] = payload.pop("organization")
    try:
        formdata = form_data(payload, FIELDS)
    except BodyError as error:
        raise BodyError(error.status, error.message, _api_names(error.fields)) from None
    form = RegistrationForm(formdata=formdata, meta={"csrf": False})
    form.category.choices = [SelectChoice(c.code, c.code) for c in summit.categories]
    valid = form.validate()
    errors = form_errors(form)
    if "locale" in formdata and formdata["locale"] not in LOCALES:
        errors["locale"] = _("One of: %(choices)s.", choices=", ".join(LOCALES))
    if not valid or errors:
        raise BodyError(422, _("Some values are not valid."), _api_names(errors))
    locale = formdata.get("locale", "zh_Hans")
    text = {name: getattr(form, name).data or "" for name in (
        "name", "name_native", "name_pinyin", "organisation_name", "position", "email", "phone",
        "id_number", "diet_note", "accessibility", "hotel", "room_sharing")}
    details = registrations.RegistrationDetails(
        category=form.category.data, diet=Diet(form.diet.data),
        id_type=IdDocumentType(form.id_type.data) if form.id_type.data else None,
        locale=locale, **text)
    submission = registrations.submit_registration(
        summit, details, actor=g.get("api_user"),
        invitation_code=form.invitation_code.data or None)
    return jsonify(submission_json(submission)), 201


@bp.get("/summits/<slug:slug>/registrations")
@token_required
def list_registrations(slug: str):
    summit = summits.get_by_slug(slug)
    result = registration_lists.list_registrations(
        g.api_user, summit, page=params.page(), per_page=params.per_page(),
        q=params.text("q"), status=params.choice("status", [s.value for s in RegistrationStatus]),
        category=params.text("category", 32),
        sort=params.choice("sort", registration_lists.SORTS, "name"))
    return jsonify({"items": [registration_json(r) for r in result.items],
                    "total": result.total, "page": result.page, "per_page": result.per_page})


def _registration_for_staff(registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    if not can(g.api_user, Permission.REGISTRATIONS_MANAGE, registration.summit):
        raise NotAllowed(_("You do not have permission to do this."))
    return registration


@bp.post("/registrations/<int:registration_id>/approve")
@token_required
def approve_registration(registration_id: int):
    registration = _registration_for_staff(registration_id)
    registration_review.approve_registration(g.api_user, registration)
    return jsonify(registration_json(registration))


@bp.post("/registrations/<int:registration_id>/reject")
@token_required
def reject_registration(registration_id: int):
    registration = _registration_for_staff(registration_id)
    payload = known_fields(json_body(), ["reason"])
    reason = payload.get("reason", "")
    if not isinstance(reason, str):
        raise BodyError(422, _("Some values have the wrong type."),
                        {"reason": _("Must be a string.")})
    registration_review.reject_registration(g.api_user, registration, reason)
    return jsonify(registration_json(registration))
