"""Reception when a place changes hands (issue 19, "Changes"; docs/reception.md).

A substitute (desk/substitutes.py) takes over the original person's pick-up and drop-off
seats and hotel nights, in the same transaction as the substitution; refusing the
substitute hands them back. Meals need no hand-over: they are by category and the
substitute has the original's. A cancelled person holds nothing: their seat and bed are
free at once (transfers and rooms count only registrations that hold a place), and the
staff see both in the change list of the pick-ups page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    AuditEntry,
    Registration,
    RoomAssignment,
    Summit,
    TransferPassenger,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit

ACTIONS = ("reception.hand_over", "reception.hand_back")


def hand_over(actor: User | None, original: Registration, new: Registration, *,
              back: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Move ``original``'s transfer seats and room nights to ``new`` (no commit: the
    caller's transaction). Nothing to move, nothing recorded."""
    db.session.flush()
    moved = {}
    for model, key in ((TransferPassenger, "seats"), (RoomAssignment, "nights")):
        moved[key] = db.session.execute(
            db.update(model).where(model.registration_id == original.id)
            .values(registration_id=new.id)).rowcount
    if any(moved.values()):
        audit.record(actor, "reception.hand_back" if back else "reception.hand_over", new,
                     summit=original.summit, now=now,
                     after={"from": original.id, "from_name": original.name, "to": new.id,
                            "to_name": new.name, **moved})
    return moved


@dataclass
class Freed:
    name: str
    seats: int
    nights: int


@dataclass
class Changes:
    handed: list[AuditEntry]  # hand-overs and hand-backs, newest first
    freed: list[Freed]  # cancelled people whose seats and nights no longer count


def changes(actor: User, summit: Summit, limit: int = 50) -> Changes:
    """What changed for reception: two queries."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    handed = list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.summit_id == summit.id, AuditEntry.action.in_(ACTIONS))
        .order_by(AuditEntry.id.desc()).limit(limit)))
    seats = (db.select(db.func.count(TransferPassenger.id))
             .where(TransferPassenger.registration_id == Registration.id).scalar_subquery())
    nights = (db.select(db.func.count(RoomAssignment.id))
              .where(RoomAssignment.registration_id == Registration.id).scalar_subquery())
    rows = db.session.execute(
        db.select(Registration.name, seats, nights)
        .where(Registration.summit_id == summit.id, Registration.status.not_in(HOLDS_PLACE),
               db.or_(seats > 0, nights > 0))
        .order_by(Registration.decided_at.desc(), Registration.id.desc()).limit(limit)).all()
    return Changes(handed, [Freed(*row) for row in rows])
