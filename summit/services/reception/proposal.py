"""The pick-up and drop-off proposal: the people arriving (leaving) at one place within a
window, not yet on a transfer, grouped into the vehicles free at that time."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    Registration,
    Summit,
    Transfer,
    TransferPassenger,
    Trip,
    TripDirection,
    User,
    Vehicle,
)
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import ValidationFailed
from summit.services.reception import transport
from summit.services.summits.settings import lock_summit


@dataclass
class Proposal:
    transfers: int = 0
    placed: int = 0
    unplaced: int = 0


def propose(actor: User, summit: Summit, direction: TripDirection, day: date | None = None,
            window_minutes: int = 45, now: datetime | None = None) -> Proposal:
    """Group the people who arrive (leave) at the same place within the window and who have
    no transfer yet into vehicles free at that time, by seat count: the smallest vehicle
    that takes the whole group, else the largest free one, again for the rest."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    if not 5 <= window_minutes <= 240:
        raise ValidationFailed(_l("The window is 5 to 240 minutes."), "window")
    window = timedelta(minutes=window_minutes)
    lock_summit(summit)
    placed_ids = db.select(TransferPassenger.registration_id).where(
        TransferPassenger.direction == direction)
    query = (db.select(Trip.registration_id, Trip.place, Trip.at)
             .join(Registration, Registration.id == Trip.registration_id)
             .where(Trip.summit_id == summit.id, Trip.direction == direction, transport.LIVE,
                    Trip.registration_id.not_in(placed_ids))
             .order_by(Trip.place, Trip.at))
    if day is not None:
        start, end = transport.day_bounds(summit, day)
        query = query.where(Trip.at >= start, Trip.at < end)
    by_place: dict[str, list[tuple[int, datetime]]] = defaultdict(list)
    for registration_id, place, at in db.session.execute(query):
        by_place[place].append((registration_id, at))
    fleet = transport.vehicles(summit)
    busy: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for phone, at, ends_at in db.session.execute(
            db.select(Vehicle.driver_phone, Transfer.at, Transfer.ends_at)
            .join(Transfer, Transfer.vehicle_id == Vehicle.id)
            .where(Transfer.summit_id == summit.id)):
        busy[phone].append((at, ends_at))

    def free(vehicle: Vehicle, start: datetime, end: datetime) -> bool:
        return all(not (a < end and b > start) for a, b in busy[vehicle.driver_phone])

    result = Proposal()
    made: list[Transfer] = []
    for place, people in sorted(by_place.items()):
        index = 0
        while index < len(people):
            first = people[index][1]
            group = [p for p in people[index:] if p[1] <= first + window]
            index += len(group)
            if direction is TripDirection.ARRIVAL:
                start = max(at for _, at in group)
            else:
                start = min(at for _, at in group) - transport.LEAD
            end = start + transport.DRIVE
            while group:
                available = [v for v in fleet if free(v, start, end)]
                if not available:
                    result.unplaced += len(group)
                    break
                fitting = [v for v in available if v.seats >= len(group)]
                vehicle = min(fitting, key=lambda v: (v.seats, v.plate)) if fitting else \
                    max(available, key=lambda v: (v.seats, v.plate))
                riders, group = group[:vehicle.seats], group[vehicle.seats:]
                busy[vehicle.driver_phone].append((start, end))
                transfer = Transfer(summit_id=summit.id, direction=direction, place=place,
                                    at=start, ends_at=end, vehicle_id=vehicle.id)
                transfer.passengers = [
                    TransferPassenger(registration_id=registration_id, direction=direction)
                    for registration_id, _ in riders]
                made.append(transfer)
                result.placed += len(riders)
    db.session.add_all(made)
    db.session.flush()
    result.transfers = len(made)
    for transfer in made:
        audit.record(actor, "transfer.propose", transfer, summit=summit, now=now,
                     after=audit.snapshot(transfer, transport.TRANSFER_AUDITED)
                     | {"passengers": len(transfer.passengers)})
    db.session.commit()
    return result
