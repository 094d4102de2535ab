"""Fixtures and helpers shared by the reception tests (part of the tests' plugin): reception
staff, people arriving, vehicles."""
from __future__ import annotations

from datetime import datetime

import pytest

from summit.models import Registration, Role, Summit, TravelMode, TripDirection, User, VehicleKind
from summit.services.reception import transport, trips
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
