"""Pick-ups (接站) and drop-offs (送站): vehicles, the trips they drive and who rides.

Two rules hold whoever writes and however many write at once: a transfer never carries more
passengers than its vehicle has seats, and a driver (known by phone) is never in two
transfers whose times overlap. Every writing use case first takes the summit's lock
(``settings.lock_summit``: the row lock on PostgreSQL, the write lock on SQLite) and only
then counts, so parallel requests are decided one after another on both databases.

Only passengers whose registration still holds a place count: a cancelled or withdrawn
person frees their seat at once, and the staff page lists them as changes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    PassengerStatus,
    Registration,
    Summit,
    Transfer,
    TransferPassenger,
    Trip,
    TripDirection,
    User,
    Vehicle,
    VehicleKind,
)
from summit.permissions import Permission, require
from summit.services.core import audit, audit_words
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.core.validation import required_line
from summit.services.reception import notices
from summit.services.summits.settings import local_to_utc, lock_summit, utc_to_local

D = TripDirection
P = PassengerStatus
WINDOW = timedelta(minutes=45)
DRIVE = timedelta(minutes=90)
# A drop-off leaves this long before the first departure it serves.
LEAD = timedelta(minutes=120)
VEHICLE_AUDITED = ("plate", "seats", "kind", "driver_name", "driver_phone")
TRANSFER_AUDITED = ("direction", "place", "at", "ends_at", "vehicle_id")
KIND_LABELS = {VehicleKind.CAR: _l("Car"), VehicleKind.VAN: _l("Van"),
               VehicleKind.MINIBUS: _l("Minibus"), VehicleKind.BUS: _l("Coach")}
STATUS_LABELS = {P.ASSIGNED: _l("Waiting"), P.PICKED_UP: _l("Picked up"),
                 P.NO_SHOW: _l("No show")}
DIRECTION_LABELS = {D.ARRIVAL: _l("Pick-up (接站)"), D.DEPARTURE: _l("Drop-off (送站)")}
audit_words.name_enums(KIND_LABELS, STATUS_LABELS)
LIVE = Registration.status.in_(HOLDS_PLACE)


# --- vehicles ------------------------------------------------------------------------------

@dataclass(frozen=True)
class VehicleDetails:
    plate: str
    seats: int
    kind: VehicleKind
    driver_name: str
    driver_phone: str


def save_vehicle(actor: User, summit: Summit, details: VehicleDetails,
                 vehicle: Vehicle | None = None) -> Vehicle:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    plate = required_line(details.plate, "plate", 16).upper()
    if not isinstance(details.seats, int) or details.seats < 1 or details.seats > 100:
        raise ValidationFailed(_l("A vehicle has 1 to 100 seats."), "seats")
    name = required_line(details.driver_name, "driver_name", 100)
    phone = required_line(details.driver_phone, "driver_phone", 32).replace(" ", "")
    lock_summit(summit)
    taken = db.session.scalar(db.select(Vehicle.id).where(
        Vehicle.summit_id == summit.id, Vehicle.plate == plate,
        Vehicle.id != (vehicle.id if vehicle else 0)))
    if taken:
        raise Conflict(_l("Another vehicle has the plate %(plate)s.", plate=plate), "plate")
    before = None
    if vehicle is None:
        vehicle = Vehicle(summit_id=summit.id)
        db.session.add(vehicle)
    else:
        before = audit.snapshot(vehicle, VEHICLE_AUDITED)
        fullest = max(db.session.scalars(
            db.select(_count_live()).select_from(Transfer)
            .where(Transfer.vehicle_id == vehicle.id)), default=0)
        if details.seats < fullest:
            raise Conflict(_l("A trip of this vehicle already carries %(n)d passengers.",
                              n=fullest), "seats")
    vehicle.plate, vehicle.seats, vehicle.kind = plate, details.seats, details.kind
    vehicle.driver_name, vehicle.driver_phone = name, phone
    db.session.flush()
    if before is not None and before["driver_phone"] != phone:
        for transfer in db.session.scalars(db.select(Transfer).where(
                Transfer.vehicle_id == vehicle.id)):
            _refuse_busy(summit, vehicle, transfer.at, transfer.ends_at, transfer.id)
    audit.record(actor, "vehicle.save", vehicle, summit=summit, before=before,
                 after=audit.snapshot(vehicle, VEHICLE_AUDITED))
    db.session.commit()
    return vehicle


def vehicles(summit: Summit) -> list[Vehicle]:
    return list(db.session.scalars(db.select(Vehicle).where(Vehicle.summit_id == summit.id)
                                   .order_by(Vehicle.plate)))


def get_vehicle(summit: Summit, vehicle_id: int | None) -> Vehicle:
    vehicle = db.session.get(Vehicle, vehicle_id) if vehicle_id else None
    if vehicle is None or vehicle.summit_id != summit.id:
        raise ValidationFailed(_l("Choose a vehicle for the trip."), "vehicle")
    return vehicle


# --- counting and the two rules ------------------------------------------------------------

def _count_live():
    return (db.select(db.func.count(TransferPassenger.id))
            .join(Registration, Registration.id == TransferPassenger.registration_id)
            .where(TransferPassenger.transfer_id == Transfer.id, LIVE)
            .scalar_subquery())


def live_passengers(transfer: Transfer) -> list[TransferPassenger]:
    return [p for p in transfer.passengers if p.registration.status in HOLDS_PLACE]


def _clock(summit: Summit, moment: datetime) -> str:
    return utc_to_local(moment, summit.timezone).strftime("%m-%d %H:%M")


def _refuse_busy(summit: Summit, vehicle: Vehicle, at: datetime, ends_at: datetime,
                 exclude_id: int | None = None) -> None:
    """A driver (by phone) or a vehicle in two transfers at once is refused, with names."""
    clash = db.session.execute(
        db.select(Transfer, Vehicle).join(Vehicle, Vehicle.id == Transfer.vehicle_id)
        .where(Transfer.summit_id == summit.id, Transfer.id != (exclude_id or 0),
               db.or_(Vehicle.id == vehicle.id, Vehicle.driver_phone == vehicle.driver_phone),
               Transfer.at < ends_at, Transfer.ends_at > at)
        .order_by(Transfer.at).limit(1)).first()
    if clash is not None:
        other, other_vehicle = clash
        raise Conflict(_l("%(driver)s (%(plate)s) already drives the trip at %(place)s "
                          "%(start)s–%(end)s.", driver=other_vehicle.driver_name,
                          plate=other_vehicle.plate, place=other.place,
                          start=_clock(summit, other.at), end=_clock(summit, other.ends_at)),
                       "vehicle")


def _refuse_full(transfer: Transfer, adding: int) -> None:
    riding = live_passengers(transfer)
    if len(riding) + adding > transfer.vehicle.seats:
        raise Conflict(_l("%(plate)s has %(seats)d seats and carries %(names)s.",
                          plate=transfer.vehicle.plate, seats=transfer.vehicle.seats,
                          names="、".join(p.registration.name for p in riding)), "vehicle")


# --- transfers -----------------------------------------------------------------------------

def get_transfer(summit: Summit, transfer_id: int) -> Transfer:
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None or transfer.summit_id != summit.id:
        raise NotFound(_l("There is no such trip."))
    return transfer


def create_transfer(actor: User, summit: Summit, *, direction: TripDirection, place: str,
                    at: datetime, vehicle_id: int | None, minutes: int = 90,
                    now: datetime | None = None) -> Transfer:
    """A trip by hand; ``at`` is the wall-clock time at the summit."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    place = required_line(place, "place", 100)
    vehicle = get_vehicle(summit, vehicle_id)
    if not 10 <= minutes <= 600:
        raise ValidationFailed(_l("A trip lasts 10 to 600 minutes."), "minutes")
    start = local_to_utc(at, summit.timezone)
    lock_summit(summit)
    _refuse_busy(summit, vehicle, start, start + timedelta(minutes=minutes))
    transfer = Transfer(summit_id=summit.id, direction=direction, place=place, at=start,
                        ends_at=start + timedelta(minutes=minutes), vehicle=vehicle)
    db.session.add(transfer)
    db.session.flush()
    audit.record(actor, "transfer.create", transfer, summit=summit, now=now,
                 after=audit.snapshot(transfer, TRANSFER_AUDITED))
    db.session.commit()
    return transfer


