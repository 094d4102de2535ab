"""Podium seating (主席台座次): the seat order of a convention, and filling a podium from the
precedence list with manual locked placements kept.

Seats are numbered from 0 at the left end of a row *as seen from the stage facing the
audience*; row 0 is the front row."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import AgendaItem, Convention, Podium, SeatPlacement, User
from summit.permissions import Permission, require
from summit.services.core import audit, audit_words
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.protocol import precedence

CONVENTION_LABELS = {
    Convention.GOVERNMENT: _l("Government (政务): left of No. 1 is senior"),
    Convention.INTERNATIONAL: _l("International / business (国际/商务): right is senior"),
}
audit_words.name_values(CONVENTION_LABELS)
MAX_ROWS = 10
MAX_SEATS = 60


def seat_order(seats: int, convention: Convention = Convention.GOVERNMENT) -> list[int]:
    """Seat indices (0 = leftmost seen from the stage) in precedence order: element k is
    the seat of No. k+1.

    政务: an odd row puts No. 1 in the centre, No. 2 to his left, No. 3 to his right,
    alternating outward; an even row puts No. 1 and No. 2 in the two centre seats, No. 1 on
    the left, then No. 3 left of No. 1, No. 4 right of No. 2, and so on. 国际/商务 mirrors it."""
    if seats <= 0:
        return []
    if seats % 2:
        centre = seats // 2
        order = [centre]
        for k in range(1, centre + 1):
            order += [centre - k, centre + k]
    else:
        left, right = seats // 2 - 1, seats // 2
        order = []
        for k in range(seats // 2):
            order += [left - k, right + k]
    if convention is Convention.INTERNATIONAL:
        order = [seats - 1 - index for index in order]
    return order


@dataclass
class Seat:
    row: int
    seat: int
    attendee: precedence.Attendee | None = None
    locked: bool = False


@dataclass
class Seating:
    podium: Podium
    rows: list[list[Seat]]
    unseated: list[precedence.Attendee] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def podium_for(item: AgendaItem) -> Podium | None:
    return db.session.scalar(db.select(Podium).where(Podium.item_id == item.id))


def configure(actor: User, item: AgendaItem, rows: int, seats_per_row: int,
              convention: Convention) -> Podium:
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    if not 1 <= rows <= MAX_ROWS:
        raise ValidationFailed(_l("Between 1 and %(count)s rows.", count=MAX_ROWS), "rows")
    if not 1 <= seats_per_row <= MAX_SEATS:
        raise ValidationFailed(_l("Between 1 and %(count)s seats per row.", count=MAX_SEATS),
                               "seats_per_row")
    podium = podium_for(item) or Podium(item=item)
    before = {"rows": podium.rows, "seats_per_row": podium.seats_per_row,
              "convention": podium.convention.value if podium.convention else None}
    podium.rows, podium.seats_per_row, podium.convention = rows, seats_per_row, convention
    db.session.add(podium)
    # Placements outside the new shape no longer exist.
    for placement in list(podium.placements):
        if placement.row >= rows or placement.seat >= seats_per_row:
            podium.placements.remove(placement)
    db.session.flush()
    audit.record(actor, "podium.configure", podium, summit=item.summit, before=before,
                 after={"rows": rows, "seats_per_row": seats_per_row,
                        "convention": convention.value})
    db.session.commit()
    return podium


def compute(item: AgendaItem, podium: Podium) -> Seating:
    """Fill the podium: locked placements first, then everyone attending in precedence order
    into the free seats by the convention, front row first. Nothing is written."""
    attendees = precedence.attendees(item.summit, item)
    by_entry = {a.entry.id: a for a in attendees}
    rows = [[Seat(r, s) for s in range(podium.seats_per_row)] for r in range(podium.rows)]
    seating = Seating(podium, rows)
    placed: set[int] = set()
    for placement in podium.placements:
        if placement.entry_id is None:  # kept empty by hand
            rows[placement.row][placement.seat].locked = True
            continue
        attendee = by_entry.get(placement.entry_id)
        if attendee is None and not placement.locked:
            continue  # an unlocked manual place lapses while the leader is away
        if attendee is None:
            seating.warnings.append(str(_l(
                "Row %(row)s seat %(seat)s is locked for %(name)s, who is absent from this "
                "item; the seat is left empty until you unlock it.",
                row=placement.row + 1, seat=placement.seat + 1, name=placement.entry.name)))
            rows[placement.row][placement.seat].locked = True
            continue
        target = rows[placement.row][placement.seat]
        target.attendee, target.locked = attendee, placement.locked
        placed.add(attendee.entry.id)
    order = seat_order(podium.seats_per_row, podium.convention)
    free = [rows[r][s] for r in range(podium.rows) for s in order if rows[r][s].attendee is
            None and not rows[r][s].locked]
    waiting = [a for a in attendees if a.entry.id not in placed]
    for seat, attendee in zip(free, waiting, strict=False):
        seat.attendee = attendee
    seating.unseated = waiting[len(free):]
    return seating


def place(actor: User, item: AgendaItem, entry_id: int, row: int, seat: int,
          locked: bool = True) -> SeatPlacement:
    """Put a leader in a seat (a manual move); it survives refills while locked."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    podium = podium_for(item)
    if podium is None:
        raise Conflict(_l("Set up the podium first."))
    if not (0 <= row < podium.rows and 0 <= seat < podium.seats_per_row):
        raise ValidationFailed(_l("There is no such seat on this podium."), "seat")
    entry = db.session.get(precedence.PrecedenceEntry, entry_id)
    if entry is None or entry.summit_id != item.summit_id:
        raise ValidationFailed(_l("That leader is not on this summit's precedence list."),
                               "entry_id")
    for placement in list(podium.placements):
        if placement.entry_id == entry_id and (placement.row, placement.seat) != (row, seat):
            podium.placements.remove(placement)
        elif (placement.row, placement.seat) == (row, seat) and placement.entry_id != entry_id:
            raise Conflict(_l("Row %(row)s seat %(seat)s is already taken by %(name)s; "
                              "unlock it first.", row=row + 1, seat=seat + 1,
                              name=placement.entry.name if placement.entry else "—"),
                           "seat")
    db.session.flush()
    placement = next((p for p in podium.placements if p.entry_id == entry_id), None)
    if placement is None:
        placement = SeatPlacement(podium=podium, entry_id=entry_id, row=row, seat=seat)
        db.session.add(placement)
    placement.locked = locked
    db.session.flush()
    audit.record(actor, "podium.place", placement, summit=item.summit,
                 after={"entry_id": entry_id, "row": row, "seat": seat, "locked": locked})
    db.session.commit()
    return placement


def unlock(actor: User, item: AgendaItem, row: int, seat: int) -> None:
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    podium = podium_for(item)
    placement = next((p for p in podium.placements if (p.row, p.seat) == (row, seat)),
                     None) if podium else None
    if placement is None:
        raise Conflict(_l("That seat is not locked."))
    audit.record(actor, "podium.unlock", placement, summit=item.summit,
                 before={"entry_id": placement.entry_id, "row": row, "seat": seat})
    podium.placements.remove(placement)
    db.session.commit()


def get_item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_l("There is no such agenda item."))
    return item
