"""The published programme for other tools: iCalendar and a frab-compatible JSON schedule.

Both are built from a published version only. iCalendar UIDs come from ``AgendaItem.uid``
(stable across versions) and SEQUENCE from the item's sequence, so calendar clients update
an event in place when it moves; a cancelled item stays in the file as STATUS:CANCELLED so
clients remove it. Times are the summit's wall-clock times with its VTIMEZONE.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from icalendar import Calendar, Event

from summit.models import AgendaItemKind, ParticipantRole, Summit
from summit.services.agenda.draft import KIND_LABELS, ROLE_LABELS
from summit.services.agenda.public import PublishedAgenda
from summit.services.core.calendar import vtimezone

UID_DOMAIN = "summit.local"


def locale_of(language: str) -> str:
    return "en" if language == "en" else "zh_Hans"


def localised(value: dict | None, language: str) -> str:
    value = value or {}
    return (value.get("en") if language == "en" and value.get("en") else value.get("zh")) or ""


def local_datetime(item: dict, which: str, zone: ZoneInfo) -> datetime:
    return datetime.combine(date.fromisoformat(item["day"]), time.fromisoformat(item[which]),
                            tzinfo=zone)


def role_label(role: str) -> str:
    return str(ROLE_LABELS[ParticipantRole(role)])


def kind_label(kind: str) -> str:
    return str(KIND_LABELS[AgendaItemKind(kind)])


def person_line(person: dict, language: str) -> str:
    """``主持人：赵波（甘孜州人民政府，副州长）`` / ``Host: ZHAO Bo (…, …)``."""
    chinese = language != "en"
    name = person["name"] if chinese or not person.get("name_pinyin") else person["name_pinyin"]
    about = ("，" if chinese else ", ").join(
        part for part in (person["organisation"], person["title"]) if part)
    line = f"{role_label(person['role'])}{'：' if chinese else ': '}{name}"
    if about:
        line += f"（{about}）" if chinese else f" ({about})"
    return line


def people_lines(item: dict, language: str) -> list[str]:
    return [person_line(person, language) for person in item["participants"]]


def location(summit: Summit, item: dict, language: str) -> str:
    parts = [localised(item["room"], language)] if item["room"] else []
    parts += [part for part in (summit.venue, summit.city) if part]
    return " · ".join(parts)


# --- iCalendar ------------------------------------------------------------------------------

def _event(summit: Summit, agenda: PublishedAgenda, item: dict, zone: ZoneInfo, language: str,
           item_url: Callable[[str], str]) -> Event:
    event = Event()
    event.add("uid", f"{item['uid']}@{UID_DOMAIN}")
    event.add("dtstamp", agenda.published_at)
    event.add("last-modified", agenda.published_at)
    event.add("sequence", item["sequence"])
    event.add("dtstart", local_datetime(item, "start", zone))
    event.add("dtend", local_datetime(item, "end", zone))
    event.add("summary", localised(item["title"], language))
    description = "\n".join(filter(None, [localised(item["description"], language),
                                          *people_lines(item, language)]))
    if description:
        event.add("description", description)
    where = location(summit, item, language)
    if where:
        event.add("location", where)
    event.add("categories", [kind_label(item["kind"])])
    event.add("status", "CANCELLED" if item["status"] == "cancelled" else "CONFIRMED")
    event.add("url", item_url(item["uid"]))
    return event


def agenda_ics(summit: Summit, agenda: PublishedAgenda, items: Iterable[dict], language: str,
               item_url: Callable[[str], str], name: str | None = None) -> bytes:
    zone = ZoneInfo(summit.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Summit//summit.local//")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name or summit.title(language))
    calendar.add("x-wr-timezone", summit.timezone)
    # RFC 5545 3.2.19: every TZID used needs its VTIMEZONE (built once per zone).
    calendar.add_component(vtimezone(summit.timezone))
    with force_locale(locale_of(language)):  # role and kind labels in the file's language
        for item in items:
            calendar.add_component(_event(summit, agenda, item, zone, language, item_url))
    return calendar.to_ical()


# --- frab JSON ------------------------------------------------------------------------------

def frab_guid(uid: str) -> str:
    return str(uuid.UUID(hex=uid))


def _room_guid(summit: Summit, room: dict | None) -> str:
    key = f"summit:{summit.slug}:room:{room['id'] if room else 'none'}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def _person(summit: Summit, participant: dict) -> dict:
    """A frab person (the schema's FrabPerson: an integer id and a public name), with a
    stable guid: a registrant's id, or for a guest without a registration a number derived
    from the guid (above every registration id, below 2**31)."""
    registration_id = participant.get("registration_id")
    key = (f"summit:{summit.slug}:registration:{registration_id}" if registration_id
           else f"summit:{summit.slug}:guest:{participant['name']}")
    guid = uuid.uuid5(uuid.NAMESPACE_URL, key)
    number = registration_id or 1_000_000_000 + int(guid.hex[:7], 16)
    return {"id": number, "guid": str(guid), "public_name": participant["name"],
            "role": participant["role"]}


def _acronym(slug: str) -> str:
    """The schema's acronym: letters, digits and underscores (a slug's hyphens become _)."""
    return slug.replace("-", "_")


def _duration(item: dict) -> str:
    minutes = (datetime.combine(date.min, time.fromisoformat(item["end"]))
               - datetime.combine(date.min, time.fromisoformat(item["start"]))) // timedelta(
        minutes=1)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def frab_schedule(summit: Summit, agenda: PublishedAgenda, language: str, base_url: str,
                  item_url: Callable[[str], str]) -> dict:
    """The schedule.json that frab, pretalx and the c3voc tools exchange."""
    with force_locale(locale_of(language)):
        return _frab(summit, agenda, language, base_url, item_url)


def _frab(summit: Summit, agenda: PublishedAgenda, language: str, base_url: str,
          item_url: Callable[[str], str]) -> dict:
    zone = ZoneInfo(summit.timezone)
    no_room = summit.venue or "—"
    scheduled = [item for item in agenda.items if item["status"] != "cancelled"]
    rooms = [{"name": localised(room, language), "guid": _room_guid(summit, room)}
             for room in agenda.rooms]
    if any(item["room"] is None for item in scheduled):
        rooms.append({"name": no_room, "guid": _room_guid(summit, None)})
    days = []
    first = summit.starts_on
    for index in range((summit.ends_on - first).days + 1):
        day = first + timedelta(days=index)
        items = [item for item in scheduled if item["day"] == day.isoformat()]
        by_room: dict[str, list[dict]] = {room["name"]: [] for room in rooms}
        for item in items:
            room_name = localised(item["room"], language) if item["room"] else no_room
            by_room.setdefault(room_name, []).append({
                "id": item["id"], "guid": frab_guid(item["uid"]),
                "date": local_datetime(item, "start", zone).isoformat(),
                "start": item["start"], "duration": _duration(item), "room": room_name,
                "slug": f"{summit.slug}-{item['id']}", "url": item_url(item["uid"]),
                "title": localised(item["title"], language), "subtitle": "",
                "track": kind_label(item["kind"]), "type": item["kind"], "language": language,
                "abstract": "", "description": localised(item["description"], language),
                "recording_license": "", "do_not_record": False,
                "persons": [_person(summit, p) for p in item["participants"]],
                "links": [], "attachments": []})
        starts = [local_datetime(item, "start", zone) for item in items]
        ends = [local_datetime(item, "end", zone) for item in items]
        days.append({
            "index": index + 1, "date": day.isoformat(),
            "day_start": (min(starts) if starts else datetime.combine(
                day, time(8), tzinfo=zone)).isoformat(),
            "day_end": (max(ends) if ends else datetime.combine(
                day, time(18), tzinfo=zone)).isoformat(),
            "rooms": by_room})
    return {"schedule": {
        "version": f"{agenda.number}",
        "base_url": base_url,
        "conference": {
            "acronym": _acronym(summit.slug), "title": summit.title(language),
            "start": summit.starts_on.isoformat(), "end": summit.ends_on.isoformat(),
            "daysCount": len(days), "timeslot_duration": "00:15",
            "time_zone_name": summit.timezone, "rooms": rooms, "days": days},
    }}
