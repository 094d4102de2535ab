"""Check-in at the gates: each scan recorded, each holder counted once, retries answered alike.

Groundwork for the check-in issue: the server side of a scan and the offline manifest. The
scanner page, offline sync and the arrivals board build on these.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.models.checkin import Arrival, CheckIn
from summit.permissions import Permission, require
from summit.services import badge_tokens, badges
from summit.services.errors import Conflict, ValidationFailed

RESULTS = ("ok", "duplicate", "invalid", "revoked", "not_approved", "wrong_summit")
SCAN_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}\Z")
MAX_TOKEN = 200


@dataclass(frozen=True)
class ScanAnswer:
    result: str
    first_scanned_at: datetime | None = None
    first_gate: str | None = None
    holder: dict | None = None

    def as_json(self) -> dict:
        body: dict = {"result": self.result}
        if self.first_scanned_at is not None:
            body["first_scanned_at"] = self.first_scanned_at.isoformat()
            body["first_gate"] = self.first_gate
        if self.holder is not None:
            body["holder"] = self.holder
        return body


def holder_of(badge: Badge) -> dict:
    """The few fields a gate's screen shows: no phone, no ID number, no email."""
    registration = badge.registration
    category = registration.category
    return {
        "name": registration.name,
        "name_native": registration.name_native,
        "pinyin": registration.name_pinyin,
        "organisation": registration.organisation_name,
        "category": {"code": category.code, "label": category.label_zh,
                     "label_en": category.label_en, "colour": category.colour},
        "zones": [{"code": z.code, "label": z.label_zh} for z in category.zones],
    }


def _check(value: object, name: str, pattern: re.Pattern | None = None,
           limit: int = 64) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit or (
            pattern is not None and not pattern.match(value)):
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field=name), name)
    return value.strip()


def _answer(checkin: CheckIn) -> ScanAnswer:
    badge = checkin.badge
    holder = holder_of(badge) if badge is not None and badge.registration is not None and \
        checkin.result in ("ok", "duplicate", "revoked", "not_approved") else None
    if checkin.result == "duplicate" and badge is not None:
        arrival = db.session.scalar(select(Arrival).where(Arrival.badge_id == badge.id))
        if arrival is not None:
            return ScanAnswer("duplicate", arrival.arrived_at, arrival.gate, holder)
    return ScanAnswer(checkin.result, holder=holder)


def scan(actor: User, summit: Summit, token: object, gate: object, scan_id: object,
         device: object = "", scanned_at: datetime | None = None,
         now: datetime | None = None) -> ScanAnswer:
    """Record one scan and answer it. A repeated ``scan_id`` gets the first answer."""
    require(actor, Permission.CHECKIN_SCAN, summit)
    scan_id = _check(scan_id, "scan_id", SCAN_ID)
    gate = _check(gate, "gate")
    device = device.strip()[:64] if isinstance(device, str) else ""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise ValidationFailed(_l("A scan needs a valid %(field)s.", field="token"), "token")
    now = now or utcnow()

    earlier = db.session.scalar(select(CheckIn).where(CheckIn.scan_id == scan_id))
    if earlier is not None:
        return _same_scan(earlier, summit)

    check = badges.check_token(summit, token)
    checkin = CheckIn(summit_id=summit.id, scan_id=scan_id, gate=gate, device=device,
                      operator_id=actor.id, result=check.result,
                      badge_id=check.badge.id if check.badge is not None else None,
                      scanned_at=scanned_at or now, received_at=now)
    db.session.add(checkin)
    try:
        db.session.flush()
    except IntegrityError:  # the same scan_id, sent twice at once: the other one won
        db.session.rollback()
        return _same_scan(db.session.scalar(select(CheckIn).where(CheckIn.scan_id == scan_id)),
                          summit)
    if check.result == "ok":
        try:
            with db.session.begin_nested():
                db.session.add(Arrival(summit_id=summit.id, badge_id=check.badge.id,
                                       checkin_id=checkin.id, gate=gate,
                                       arrived_at=checkin.scanned_at))
        except IntegrityError:  # already arrived: through this gate or another
            checkin.result = "duplicate"
    db.session.commit()
    return _answer(checkin)


def _same_scan(earlier: CheckIn, summit: Summit) -> ScanAnswer:
    if earlier.summit_id != summit.id:
        raise Conflict(_l("This scan id was already used at another summit."), "scan_id")
    return _answer(earlier)


def manifest(actor: User, summit: Summit) -> dict:
    """What an offline scanner needs: the public key, the current version of every valid
    badge with what its screen shows, and the revoked badges."""
    require(actor, Permission.CHECKIN_SCAN, summit)
    rows = db.session.scalars(
        select(Badge).join(Registration, Badge.registration_id == Registration.id)
        .where(Badge.summit_id == summit.id)
        .options(selectinload(Badge.registration).selectinload(Registration.category)
                 .selectinload(AttendeeCategory.zones)))
    valid, revoked = [], []
    for badge in rows:
        if badge.revoked or badge.registration.status != RegistrationStatus.APPROVED:
            revoked.append(badge.ref)
        else:
            valid.append({"ref": badge.ref, "version": badge.version,
                          "holder": holder_of(badge)})
    key = badges.private_key(summit).public_key()
    return {"summit": summit.slug, "key_id": badge_tokens.key_id(key).hex(),
            "public_key": badge_tokens.public_key_text(key), "badges": valid,
            "revoked": revoked, "generated_at": utcnow().isoformat()}
