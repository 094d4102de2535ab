"""Setting a podium's manual placements all at once (the seating API's PUT): the list given
replaces every manual placement of the podium, or nothing changes.

Each placement is a seat (row 0 = front row, seat 0 = leftmost seen from the stage), a
leader from the precedence list or ``None`` (the seat kept empty), and whether it is locked:
a locked seat is held for its leader even when the leader drops out (the seat then stays
empty, with a warning); an unlocked one lapses while the leader is away and the rule fills
the seat. A seat kept empty is always locked; an unlocked empty seat is simply left to the
rule."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import AgendaItem, Attendance, SeatPlacement, User
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.protocol import precedence, seating


@dataclass(frozen=True)
class Placement:
    row: int
    seat: int
    entry_id: int | None
    locked: bool = True


def _snapshot(placements) -> list[dict]:
    return [{"row": p.row + 1, "seat": p.seat + 1, "entry_id": p.entry_id, "locked": p.locked}
            for p in sorted(placements, key=lambda p: (p.row, p.seat))]


def check(item: AgendaItem, wanted: list[Placement]) -> list[Placement]:
    """The placements to store (empty unlocked seats dropped), or the first rule broken."""
    podium = seating.podium_for(item)
    if podium is None:
        raise Conflict(_l("Set up the podium first."))
    if len(wanted) > podium.rows * podium.seats_per_row:
        raise ValidationFailed(_l("More placements than seats on this podium."), "placements")
    entries = {e.id: e for e in precedence.ordered(item.summit)}
    marks = precedence.attendance_map(item)
    seats: set[tuple[int, int]] = set()
    people: set[int] = set()
    kept = []
    for place in wanted:
        where = {"row": place.row + 1, "seat": place.seat + 1}
        if not (0 <= place.row < podium.rows and 0 <= place.seat < podium.seats_per_row):
            raise ValidationFailed(_l(
                "Row %(row)s seat %(seat)s is not on this podium (%(rows)s rows of %(seats)s "
                "seats).", rows=podium.rows, seats=podium.seats_per_row, **where), "placements")
        if (place.row, place.seat) in seats:
            raise ValidationFailed(_l("Row %(row)s seat %(seat)s is given twice.", **where),
                                   "placements")
        seats.add((place.row, place.seat))
        if place.entry_id is None:
            if place.locked:
                kept.append(place)
            continue
        entry = entries.get(place.entry_id)
        if entry is None:
            raise ValidationFailed(_l(
                "Row %(row)s seat %(seat)s: that leader is not on this summit's precedence "
                "list.", **where), "placements")
        if place.entry_id in people:
            raise ValidationFailed(_l("%(name)s is placed twice.", name=entry.name),
                                   "placements")
        people.add(place.entry_id)
        mark = marks.get(place.entry_id)
        if mark is not None and mark.status is Attendance.ABSENT:
            raise ValidationFailed(_l(
                "%(name)s is absent from this item: no seat can be held for them.",
                name=entry.name), "placements")
        kept.append(place)
    return kept


def replace(actor: User, item: AgendaItem, wanted: list[Placement]) -> seating.Seating:
    """Replace the podium's manual placements with ``wanted``; one commit, audited."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    kept = check(item, wanted)
    podium = seating.podium_for(item)
    before = _snapshot(podium.placements)
    podium.placements.clear()
    db.session.flush()  # the old seats go before the new ones take their places
    for place in kept:
        podium.placements.append(SeatPlacement(entry_id=place.entry_id, row=place.row,
                                               seat=place.seat, locked=place.locked))
    db.session.flush()
    audit.record(actor, "podium.seating", podium, summit=item.summit,
                 before={"placements": before}, after={"placements": _snapshot(kept)})
    db.session.commit()
    return seating.compute(item, podium)
