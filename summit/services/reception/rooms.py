"""Hotels, room blocks and who sleeps where each night.

Refused whoever writes and however many at once (every writing use case takes the summit's
lock first, then counts): more people in a room than its beds on a night, one person in two
rooms the same night (also a unique key), and a shared room between people who did not both
ask to share (``room_wish`` "shared"), unless staff confirm it. The proposal fills rooms by
delegation and gender: those who wish a single room get one, the others share.
"""
from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask import render_template
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    Hotel,
    HotelRoom,
    Registration,
    RegistrationStatus,
    RoomAssignment,
    RoomBlock,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.core import audit, exports, fonts
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.core.pdf import render_document
from summit.services.core.validation import required_line
from summit.services.reception import trips
from summit.services.summits.settings import lock_summit

APPROVED = Registration.status == RegistrationStatus.APPROVED


def add_hotel(actor: User, summit: Summit, name: str, address: str = "") -> Hotel:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    hotel = Hotel(summit_id=summit.id, name=required_line(name, "name", 100),
                  address=(address or "").strip()[:200])
    db.session.add(hotel)
    db.session.flush()
    audit.record(actor, "hotel.create", hotel, summit=summit, after={"name": hotel.name})
    db.session.commit()
    return hotel


def add_block(actor: User, summit: Summit, hotel: Hotel, *, room_type: str, beds: int,
              count: int, first_night: date, nights: int, price: str,
              first_number: int = 101) -> RoomBlock:
    """A block of ``count`` rooms of ``beds`` beds, numbered from ``first_number``."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    if hotel.summit_id != summit.id:
        raise NotFound(_l("There is no such hotel."))
    if not isinstance(beds, int) or not 1 <= beds <= 20:
        raise ValidationFailed(_l("A room has 1 to 20 beds."), "beds")
    if not isinstance(count, int) or not 1 <= count <= 2000:
        raise ValidationFailed(_l("A block has 1 to 2000 rooms."), "count")
    if not isinstance(nights, int) or not 1 <= nights <= 60:
        raise ValidationFailed(_l("A block is for 1 to 60 nights."), "nights")
    try:
        amount = Decimal(str(price)).quantize(Decimal("0.01"))
        if amount < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_l("Write the price in yuan, e.g. 380.00."), "price") from None
    block = RoomBlock(hotel=hotel, room_type=required_line(room_type, "room_type", 50), beds=beds,
                      count=count, first_night=first_night, nights=nights, price=amount)
    block.rooms = [HotelRoom(number=str(first_number + n)) for n in range(count)]
    db.session.add(block)
    db.session.flush()
    audit.record(actor, "room_block.create", block, summit=summit,
                 after={"hotel": hotel.name, "type": block.room_type, "beds": beds,
                        "count": count, "first_night": first_night.isoformat(),
                        "nights": nights, "price": str(amount)})
    db.session.commit()
    return block


def hotels(summit: Summit) -> list[Hotel]:
    return list(db.session.scalars(
        db.select(Hotel).where(Hotel.summit_id == summit.id).order_by(Hotel.id)
        .options(db.selectinload(Hotel.blocks))))


def _block_nights(block: RoomBlock) -> list[date]:
    return [block.first_night + timedelta(days=n) for n in range(block.nights)]


def _occupants(room_id: int, night: date) -> list[RoomAssignment]:
    """Who sleeps there: a cancelled person's bed is free (reception/handover.py)."""
    return list(db.session.scalars(
        db.select(RoomAssignment).join(Registration,
                                       Registration.id == RoomAssignment.registration_id)
        .where(RoomAssignment.room_id == room_id, RoomAssignment.night == night,
               Registration.status.in_(HOLDS_PLACE))
        .options(db.joinedload(RoomAssignment.registration))))


def _agreed(people: list[Registration]) -> bool:
    return all(p.room_wish == "shared" for p in people)


