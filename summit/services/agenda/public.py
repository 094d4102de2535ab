"""Reading the published programme: the public page, an item, a delegate's own agenda.

A published version never changes, so its parsed form is kept in memory by version id (per
app, so a fresh app never sees another database's versions): a page costs one small query for
the latest version's id, whatever the number of items.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    LIVE_BOOKINGS,
    AgendaItem,
    AgendaItemStatus,
    AgendaVersion,
    BookingStatus,
    Registration,
    SeatBooking,
    Summit,
    User,
)
from summit.services.core.errors import NotFound

CACHE_SIZE = 32


@dataclass
class PublishedAgenda:
    version_id: int
    number: int
    published_at: datetime
    note: str
    items: list[dict]
    rooms: list[dict]
    changelog: list[dict]
    by_uid: dict[str, dict] = field(default_factory=dict)
    by_id: dict[int, dict] = field(default_factory=dict)
    # uid -> the kinds of change the latest version made to the item
    changes: dict[str, list[str]] = field(default_factory=dict)
    # Whole-programme exports, built once: a published version never changes.
    exports: dict[tuple, Any] = field(default_factory=dict)

    def export(self, key: tuple, build: Callable[[], Any]) -> Any:
        if key not in self.exports:
            if len(self.exports) >= 16:
                self.exports.clear()
            self.exports[key] = build()
        return self.exports[key]

    @property
    def days(self) -> list[str]:
        return sorted({item["day"] for item in self.items})

    def select(self, *, day: str = "", room: int | None = None, kind: str = "") -> list[dict]:
        return [item for item in self.items
                if (not day or item["day"] == day)
                and (room is None or (item["room"] or {}).get("id") == room)
                and (not kind or item["kind"] == kind)]

    def by_day(self, items: list[dict]) -> list[tuple[str, list[dict]]]:
        grouped: dict[str, list[dict]] = {}
        for item in items:
            grouped.setdefault(item["day"], []).append(item)
        return sorted(grouped.items())


_lock = threading.Lock()


def _cache() -> OrderedDict[int, PublishedAgenda]:
    return current_app.extensions.setdefault("summit_agenda_versions", OrderedDict())


def _sort_key(item: dict) -> tuple:
    return (item["day"], item["start"], (item["room"] or {}).get("id") or 0, item["end"],
            item["id"])


def _parse(version: AgendaVersion) -> PublishedAgenda:
    # Copies: the snapshot itself stays exactly as stored.
    items = sorted((dict(item, date=date.fromisoformat(item["day"]))
                    for item in version.snapshot.get("items", [])), key=_sort_key)
    published = PublishedAgenda(
        version_id=version.id, number=version.number, published_at=version.published_at,
        note=version.note, items=items, rooms=version.snapshot.get("rooms", []),
        changelog=version.changelog or [])
    published.by_uid = {item["uid"]: item for item in items}
    published.by_id = {item["id"]: item for item in items}
    for change in published.changelog:
        published.changes.setdefault(change["uid"], []).append(change["kind"])
    return published


def published_agenda(summit: Summit) -> PublishedAgenda | None:
    """The latest published version, or None before the first publication."""
    version_id = db.session.scalar(
        db.select(AgendaVersion.id).where(AgendaVersion.summit_id == summit.id)
        .order_by(AgendaVersion.number.desc()).limit(1))
    if version_id is None:
        return None
    cache = _cache()
    with _lock:
        cached = cache.get(version_id)
        if cached is not None:
            cache.move_to_end(version_id)
            return cached
    parsed = _parse(db.session.get(AgendaVersion, version_id))
    with _lock:
        cache[version_id] = parsed
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return parsed


def version_view(version: AgendaVersion) -> PublishedAgenda:
    """An older version for the organiser's history (not cached: rarely read)."""
    return _parse(version)


def require_published(summit: Summit) -> PublishedAgenda:
    agenda = published_agenda(summit)
    if agenda is None:
        raise NotFound(_l("The programme has not been published yet."))
    return agenda


def published_item(summit: Summit, uid: str) -> tuple[PublishedAgenda, dict]:
    agenda = require_published(summit)
    item = agenda.by_uid.get(uid)
    if item is None:
        raise NotFound(_l("There is no such item in the published programme."))
    return agenda, item


# --- a delegate's own agenda ----------------------------------------------------------------

@dataclass
class PersonalEntry:
    item: dict
    roles: list[str]
    booking: str | None  # a live booking's status


def registrations_at(user: User, summit: Summit) -> list[Registration]:
    return list(db.session.scalars(db.select(Registration).where(
        Registration.summit_id == summit.id,
        db.or_(Registration.user_id == user.id, Registration.email == user.email))))


def personal_agenda(user: User, summit: Summit) -> tuple[PublishedAgenda | None,
                                                         list[PersonalEntry]]:
    """The published items the user takes part in or has booked, in time order."""
    agenda = published_agenda(summit)
    ids = {registration.id for registration in registrations_at(user, summit)}
    if agenda is None or not ids:
        return agenda, []
    # Live bookings, and those a cancelled item took with it (shown as cancelled).
    bookings: dict[int, str] = {}
    for item_id, status in db.session.execute(
            db.select(SeatBooking.item_id, SeatBooking.status)
            .join(AgendaItem, AgendaItem.id == SeatBooking.item_id)
            .where(SeatBooking.registration_id.in_(ids),
                   db.or_(SeatBooking.status.in_(LIVE_BOOKINGS),
                          db.and_(SeatBooking.status == BookingStatus.CANCELLED,
                                  AgendaItem.status == AgendaItemStatus.CANCELLED)))):
        if status in LIVE_BOOKINGS or item_id not in bookings:
            bookings[item_id] = status.value
    entries = []
    for item in agenda.items:
        roles = [p["role"] for p in item["participants"] if p["registration_id"] in ids]
        booking = bookings.get(item["id"])
        if roles or booking:
            entries.append(PersonalEntry(item=item, roles=roles, booking=booking))
    return agenda, entries


def entries_by_day(entries: list[PersonalEntry]) -> list[tuple[date, list[PersonalEntry]]]:
    """The personal agenda under a heading per day (the entries are in time order)."""
    days: dict[str, list[PersonalEntry]] = {}
    for entry in entries:
        days.setdefault(entry.item["day"], []).append(entry)
    return [(date.fromisoformat(day), day_entries) for day, day_entries in days.items()]
