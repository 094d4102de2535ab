"""Moderation of registrations: approve, reject, decide many at once, cancel or withdraw, and
promote the waiting list when places free up.

State machine (docs/architecture.md): pending -> approved | rejected | withdrawn;
approved -> cancelled; waitlisted -> pending (promoted) | withdrawn. Every transition writes
the audit log.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import HOLDS_PLACE, Registration, RegistrationStatus, Summit, User
from summit.permissions import Permission, require
from summit.services.bookings import booking as bookings
from summit.services.core import audit
from summit.services.core.errors import Conflict, DomainError, ValidationFailed
from summit.services.registration import (
    editing,
    mail as registration_mail,
    submission as registrations,
)
from summit.services.summits import settings as summits

S = RegistrationStatus


def _transition(actor: User | None, registration: Registration, allowed: tuple[S, ...],
                new: S, action: str, reason: str = "", now: datetime | None = None) -> None:
    if registration.status not in allowed:
        raise Conflict(_l("A registration that is %(status)s cannot be changed this way.",
                          status=registrations.STATUS_LABELS[registration.status]), "status")
    before = {"status": registration.status.value, "status_reason": registration.status_reason}
    registration.status = new
    registration.status_reason = reason
    registration.decided_at = now or utcnow()
    audit.record(actor, action, registration, summit=registration.summit, now=now,
                 before=before, after={"status": new.value, "status_reason": reason})


def approve_registration(actor: User, registration: Registration,
                         now: datetime | None = None) -> Registration:
    require(actor, Permission.REGISTRATIONS_MANAGE, registration.summit)
    _transition(actor, registration, (S.PENDING,), S.APPROVED, "registration.approve", now=now)
    db.session.commit()

    registration_mail.send_approved(registration)
    return registration


def reject_registration(actor: User, registration: Registration, reason: str,
                        now: datetime | None = None) -> Registration:
    require(actor, Permission.REGISTRATIONS_MANAGE, registration.summit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Give a reason: the registrant will read it."), "reason")
    if len(reason) > 500:
        raise ValidationFailed(_l("At most %(n)d characters.", n=500), "reason")
    _transition(actor, registration, (S.PENDING, S.WAITLISTED), S.REJECTED,
                "registration.reject", reason, now)
    db.session.commit()

    registration_mail.send_rejected(registration)
    promote_waitlist(registration.summit, now=now)
    return registration


def bulk_decide(actor: User, summit: Summit, ids: list[int], decision: str, reason: str = "",
                now: datetime | None = None) -> tuple[int, list[str]]:
    """Approve or reject many; returns (done, problems) without stopping at the first."""
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if decision not in ("approve", "reject"):
        raise ValidationFailed(_l("Choose approve or reject."), "decision")
    if decision == "reject" and not (reason or "").strip():
        raise ValidationFailed(_l("Give a reason: the registrant will read it."), "reason")
    rows = db.session.scalars(db.select(Registration).where(
        Registration.summit_id == summit.id, Registration.id.in_(ids[:500]))).all()
    done, problems = 0, []
    for registration in rows:
        try:
            if decision == "approve":
                approve_registration(actor, registration, now)
            else:
                reject_registration(actor, registration, reason, now)
            done += 1
        except DomainError as error:
            db.session.rollback()
            problems.append(f"{registration.name}: {error}")
    return done, problems


def cancel_registration(actor: User | None, registration: Registration,
                        now: datetime | None = None) -> Registration:
    """The registrant (or their registrar, or an organiser) withdraws or cancels."""
    summit = registration.summit
    editing.require_owner_or_staff(actor, registration)
    if registration.status is S.APPROVED:
        new, action = S.CANCELLED, "registration.cancel"
    else:
        new, action = S.WITHDRAWN, "registration.withdraw"
    _transition(actor, registration, (S.PENDING, S.WAITLISTED, S.APPROVED), new, action,
                now=now)
    # Aides, drivers and interpreters who came with this person go with them.
    aides = db.session.scalars(db.select(Registration).where(
        Registration.principal_id == registration.id,
        Registration.status.in_((S.PENDING, S.WAITLISTED, S.APPROVED)))).all()
    for aide in aides:
        _transition(actor, aide, (S.PENDING, S.WAITLISTED, S.APPROVED),
                    S.CANCELLED if aide.status is S.APPROVED else S.WITHDRAWN,
                    "registration.cancel_with_principal", now=now)
    db.session.commit()
    if new is S.CANCELLED:
        bookings.release_registration(registration, now=now)
        for aide in aides:
            bookings.release_registration(aide, now=now)
    promote_waitlist(summit, now=now)
    return registration


def promote_waitlist(summit: Summit, now: datetime | None = None) -> list[Registration]:
    """Give freed places to the waiting list, oldest first, and tell each person."""
    now = now or utcnow()
    summits.lock_summit(summit)
    promoted = []
    waiting = db.session.scalars(
        db.select(Registration).where(Registration.summit_id == summit.id,
                                      Registration.status == S.WAITLISTED)
        .order_by(Registration.created_at, Registration.id)).all()
    for registration in waiting:
        if registrations.has_room(summit, registration.category):
            _transition(None, registration, (S.WAITLISTED,), S.PENDING, "registration.promote",
                        now=now)
            db.session.flush()
            promoted.append(registration)
        elif summit.capacity is not None and registrations.count_where(
                Registration.summit_id == summit.id,
                Registration.status.in_(HOLDS_PLACE)) >= summit.capacity:
            break
    db.session.commit()

    for registration in promoted:
        registration_mail.send_promoted(registration)
    return promoted
