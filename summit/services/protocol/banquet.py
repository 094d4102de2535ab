"""Banquet and round-table seating (桌次 and 座次): tables numbered by rank (1 is 主桌), the
tables placed on the chart by the podium's convention around the main table, and at each
table the host, the chief guest and the rest by the same seat order as a podium row
(``seating.seat_order``). Guests come from the precedence list (attending, or the named
deputy), then the approved registrations by delegation. Locked placements survive a refill.

Seats of a table are numbered like a podium row laid round the table: the host's seat (No. 1)
in the middle of the order, seat 0 at the host's far left; on the chart the host faces the
entrance, so the host's left is on the reader's right."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from summit.extensions import db
from summit.models import (
    AgendaItem,
    Banquet,
    BanquetTable,
    Convention,
    Delegation,
    MealSession,
    PrecedenceEntry,
    Registration,
    RegistrationStatus,
    Summit,
    TablePlacement,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit, fonts
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.core.pdf import render_document
from summit.services.protocol import precedence
from summit.services.protocol.seating import seat_order

MAX_TABLES = 200
MAX_TABLE_SEATS = 30
MAX_PER_ROW = 10
MAX_ROOM = 100
ROWS_PER_PAGE = 3
PERSON = re.compile(r"^[er][1-9][0-9]{0,11}$")


@dataclass(frozen=True)
class Guest:
    """Someone to seat: a leader (``e<id>``; a deputy sits in the leader's place) or a
    registration (``r<id>``)."""
    person: str
    name: str
    name_native: str = ""
    title: str = ""
    organisation: str = ""
    deputy_for: str = ""
    registration_id: int | None = None
    leader: bool = False


@dataclass
class TableSeat:
    seat: int
    guest: Guest | None = None
    locked: bool = False
    rank: int = 0  # 1 is the host's seat, 2 the chief guest's, ...


@dataclass
class TableView:
    number: int
    room: str
    seats: list[TableSeat]

    @property
    def main(self) -> bool:
        return self.number == 1

    @property
    def taken(self) -> int:
        return sum(1 for s in self.seats if s.guest is not None)

    def around(self) -> list[tuple[TableSeat, float, float]]:
        """Each seat with its place on the drawn circle (left and top, 0–100 %): the host at
        the top facing the reader, the host's left on the reader's right. The names sit
        just outside the circle."""
        count = len(self.seats)
        middle = (count - 1) / 2
        result = []
        for seat in self.seats:
            angle = math.radians(90 + (seat.seat - middle) * 360 / count)
            # An ellipse: wider than high, so that the names at the sides clear the circle.
            result.append((seat, 50 + 85 * math.cos(angle), 50 - 72 * math.sin(angle)))
        return result


@dataclass
class BanquetSeating:
    banquet: Banquet
    tables: list[TableView]
    unseated: list[Guest] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def table(self, number: int) -> TableView | None:
        return next((t for t in self.tables if t.number == number), None)

    def places(self) -> dict[str, tuple[Guest, int, int]]:
        """Person -> (guest, table number, seat number from 1)."""
        return {s.guest.person: (s.guest, t.number, s.seat + 1)
                for t in self.tables for s in t.seats if s.guest is not None}

    def pages(self) -> list[tuple[str, list[list[TableView | None]]]]:
        """The chart: per room, rows of tables as seen from the entrance (主桌 in the middle
        of the first row, the next tables around it by the convention), a few rows a page."""
        per_row = self.banquet.per_row
        rooms: dict[str, list[TableView]] = {}
        for table in self.tables:
            rooms.setdefault(table.room, []).append(table)
        pages = []
        for room, tables in rooms.items():
            rows = []
            for start in range(0, len(tables), per_row):
                chunk = tables[start:start + per_row]
                slots: list[TableView | None] = [None] * len(chunk)
                for table, slot in zip(chunk, seat_order(len(chunk), self.banquet.convention),
                                       strict=True):
                    slots[slot] = table
                rows.append(list(reversed(slots)))
            for start in range(0, len(rows), ROWS_PER_PAGE):
                pages.append((room, rows[start:start + ROWS_PER_PAGE]))
        return pages


def banquet_for(item: AgendaItem) -> Banquet | None:
    return db.session.scalar(db.select(Banquet).where(Banquet.item_id == item.id))


def _check_room(room: str) -> str:
    room = room.strip()
    if len(room) > MAX_ROOM:
        raise ValidationFailed(_l("At most %(count)s characters.", count=MAX_ROOM), "room")
    return room


def configure(actor: User, item: AgendaItem, tables: int, seats: int, convention: Convention,
              per_row: int = 5, room: str = "", meal_id: int | None = None) -> Banquet:
    """Set the number of tables and the seats of each; tables beyond the new number go, and
    with them the placements at them. Table seat counts set one by one are kept when
    ``seats`` is unchanged."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    if not 1 <= tables <= MAX_TABLES:
        raise ValidationFailed(_l("Between 1 and %(count)s tables.", count=MAX_TABLES),
                               "tables")
    if not 1 <= seats <= MAX_TABLE_SEATS:
        raise ValidationFailed(_l("Between 1 and %(count)s seats at a table.",
                                  count=MAX_TABLE_SEATS), "seats")
    if not 1 <= per_row <= MAX_PER_ROW:
        raise ValidationFailed(_l("Between 1 and %(count)s tables a row.", count=MAX_PER_ROW),
                               "per_row")
    room = _check_room(room)
    if meal_id is not None:
        meal = db.session.get(MealSession, meal_id)
        if meal is None or meal.summit_id != item.summit_id:
            raise ValidationFailed(_l("That meal is not at this summit."), "meal_id")
    banquet = banquet_for(item) or Banquet(item=item)
    before = {"tables": len(banquet.tables), "convention":
              banquet.convention.value if banquet.convention else None,
              "per_row": banquet.per_row}
    banquet.convention, banquet.per_row, banquet.meal_id = convention, per_row, meal_id
    db.session.add(banquet)
    existing = {t.number: t for t in banquet.tables}
    for number in range(1, tables + 1):
        table = existing.get(number)
        if table is None:
            banquet.tables.append(BanquetTable(number=number, seats=seats, room=room))
        else:
            table.seats = seats
            table.room = room or table.room
    for number, table in existing.items():
        if number > tables:
            banquet.tables.remove(table)
    _drop_outside(banquet, {n: seats for n in range(1, tables + 1)})
    db.session.flush()
    audit.record(actor, "banquet.configure", banquet, summit=item.summit, before=before,
                 after={"tables": tables, "seats": seats, "convention": convention.value,
                        "per_row": per_row, "room": room, "meal_id": meal_id})
    db.session.commit()
    return banquet


def _drop_outside(banquet: Banquet, seats: dict[int, int]) -> None:
    for placement in list(banquet.placements):
        if placement.seat >= seats.get(placement.table_number, 0):
            banquet.placements.remove(placement)


def set_table(actor: User, item: AgendaItem, number: int, seats: int, room: str) -> None:
    """One table's seats and room."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    banquet = _banquet(item)
    table = next((t for t in banquet.tables if t.number == number), None)
    if table is None:
        raise ValidationFailed(_l("There is no table %(number)s.", number=number), "table")
    if not 1 <= seats <= MAX_TABLE_SEATS:
        raise ValidationFailed(_l("Between 1 and %(count)s seats at a table.",
                                  count=MAX_TABLE_SEATS), "seats")
    room = _check_room(room)
    before = {"table": number, "seats": table.seats, "room": table.room}
    table.seats, table.room = seats, room
    _drop_outside(banquet, {t.number: t.seats for t in banquet.tables})
    audit.record(actor, "banquet.table", table, summit=item.summit, before=before,
                 after={"table": number, "seats": seats, "room": room})
    db.session.commit()


def _banquet(item: AgendaItem) -> Banquet:
    banquet = banquet_for(item)
    if banquet is None:
        raise Conflict(_l("Set up the tables first."))
    return banquet


def guest_of(attendee: precedence.Attendee) -> Guest:
    entry = attendee.entry
    if attendee.deputy:
        return Guest(f"e{entry.id}", attendee.name, organisation=entry.organisation,
                     deputy_for=entry.name, leader=True)
    return Guest(f"e{entry.id}", entry.name, entry.name_native, entry.title,
                 entry.organisation, registration_id=entry.registration_id, leader=True)


def _from_registration(registration: Registration) -> Guest:
    organisation = registration.organisation_name or (
        registration.delegation.name if registration.delegation else "")
    return Guest(f"r{registration.id}", registration.name, registration.name_native,
                 registration.position, organisation, registration_id=registration.id)


def guests(summit: Summit, item: AgendaItem) -> list[Guest]:
    """Everyone to seat, in order: the precedence list (attending or a deputy), then the
    approved registrations by delegation (those of no delegation last). A registration on
    the precedence list sits as a leader, or not at all when absent."""
    result = [guest_of(a) for a in precedence.attendees(summit, item)]
    linked = db.session.scalars(db.select(PrecedenceEntry.registration_id).where(
        PrecedenceEntry.summit_id == summit.id,
        PrecedenceEntry.registration_id.is_not(None))).all()
    registrations = db.session.scalars(
        db.select(Registration).outerjoin(Delegation, Registration.delegation)
        .options(contains_eager(Registration.delegation))
        .where(Registration.summit_id == summit.id,
               Registration.status == RegistrationStatus.APPROVED,
               Registration.id.not_in(linked or [0]))
        .order_by(Delegation.name.is_(None), Delegation.name, Registration.sort_key,
                  Registration.id))
    result += [_from_registration(r) for r in registrations]
    return result


def compute(item: AgendaItem, banquet: Banquet, everyone: list[Guest] | None = None
            ) -> BanquetSeating:
    """Fill the tables: locked placements first, then everyone else in order, table by
    table in number order, each table's free seats by the convention. Nothing is written."""
    everyone = guests(item.summit, item) if everyone is None else everyone
    by_person = {g.person: g for g in everyone}
    tables = [TableView(t.number, t.room, [TableSeat(s) for s in range(t.seats)])
              for t in banquet.tables]
    numbered = {t.number: t for t in tables}
    result = BanquetSeating(banquet, tables)
    orders = {}
    for table in tables:
        order = orders.setdefault(len(table.seats), seat_order(len(table.seats),
                                                                banquet.convention))
        for rank, seat in enumerate(order, start=1):
            table.seats[seat].rank = rank
    placed: set[str] = set()
    for placement in banquet.placements:
        table = numbered.get(placement.table_number)
        if table is None or placement.seat >= len(table.seats):
            continue
        target = table.seats[placement.seat]
        guest = by_person.get(placement.person)
        target.locked = True
        if guest is None:
            result.warnings.append(str(_l(
                "Table %(table)s seat %(seat)s is locked for %(name)s, who is absent from this "
                "item; the seat is left empty until you unlock it.",
                table=placement.table_number, seat=placement.seat + 1, name=placement.name)))
            continue
        target.guest = guest
        placed.add(guest.person)
    free = [table.seats[s] for table in tables for s in orders[len(table.seats)]
            if table.seats[s].guest is None and not table.seats[s].locked]
    waiting = [g for g in everyone if g.person not in placed]
    for seat, guest in zip(free, waiting, strict=False):
        seat.guest = guest
    result.unseated = waiting[len(free):]
    return result


def place(actor: User, item: AgendaItem, person: str, table_number: int, seat: int,
          locked: bool = True) -> TablePlacement:
    """Put a guest in a seat (a manual move); it survives refills while locked. Placing the
    same guest again moves them: a guest is never in two seats."""
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    banquet = _banquet(item)
    table = next((t for t in banquet.tables if t.number == table_number), None)
    if table is None or not 0 <= seat < table.seats:
        raise ValidationFailed(_l("There is no such seat at these tables."), "seat")
    guest = next((g for g in guests(item.summit, item) if g.person == person), None) \
        if PERSON.match(person or "") else None
    if guest is None:
        raise ValidationFailed(_l("That guest is not on the precedence list or attending "
                                  "this summit."), "person")
    for placement in list(banquet.placements):
        if placement.person == person and (placement.table_number, placement.seat) != \
                (table_number, seat):
            banquet.placements.remove(placement)
        elif (placement.table_number, placement.seat) == (table_number, seat) and \
                placement.person != person:
            raise Conflict(_l("Table %(table)s seat %(seat)s is already taken by %(name)s; "
                              "unlock it first.", table=table_number, seat=seat + 1,
                              name=placement.name), "seat")
    db.session.flush()
    placement = next((p for p in banquet.placements if p.person == person), None)
    if placement is None:
        placement = TablePlacement(banquet=banquet, person=person, table_number=table_number,
                                   seat=seat)
        db.session.add(placement)
    placement.name = guest.deputy_for or guest.name
    placement.locked = locked
    db.session.flush()
    audit.record(actor, "banquet.place", placement, summit=item.summit,
                 after={"name": placement.name, "table": table_number, "seat": seat + 1,
                        "locked": locked})
    db.session.commit()
    return placement


def unlock(actor: User, item: AgendaItem, table_number: int, seat: int) -> None:
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    banquet = _banquet(item)
    placement = next((p for p in banquet.placements
                      if (p.table_number, p.seat) == (table_number, seat)), None)
    if placement is None:
        raise Conflict(_l("That seat is not locked."))
    audit.record(actor, "banquet.unlock", placement, summit=item.summit,
                 before={"name": placement.name, "table": table_number, "seat": seat + 1})
    banquet.placements.remove(placement)
    db.session.commit()


@dataclass(frozen=True)
class MyTable:
    item: AgendaItem
    table: int
    seat: int
    room: str


def tables_of(registration: Registration) -> list[MyTable]:
    """Where a registration sits at each seated item of its summit (for its own page)."""
    result = []
    banquets = db.session.scalars(db.select(Banquet).join(AgendaItem, Banquet.item)
                                  .where(AgendaItem.summit_id == registration.summit_id)
                                  .order_by(AgendaItem.day, AgendaItem.start)).all()
    for banquet in banquets:
        for table in compute(banquet.item, banquet).tables:
            for seat in table.seats:
                if seat.guest is not None and seat.guest.registration_id == registration.id:
                    result.append(MyTable(banquet.item, table.number, seat.seat + 1,
                                          table.room))
    return result


@dataclass(frozen=True)
class MealTables:
    item: AgendaItem
    tables: int
    seated: int
    unseated: int


def meal_tables(summit: Summit) -> dict[int, MealTables]:
    """The seated reception meals whose tables protocol sets: meal id -> their tables."""
    found = {}
    for banquet in db.session.scalars(db.select(Banquet).join(AgendaItem, Banquet.item).where(
            AgendaItem.summit_id == summit.id, Banquet.meal_id.is_not(None))):
        chart = compute(banquet.item, banquet)
        found[banquet.meal_id] = MealTables(banquet.item, len(chart.tables),
                                            sum(t.taken for t in chart.tables),
                                            len(chart.unseated))
    return found


CHART_CSS = """
@page { size: A4 landscape; margin: 10mm; }
html { font-family: %(family)s; font-size: 8pt; color: #1d2433; }
section { page-break-after: always; }
section:last-child { page-break-after: auto; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 1mm; }
.note { text-align: center; color: #555; margin: 0 0 3mm; }
.row { display: flex; justify-content: center; margin: 0 0 2mm; }
.slot { width: 54mm; height: 52mm; position: relative; }
.table { position: absolute; left: 14mm; top: 13mm; width: 26mm; height: 26mm;
  border: 0.8pt solid #555; border-radius: 50%%; text-align: center; }
.table.main { border-width: 1.6pt; background: #fdf3e7; }
.table .number { position: absolute; left: 0; right: 0; top: 9mm; font-size: 11pt;
  font-weight: bold; }
.seat { position: absolute; width: 14mm; margin-left: -7mm; margin-top: -2.5mm;
  text-align: center; font-size: 6.5pt; line-height: 1.1; overflow-wrap: anywhere; }
.seat.locked { font-weight: bold; }
.seat.empty { color: #999; }
.entrance { text-align: center; color: #555; letter-spacing: 4pt; margin-top: 2mm; }
.unseated { color: #b42318; margin-top: 3mm; font-size: 9pt; }
"""


def chart_pdf(item: AgendaItem, chart: BanquetSeating) -> bytes:
    """The seating chart, a page per room (and a few rows of tables a page): round tables
    with the names around them, as seen from the entrance, printed in Chinese."""
    html = render_template("protocol/print/banquet.html", item=item, chart=chart,
                           convention=CONVENTION_NOTES[chart.banquet.convention])
    return render_document(html, CHART_CSS % {"family": fonts.family_css()})


CONVENTION_NOTES = {Convention.GOVERNMENT: "政务惯例：主人居中面向入口，主宾在主人左侧，以左为尊",
                    Convention.INTERNATIONAL: "国际/商务惯例：主宾在主人右侧，以右为尊"}
