"""Check-in at the gates: each scan recorded, each holder counted once, retries answered alike.

A scan's answer comes from the badge (``badges.check_token``); recording it is here. The
``checkins`` table is the append-only log of every scan (gate, device, operator, both times,
result); ``arrivals`` holds each holder's first accepted scan, made unique by the database.

Offline scans arrive late, with the device's clock. When one meets an arrival made at another
gate or on another device, both scans let the holder in: that is a *conflict*, shown to the
organisers. The earlier scan by the devices' clocks wins: the arrival (and the single ``ok``)
moves to it, the other becomes a ``duplicate``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    PersonStatus,
    PressPerson,
    PressStatus,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.models.checkin import Arrival, CheckIn
from summit.permissions import Permission, require
from summit.services.badges import issuing as badges, stamps as badge_stamps
from summit.services.badges.issuing import TokenCheck
from summit.services.checkin import holders, salons as checkin_salons
from summit.services.core import audit, metrics
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.core.validation import has_bad_characters, valid_id
from summit.services.press import badges as press_badges

RESULTS = ("ok", "duplicate", "invalid", "revoked", "not_approved", "wrong_summit")
SCAN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}\Z")
MAX_TOKEN = 200
# The fields of a scan's JSON body, and of a manual check-in's: any other is refused.
SCAN_FIELDS = ("token", "gate", "scan_id", "device", "scanned_at", "offline")
MANUAL_FIELDS = ("registration_id", "press_person_id", "gate", "scan_id", "device",
                 "scanned_at")
# A scan is a few hundred bytes: anything much larger is not a scan.
MAX_SCAN_BODY = 4096
# How far a device's clock may be from the server's: queued scans may be days old (a venue
# without network), never from the future.
MAX_AGE = timedelta(days=7)
MAX_AHEAD = timedelta(minutes=5)


@dataclass(frozen=True)
class ScanAnswer:
    result: str
    first_scanned_at: datetime | None = None
    first_gate: str | None = None
    holder: dict | None = None
    conflict: bool = False
    salon: dict | None = None

    def as_json(self) -> dict:
        body: dict = {"result": self.result}
        if self.first_scanned_at is not None:
            body["first_scanned_at"] = self.first_scanned_at.isoformat()
            body["first_gate"] = self.first_gate
        if self.holder is not None:
            body["holder"] = self.holder
        if self.conflict:
            body["conflict"] = True
        if self.salon is not None:
            body["salon"] = self.salon
        return body


# The results whose answer shows the holder (the screen names whom it let in or refused).
HOLDER_RESULTS = ("ok", "duplicate", "revoked", "not_approved")


def _check(value: object, name: str, pattern: re.Pattern | None = None,
           limit: int = 64) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit or (
            pattern is not None and not pattern.match(value)) or has_bad_characters(
            value, multiline=False):
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field=name), name)
    return value.strip()


def _device(value: object) -> str:
    """The scanning device's name is optional (kept to 64 characters); one with control
    characters, a NUL or a lone surrogate (which PostgreSQL cannot store) is refused."""
    if not isinstance(value, str):
        return ""
    if has_bad_characters(value, multiline=False):
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field="device"), "device")
    return value.strip()[:64]


def parse_scanned_at(value: object, now: datetime) -> datetime | None:
    """The device's time of the scan (ISO 8601 with a zone), within a week before now."""
    if value is None:
        return None
    message = _l("scanned_at must be an ISO 8601 time with a time zone, within the last "
                 "seven days.")
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationFailed(message, "scanned_at")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed(message, "scanned_at") from None
    try:
        recent = moment.tzinfo is not None and now - MAX_AGE <= moment <= now + MAX_AHEAD
    except OverflowError:  # year 1 or 9999 in a zone ahead of or behind UTC
        recent = False
    if not recent:
        raise ValidationFailed(message, "scanned_at")
    return moment


@dataclass(frozen=True)
class ScanInput:
    """A scan's shape, checked: what the device says happened."""

    gate: str
    scan_id: str
    device: str = ""
    scanned_at: datetime | None = None
    offline: bool = False


def scan_input(gate: object, scan_id: object, device: object = "", scanned_at: object = None,
               offline: object = False, now: datetime | None = None) -> ScanInput:
    if not isinstance(offline, bool):
        raise ValidationFailed(_l("offline must be true or false."), "offline")
    if not isinstance(device, str) or len(device) > 64:
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field="device"), "device")
    return ScanInput(gate=_check(gate, "gate"), scan_id=_check(scan_id, "scan_id", SCAN_ID),
                     device=_device(device),
                     scanned_at=parse_scanned_at(scanned_at, now or utcnow()),
                     offline=offline)