def change_vehicle(actor: User, summit: Summit, transfer: Transfer, vehicle_id: int | None
                   ) -> Transfer:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    vehicle = get_vehicle(summit, vehicle_id)
    lock_summit(summit)
    db.session.refresh(transfer)
    before = audit.snapshot(transfer, TRANSFER_AUDITED)
    _refuse_busy(summit, vehicle, transfer.at, transfer.ends_at, transfer.id)
    riding = live_passengers(transfer)
    if len(riding) > vehicle.seats:
        raise Conflict(_l("%(plate)s has %(seats)d seats for %(n)d passengers.",
                          plate=vehicle.plate, seats=vehicle.seats, n=len(riding)), "vehicle")
    transfer.vehicle = vehicle
    audit.record(actor, "transfer.vehicle", transfer, summit=summit, before=before,
                 after=audit.snapshot(transfer, TRANSFER_AUDITED))
    db.session.commit()
    notices.pickup_changed([p.registration_id for p in riding])
    return transfer


def delete_transfer(actor: User, summit: Summit, transfer: Transfer) -> None:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    lock_summit(summit)
    audit.record(actor, "transfer.delete", transfer, summit=summit,
                 before=audit.snapshot(transfer, TRANSFER_AUDITED)
                 | {"passengers": [p.registration_id for p in transfer.passengers]})
    db.session.delete(transfer)
    db.session.commit()


