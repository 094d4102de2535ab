"""iCalendar files (the ``icalendar`` package) for summits."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from summit.database import utcnow
from summit.models import Summit


def summit_uid(summit: Summit) -> str:
    return f"summit-{summit.slug}@summit.local"


@lru_cache(maxsize=16)
def vtimezone(name: str) -> Timezone:
    """The VTIMEZONE of a zone, built once: building it walks every transition (tens of
    milliseconds), and calendars only read it."""
    return Timezone.from_tzid(name)


def summit_ics(summit: Summit, language: str = "zh") -> bytes:
    """The whole summit as one event in its own time zone, for email attachments."""
    zone = ZoneInfo(summit.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Summit//summit.local//")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", summit_uid(summit))
    event.add("dtstamp", utcnow())
    event.add("summary", summit.title(language))
    event.add("dtstart", datetime.combine(summit.starts_on, time(8, 30), tzinfo=zone))
    event.add("dtend", datetime.combine(summit.ends_on + timedelta(days=0), time(18, 0),
                                        tzinfo=zone))
    location = " ".join(part for part in (summit.city, summit.venue) if part)
    if location:
        event.add("location", location)
    if summit.theme(language):
        event.add("description", summit.theme(language))
    # RFC 5545 3.2.19: every TZID used needs its VTIMEZONE, or clients may misplace the times.
    calendar.add_component(vtimezone(summit.timezone))
    calendar.add_component(event)
    return calendar.to_ical()
