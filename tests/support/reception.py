"""Fixtures and helpers shared by the reception tests (part of the tests' plugin): reception
staff, people arriving, vehicles."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from summit.models import (
    MealKind,
    Registration,
    Role,
    Summit,
    TravelMode,
    TripDirection,
    User,
    VehicleKind,
)
from summit.services.reception import meals, rooms, transport, trips
from tests.support import factories


@pytest.fixture
def reception(event: Summit) -> User:
    """Reception staff (接待) at the test summit."""
    return factories.make_member(event, Role.RECEPTION_STAFF, "reception@example.com",
                                 name="接待员")


def arriving(summit: Summit, actor: User, name: str, at: str, place: str = "康定机场",
             number: str = "CA4401", mode: TravelMode = TravelMode.FLIGHT,
             approve_as: User | None = None) -> Registration:
    """A registered person with an arrival at ``at`` ("2027-08-02 10:30", Beijing time)."""
    registration = factories.make_registration(summit, name, approve_as=approve_as)
    trips.save_trip(actor, registration, trips.TripDetails(
        direction=TripDirection.ARRIVAL, mode=mode, number=number, place=place,
        at=datetime.fromisoformat(at)))
    return registration


def vehicle(summit: Summit, actor: User, plate: str, seats: int, driver: str = "王师傅",
            phone: str | None = None):
    return transport.save_vehicle(actor, summit, transport.VehicleDetails(
        plate=plate, seats=seats, kind=VehicleKind.VAN, driver_name=driver,
        driver_phone=phone or f"139{abs(hash(plate)) % 10**8:08d}"))


def reception_objects(summit: Summit, actor: User):
    """A banquet, a pick-up (with its vehicle) and a hotel with a block of rooms at
    ``summit``, for tests that need one of each to point at."""
    meal = meals.save_meal(actor, summit, meals.MealDetails(
        kind=MealKind.BANQUET, title="欢迎晚宴", venue="康定情歌大酒店", capacity=200,
        starts_at=datetime(2027, 8, 2, 19, 0), seated=True))
    van = vehicle(summit, actor, "川A88888", 7, "王师傅", "13900008888")
    transfer = transport.create_transfer(actor, summit, direction=TripDirection.ARRIVAL,
                                         place="康定机场", at=datetime(2027, 8, 2, 10, 30),
                                         vehicle_id=van.id)
    hotel = rooms.add_hotel(actor, summit, "康定情歌大酒店")
    rooms.add_block(actor, summit, hotel, room_type="标准间", beds=2, count=3,
                    first_night=date(2027, 8, 2), nights=2, price="380.00")
    return meal, transfer, hotel