def _answer(checkin: CheckIn, arrival: Arrival | None = None) -> ScanAnswer:
    badge = checkin.badge
    holder = holders.holder_of(badge) if badge is not None and (
        badge.registration is not None or badge.press_person is not None) and \
        checkin.result in HOLDER_RESULTS else None
    conflict = checkin.conflict_with_id is not None
    if checkin.agenda_item_id is not None:
        salon = checkin_salons.salon_answer(checkin)
        first = checkin_salons.first_attendance(checkin) \
            if checkin.result == "duplicate" else None
        if first is not None:
            return ScanAnswer("duplicate", first.attended_at, first.gate, holder, salon=salon)
        return ScanAnswer(checkin.result, holder=holder, salon=salon)
    if checkin.result == "duplicate" and badge is not None:
        arrival = arrival or db.session.scalar(select(Arrival).where(
            Arrival.badge_id == badge.id))
        if arrival is not None:
            return ScanAnswer("duplicate", arrival.arrived_at, arrival.gate, holder, conflict)
    return ScanAnswer(checkin.result, holder=holder, conflict=conflict)


def scan(actor: User, summit: Summit, token: object, gate: object, scan_id: object,
         device: object = "", scanned_at: object = None, offline: object = False,
         now: datetime | None = None) -> ScanAnswer:
    """Record one scan of a badge's QR code and answer it. A repeated ``scan_id`` gets the
    first answer."""
    require(actor, Permission.CHECKIN_SCAN, summit)
    now = now or utcnow()
    given = scan_input(gate, scan_id, device, scanned_at, offline, now)
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field="token"), "token")
    check = badges.check_token(summit, token)
    if check.badge is not None and check.result != "invalid":  # its signature checked
        badge_stamps.stamp_scanned(check.badge, token)  # the next scan can go the fast way
    # No look-up of the scan_id first: a retry is rare, and the unique scan_id tells.
    return _record(actor, summit, check, given, "scan", now)


def check_in_person(actor: User, summit: Summit, registration_id: object, gate: object,
                    scan_id: object, device: object = "", scanned_at: object = None,
                    now: datetime | None = None, press_person_id: object = None) -> ScanAnswer:
    """Check in someone found by name or phone (no badge at hand): a scan of their badge,
    recorded as manual, answered like one. Accredited press are named by
    ``press_person_id`` instead of ``registration_id``."""
    require(actor, Permission.CHECKIN_SCAN, summit)
    now = now or utcnow()
    given = scan_input(gate, scan_id, device, scanned_at, False, now)
    if registration_id is None and press_person_id is not None:
        return _record(actor, summit, _press_check(summit, press_person_id), given,
                       "manual", now)
    registration = db.session.get(Registration, registration_id) if valid_id(
        registration_id) else None
    if registration is None or registration.summit_id != summit.id:
        raise NotFound(_l("No such registration at this summit."), "registration_id")
    badge = badges.badge_of(registration)
    if registration.status != RegistrationStatus.APPROVED:
        check = TokenCheck("not_approved", badge)
    else:
        badge = badge or badges.ensure_badge(registration)
        check = TokenCheck("revoked" if badge.revoked else "ok", badge)
    answer = _record(actor, summit, check, given, "manual", now)
    return answer


def _press_check(summit: Summit, press_person_id: object) -> TokenCheck:
    person = db.session.get(PressPerson, press_person_id) if valid_id(press_person_id) \
        else None
    if person is None or person.application.summit_id != summit.id:
        raise NotFound(_l("No such accredited journalist at this summit."), "press_person_id")
    if (person.status != PersonStatus.APPROVED
            or person.application.status != PressStatus.APPROVED):
        return TokenCheck("not_approved", press_badges.badge_of(person))
    badge = press_badges.ensure_badge(person)
    return TokenCheck("revoked" if badge.revoked else "ok", badge)


