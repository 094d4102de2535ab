"""The draft programme: rooms, agenda items and their participants.

Organisers edit the draft here; ``agenda.publish`` freezes it into numbered versions. Hard
rules (end after start, a day of the summit, a room and people of this summit) refuse the
change; clashes (a room or a person twice at once, a participant not approved) are warnings
the organiser confirms with ``confirm=True`` (see ``agenda.conflicts``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemStatus,
    AgendaParticipant,
    ParticipantRole,
    Registration,
    Room,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.agenda.conflicts import NeedsConfirmation, Slot, clashes_with, slot_of
from summit.services.bookings import booking as bookings, items as booking_items
from summit.services.core import audit, audit_words
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.registration.lists import search_query

AGENDA_PERMISSION = Permission.SUMMIT_EDIT

KIND_LABELS = {
    AgendaItemKind.ADDRESS: _l("Address"), AgendaItemKind.SPEECH: _l("Speech"),
    AgendaItemKind.KEYNOTE: _l("Keynote"), AgendaItemKind.EXCHANGE_TALK: _l("Exchange talk"),
    AgendaItemKind.SALON: _l("Salon"), AgendaItemKind.SIGNING_CEREMONY: _l("Signing ceremony"),
    AgendaItemKind.BREAK: _l("Break"), AgendaItemKind.OTHER: _l("Other"),
}
ROLE_LABELS = {
    ParticipantRole.HOST: _l("Chair"), ParticipantRole.SPEAKER: _l("Speaker"),
    ParticipantRole.MODERATOR: _l("Moderator"), ParticipantRole.PANELIST: _l("Panelist"),
    ParticipantRole.SIGNATORY: _l("Signatory"), ParticipantRole.WITNESS: _l("Witness"),
    ParticipantRole.INTERPRETER: _l("Interpreter"),
}
audit_words.name_values(KIND_LABELS, ROLE_LABELS)
ITEM_AUDITED = ("day", "start", "end", "room_id", "kind", "status", "title_zh", "title_en",
                "description_zh", "description_en", "bookable", "capacity")
MAX_CAPACITY = 100_000


@dataclass
class RoomDetails:
    name_zh: str
    name_en: str = ""
    capacity: int = 0
    position: int = 0


@dataclass
class ParticipantDetails:
    role: ParticipantRole
    registration_id: int | None = None
    guest_name: str = ""
    guest_title: str = ""
    guest_organisation: str = ""


@dataclass
class ItemDetails:
    day: date
    start: time
    end: time
    kind: AgendaItemKind
    title_zh: str
    room_id: int | None = None
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    bookable: bool = False
    capacity: int | None = None
    participants: list[ParticipantDetails] | None = field(default=None)


# --- rooms --------------------------------------------------------------------------------

def rooms_of(summit: Summit) -> list[Room]:
    return list(db.session.scalars(db.select(Room).where(Room.summit_id == summit.id)
                                   .order_by(Room.position, Room.id)))


def _check_room(summit: Summit, details: RoomDetails, room: Room | None) -> None:
    if not details.name_zh.strip():
        raise ValidationFailed(_l("Give the room a name."), "name_zh")
    if details.capacity < 0 or details.capacity > MAX_CAPACITY:
        raise ValidationFailed(_l("Give a capacity between 0 and %(max)d.", max=MAX_CAPACITY),
                               "capacity")
    taken = db.session.scalar(db.select(Room.id).where(
        Room.summit_id == summit.id, Room.name_zh == details.name_zh.strip()))
    if taken is not None and (room is None or taken != room.id):
        raise Conflict(_l("This summit already has a room with this name."), "name_zh")


def add_room(actor: User, summit: Summit, details: RoomDetails,
             now: datetime | None = None) -> Room:
    require(actor, AGENDA_PERMISSION, summit)
    _check_room(summit, details, None)
    room = Room(summit=summit, name_zh=details.name_zh.strip(), name_en=details.name_en.strip(),
                capacity=details.capacity, position=details.position)
    db.session.add(room)
    db.session.flush()
    audit.record(actor, "room.create", room, summit=summit, now=now,
                 after=audit.snapshot(room, ("name_zh", "name_en", "capacity", "position")))
    db.session.commit()
    return room


def update_room(actor: User, room: Room, details: RoomDetails,
                now: datetime | None = None) -> Room:
    require(actor, AGENDA_PERMISSION, room.summit)
    _check_room(room.summit, details, room)
    fields_ = ("name_zh", "name_en", "capacity", "position")
    before = audit.snapshot(room, fields_)
    room.name_zh, room.name_en = details.name_zh.strip(), details.name_en.strip()
    room.capacity, room.position = details.capacity, details.position
    audit.record(actor, "room.update", room, summit=room.summit, now=now, before=before,
                 after=audit.snapshot(room, fields_))
    db.session.commit()
    return room


def delete_room(actor: User, room: Room, now: datetime | None = None) -> None:
    require(actor, AGENDA_PERMISSION, room.summit)
    used = db.session.scalar(db.select(db.func.count(AgendaItem.id)).where(
        AgendaItem.room_id == room.id, AgendaItem.status == AgendaItemStatus.SCHEDULED))
    if used:
        raise Conflict(_l("%(count)d scheduled items use this room: move them first.",
                          count=used))
    audit.record(actor, "room.delete", room, summit=room.summit, now=now,
                 before=audit.snapshot(room, ("name_zh", "name_en", "capacity")))
    db.session.delete(room)
    db.session.commit()


# --- items: reading -------------------------------------------------------------------------

def draft_items(summit: Summit, day: date | None = None) -> list[AgendaItem]:
    """The draft with rooms, participants and their registrations: three queries in all."""
    query = db.select(AgendaItem).where(AgendaItem.summit_id == summit.id).options(
        db.selectinload(AgendaItem.participants).joinedload(AgendaParticipant.registration))
    if day is not None:
        query = query.where(AgendaItem.day == day)
    return list(db.session.scalars(query.order_by(AgendaItem.day, AgendaItem.start,
                                                  AgendaItem.id)))


def summit_days(summit: Summit) -> list[date]:
    count = (summit.ends_on - summit.starts_on).days + 1
    return [summit.starts_on + timedelta(days=i) for i in range(max(count, 1))]


def get_item(summit: Summit, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.summit_id != summit.id:
        raise NotFound(_l("There is no such agenda item."))
    return item


def search_people(summit: Summit, q: str, limit: int = 20) -> list[Registration]:
    """Registrations to pick as participants: simplified, traditional and pinyin all match."""
    if not (q or "").strip():
        return []
    return list(db.session.scalars(search_query(summit, q=q).limit(limit)))


# --- items: checks --------------------------------------------------------------------------

def _room(summit: Summit, room_id: int | None) -> Room | None:
    if room_id is None:
        return None
    room = db.session.get(Room, room_id)
    if room is None or room.summit_id != summit.id:
        raise ValidationFailed(_l("This room does not exist at this summit."), "room_id")
    return room


def _check_details(summit: Summit, details: ItemDetails, item: AgendaItem | None) -> None:
    if not (details.title_zh or "").strip():
        raise ValidationFailed(_l("Give the item a Chinese title."), "title_zh")
    if details.end <= details.start:
        raise ValidationFailed(_l("The item must end after it starts."), "end")
    if not summit.starts_on <= details.day <= summit.ends_on:
        raise ValidationFailed(
            _l("The summit runs from %(first)s to %(last)s: choose a day in between.",
               first=summit.starts_on.isoformat(), last=summit.ends_on.isoformat()), "day")
    _room(summit, details.room_id)
    # Seats follow the rules of the seats page; the seats taken are checked under the lock.
    bookings.check_settings(details.bookable, details.capacity)


def _participants(summit: Summit, wanted: list[ParticipantDetails]) -> list[AgendaParticipant]:
    """New participant rows for the wanted list; unknown people are refused."""
    ids = {p.registration_id for p in wanted if p.registration_id is not None}
    found = {r.id: r for r in db.session.scalars(db.select(Registration).where(
        Registration.id.in_(ids), Registration.summit_id == summit.id))} if ids else {}
    rows = []
    for position, p in enumerate(wanted):
        if p.registration_id is not None:
            registration = found.get(p.registration_id)
            if registration is None:
                raise ValidationFailed(_l("Person %(id)s is not registered for this summit.",
                                          id=p.registration_id), "participants")
            rows.append(AgendaParticipant(role=p.role, registration=registration,
                                          registration_id=registration.id, position=position))
        else:
            name = (p.guest_name or "").strip()
            if not name:
                raise ValidationFailed(_l("Pick a registered person or give a guest's name."),
                                       "participants")
            rows.append(AgendaParticipant(role=p.role, guest_name=name[:200],
                                          guest_title=(p.guest_title or "").strip()[:200],
                                          guest_organisation=(p.guest_organisation or "")
                                          .strip()[:200], position=position))
    return rows


def _warn(summit: Summit, proposed: Slot, participants: list[AgendaParticipant],
          confirm: bool) -> None:
    others = [slot_of(i) for i in draft_items(summit, proposed.day)
              if i.id != proposed.id and not i.cancelled]
    found = clashes_with(proposed, others, participants)
    if found and not confirm:
        raise NeedsConfirmation(found)


def _apply(item: AgendaItem, details: ItemDetails) -> None:
    item.day, item.start, item.end = details.day, details.start, details.end
    item.room_id, item.kind = details.room_id, details.kind
    item.title_zh, item.title_en = details.title_zh.strip(), (details.title_en or "").strip()
    item.description_zh = (details.description_zh or "").strip()
    item.description_en = (details.description_en or "").strip()
    item.bookable, item.capacity = details.bookable, details.capacity


def _audited(item: AgendaItem) -> dict:
    values = audit.snapshot(item, ITEM_AUDITED)
    return {key: value.isoformat() if isinstance(value, time) else value
            for key, value in values.items()} | {"participants": participants_json(item)}


def participants_json(item: AgendaItem) -> list[dict]:
    return [{"role": p.role.value, "registration_id": p.registration_id,
             "guest_name": p.guest_name} for p in item.participants]


# --- items: use cases ------------------------------------------------------------------------

def create_item(actor: User, summit: Summit, details: ItemDetails, *, confirm: bool = False,
                now: datetime | None = None) -> AgendaItem:
    require(actor, AGENDA_PERMISSION, summit)
    _check_details(summit, details, None)
    participants = _participants(summit, details.participants or [])
    proposed = Slot(None, details.day, details.start, details.end, details.room_id,
                    details.title_zh, frozenset())
    _warn(summit, proposed, participants, confirm)
    item = AgendaItem(summit=summit)
    _apply(item, details)
    item.participants = participants
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "agenda_item.create", item, summit=summit, now=now,
                 after=_audited(item))
    db.session.commit()
    return item


def update_item(actor: User, item: AgendaItem, details: ItemDetails, *, confirm: bool = False,
                now: datetime | None = None) -> AgendaItem:
    """Change an item; ``details.participants`` None keeps the participants as they are."""
    summit = item.summit
    require(actor, AGENDA_PERMISSION, summit)
    _check_details(summit, details, item)
    participants = (_participants(summit, details.participants)
                    if details.participants is not None else None)
    proposed = Slot(item.id, details.day, details.start, details.end, details.room_id,
                    details.title_zh, frozenset())
    if not item.cancelled:
        _warn(summit, proposed, participants if participants is not None
              else list(item.participants), confirm)
    with booking_items.seat_settings(actor, item, bookable=details.bookable,
                                     capacity=details.capacity, now=now) as change:
        before = _audited(item)
        _apply(item, details)
        if participants is not None:
            item.participants = participants
        item.updated_at = change.now
        db.session.flush()
        audit.record(actor, "agenda_item.update", item, summit=summit, now=change.now,
                     before=before, after=_audited(item))
    return item


def details_of(item: AgendaItem) -> ItemDetails:
    return ItemDetails(day=item.day, start=item.start, end=item.end, kind=item.kind,
                       title_zh=item.title_zh, room_id=item.room_id, title_en=item.title_en,
                       description_zh=item.description_zh, description_en=item.description_en,
                       bookable=item.bookable, capacity=item.capacity)


def move_item(actor: User, item: AgendaItem, day: date, start: time, room_id: int | None, *,
              confirm: bool = False, now: datetime | None = None) -> AgendaItem:
    """Another day, time or room; the item keeps its length."""
    length = (datetime.combine(item.day, item.end) - datetime.combine(item.day, item.start))
    end_at = datetime.combine(day, start) + length
    if end_at.date() != day:
        raise ValidationFailed(_l("Starting then, the item would run past midnight."), "start")
    details = details_of(item)
    details.day, details.start, details.end, details.room_id = day, start, end_at.time(), room_id
    return update_item(actor, item, details, confirm=confirm, now=now)


def cancel_item(actor: User, item: AgendaItem, now: datetime | None = None) -> int:
    """Cancel the item and its live bookings (holders are emailed); returns how many
    bookings were cancelled. Restoring the item does not bring them back."""
    require(actor, AGENDA_PERMISSION, item.summit)
    with booking_items.cancelling(actor, item, now) as change:
        if item.cancelled:
            raise Conflict(_l("This item is already cancelled."))
        item.status = AgendaItemStatus.CANCELLED
        audit.record(actor, "agenda_item.cancel", item, summit=item.summit, now=change.now,
                     before={"status": "scheduled"}, after={"status": "cancelled"})
    return len(change.cancelled)


def restore_item(actor: User, item: AgendaItem, *, confirm: bool = False,
                 now: datetime | None = None) -> AgendaItem:
    require(actor, AGENDA_PERMISSION, item.summit)
    if not item.cancelled:
        raise Conflict(_l("This item is not cancelled."))
    _check_details(item.summit, details_of(item), item)
    _warn(item.summit, slot_of(item), list(item.participants), confirm)
    item.status = AgendaItemStatus.SCHEDULED
    audit.record(actor, "agenda_item.restore", item, summit=item.summit, now=now,
                 before={"status": "cancelled"}, after={"status": "scheduled"})
    db.session.commit()
    return item


def add_participant(actor: User, item: AgendaItem, wanted: ParticipantDetails, *,
                    confirm: bool = False, now: datetime | None = None) -> AgendaParticipant:
    require(actor, AGENDA_PERMISSION, item.summit)
    row = _participants(item.summit, [wanted])[0]
    if row.registration_id is not None and any(
            p.registration_id == row.registration_id for p in item.participants):
        raise Conflict(_l("This person already takes part in the item."), "participants")
    if not item.cancelled:
        _warn(item.summit, slot_of(item), list(item.participants) + [row], confirm)
    row.position = len(item.participants)
    item.participants.append(row)
    db.session.flush()
    audit.record(actor, "agenda_item.participant_add", item, summit=item.summit, now=now,
                 after={"participant": {"role": row.role.value,
                                        "registration_id": row.registration_id,
                                        "guest_name": row.guest_name}})
    db.session.commit()
    return row


def remove_participant(actor: User, participant: AgendaParticipant,
                       now: datetime | None = None) -> None:
    item = participant.item
    require(actor, AGENDA_PERMISSION, item.summit)
    audit.record(actor, "agenda_item.participant_remove", item, summit=item.summit, now=now,
                 before={"participant": {"role": participant.role.value,
                                         "registration_id": participant.registration_id,
                                         "guest_name": participant.guest_name}})
    item.participants.remove(participant)
    db.session.commit()
