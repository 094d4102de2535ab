"""Walk-ins: someone registered at the desk on the day. One step registers them (marked as a
walk-in, counted apart from pre-registered arrivals), approves them when the desk may (the
organisers say so per desk; organisers always may) and prints their badge."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    PrinterPool,
    PrintJob,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, can, require
from summit.services.core import audit, names
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.core.validation import normalise_phone
from summit.services.desk import printing
from summit.services.registration import submission
from summit.services.summits import settings as summits

# Walk-ins give no e-mail address at the desk; each gets one that can never receive mail.
NO_EMAIL_DOMAIN = "walk-in.invalid"


@dataclass
class WalkIn:
    registration: Registration
    job: PrintJob | None


def placeholder_email() -> str:
    return f"desk-{secrets.token_hex(6)}@{NO_EMAIL_DOMAIN}"


def new_person(summit: Summit, category: AttendeeCategory, name: str, organisation: str,
               phone: str, status: RegistrationStatus, now: datetime, **extra) -> Registration:
    """A registration made at the desk (walk-in or aide): names derived as everywhere."""
    pinyin = names.pinyin_name(name)[:100]
    registration = Registration(
        summit=summit, category=category, name=name, name_native="", name_pinyin=pinyin,
        search_key=names.search_key(name, "", pinyin)[:1000],
        sort_key=names.sort_key(name, pinyin)[:100], organisation_name=organisation,
        email=placeholder_email(), phone=phone, status=status, created_at=now,
        decided_at=now if status is RegistrationStatus.APPROVED else None, **extra)
    db.session.add(registration)
    db.session.flush()
    return registration


def check_person(name: str, organisation: str, phone: str) -> tuple[str, str, str]:
    name, organisation = (name or "").strip(), (organisation or "").strip()
    if not name:
        raise ValidationFailed(_l("Give the name."), "name")
    if len(name) > 100:
        raise ValidationFailed(_l("At most %(count)d characters.", count=100), "name")
    if len(organisation) > 200:
        raise ValidationFailed(_l("At most %(count)d characters.", count=200), "organisation")
    phone = normalise_phone(phone) if (phone or "").strip() else ""
    return name, organisation, phone


def register_walk_in(actor: User, summit: Summit, pool: PrinterPool | None, *, name: str,
                     organisation: str, category: AttendeeCategory | None, phone: str,
                     now: datetime | None = None) -> WalkIn:
    require(actor, Permission.DESK_PRINT, summit)
    pool = printing.require_pool(summit.id, pool)
    if category is None or category.summit_id != summit.id:
        raise ValidationFailed(_l("Choose one of the summit's categories."), "category")
    organiser = can(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if not organiser and category.id not in (pool.walk_in_category_ids or []):
        raise ValidationFailed(_l("This desk may not register walk-ins in %(category)s.",
                                  category=category.label_zh), "category")
    name, organisation, phone = check_person(name, organisation, phone)
    now = now or utcnow()
    summits.lock_summit(summit)
    if not submission.has_room(summit, category):
        db.session.rollback()
        raise Conflict(_l("%(category)s is full: no walk-in can be registered in it.",
                          category=category.label_zh), "category")
    approve = organiser or pool.walk_in_approve
    status = RegistrationStatus.APPROVED if approve else RegistrationStatus.PENDING
    registration = new_person(summit, category, name, organisation, phone, status, now,
                              walk_in=True)
    audit.record(actor, "registration.walk_in", registration, summit=summit, now=now,
                 after={"name": name, "category": category.code, "status": status.value,
                        "desk": pool.name})
    db.session.commit()
    job = None
    if approve and pool.printers:
        job = printing.send(actor, registration, pool, now=now)
    return WalkIn(registration, job)