def add_passenger(actor: User, summit: Summit, transfer: Transfer, registration_id: object,
                  now: datetime | None = None) -> TransferPassenger:
    """Put a person in a transfer (moving them from their other transfer of the same
    direction); refused when the vehicle is full."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    registration = db.session.get(Registration, registration_id) \
        if isinstance(registration_id, int) else None
    if registration is None or registration.summit_id != summit.id:
        raise ValidationFailed(_l("Choose a person registered for this summit."), "person")
    if registration.status not in HOLDS_PLACE:
        raise Conflict(_l("%(name)s is no longer registered.", name=registration.name),
                       "person")
    lock_summit(summit)
    db.session.refresh(transfer)
    current = db.session.scalar(db.select(TransferPassenger).where(
        TransferPassenger.registration_id == registration.id,
        TransferPassenger.direction == transfer.direction))
    if current is not None and current.transfer_id == transfer.id:
        return current
    _refuse_full(transfer, 1)
    before = None
    if current is not None:
        before = {"transfer_id": current.transfer_id}
        db.session.delete(current)
        db.session.flush()
    passenger = TransferPassenger(transfer=transfer, registration=registration,
                                  direction=transfer.direction)
    db.session.add(passenger)
    db.session.flush()
    audit.record(actor, "transfer.passenger_add", passenger, summit=summit, now=now,
                 before=before, after={"transfer_id": transfer.id,
                                       "registration_id": registration.id})
    db.session.commit()
    notices.pickup_changed([registration.id])
    return passenger


def remove_passenger(actor: User, summit: Summit, passenger: TransferPassenger) -> None:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    if passenger.transfer.summit_id != summit.id:
        raise NotFound(_l("There is no such trip."))
    audit.record(actor, "transfer.passenger_remove", passenger, summit=summit,
                 before={"transfer_id": passenger.transfer_id,
                         "registration_id": passenger.registration_id})
    db.session.delete(passenger)
    db.session.commit()


def follow_trip(actor: User, trip: Trip, now: datetime | None = None) -> bool:
    """After a trip changed (no commit): a person who now arrives after their pick-up
    leaves, or at another place, moves to a later pick-up there with a free seat, or is
    left for staff to place (audited either way). True when it moved them."""
    if trip.direction is not D.ARRIVAL:
        return False
    passenger = db.session.scalar(db.select(TransferPassenger).where(
        TransferPassenger.registration_id == trip.registration_id,
        TransferPassenger.direction == D.ARRIVAL))
    if passenger is None:
        return False
    transfer = passenger.transfer
    if transfer.place == trip.place and trip.at <= transfer.at:
        return False
    summit = db.session.get(Summit, trip.summit_id)
    lock_summit(summit)
    candidates = db.session.scalars(
        db.select(Transfer).where(Transfer.summit_id == summit.id,
                                  Transfer.direction == D.ARRIVAL, Transfer.place == trip.place,
                                  Transfer.at >= trip.at, Transfer.at <= trip.at + WINDOW,
                                  Transfer.id != transfer.id)
        .order_by(Transfer.at))
    target = next((c for c in candidates if len(live_passengers(c)) < c.vehicle.seats), None)
    before = {"transfer_id": transfer.id}
    if target is None:
        db.session.delete(passenger)
        audit.record(actor, "transfer.passenger_unplaced", passenger, summit=summit, now=now,
                     before=before, after={"transfer_id": None})
        return False
    passenger.transfer = target
    passenger.status, passenger.status_at = P.ASSIGNED, None
    audit.record(actor, "transfer.passenger_moved", passenger, summit=summit, now=now,
                 before=before, after={"transfer_id": target.id})
    return True


def day_bounds(summit: Summit, day: date) -> tuple[datetime, datetime]:
    start = local_to_utc(datetime.combine(day, datetime.min.time()), summit.timezone)
    return start, start + timedelta(days=1)


# --- reading -------------------------------------------------------------------------------

def transfers_on(summit: Summit, day: date | None = None, vehicle_ids: list[int] | None = None
                 ) -> list[Transfer]:
    """Transfers (of a local day, of some vehicles) with vehicles, passengers and their
    registrations: three queries whatever the number."""
    query = (db.select(Transfer).where(Transfer.summit_id == summit.id)
             .options(db.joinedload(Transfer.vehicle),
                      db.selectinload(Transfer.passengers)
                      .joinedload(TransferPassenger.registration))
             .order_by(Transfer.at, Transfer.id))
    if day is not None:
        start, end = day_bounds(summit, day)
        query = query.where(Transfer.at >= start, Transfer.at < end)
    if vehicle_ids is not None:
        query = query.where(Transfer.vehicle_id.in_(vehicle_ids))
    return list(db.session.scalars(query).unique())


def days_with_transfers(summit: Summit, vehicle_ids: list[int] | None = None) -> list[date]:
    query = db.select(Transfer.at).where(Transfer.summit_id == summit.id)
    if vehicle_ids is not None:
        query = query.where(Transfer.vehicle_id.in_(vehicle_ids))
    return sorted({utc_to_local(at, summit.timezone).date()
                   for at in db.session.scalars(query)})


def staff_transfers(actor: User, summit: Summit, day: date | None = None) -> list[Transfer]:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    return transfers_on(summit, day)


def statuses(actor: User, summit: Summit) -> dict[str, str]:
    """Each passenger's status, for the staff page's live refresh (one query)."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    rows = db.session.execute(
        db.select(TransferPassenger.id, TransferPassenger.status)
        .join(Transfer, Transfer.id == TransferPassenger.transfer_id)
        .where(Transfer.summit_id == summit.id))
    return {str(pid): status.value for pid, status in rows}


def pickup_of(registration: Registration) -> list[TransferPassenger]:
    """A delegate's pick-up and drop-off, for 我的报名."""
    return pickups_of([registration.id]).get(registration.id, [])


def pickups_of(registration_ids: list[int]) -> dict[int, list[TransferPassenger]]:
    """The pick-ups and drop-offs of several registrations, in one query."""
    found: dict[int, list[TransferPassenger]] = defaultdict(list)
    if registration_ids:
        for passenger in db.session.scalars(
                db.select(TransferPassenger)
                .where(TransferPassenger.registration_id.in_(registration_ids))
                .options(db.joinedload(TransferPassenger.transfer)
                         .joinedload(Transfer.vehicle))):
            found[passenger.registration_id].append(passenger)
    return found
