"""Salon attendance: a gate bound to an agenda item is that salon's door. A scan there counts
the holder once for the salon (and as arrived at the summit, if not yet), and the report
compares attendance with the salon's seat bookings: booked and attended, walk-ins without a
booking, and no-shows."""
from __future__ import annotations

from collections import defaultdict
from time import monotonic

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    Badge,
    BookingStatus,
    Registration,
    SeatBooking,
    Summit,
)
from summit.models.checkin import Arrival, CheckIn, Gate, SalonAttendance


def salon_items(summit: Summit) -> list[AgendaItem]:
    """Items a door can be bound to: salons, and any item with bookable seats."""
    return list(db.session.scalars(
        select(AgendaItem).where(AgendaItem.summit_id == summit.id,
                                 (AgendaItem.kind == AgendaItemKind.SALON)
                                 | AgendaItem.bookable.is_(True))
        .order_by(AgendaItem.day, AgendaItem.start, AgendaItem.id)))


# Every scan asks whether its gate is a salon's door: the answer per summit is kept for a
# few seconds (and forgotten at once when this process changes a gate), so the gates' hot
# path does not pay a query for it. Keyed with the summit's creation time, so a summit
# recreated with the same id (tests) never sees another's doors.
DOORS_TTL = 5.0
_doors: dict[tuple, tuple[float, dict[str, int]]] = {}


def doors_of(summit: Summit) -> dict[str, int]:
    return doors_of_id(summit.id, summit.created_at)


def kept_doors(summit_id: int, created_at: object) -> dict[str, int] | None:
    """``doors_of_id`` when it is kept and fresh, else None (nothing is read)."""
    cached = _doors.get((summit_id, created_at))
    if cached is not None and monotonic() - cached[0] < DOORS_TTL:
        return cached[1]
    return None


def doors_of_id(summit_id: int, created_at: object) -> dict[str, int]:
    """``doors_of`` by the summit's id (and creation time: ids are reused in tests)."""
    key = (summit_id, created_at)
    kept = kept_doors(summit_id, created_at)
    if kept is not None:
        return kept
    doors = dict(db.session.execute(select(Gate.name, Gate.agenda_item_id).where(
        Gate.summit_id == summit_id, Gate.agenda_item_id.is_not(None))).all())
    _doors[key] = (monotonic(), doors)
    return doors


def forget_doors(summit: Summit) -> None:
    _doors.pop((summit.id, summit.created_at), None)


def salon_at(summit: Summit, gate: str) -> AgendaItem | None:
    """The salon whose door ``gate`` is, if the organisers bound it to one."""
    item_id = doors_of(summit).get(gate)
    return db.session.get(AgendaItem, item_id) if item_id is not None else None


def has_booking(item_id: int, registration_id: int | None) -> bool:
    if registration_id is None:
        return False
    return db.session.scalar(select(func.count()).where(
        SeatBooking.item_id == item_id, SeatBooking.registration_id == registration_id,
        SeatBooking.status == BookingStatus.CONFIRMED)) > 0


def attend(summit: Summit, item: AgendaItem, checkin: CheckIn, badge: Badge) -> None:
    """Count an accepted scan at the salon's door (the caller commits): a second scan at this
    salon is a duplicate; the first also counts as the summit arrival when there is none."""
    checkin.agenda_item_id = item.id
    try:
        with db.session.begin_nested():
            db.session.add(SalonAttendance(summit_id=summit.id, item_id=item.id,
                                           badge_id=badge.id, checkin_id=checkin.id,
                                           gate=checkin.gate, attended_at=checkin.scanned_at))
    except IntegrityError:
        checkin.result = "duplicate"
        return
    try:
        with db.session.begin_nested():
            db.session.add(Arrival(summit_id=summit.id, badge_id=badge.id,
                                   checkin_id=checkin.id, gate=checkin.gate,
                                   arrived_at=checkin.scanned_at))
    except IntegrityError:
        pass  # arrived through a main gate already


def first_attendance(checkin: CheckIn) -> SalonAttendance | None:
    return db.session.scalar(select(SalonAttendance).where(
        SalonAttendance.item_id == checkin.agenda_item_id,
        SalonAttendance.badge_id == checkin.badge_id))


