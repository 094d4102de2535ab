"""Substitutes (换人 / 代参): a delegation's registrar or an organiser puts another person in a
registered person's place. The substitute takes the category, delegation (so the quota
place), status and seat bookings; the original registration is kept, cancelled and marked as
substituted, and its badge revoked, so its print answers ``revoked`` at the gate. An
organiser can refuse a substitute: the original gets everything back."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from summit.database import utcnow
from summit.extensions import db
from summit.models import Delegation, Registration, RegistrationStatus, User
from summit.permissions import Permission, can, require
from summit.services.badges import issuing as badges
from summit.services.bookings import booking as bookings
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from summit.services.desk import aides, walkins
from summit.services.reception import handover
from summit.services.registration.submission import STATUS_LABELS
from summit.services.summits import settings as summits

S = RegistrationStatus
REPLACEABLE = (S.PENDING, S.APPROVED)


def may_substitute(actor: User | None, registration: Registration) -> bool:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if can(actor, Permission.REGISTRATIONS_MANAGE, registration.summit):
        return True
    return registration.delegation is not None and \
        registration.delegation.registrar_id == actor.id


def delegation_or_404(summit, delegation_id) -> Delegation:
    delegation = db.session.get(Delegation, delegation_id) if isinstance(
        delegation_id, int) and not isinstance(delegation_id, bool) else None
    if delegation is None or delegation.summit_id != summit.id:
        raise NotFound(_l("There is no delegation with this id at this summit."))
    return delegation


def aides_of(registration: Registration) -> list[Registration]:
    """For the registration page (which reads this module): the people who came with them."""
    return aides.aides_of(registration)


def substitute_of(registration: Registration) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.substitute_for_id == registration.id,
        Registration.status.in_(REPLACEABLE)))


def substitute(actor: User, original: Registration, *, name: str, organisation: str = "",
               phone: str = "", position: str = "", delegation: Delegation | None = None,
               now: datetime | None = None) -> Registration:
    """Put ``name`` in the place of ``original``; the new registration."""
    if not may_substitute(actor, original):
        raise NotAllowed(_l("Only the delegation's registrar or an organiser can name a "
                            "substitute."))
    if original.principal_id is not None:
        raise Conflict(_l("An aide is not substituted: cancel the aide and add another."),
                       "status")
    if original.status not in REPLACEABLE:
        raise Conflict(_l("A registration that is %(status)s cannot be given a substitute.",
                          status=STATUS_LABELS[original.status]), "status")
    if delegation is not None and delegation.id != original.delegation_id:
        raise Conflict(_l("A substitute takes the place in the same delegation: a place "
                          "cannot move to another delegation."), "delegation")
    name, organisation, phone = walkins.check_person(name, organisation or
                                                     original.organisation_name, phone)
    if len(position or "") > 100:
        raise ValidationFailed(_l("At most %(count)d characters.", count=100), "position")
    now = now or utcnow()
    summit = original.summit
    summits.lock_summit(summit)
    db.session.refresh(original)
    if original.status not in REPLACEABLE:  # changed while we waited for the lock
        db.session.rollback()
        raise Conflict(_l("A registration that is %(status)s cannot be given a substitute.",
                          status=STATUS_LABELS[original.status]), "status")
    was = original.status
    new = walkins.new_person(summit, original.category, name, organisation, phone, was, now,
                             delegation=original.delegation, position=position or "",
                             substitute_for_id=original.id, locale=original.locale)
    original.status = S.CANCELLED
    original.status_reason = str(_l("Substituted by %(name)s", name=name))[:500]
    original.decided_at = now
    moved = bookings.move_registration(original, new)
    handed = handover.hand_over(actor, original, new, now=now)
    badge = badges.badge_of(original)
    if badge is not None and not badge.revoked:
        badge.revoked_at = now
        badge.revoked_reason = original.status_reason[:200]
    audit.record(actor, "registration.substitute", original, summit=summit, now=now,
                 before={"status": was.value},
                 after={"status": S.CANCELLED.value, "substitute": new.id,
                        "substitute_name": name, "bookings_moved": moved, **handed})
    audit.record(actor, "registration.create", new, summit=summit, now=now,
                 after={"name": name, "substitute_for": original.id, "status": was.value})
    db.session.commit()
    return new


def refuse(actor: User, new: Registration, reason: str, now: datetime | None = None
           ) -> Registration:
    """An organiser refuses a substitute: it is rejected, its badge revoked, and the original
    person gets back their place, bookings and a valid (reissued) badge."""
    require(actor, Permission.REGISTRATIONS_MANAGE, new.summit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Say why the substitute is refused."), "reason")
    if len(reason) > 500:
        raise ValidationFailed(_l("At most %(count)d characters.", count=500), "reason")
    original = new.substitute_for
    if original is None or new.status not in REPLACEABLE or original.status is not S.CANCELLED:
        raise Conflict(_l("Only a standing substitute can be refused."), "status")
    now = now or utcnow()
    summits.lock_summit(new.summit)
    was = new.status
    new.status, new.status_reason, new.decided_at = S.REJECTED, reason, now
    original.status, original.status_reason, original.decided_at = was, "", now
    moved = bookings.move_registration(new, original)
    handover.hand_over(actor, new, original, back=True, now=now)
    badge = badges.badge_of(new)
    if badge is not None and not badge.revoked:
        badge.revoked_at, badge.revoked_reason = now, reason[:200]
    old_badge = badges.badge_of(original)
    if old_badge is not None and old_badge.revoked:
        old_badge.revoked_at, old_badge.revoked_reason = None, ""
        old_badge.version += 1  # prints made in between stay useless
        old_badge.printed_at = old_badge.printed_version = None
    audit.record(actor, "registration.substitute_refuse", new, summit=new.summit, now=now,
                 before={"status": was.value}, after={"status": S.REJECTED.value,
                                                      "reason": reason, "restored": original.id,
                                                      "bookings_moved": moved})
    db.session.commit()
    return new