def _record(actor: User, summit: Summit, check: TokenCheck, given: ScanInput, method: str,
            now: datetime) -> ScanAnswer:
    checkin = CheckIn(summit_id=summit.id, scan_id=given.scan_id, gate=given.gate,
                      device=given.device, operator_id=actor.id, result=check.result,
                      badge_id=check.badge.id if check.badge is not None else None,
                      scanned_at=given.scanned_at or now, received_at=now, method=method,
                      offline=given.offline)
    db.session.add(checkin)
    try:
        db.session.flush()
    except IntegrityError:  # the same scan_id, sent twice at once: the other one won
        db.session.rollback()
        return _same_scan(db.session.scalar(select(CheckIn).where(
            CheckIn.scan_id == given.scan_id)), summit)
    salon = checkin_salons.salon_at(summit, given.gate)
    if check.result == "ok" and salon is not None:
        checkin_salons.attend(summit, salon, checkin, check.badge)
    elif salon is not None:
        checkin.agenda_item_id = salon.id
    arrival = None
    if salon is None and check.result == "ok" and not _arrive(summit, checkin):
        checkin.result = "duplicate"  # already arrived: through this gate or another
        arrival = settle_conflict(actor, summit, checkin, now)
    if method == "manual":
        after = {"registration_id": check.badge.registration_id
                 if check.badge is not None else None,
                 "gate": given.gate, "result": checkin.result}
        if check.badge is not None and check.badge.press_person_id is not None:
            after["press_person_id"] = check.badge.press_person_id
        audit.record(actor, "checkin.manual", checkin, summit=summit, now=now, after=after)
    db.session.flush()
    answer = _answer(checkin, arrival)  # before the commit expires what it reads
    db.session.commit()
    metrics.count_scan(answer.result, given.gate)
    return answer


def _arrive(summit: Summit, checkin: CheckIn) -> bool:
    """Insert the holder's arrival unless there is one (one statement, no savepoint: this
    is every gate's hot path). False when the holder had arrived already."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    statement = insert(Arrival).values(
        summit_id=summit.id, badge_id=checkin.badge_id, checkin_id=checkin.id,
        gate=checkin.gate, arrived_at=checkin.scanned_at,
    ).on_conflict_do_nothing(index_elements=["badge_id"]).returning(Arrival.id)
    return db.session.execute(statement).scalar() is not None


def settle_conflict(actor: User, summit: Summit, checkin: CheckIn, now: datetime
                     ) -> Arrival:
    """A late duplicate made offline elsewhere: flag both scans; the earlier one is the
    arrival. The arrival row is locked so two late scans settle one after the other.
    Returns the arrival (one query with its scan, for the answer too)."""
    arrival, first = db.session.execute(
        select(Arrival, CheckIn).outerjoin(CheckIn, Arrival.checkin_id == CheckIn.id)
        .where(Arrival.badge_id == checkin.badge_id).with_for_update(of=Arrival)
        .execution_options(populate_existing=True)).one()
    if arrival.checkin_id is not None and (first is None or first.id != arrival.checkin_id):
        # The arrival moved while we waited for its lock: its new scan is newer than this
        # statement's snapshot (PostgreSQL), so read it with a statement of its own.
        first = db.session.get(CheckIn, arrival.checkin_id)
    if not checkin.offline and not (first is not None and first.offline):
        return arrival
    if first is None or (first.gate == checkin.gate and first.device == checkin.device):
        return arrival  # the same device saw both scans: it answered duplicate itself
    checkin.conflict_with_id = first.id
    if first.conflict_with_id is None:
        first.conflict_with_id = checkin.id
    if checkin.scanned_at < arrival.arrived_at:
        before = {"gate": arrival.gate, "arrived_at": arrival.arrived_at.isoformat(),
                  "checkin_id": arrival.checkin_id}
        first.result, checkin.result = "duplicate", "ok"
        arrival.checkin_id, arrival.gate = checkin.id, checkin.gate
        arrival.arrived_at = checkin.scanned_at
        audit.record(actor, "arrival.conflict", arrival, summit=summit, now=now, before=before,
                     after={"gate": arrival.gate, "arrived_at": arrival.arrived_at.isoformat(),
                            "checkin_id": checkin.id})
    else:
        audit.record(actor, "arrival.conflict", arrival, summit=summit, now=now,
                     after={"gate": arrival.gate, "late_checkin_id": checkin.id,
                            "late_gate": checkin.gate})
    return arrival


def _same_scan(earlier: CheckIn, summit: Summit) -> ScanAnswer:
    if earlier.summit_id != summit.id:
        raise Conflict(_l("This scan id was already used at another summit."), "scan_id")
    return _answer(earlier)