def salon_answer(checkin: CheckIn) -> dict:
    item = db.session.get(AgendaItem, checkin.agenda_item_id)
    registration_id = checkin.badge.registration_id if checkin.badge is not None else None
    return {"id": item.id, "title": item.title_zh, "title_en": item.title_en,
            "booked": has_booking(item.id, registration_id)}


def manifest_part(summit: Summit) -> dict:
    """For offline doors: each salon's booked badges and who is in already."""
    items = {item.id: item for item in salon_items(summit)}
    booked: dict[int, list[str]] = defaultdict(list)
    for item_id, ref in db.session.execute(
            select(SeatBooking.item_id, Badge.ref)
            .join(Badge, Badge.registration_id == SeatBooking.registration_id)
            .where(SeatBooking.item_id.in_(items), SeatBooking.status == BookingStatus.CONFIRMED)):
        booked[item_id].append(ref)
    attended: dict[int, dict] = defaultdict(dict)
    for item_id, ref, at, gate in db.session.execute(
            select(SalonAttendance.item_id, Badge.ref, SalonAttendance.attended_at,
                   SalonAttendance.gate)
            .join(Badge, SalonAttendance.badge_id == Badge.id)
            .where(SalonAttendance.summit_id == summit.id)):
        attended[item_id][ref] = {"at": at.isoformat(), "gate": gate}
    return {str(item_id): {"title": item.title_zh, "booked": booked.get(item_id, []),
                           "attended": attended.get(item_id, {})}
            for item_id, item in items.items()}


def report(summit: Summit) -> list[dict]:
    """Per salon: confirmed bookings, booked and attended, walk-ins, no-shows."""
    items = salon_items(summit)
    if not items:
        return []
    ids = [item.id for item in items]
    bookings: dict[int, set[int]] = defaultdict(set)
    for item_id, registration_id in db.session.execute(
            select(SeatBooking.item_id, SeatBooking.registration_id)
            .where(SeatBooking.item_id.in_(ids), SeatBooking.status == BookingStatus.CONFIRMED)):
        bookings[item_id].add(registration_id)
    attended: dict[int, set[int]] = defaultdict(set)
    for item_id, registration_id in db.session.execute(
            select(SalonAttendance.item_id, Badge.registration_id)
            .join(Badge, SalonAttendance.badge_id == Badge.id)
            .where(SalonAttendance.item_id.in_(ids))):
        attended[item_id].add(registration_id)
    doors: dict[int, list[str]] = defaultdict(list)
    for item_id, name in db.session.execute(
            select(Gate.agenda_item_id, Gate.name).where(Gate.agenda_item_id.in_(ids))
            .order_by(Gate.position)):
        doors[item_id].append(name)
    rows = []
    for item in items:
        booked, came = bookings[item.id], attended[item.id]
        rows.append({"id": item.id, "title": item.title_zh, "title_en": item.title_en,
                     "day": item.day.isoformat(), "start": item.start.strftime("%H:%M"),
                     "capacity": item.capacity, "doors": doors[item.id],
                     "booked": len(booked), "attended": len(came),
                     "booked_attended": len(booked & came), "walk_ins": len(came - booked),
                     "no_shows": len(booked - came)})
    return rows


def attendance_rows(summit: Summit) -> list[tuple]:
    """(salon title, name, booked?, attended at or None) for the export: every confirmed
    booking and every walk-in."""
    rows = []
    for item in salon_items(summit):
        came = {registration_id: at for registration_id, at in db.session.execute(
            select(Badge.registration_id, SalonAttendance.attended_at)
            .join(Badge, SalonAttendance.badge_id == Badge.id)
            .where(SalonAttendance.item_id == item.id))}
        booked = dict(db.session.execute(
            select(Registration.id, Registration.name)
            .join(SeatBooking, SeatBooking.registration_id == Registration.id)
            .where(SeatBooking.item_id == item.id,
                   SeatBooking.status == BookingStatus.CONFIRMED)).all())
        walk_in_names = dict(db.session.execute(
            select(Registration.id, Registration.name)
            .where(Registration.id.in_(set(came) - set(booked)))).all()) if came else {}
        for registration_id, name in sorted(booked.items(), key=lambda kv: kv[1]):
            rows.append((item.title_zh, name, True, came.get(registration_id)))
        for registration_id, name in sorted(walk_in_names.items(), key=lambda kv: kv[1]):
            rows.append((item.title_zh, name, False, came[registration_id]))
    return rows
