"""Each person's arrival and departure (flight, train or road; place; time), entered by the
person, their delegation's registrar or reception staff, and the arrivals board."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import HOLDS_PLACE, Registration, Summit, TravelMode, Trip, TripDirection, User
from summit.permissions import Permission, can, require
from summit.services.core import audit, audit_words
from summit.services.core.errors import NotAllowed, NotFound, ValidationFailed
from summit.services.core.validation import has_bad_characters
from summit.services.reception import notices, transport
from summit.services.registration.editing import may_manage
from summit.services.summits.settings import local_to_utc, utc_to_local

D = TripDirection
AUDITED = ("direction", "mode", "number", "place", "at")
# An airline's two-character code (letters and digits, not two digits) and 1 to 4 digits,
# with an optional suffix letter: CA4401, 3U8695, G52231.
FLIGHT = re.compile(r"(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?\Z")
# China Railway: a class letter (G, D, C, Z, T, K, Y, S, L) or none, and 1 to 4 digits.
TRAIN = re.compile(r"[GDCZTKYSL]?[0-9]{1,4}\Z")
MODE_LABELS = {TravelMode.FLIGHT: _l("Flight"), TravelMode.TRAIN: _l("Train"),
               TravelMode.ROAD: _l("Road (bus or car)")}
DIRECTION_LABELS = {D.ARRIVAL: _l("Arrival"), D.DEPARTURE: _l("Departure")}
audit_words.name_enums(MODE_LABELS, DIRECTION_LABELS)


@dataclass(frozen=True)
class TripDetails:
    direction: TripDirection
    mode: TravelMode
    number: str
    place: str
    at: datetime  # wall-clock time at the summit


def clean_number(mode: TravelMode, number: str) -> str:
    number = (number or "").strip().upper().replace(" ", "")
    if mode is TravelMode.FLIGHT and not FLIGHT.match(number):
        raise ValidationFailed(_l("This is not a flight number (for example CA4401)."),
                               "number")
    if mode is TravelMode.TRAIN and not TRAIN.match(number):
        raise ValidationFailed(_l("This is not a train number (for example G8501)."),
                               "number")
    if len(number) > 20 or has_bad_characters(number, multiline=False):
        raise ValidationFailed(_l("At most %(n)d characters.", n=20), "number")
    return number


def clean_place(place: str) -> str:
    place = (place or "").strip()
    if not place:
        raise ValidationFailed(_l("Name the airport or station."), "place")
    if len(place) > 100 or has_bad_characters(place, multiline=False):
        raise ValidationFailed(_l("At most %(n)d characters.", n=100), "place")
    return place


def may_edit(actor: User | None, registration: Registration) -> bool:
    return can(actor, Permission.RECEPTION_MANAGE, registration.summit) or \
        may_manage(actor, registration)


def require_edit(actor: User | None, registration: Registration) -> None:
    if not may_edit(actor, registration):
        raise NotAllowed(_l("You do not have permission to do this."))


def trips_of(registration: Registration) -> dict[TripDirection, Trip]:
    rows = db.session.scalars(db.select(Trip).where(Trip.registration_id == registration.id))
    return {trip.direction: trip for trip in rows}


def _check_order(direction: TripDirection, at: datetime, other: Trip | None) -> None:
    if other is None:
        return
    arrival, departure = (at, other.at) if direction is D.ARRIVAL else (other.at, at)
    if arrival >= departure:
        raise ValidationFailed(_l("The arrival must be before the departure."), "at")


def apply(registration: Registration, details: TripDetails,
          existing: dict[TripDirection, Trip]) -> tuple[Trip, dict | None]:
    """Validate and write one trip into the session (no commit); the trip and its state
    before (None when new)."""
    number = clean_number(details.mode, details.number)
    place = clean_place(details.place)
    at = local_to_utc(details.at, registration.summit.timezone)
    other = existing.get(D.DEPARTURE if details.direction is D.ARRIVAL else D.ARRIVAL)
    _check_order(details.direction, at, other)
    trip = existing.get(details.direction)
    before = audit.snapshot(trip, AUDITED) if trip is not None else None
    if trip is None:
        trip = Trip(summit_id=registration.summit_id, registration=registration,
                    direction=details.direction)
        db.session.add(trip)
        existing[details.direction] = trip
    trip.mode, trip.number, trip.place, trip.at = details.mode, number, place, at
    return trip, before


def save_trip(actor: User, registration: Registration, details: TripDetails,
              now: datetime | None = None) -> Trip:
    """Enter or change a person's arrival or departure. A later arrival moves the pick-up
    (``transport.follow_trip``)."""
    require_edit(actor, registration)
    trip, before = apply(registration, details, trips_of(registration))
    db.session.flush()
    audit.record(actor, "trip.save", trip, summit=registration.summit, now=now or utcnow(),
                 before=before, after=audit.snapshot(trip, AUDITED))
    moved = transport.follow_trip(actor, trip, now=now)
    db.session.commit()
    if moved:
        notices.pickup_changed([registration.id])
    return trip


def delete_trip(actor: User, trip: Trip) -> None:
    require_edit(actor, trip.registration)
    audit.record(actor, "trip.delete", trip, summit=trip.registration.summit,
                 before=audit.snapshot(trip, AUDITED))
    db.session.delete(trip)
    db.session.commit()


def get_trip(summit: Summit, trip_id: int) -> Trip:
    trip = db.session.get(Trip, trip_id)
    if trip is None or trip.summit_id != summit.id:
        raise NotFound(_l("There is no such trip."))
    return trip


# --- the arrivals board ------------------------------------------------------------------

@dataclass
class BoardRow:
    day: str
    place: str
    hour: int
    people: list[tuple[str, str, datetime]]  # (name, flight or train number, local time)


def board(actor: User, summit: Summit, direction: TripDirection = D.ARRIVAL,
          day: str = "") -> list[BoardRow]:
    """Trips by local day, place and hour, in one query of the columns shown."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    rows = db.session.execute(
        db.select(Registration.name, Trip.number, Trip.place, Trip.at)
        .join(Registration, Registration.id == Trip.registration_id)
        .where(Trip.summit_id == summit.id, Trip.direction == direction,
               Registration.status.in_(HOLDS_PLACE))
        .order_by(Trip.at, Registration.sort_key)).all()
    zone = ZoneInfo(summit.timezone)
    groups: dict[tuple[str, str, int], list] = defaultdict(list)
    for name, number, place, at in rows:
        local = at.astimezone(zone)
        key = (local.date().isoformat(), place, local.hour)
        if day and key[0] != day:
            continue
        groups[key].append((name, number, local))
    return [BoardRow(d, place, hour, people)
            for (d, place, hour), people in sorted(groups.items())]


def trips_at(actor: User, summit: Summit, direction: TripDirection) -> list[Trip]:
    """The trips of people still registered, by time (for the API)."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    return list(db.session.scalars(
        db.select(Trip).join(Registration, Registration.id == Trip.registration_id)
        .where(Trip.summit_id == summit.id, Trip.direction == direction,
               Registration.status.in_(HOLDS_PLACE))
        .options(db.contains_eager(Trip.registration))
        .order_by(Trip.at, Registration.sort_key)))


def local_time(summit: Summit, moment: datetime) -> datetime:
    return utc_to_local(moment, summit.timezone)