def assign(actor: User, summit: Summit, room_id: object, registration_id: object,
           nights: list[date], *, confirm_shared: bool = False) -> list[RoomAssignment]:
    """Put a person in a room for the given nights (moving them out of any other room on
    those nights). Refused with the names: a full room, a night the block does not cover,
    a shared room its people did not agree to (unless ``confirm_shared``)."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    room = db.session.get(HotelRoom, room_id) if isinstance(room_id, int) else None
    if room is None or room.block.hotel.summit_id != summit.id:
        raise ValidationFailed(_l("Choose a room of this summit's hotels."), "room")
    person = db.session.get(Registration, registration_id) \
        if isinstance(registration_id, int) else None
    if person is None or person.summit_id != summit.id or \
            person.status is not RegistrationStatus.APPROVED:
        raise ValidationFailed(_l("Choose an approved person of this summit."), "person")
    if not nights:
        raise ValidationFailed(_l("Choose at least one night."), "nights")
    covered = set(_block_nights(room.block))
    outside = [n for n in nights if n not in covered]
    if outside:
        raise ValidationFailed(_l("The block does not cover the night of %(night)s.",
                                  night=outside[0].isoformat()), "nights")
    lock_summit(summit)
    made = []
    for night in sorted(set(nights)):
        here = [a for a in _occupants(room.id, night) if a.registration_id != person.id]
        if len(here) >= room.block.beds:
            raise Conflict(_l("Room %(room)s has %(beds)d beds on %(night)s: %(names)s.",
                              room=room.number, beds=room.block.beds,
                              night=night.isoformat(),
                              names="、".join(a.registration.name for a in here)), "room")
        if here and not confirm_shared and not _agreed([person] + [a.registration
                                                                    for a in here]):
            raise Conflict(_l("%(names)s did not all ask to share a room: confirm to put "
                              "them together.", names="、".join(
                                  [person.name] + [a.registration.name for a in here])),
                           "room")
        current = db.session.scalar(db.select(RoomAssignment).where(
            RoomAssignment.registration_id == person.id, RoomAssignment.night == night))
        before = None
        if current is not None:
            if current.room_id == room.id:
                made.append(current)
                continue
            before = {"room_id": current.room_id, "night": night.isoformat()}
            db.session.delete(current)
            db.session.flush()
        assignment = RoomAssignment(room=room, registration=person, night=night,
                                    confirmed_by_staff=bool(here) and confirm_shared)
        db.session.add(assignment)
        db.session.flush()
        audit.record(actor, "room.assign", assignment, summit=summit, before=before,
                     after={"room_id": room.id, "registration_id": person.id,
                            "night": night.isoformat(), "confirmed": confirm_shared})
        made.append(assignment)
    db.session.commit()
    return made


@dataclass
class RoomProposal:
    people: int = 0
    nights: int = 0
    unplaced: int = 0


def propose(actor: User, summit: Summit, hotel: Hotel) -> RoomProposal:
    """For every approved person with no room yet, each night of the hotel's blocks: by
    delegation and gender, a single room to those who asked for one, shared rooms (filled
    to their beds) to those who asked to share, a room each to the rest."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    lock_summit(summit)
    people = db.session.execute(
        db.select(Registration.id, Registration.delegation_id, Registration.gender,
                  Registration.room_wish)
        .where(Registration.summit_id == summit.id, APPROVED)
        .order_by(Registration.delegation_id, Registration.gender,
                  Registration.sort_key)).all()
    # (beds, room id, first night, last night + 1) of every room of the hotel
    rooms = [(beds, room_id, first, first + timedelta(days=nights))
             for room_id, beds, first, nights in db.session.execute(
                 db.select(HotelRoom.id, RoomBlock.beds, RoomBlock.first_night,
                           RoomBlock.nights)
                 .join(RoomBlock, RoomBlock.id == HotelRoom.block_id)
                 .where(RoomBlock.hotel_id == hotel.id))]
    nights = sorted({first + timedelta(days=n) for _beds, _room, first, end in rooms
                     for n in range((end - first).days)})
    taken = defaultdict(int)  # (room id, night) -> beds used
    placed: set[tuple[int, date]] = set()
    for room_id, person_id, night in db.session.execute(
            db.select(RoomAssignment.room_id, RoomAssignment.registration_id,
                      RoomAssignment.night)
            .join(HotelRoom, HotelRoom.id == RoomAssignment.room_id)
            .join(RoomBlock, RoomBlock.id == HotelRoom.block_id)
            .join(Hotel, Hotel.id == RoomBlock.hotel_id).where(Hotel.summit_id == summit.id)):
        taken[(room_id, night)] += 1
        placed.add((person_id, night))
    result = RoomProposal()
    rows = []
    for night in nights:
        # Free rooms from fewest beds to most: a single room is taken from the front, a
        # shared one from the back.
        free = deque(sorted((beds, room_id) for beds, room_id, first, end in rooms
                            if first <= night < end and taken[(room_id, night)] == 0))
        groups: dict[tuple, list[int]] = defaultdict(list)
        for person_id, delegation_id, gender, wish in people:
            if (person_id, night) not in placed:
                groups[(delegation_id or 0, gender, wish == "shared")].append(person_id)
        for (_delegation, _gender, sharing), group in groups.items():
            while group:
                if not free:
                    result.unplaced += len(group)
                    break
                beds, room_id = free.pop() if sharing else free.popleft()
                size = beds if sharing else 1
                for person_id in group[:size]:
                    rows.append({"room_id": room_id, "registration_id": person_id,
                                 "night": night, "confirmed_by_staff": False})
                group = group[size:]
    if rows:
        db.session.execute(db.insert(RoomAssignment), rows)
    result.nights = len(rows)
    result.people = len({row["registration_id"] for row in rows})
    audit.record(actor, "room.propose", hotel, summit=summit,
                 after={"assignments": len(rows), "people": result.people,
                        "unplaced": result.unplaced})
    db.session.commit()
    return result


@dataclass
class RoomingRow:
    room_id: int
    number: str
    room_type: str
    beds: int
    people: list[tuple[int, str, str, str]]  # (registration id, name, organisation, phone)


