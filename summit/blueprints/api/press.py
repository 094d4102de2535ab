"""Media accreditation over the API: uploads, applications, the officers' queue, decisions and
press badges. Files are uploaded first (``POST /press-files``) and referred to by token."""
import io

from flask import g, jsonify, request, send_file
from flask_babel import gettext as _

from summit.blueprints.api import params
from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import BadgeSize, MediaType, PressApplication, PressRole, PressStatus, ReasonCode
from summit.services.core.errors import NotAllowed
from summit.services.press import (
    access as press_access,
    applications as press,
    badges as press_badges,
    files as press_files,
    queue as press_queue,
    review as press_review,
)
from summit.services.summits import settings as summits

# A photo or a letter and the multipart wrapping: anything larger is a 413 before reading.
MAX_UPLOAD_BYTES = press_files.MAX_LETTER + 64 * 1024


def person_json(person) -> dict:
    return {"id": person.id, "name": person.name, "name_native": person.name_native,
            "name_pinyin": person.name_pinyin, "role": person.role.value,
            "status": person.status.value,
            "reason_code": person.reason_code.value if person.reason_code else None,
            "has_photo": bool(person.photo_token)}


def application_json(application: PressApplication, reviewer: bool = False) -> dict:
    body = {
        "id": application.id, "summit": application.summit.slug,
        "status": application.status.value, "outlet_name": application.outlet_name,
        "media_type": application.media_type.value, "region": application.region,
        "website": application.website, "press_card_number": application.press_card_number,
        "vehicle_plate": application.vehicle_plate, "has_letter": bool(application.letter_token),
        "applicant": person_json(application.people[0]) if application.people else None,
        "crew": [person_json(p) for p in application.crew],
        "equipment": [{"item": e.item, "serial_number": e.serial_number}
                      for e in application.equipment],
        "zones": [z.code for z in application.requested_zones],
        "approved_zones": [z.code for z in application.approved_zones],
        "reason_code": application.reason_code.value if application.reason_code else None,
        "message": application.message,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at
        else None,
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
    }
    if reviewer:
        body["internal_note"] = application.internal_note
        body["card_warning"] = application.card_warning
    return body


# --- reading the body -----------------------------------------------------------------------

APPLICATION_FIELDS = ("outlet_name", "media_type", "region", "website", "press_card_number",
                      "vehicle_plate", "applicant", "crew", "equipment", "zones", "letter",
                      "locale", "submit")
DECISION_FIELDS = ("decision", "reason_code", "message", "internal_note", "zones",
                   "rejected_people")
LOCALES = ("zh_Hans", "zh_Hant", "en")

def _string(payload: dict, name: str, wrong: dict, where: str = "") -> str:
    value = payload.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        wrong[where + name] = _("Must be a string.")
        return ""
    return value


def _choice(payload: dict, name: str, enum, default, wrong: dict, where: str = ""):
    value = payload.get(name)
    if value is None:
        return default
    try:
        return enum(value)
    except (ValueError, TypeError):
        wrong[where + name] = _("One of: %(values)s.", values=", ".join(e.value for e in enum))
        return default


def _person(payload: object, where: str, wrong: dict) -> press.PersonDetails:
    if not isinstance(payload, dict):
        wrong[where.rstrip("-")] = _("Must be an object.")
        return press.PersonDetails()
    return press.PersonDetails(
        name=_string(payload, "name", wrong, where),
        name_native=_string(payload, "name_native", wrong, where),
        role=_choice(payload, "role", PressRole, PressRole.REPORTER, wrong, where),
        photo_token=_string(payload, "photo", wrong, where))


def _list(payload: dict, name: str, wrong: dict) -> list:
    value = payload.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 50:
        wrong[name] = _("Must be a list (at most %(count)d entries).", count=50)
        return []
    return value


def _details(payload: dict) -> tuple[press.ApplicationDetails, bool]:
    wrong: dict = {}
    crew = [_person(member, f"crew-{i}-", wrong)
            for i, member in enumerate(_list(payload, "crew", wrong))]
    equipment = []
    for i, item in enumerate(_list(payload, "equipment", wrong)):
        if not isinstance(item, dict):
            wrong[f"equipment-{i}"] = _("Must be an object.")
            continue
        equipment.append((_string(item, "item", wrong, f"equipment-{i}-"),
                          _string(item, "serial_number", wrong, f"equipment-{i}-")))
    zones = _list(payload, "zones", wrong)
    if not all(isinstance(z, str) for z in zones):
        wrong["zones"] = _("Must be a list of zone codes.")
        zones = []
    submit = payload.get("submit", True)
    if not isinstance(submit, bool):
        wrong["submit"] = _("Must be true or false.")
    locale = payload.get("locale") or "zh_Hans"
    if payload.get("locale") is not None and payload["locale"] not in LOCALES:
        wrong["locale"] = _("One of: %(values)s.", values=", ".join(LOCALES))
    details = press.ApplicationDetails(
        outlet_name=_string(payload, "outlet_name", wrong),
        media_type=_choice(payload, "media_type", MediaType, MediaType.PRINT, wrong),
        region=_string(payload, "region", wrong), website=_string(payload, "website", wrong),
        press_card_number=_string(payload, "press_card_number", wrong),
        vehicle_plate=_string(payload, "vehicle_plate", wrong),
        applicant=_person(payload.get("applicant", {}), "applicant-", wrong), crew=crew,
        equipment=equipment, zone_codes=zones, letter_token=_string(payload, "letter", wrong),
        locale=locale if locale in LOCALES else "zh_Hans")
    if wrong:
        raise BodyError(422, _("Some values have the wrong type."), wrong)
    return details, submit is True


