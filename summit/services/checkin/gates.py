"""The gates organisers name for a summit: what the scanner offers once per device."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from summit.extensions import db
from summit.models import Summit, User
from summit.models.checkin import Gate
from summit.permissions import Permission, require
from summit.services.checkin.salons import forget_doors, salon_items
from summit.services.core import audit
from summit.services.core.errors import Conflict, NotFound, ValidationFailed

MAX_GATES = 50


def gates_of(summit: Summit) -> list[Gate]:
    return list(db.session.scalars(select(Gate).where(Gate.summit_id == summit.id)
                                   .options(db.selectinload(Gate.agenda_item))
                                   .order_by(Gate.position, Gate.id)))


def gate_names(summit: Summit) -> list[str]:
    return [gate.name for gate in gates_of(summit)]


def add_gate(actor: User, summit: Summit, name: str, now: datetime | None = None,
             salon_id: int | None = None) -> Gate:
    """A gate, or with ``salon_id`` a salon's door (scans there record salon attendance)."""
    require(actor, Permission.SUMMIT_EDIT, summit)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_l("Name the gate."), "name")
    if len(name) > 64:
        raise ValidationFailed(_l("At most %(count)d characters.", count=64), "name")
    existing = gates_of(summit)
    if any(gate.name.casefold() == name.casefold() for gate in existing):
        raise Conflict(_l("There is already a gate of that name."), "name")
    if len(existing) >= MAX_GATES:
        raise Conflict(_l("A summit has at most %(count)d gates.", count=MAX_GATES), "name")
    salon = None
    if salon_id is not None:
        salon = next((item for item in salon_items(summit) if item.id == salon_id), None)
        if salon is None:
            raise ValidationFailed(_l("Choose a salon of this summit."), "salon")
    position = (db.session.scalar(select(func.max(Gate.position))
                                  .where(Gate.summit_id == summit.id)) or 0) + 1
    gate = Gate(summit_id=summit.id, name=name, position=position,
                agenda_item_id=salon.id if salon is not None else None)
    db.session.add(gate)
    audit.record(actor, "gate.add", gate, summit=summit, now=now,
                 after={"name": name, "agenda_item_id": gate.agenda_item_id})
    db.session.commit()
    forget_doors(summit)
    return gate


def remove_gate(actor: User, summit: Summit, gate_id: int, now: datetime | None = None) -> None:
    """Scans already made at the gate keep its name; devices set to it may go on using it."""
    require(actor, Permission.SUMMIT_EDIT, summit)
    gate = db.session.get(Gate, gate_id)
    if gate is None or gate.summit_id != summit.id:
        raise NotFound(_l("No such gate."))
    audit.record(actor, "gate.remove", gate, summit=summit, now=now, before={"name": gate.name})
    db.session.delete(gate)
    db.session.commit()
    forget_doors(summit)