def rooming_list(actor: User, summit: Summit, hotel: Hotel, night: date) -> list[RoomingRow]:
    """Every room of the hotel on a night with who sleeps there: two queries."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    if hotel.summit_id != summit.id:
        raise NotFound(_l("There is no such hotel."))
    rooms = db.session.execute(
        db.select(HotelRoom.id, HotelRoom.number, RoomBlock.room_type, RoomBlock.beds,
                  RoomBlock.first_night, RoomBlock.nights)
        .join(RoomBlock, RoomBlock.id == HotelRoom.block_id)
        .where(RoomBlock.hotel_id == hotel.id, RoomBlock.first_night <= night)
        .order_by(HotelRoom.number)).all()
    people: dict[int, list[tuple]] = defaultdict(list)
    for room_id, *person in db.session.execute(
            db.select(RoomAssignment.room_id, Registration.id, Registration.name,
                      Registration.organisation_name, Registration.phone)
            .join(Registration, Registration.id == RoomAssignment.registration_id)
            .join(HotelRoom, HotelRoom.id == RoomAssignment.room_id)
            .join(RoomBlock, RoomBlock.id == HotelRoom.block_id)
            .where(RoomBlock.hotel_id == hotel.id, RoomAssignment.night == night,
                   Registration.status.in_(HOLDS_PLACE))
            .order_by(Registration.sort_key)):
        people[room_id].append(tuple(person))
    return [RoomingRow(room_id, number, room_type, beds, people[room_id])
            for room_id, number, room_type, beds, first, nights in rooms
            if night < first + timedelta(days=nights)]


def rooming_xlsx(actor: User, summit: Summit, hotel: Hotel, night: date) -> bytes:
    rows = rooming_list(actor, summit, hotel, night)
    book = exports.Book()
    sheet = book.sheet(f"{night.isoformat()}", (
        _p("hotel room", "Room"), _l("Room type"), _l("Beds"), _l("Name as on ID"),
        _l("Organisation"), _l("Mobile phone")))
    for row in rows:
        for _id, name, organisation, phone in row.people or [(None, "", "", "")]:
            sheet.append([row.number, row.room_type, row.beds, name, organisation, phone])
    audit.record(actor, "room.export", hotel, summit=summit,
                 after={"night": night.isoformat(), "rooms": len(rows)})
    db.session.commit()
    return book.save()


def rooms_of(registration_ids: list[int]) -> dict[int, list[RoomAssignment]]:
    """Each person's nights, hotel and room (for 我的报名), in one query."""
    found: dict[int, list[RoomAssignment]] = defaultdict(list)
    if registration_ids:
        for assignment in db.session.scalars(
                db.select(RoomAssignment)
                .where(RoomAssignment.registration_id.in_(registration_ids))
                .options(db.joinedload(RoomAssignment.room).joinedload(HotelRoom.block)
                         .joinedload(RoomBlock.hotel))
                .order_by(RoomAssignment.night)):
            found[assignment.registration_id].append(assignment)
    return found


ROOMING_CSS = """
@page { size: A4; margin: 16mm 14mm; }
html { font-family: %(family)s; font-size: 10pt; color: #1d2433; }
h1 { font-size: 14pt; margin: 0 0 4mm; }
table { width: 100%%; border-collapse: collapse; }
th { text-align: left; font-size: 8.5pt; color: #555; border-bottom: 0.6pt solid #999; }
td { padding: 1.5mm; border-bottom: 0.4pt solid #ccc; vertical-align: top; }
tr { page-break-inside: avoid; }
"""


def rooming_pdf(actor: User, summit: Summit, hotel: Hotel, night: date) -> bytes:
    """The rooming list of a hotel and night, printed (A4, the badge fonts)."""
    rows = rooming_list(actor, summit, hotel, night)
    html = render_template("reception/print/rooming.html", summit=summit, hotel=hotel,
                           night=night, rows=rows)
    audit.record(actor, "room.export_pdf", hotel, summit=summit,
                 after={"night": night.isoformat(), "rooms": len(rows)})
    db.session.commit()
    return render_document(html, ROOMING_CSS % {"family": fonts.family_css()})


GENDERS = ("female", "male")
WISHES = ("single", "shared")


def save_wish(actor: User, registration: Registration, gender: str, wish: str) -> None:
    """The person's gender and room wish for rooming: the person, their registrar or staff
    (as for trips)."""
    trips.require_edit(actor, registration)
    if gender not in GENDERS + ("",):
        raise ValidationFailed(_l("Choose female or male."), "gender")
    if wish not in WISHES + ("",):
        raise ValidationFailed(_l("Choose a single or a shared room."), "room_wish")
    before = {"gender": registration.gender, "room_wish": registration.room_wish}
    registration.gender, registration.room_wish = gender, wish
    audit.record(actor, "registration.room_wish", registration, summit=registration.summit,
                 before=before, after={"gender": gender, "room_wish": wish})
    db.session.commit()