def _load(application_id: int) -> PressApplication:
    application = db.get_or_404(PressApplication, application_id)
    if not press_access.may_view(g.api_user, application):
        raise NotAllowed(_("You do not have permission to do this."))
    return application


def _reply(application: PressApplication, status: int = 200):
    reviewer = press_access.may_review(g.api_user, application.summit)
    return jsonify(application_json(application, reviewer)), status


# --- endpoints ------------------------------------------------------------------------------

@bp.post("/press-files")
@token_required
def upload_press_file():
    """Multipart ``file`` and ``kind`` (photo | letter) → a token to put in an application."""
    request.max_content_length = MAX_UPLOAD_BYTES
    known_fields({**request.form, **request.files}, ["kind", "file"])
    kind = request.form.get("kind", "")
    upload = request.files.get("file")
    if kind not in ("photo", "letter"):
        raise BodyError(422, _("Some values are not valid."), {"kind": _("photo or letter")})
    if upload is None or not upload.filename:
        raise BodyError(422, _("Some values are not valid."), {"file": _("Send a file.")})
    store = press_files.store_photo if kind == "photo" else press_files.store_letter
    token = store(g.api_user.id, upload.read(press_files.MAX_LETTER + 1), upload.filename, "file")
    meta = press_files.meta(token) or {}
    return jsonify({"token": token, "kind": kind, "name": meta.get("name"),
                    "size": meta.get("size")}), 201


@bp.post("/summits/<slug:slug>/press-applications")
@token_required
def create_press_application(slug: str):
    summit = summits.get_by_slug(slug)
    details, submit = _details(known_fields(json_body(), APPLICATION_FIELDS))
    application = press.save_application(g.api_user, summit, details, submit=submit)
    return _reply(application, 201)


@bp.put("/press-applications/<int:application_id>")
@token_required
def update_press_application(application_id: int):
    """The applicant edits a draft, or answers a request for more information."""
    application = _load(application_id)
    details, submit = _details(known_fields(json_body(), APPLICATION_FIELDS))
    press.save_application(g.api_user, application.summit, details, application=application,
                           submit=submit)
    return _reply(application)


@bp.get("/press-applications")
@token_required
def my_press_applications():
    items = press.applications_of(g.api_user)
    return jsonify({"items": [application_json(a) for a in items], "total": len(items)})


@bp.get("/summits/<slug:slug>/press-applications")
@token_required
def list_press_applications(slug: str):
    summit = summits.get_by_slug(slug)
    result = press_queue.queue(
        g.api_user, summit, page=params.page(), per_page=params.per_page(), q=params.text("q"),
        status=params.choice("status", [s.value for s in PressStatus]),
        media_type=params.choice("media_type", [m.value for m in MediaType]),
        warning=params.choice("warning", ["0", "1"], "0") == "1",
        sort=params.choice("sort", press_queue.SORTS, "submitted"))
    return jsonify({"items": [application_json(a, True) for a in result.items],
                    "total": result.total, "page": result.page, "per_page": result.per_page})


@bp.get("/press-applications/<int:application_id>")
@token_required
def get_press_application(application_id: int):
    return _reply(_load(application_id))


@bp.post("/press-applications/<int:application_id>/decision")
@token_required
def decide_press_application(application_id: int):
    application = _load(application_id)
    payload = known_fields(json_body(), DECISION_FIELDS)
    wrong: dict = {}
    reason_code = payload.get("reason_code")
    if reason_code is not None and reason_code not in [r.value for r in ReasonCode]:
        wrong["reason_code"] = _("One of: %(values)s.",
                                 values=", ".join(r.value for r in ReasonCode))
    decision = press_review.Decision(
        decision=_string(payload, "decision", wrong),
        reason_code=_string(payload, "reason_code", wrong),
        message=_string(payload, "message", wrong),
        internal_note=_string(payload, "internal_note", wrong))
    if payload.get("zones") is not None:
        zones = _list(payload, "zones", wrong)
        if all(isinstance(z, str) for z in zones):
            decision.zone_codes = zones
        else:
            wrong["zones"] = _("Must be a list of zone codes.")
    people = _list(payload, "rejected_people", wrong)
    if wrong:
        raise BodyError(422, _("Some values have the wrong type."), wrong)
    decision.rejected_people = press_review.parse_people(people)
    press_review.decide(g.api_user, application, decision)
    return _reply(application)


@bp.get("/press-applications/<int:application_id>/badge.pdf")
@token_required
def press_badge(application_id: int):
    """``?person=<id>`` for a crew member's badge; the applicant's without it."""
    application = _load(application_id)
    person = params.whole("person", None, 1, params.MAX_ID)
    size = BadgeSize(params.badge_size())
    badge = press_badges.badge_for_download(g.api_user, application, person)
    return send_file(io.BytesIO(press_badges.render_badge(badge, size)),
                     mimetype="application/pdf",
                     download_name=f"press-badge-{application.id}-{badge.press_person_id}.pdf")
