"""Press applications: the applicant's side (draft, submit, resubmit, withdraw), who may see
one, and the officers' queue. Decisions and quotas live in ``press.review``.

Who applies: any signed-in account with a verified email (journalists sign up themselves, as
delegates do); the summit's ``press`` role is not needed to apply. Reviewing needs
``press.review`` (media officers, organisers, admins).

State machine (docs/architecture.md): draft -> submitted; submitted -> needs_info -> submitted;
submitted | waitlisted -> approved | rejected; submitted -> waitlisted; approved -> revoked;
any -> withdrawn. Every transition writes the audit log.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    MediaType,
    PersonStatus,
    PressApplication,
    PressEquipment,
    PressPerson,
    PressRole,
    PressStatus,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit, names
from summit.services.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from summit.services.core.validation import has_bad_characters, mask_id
from summit.services.press import badges as press_badges, files as press_files, mail as press_mail
from summit.services.press.access import may_review, require_view
from summit.services.press.labels import STATUS_LABELS
from summit.services.privacy import notices
from summit.services.summits.settings import utc_to_local

P = PressStatus
# A national press card (新闻记者证) number: 15 digits. Others only warn the officer.
PRESS_CARD = re.compile(r"\d{15}\Z")
PLATE = re.compile(r"[\u4e00-\u9fffA-Z0-9·-]{5,10}\Z")
WEBSITE = re.compile(r"https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)
MAX_CREW = 8
MAX_EQUIPMENT = 20
EDITABLE = (P.DRAFT, P.NEEDS_INFO)
# An account has at most one application per summit in these states.
ACTIVE = (P.DRAFT, P.SUBMITTED, P.NEEDS_INFO, P.APPROVED, P.WAITLISTED)



@dataclass
class PersonDetails:
    name: str = ""
    name_native: str = ""
    role: PressRole = PressRole.REPORTER
    photo_token: str = ""


@dataclass
class ApplicationDetails:
    outlet_name: str = ""
    media_type: MediaType = MediaType.PRINT
    region: str = ""
    website: str = ""
    press_card_number: str = ""
    vehicle_plate: str = ""
    applicant: PersonDetails = field(default_factory=PersonDetails)
    crew: list[PersonDetails] = field(default_factory=list)
    equipment: list[tuple[str, str]] = field(default_factory=list)
    zone_codes: list[str] = field(default_factory=list)
    letter_token: str = ""
    locale: str = "zh_Hans"
    # The personal-data notice (None: not asked, as the API does) and the separate consent
    # without which no press card number or photo is taken (docs/privacy.md).
    consent: bool | None = None
    sensitive_consent: bool = False


def details_of(application: PressApplication) -> ApplicationDetails:
    people = [PersonDetails(p.name, p.name_native, p.role, p.photo_token)
              for p in application.people] or [PersonDetails()]
    return ApplicationDetails(
        outlet_name=application.outlet_name, media_type=application.media_type,
        region=application.region, website=application.website,
        press_card_number=application.press_card_number,
        vehicle_plate=application.vehicle_plate, applicant=people[0], crew=people[1:],
        equipment=[(e.item, e.serial_number) for e in application.equipment],
        zone_codes=[z.code for z in application.requested_zones],
        letter_token=application.letter_token, locale=application.locale)


def outlet_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()[:200]


def card_looks_wrong(number: str) -> bool:
    return bool(number) and not PRESS_CARD.match(number)


def accreditation_open(summit: Summit, now: datetime) -> bool:
    return summit.press_enabled and (summit.press_deadline is None
                                     or now <= summit.press_deadline)


def require_open(summit: Summit, now: datetime) -> None:
    if not summit.press_enabled:
        raise Conflict(_l("This summit does not accredit media."))
    if summit.press_deadline is not None and now > summit.press_deadline:
        local = utc_to_local(summit.press_deadline, summit.timezone)
        raise Conflict(_l("Media accreditation closed on %(deadline)s (%(zone)s).",
                          deadline=local.strftime("%Y-%m-%d %H:%M"), zone=summit.timezone))


# --- checks -------------------------------------------------------------------------------

def _text(value: str, limit: int, field_name: str, required: bool = False,
          message: object = None) -> str:
    value = (value or "").strip()
    if has_bad_characters(value, multiline=False):
        raise ValidationFailed(_l("Remove control characters or line breaks from this field."),
                               field_name)
    if required and not value:
        raise ValidationFailed(message or _l("This field is required."), field_name)
    if len(value) > limit:
        raise ValidationFailed(_l("At most %(count)d characters.", count=limit), field_name)
    return value


def _own_file(actor: User, application: PressApplication | None, token: str, kind: str,
              field_name: str) -> str:
    """A file token the actor uploaded (or one the application already holds)."""
    if not token:
        return ""
    attached = set()
    if application is not None:
        attached = {application.letter_token} | {p.photo_token for p in application.people}
    if token in attached:
        return token
    meta = press_files.meta(token, staged=True)
    if meta is None or meta.get("kind") != kind or meta.get("user_id") != actor.id:
        raise ValidationFailed(_l("This upload has expired. Upload the file again."), field_name)
    return token


def _check(actor: User, summit: Summit, application: PressApplication | None,
           details: ApplicationDetails, complete: bool) -> ApplicationDetails:
    """Shape and rules of the details; ``complete`` when submitting (everything required)."""
    d = details
    d.outlet_name = _text(d.outlet_name, 200, "outlet_name", complete,
                          _l("Enter the outlet's name."))
    d.region = _text(d.region, 100, "region")
    d.website = _text(d.website, 200, "website")
    if d.website and not WEBSITE.match(d.website):
        raise ValidationFailed(_l("A web address starts with http:// or https://."), "website")
    d.press_card_number = _text(d.press_card_number, 32, "press_card_number").upper()
    d.vehicle_plate = _text(d.vehicle_plate, 16, "vehicle_plate").upper().replace(" ", "")
    if d.vehicle_plate and not PLATE.match(d.vehicle_plate):
        raise ValidationFailed(_l("A plate looks like 川A12345."), "vehicle_plate")
    d.applicant.name = _text(d.applicant.name, 100, "name", complete,
                             _l("Enter the name as on the ID document."))
    d.applicant.name_native = _text(d.applicant.name_native, 200, "name_native")
    d.applicant.photo_token = _own_file(actor, application, d.applicant.photo_token, "photo",
                                        "photo")
    if complete and not d.applicant.photo_token:
        raise ValidationFailed(_l("Add the applicant's photo."), "photo")
    crew = []
    for index, member in enumerate(d.crew):
        if not (member.name.strip() or member.name_native.strip() or member.photo_token):
            continue  # a blank row of the form
        prefix = f"crew-{index}-"
        member.name = _text(member.name, 100, prefix + "name", True,
                            _l("Enter the crew member's name as on the ID document."))
        member.name_native = _text(member.name_native, 200, prefix + "name_native")
        member.photo_token = _own_file(actor, application, member.photo_token, "photo",
                                       prefix + "photo")
        if complete and not member.photo_token:
            raise ValidationFailed(_l("Add this crew member's photo."), prefix + "photo")
        crew.append(member)
    if len(crew) > MAX_CREW:
        raise ValidationFailed(_l("At most %(count)d crew members.", count=MAX_CREW), "crew")
    d.crew = crew
    equipment = []
    for index, (item, serial) in enumerate(d.equipment):
        item, serial = (item or "").strip(), (serial or "").strip()
        if not item and not serial:
            continue
        prefix = f"equipment-{index}-"
        item = _text(item, 100, prefix + "item", True, _l("Name the item."))
        serial = _text(serial, 64, prefix + "serial_number")
        equipment.append((item, serial))
    if len(equipment) > MAX_EQUIPMENT:
        raise ValidationFailed(_l("At most %(count)d items.", count=MAX_EQUIPMENT), "equipment")
    d.equipment = equipment
    known = {zone.code for zone in summit.zones}
    unknown = [code for code in d.zone_codes if code not in known]
    if unknown:
        raise ValidationFailed(_l("Unknown zones: %(codes)s", codes=", ".join(unknown)),
                               "zones")
    if complete and not d.zone_codes:
        raise ValidationFailed(_l("Choose at least one zone."), "zones")
    d.letter_token = _own_file(actor, application, d.letter_token, "letter", "letter")
    if complete and not d.letter_token:
        raise ValidationFailed(_l("Add the assignment letter (PDF)."), "letter")
    return d


AUDITED = ("outlet_name", "media_type", "region", "website", "press_card_number",
           "vehicle_plate", "status", "letter_token")


def _snapshot(application: PressApplication) -> dict:
    data = audit.snapshot(application, AUDITED)
    # The audit log keeps the shape of a change, never a full card number (docs/privacy.md).
    data["press_card_number"] = mask_id(application.press_card_number)
    data["people"] = [{"name": p.name, "role": p.role.value, "photo": bool(p.photo_token),
                       "status": p.status.value} for p in application.people]
    data["equipment"] = [[e.item, e.serial_number] for e in application.equipment]
    data["zones"] = [z.code for z in application.requested_zones]
    return data


def _person(person: PressPerson, details: PersonDetails, position: int) -> None:
    person.position = position
    person.name = details.name
    person.name_native = details.name_native
    person.role = details.role
    person.photo_token = details.photo_token
    tibetan = names.has_tibetan(details.name_native)
    person.name_pinyin = names.pinyin_name(details.name, no_surname=tibetan)[:100] \
        if details.name else ""


def _apply(summit: Summit, application: PressApplication, d: ApplicationDetails) -> None:
    application.outlet_name = d.outlet_name
    application.outlet_key = outlet_key(d.outlet_name)
    application.media_type = d.media_type
    application.region = d.region
    application.website = d.website
    application.press_card_number = d.press_card_number
    application.card_warning = card_looks_wrong(d.press_card_number)
    application.vehicle_plate = d.vehicle_plate
    if d.letter_token != application.letter_token:
        meta = press_files.meta(d.letter_token) if d.letter_token else None
        application.letter_name = (meta or {}).get("name", "")[:200]
    application.letter_token = d.letter_token
    application.locale = d.locale if d.locale in ("zh_Hans", "zh_Hant", "en") else "zh_Hans"
    wanted = [d.applicant, *d.crew]
    people = list(application.people)
    for position, person_details in enumerate(wanted):
        if position < len(people):
            _person(people[position], person_details, position)
        else:
            person = PressPerson()
            _person(person, person_details, position)
            application.people.append(person)
    for extra in people[len(wanted):]:
        application.people.remove(extra)
    application.equipment = [PressEquipment(position=i, item=item, serial_number=serial)
                             for i, (item, serial) in enumerate(d.equipment)]
    by_code = {zone.code: zone for zone in summit.zones}
    application.requested_zones = [by_code[c] for c in dict.fromkeys(d.zone_codes)]


# --- the applicant's use cases -------------------------------------------------------------

def _require_applicant(actor: User | None) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_l("Please log in first."))
    if not actor.email_verified:
        raise NotAllowed(_l("Confirm your email address first: we sent you a link."))
    return actor


def application_of(actor: User, summit: Summit) -> PressApplication | None:
    return db.session.scalar(db.select(PressApplication).where(
        PressApplication.summit_id == summit.id, PressApplication.user_id == actor.id,
        PressApplication.status.in_(ACTIVE)).order_by(PressApplication.id.desc()))


def _check_consent(details: ApplicationDetails, submit: bool) -> None:
    """The notice must be agreed to; without the separate consent the press card number and
    photos posted anyway are dropped, and an application cannot be submitted (a badge needs
    them)."""
    if details.consent is None:
        return
    if not details.consent:
        raise ValidationFailed(_l("Agree to the personal-data notice to apply."), "consent")
    if details.sensitive_consent:
        return
    details.press_card_number = ""
    for person in [details.applicant, *details.crew]:
        person.photo_token = ""
    if submit:
        raise ValidationFailed(_l(
            "Media accreditation needs the press card number and a photo of each person for "
            "the badge and the security check: tick the separate consent for them."),
            "sensitive_consent")


def save_application(actor: User | None, summit: Summit, details: ApplicationDetails, *,
                     application: PressApplication | None = None, submit: bool = False,
                     now: datetime | None = None) -> PressApplication:
    """Create or edit a draft (or an application that needs more information), and submit it
    when ``submit``. Refused when the summit takes no press, or after its deadline (except
    answering an officer's request for more information)."""
    now = now or utcnow()
    actor = _require_applicant(actor)
    if application is None:
        require_open(summit, now)
        if application_of(actor, summit) is not None:
            raise Conflict(_l("You already have an application for this summit: open it from "
                              "\"My press applications\"."))
    else:
        # Officers may correct an application too (e.g. a typo they were told about by phone).
        if application.user_id != actor.id and not may_review(actor, summit):
            raise NotAllowed(_l("You do not have permission to do this."))
        if application.status not in EDITABLE:
            raise Conflict(_l("An application that is %(status)s cannot be changed.",
                              status=STATUS_LABELS[application.status]), "status")
        if application.status is P.DRAFT:
            require_open(summit, now)
    _check_consent(details, submit)
    details = _check(actor, summit, application, details, complete=submit)
    new = application is None
    if new:
        application = PressApplication(summit=summit, user_id=actor.id, status=P.DRAFT,
                                       created_at=now)
        db.session.add(application)
        before = None
    else:
        before = _snapshot(application)
    _apply(summit, application, details)
    if details.consent:
        if application.consent_notice_id is None or new:
            application.consent_notice_id = notices.current_for_consent(summit).id
            application.consented_at = now
        application.sensitive_consent = details.sensitive_consent
    application.updated_at = now
    resubmitted = submit and application.status is P.NEEDS_INFO
    if submit:
        application.status = P.SUBMITTED
        application.submitted_at = now
        for person in application.people:
            person.status = PersonStatus.PENDING
            person.reason_code = None
    db.session.flush()
    action = ("press.resubmit" if resubmitted else "press.submit") if submit else \
        ("press.create" if new else "press.update")
    audit.record(actor, action, application, summit=summit, now=now, before=before,
                 after=_snapshot(application))
    db.session.commit()
    if submit:
        press_mail.send(application, "press_received")
    return application


def withdraw(actor: User, application: PressApplication,
             now: datetime | None = None) -> PressApplication:
    """The applicant withdraws: badges already issued stop opening gates."""
    now = now or utcnow()
    if application.user_id != getattr(actor, "id", None):
        require(actor, Permission.PRESS_REVIEW, application.summit)
    if application.status in (P.WITHDRAWN, P.REJECTED, P.REVOKED):
        raise Conflict(_l("An application that is %(status)s cannot be changed.",
                          status=STATUS_LABELS[application.status]), "status")

    before = {"status": application.status.value}
    application.status = P.WITHDRAWN
    press_badges.revoke_all(application, str(_l("Withdrawn by the applicant")), now)
    audit.record(actor, "press.withdraw", application, summit=application.summit, now=now,
                 before=before, after={"status": P.WITHDRAWN.value})
    db.session.commit()
    return application


# --- reading ------------------------------------------------------------------------------

def applications_of(actor: User) -> list[PressApplication]:
    return list(db.session.scalars(
        db.select(PressApplication).where(PressApplication.user_id == actor.id)
        .options(db.joinedload(PressApplication.summit),
                 db.selectinload(PressApplication.people))
        .order_by(PressApplication.created_at.desc())))


def file_of(actor: User | None, application: PressApplication, token: str) -> tuple[bytes, dict]:
    """A letter or photo of the application, for the applicant and the summit's reviewers."""
    require_view(actor, application)
    tokens = {application.letter_token} | {p.photo_token for p in application.people}
    if not token or token not in tokens:
        raise NotFound(_l("This file does not exist."))
    return press_files.load(token)
