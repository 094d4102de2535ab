"""Deletion and anonymisation: a person on request, or a whole summit once its retention
period has run out. Names become a stable pseudonym; ID numbers, phones, emails, photos,
letters, travel and rooms are erased, and files deleted from storage; rows, statuses,
check-ins and agreement amounts stay, so counts and dashboards do not change; the audit log
keeps its shape with the personal values replaced; badges are revoked. What the law keeps
(agreement records) is kept, and said."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from summit import sealing
from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AgreementParty,
    AuditEntry,
    Badge,
    CardPrint,
    PressApplication,
    PressPerson,
    Registration,
    RoomAssignment,
    SentEmail,
    Summit,
    TablePlacement,
    TransferPassenger,
    Trip,
    Vehicle,
)
from summit.permissions import Permission, require
from summit.services.accounts import logins, users as accounts
from summit.services.core import audit
from summit.services.press import files as press_files
from summit.services.privacy import mydata

if TYPE_CHECKING:
    from summit.models import User

ANONYMISED_DOMAIN = "anonymised.invalid"
REVOKED_REASON = "personal data erased"
# Keys of audit before/after values that name a person or hold their data.
NAME_KEYS = {"name", "name_native", "name_pinyin"}
ERASED_KEYS = {"email", "phone", "id_number", "press_card_number", "vehicle_plate", "hotel",
               "room_sharing", "letter_token", "diet_note", "accessibility",
               "arrival_transport", "departure_transport", "people", "equipment",
               "status_reason", "message", "internal_note"}


def pseudonym(identity: str) -> str:
    """The same person always gets the same pseudonym (a keyed hash of who they were), and
    nobody can go back from it without the data key."""
    return "匿名-" + sealing.keyring().digest("person:" + identity.strip().lower())[:8].upper()


def _scrub(values: dict[str, Any] | None, alias: str) -> dict[str, Any] | None:
    if not values:
        return values
    scrubbed = dict(values)
    for key in scrubbed:
        if key in NAME_KEYS and scrubbed[key]:
            scrubbed[key] = alias
        elif key in ERASED_KEYS and scrubbed[key]:
            scrubbed[key] = [] if isinstance(scrubbed[key], list) else ""
    return scrubbed


def _scrub_audit(object_type: str, aliases: dict[int, str]) -> None:
    """Scrub the entries about these objects (id -> the pseudonym to write), in batches."""
    keys = {str(object_id): alias for object_id, alias in aliases.items()}
    ordered = list(keys)
    for start in range(0, len(ordered), 500):
        for entry in db.session.scalars(db.select(AuditEntry).where(
                AuditEntry.object_type == object_type,
                AuditEntry.object_id.in_(ordered[start:start + 500]))):
            alias = keys[entry.object_id]
            entry.before = _scrub(entry.before, alias)
            entry.after = _scrub(entry.after, alias)


def _revoke(badges: list[Badge], now: datetime) -> None:
    for badge in badges:
        if badge.revoked_at is None:
            badge.revoked_at = now
            badge.revoked_reason = REVOKED_REASON
        badge.version += 1  # old prints stop at the gate


def anonymise_registration(registration: Registration, alias: str) -> None:
    r = registration
    r.name = r.name_pinyin = alias
    r.name_native = ""
    r.search_key = r.sort_key = alias.lower()
    r.email = f"{alias.lower()}.{r.id}@{ANONYMISED_DOMAIN}"
    r.phone = r.id_number = r.diet_note = r.accessibility = r.status_reason = ""
    r.id_type = None
    r.arrival_date = r.arrival_time = r.departure_date = r.departure_time = None
    r.arrival_transport = r.departure_transport = r.hotel = r.room_sharing = ""
    r.arrival_pickup = r.departure_pickup = False
    r.user_id = None


def anonymise_press_application(application: PressApplication, alias: str) -> None:
    a = application
    for token in [a.letter_token, *(p.photo_token for p in a.people)]:
        if token:
            press_files.discard(token)
    a.press_card_number = a.vehicle_plate = a.letter_token = a.letter_name = ""
    a.message = a.internal_note = ""
    a.user_id = None
    for person in a.people:
        person.name = person.name_pinyin = alias if person.position == 0 else \
            f"{alias}-{person.position}"
        person.name_native = person.photo_token = ""
    for item in a.equipment:
        item.serial_number = ""


@dataclass
class Erasure:
    registrations: int = 0
    press_applications: int = 0
    kept: list[str] = field(default_factory=list)


def _erase(registrations: list[Registration], applications: list[PressApplication],
           alias_of, now: datetime) -> Erasure:
    result = Erasure(len(registrations), len(applications))
    registration_ids = [r.id for r in registrations]
    person_ids = [p.id for a in applications for p in a.people]
    badges = list(db.session.scalars(db.select(Badge).where(
        Badge.registration_id.in_(registration_ids) | Badge.press_person_id.in_(person_ids))))
    _revoke(badges, now)
    # Travel, pick-ups and rooms say where a person was: erased with the rest.
    for model in (Trip, TransferPassenger, RoomAssignment):
        db.session.execute(db.delete(model).where(model.registration_id.in_(registration_ids)))
    # Emails sent stay counted (kind, subject, time); the address goes.
    db.session.execute(db.update(SentEmail).where(
        SentEmail.registration_id.in_(registration_ids)).values(address=""))
    aliases = {r.id: alias_of(r.email) for r in registrations}
    # Banquet seats and printed table cards keep a copy of the name they showed.
    for model in (TablePlacement, CardPrint):
        for registration_id, alias in aliases.items():
            db.session.execute(db.update(model).where(model.person == f"r{registration_id}")
                               .values(name=alias))
    _scrub_audit("registrations", aliases)
    for registration in registrations:
        anonymise_registration(registration, aliases[registration.id])
    press_aliases = {a.id: alias_of(a.user.email if a.user else f"press:{a.id}")
                     for a in applications}
    _scrub_audit("press_applications", press_aliases)
    for application in applications:
        anonymise_press_application(application, press_aliases[application.id])
    return result


def _kept_for(names: set[str]) -> list[str]:
    """What the law keeps about these names: their signatures on agreements."""
    if not names:
        return []
    parties = db.session.scalars(db.select(AgreementParty).where(
        AgreementParty.signatory_name.in_(sorted(names)))).all()
    return [str(_l("Kept by law: your name as signatory of the agreement “%(title)s” "
                   "(agreement records are kept as the law requires).",
                   title=party.agreement.title)) for party in parties]


def erase_person(actor: User, user: User, *, now: datetime | None = None,
                 commit: bool = True) -> list[str]:
    """Erase everything about ``user`` but what the law keeps; returns what is kept and
    why. The account stays as a pseudonymous row (the audit trail names it) and can no
    longer log in."""
    require(actor, Permission.PRIVACY_REQUESTS)
    now = now or utcnow()
    alias = pseudonym(user.email)
    registrations = mydata.registrations_of(user)
    kept = _kept_for({r.name for r in registrations} | {user.name})
    applications = mydata.press_applications_of(user)
    _erase(registrations, applications, lambda _email: alias, now)
    _scrub_audit("users", {user.id: alias})
    db.session.execute(db.update(SentEmail).where(SentEmail.user_id == user.id)
                       .values(address=""))
    logins.end_everything(user, now)
    user.name = alias
    user.email = f"{alias.lower()}.{user.id}@{ANONYMISED_DOMAIN}"
    user.password_hash = accounts.unusable_password()
    user.active = False
    audit.record(actor, "privacy.erase_person", user, now=now, after={
        "registrations": len(registrations), "press_applications": len(applications),
        "kept": len(kept)})
    if commit:
        db.session.commit()
    return kept


# --- summits past their retention period --------------------------------------------------

@dataclass
class SummitPurge:
    slug: str
    due_on: str
    registrations: int
    press_applications: int
    applied: bool


def due_summits(now: datetime | None = None) -> list[Summit]:
    today = (now or utcnow()).date()
    return [s for s in db.session.scalars(db.select(Summit).where(
        Summit.anonymised_at.is_(None)).order_by(Summit.id))
        if s.ends_on + timedelta(days=s.retention_days) < today]


def purge_summit(actor: User | None, summit: Summit, *, apply: bool = False,
                 now: datetime | None = None) -> SummitPurge:
    """Anonymise everyone of a summit whose retention period has run out (a dry run unless
    ``apply``). Run twice, the second run finds nothing left to do."""
    if actor is not None:
        require(actor, Permission.PRIVACY_MANAGE, summit)
    now = now or utcnow()
    due = summit.ends_on + timedelta(days=summit.retention_days)
    pending = Registration.summit_id == summit.id, ~Registration.email.like(
        f"%@{ANONYMISED_DOMAIN}")
    registrations = list(db.session.scalars(db.select(Registration).where(*pending)
                                            .order_by(Registration.id)))
    applications = list(db.session.scalars(db.select(PressApplication).where(
        PressApplication.summit_id == summit.id,
        db.exists().where(PressPerson.application_id == PressApplication.id,
                          ~PressPerson.name.like("匿名-%"))).order_by(PressApplication.id)
        .options(selectinload(PressApplication.people), selectinload(PressApplication.user),
                 selectinload(PressApplication.equipment))))
    result = SummitPurge(summit.slug, due.isoformat(), len(registrations), len(applications),
                         apply)
    if not apply:
        return result
    _erase(registrations, applications, pseudonym, now)
    db.session.execute(db.update(SentEmail).where(SentEmail.summit_id == summit.id)
                       .values(address=""))
    for vehicle in db.session.scalars(db.select(Vehicle).where(Vehicle.summit_id == summit.id)):
        vehicle.driver_name = pseudonym(f"driver:{vehicle.id}")
        vehicle.driver_phone = ""
    summit.anonymised_at = now
    audit.record(actor, "privacy.purge_summit", summit, summit=summit, now=now, after={
        "registrations": len(registrations), "press_applications": len(applications)})
    db.session.commit()
    return result


def purge_due(*, apply: bool = False, now: datetime | None = None) -> list[SummitPurge]:
    """Every summit past its retention period (``flask privacy purge``; safe from cron)."""
    return [purge_summit(None, summit, apply=apply, now=now) for summit in due_summits(now)]
