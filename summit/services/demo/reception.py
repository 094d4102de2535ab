"""The demo's reception (issue 19): arrivals at Kangding airport and the bus station the day
before the conference, two vehicles, two hotels with their room blocks, and the welcome
banquet. Written once, however often
the demo is seeded; the pick-ups and rooms are left for the reception staff to propose."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Hotel,
    HotelRoom,
    MealKind,
    MealSession,
    Registration,
    RegistrationStatus,
    RoomBlock,
    Summit,
    TravelMode,
    Trip,
    TripDirection,
    Vehicle,
    VehicleKind,
)
from summit.services.core import audit
from summit.services.summits.settings import local_to_utc

AIRPORT, BUS_STATION = "康定机场", "康定汽车站"
# email: (how, number, place, local time on the day before)
ARRIVALS = {
    "zhao.bo@example.com": (TravelMode.FLIGHT, "CA4401", AIRPORT, time(10, 5)),
    "anna@example.com": (TravelMode.FLIGHT, "CA4401", AIRPORT, time(10, 5)),
    "zhaxi@example.com": (TravelMode.FLIGHT, "3U8695", AIRPORT, time(10, 35)),
    "delegate@example.com": (TravelMode.ROAD, "", BUS_STATION, time(15, 30)),
    "li.ming@example.com": (TravelMode.ROAD, "", BUS_STATION, time(15, 50)),
}
# name, address, blocks: (type, beds, rooms, first number, price a night)
HOTELS = (("康定情歌大酒店", "康定市炉城镇", (("标准间", 2, 20, 301, "380.00"),
                                          ("单人间", 1, 10, 501, "420.00"))),
          ("跑马山宾馆", "康定市跑马山", (("标准间", 2, 15, 201, "300.00"),)))
VEHICLES = (("川M·A1234", 7, VehicleKind.VAN, "格桑师傅", "13990001234"),
            ("川M·B5678", 33, VehicleKind.MINIBUS, "王师傅", "13990005678"))


def seed_reception(summit: Summit) -> None:
    if db.session.scalar(db.select(Vehicle.id).where(Vehicle.summit_id == summit.id)):
        return
    day_before = summit.starts_on - timedelta(days=1)
    people = {r.email: r for r in db.session.scalars(db.select(Registration).where(
        Registration.summit_id == summit.id,
        Registration.status == RegistrationStatus.APPROVED))}
    for email, (mode, number, place, at) in ARRIVALS.items():
        if email in people:
            db.session.add(Trip(summit_id=summit.id, registration=people[email],
                                direction=TripDirection.ARRIVAL, mode=mode, number=number,
                                place=place, at=local_to_utc(datetime.combine(day_before, at),
                                                             summit.timezone)))
    for plate, seats, kind, driver, phone in VEHICLES:
        db.session.add(Vehicle(summit_id=summit.id, plate=plate, seats=seats, kind=kind,
                               driver_name=driver, driver_phone=phone))
    for name, address, blocks in HOTELS:
        hotel = Hotel(summit_id=summit.id, name=name, address=address)
        for room_type, beds, count, first_number, price in blocks:
            hotel.blocks.append(RoomBlock(
                room_type=room_type, beds=beds, count=count, first_night=day_before,
                nights=(summit.ends_on - day_before).days, price=Decimal(price),
                rooms=[HotelRoom(number=str(first_number + n)) for n in range(count)]))
        db.session.add(hotel)
    banquet = MealSession(summit_id=summit.id, kind=MealKind.BANQUET, title="欢迎晚宴",
                          venue="康定情歌大酒店 宴会厅", capacity=300, seated=True,
                          starts_at=local_to_utc(datetime.combine(day_before, time(19, 0)),
                                                 summit.timezone))
    db.session.add(banquet)
    db.session.flush()
    audit.record(None, "reception.seed", summit, summit=summit, now=utcnow(),
                 after={"source": "seed-demo", "arrivals": len(ARRIVALS),
                        "vehicles": len(VEHICLES), "hotels": len(HOTELS),
                        "meal": banquet.id})
    db.session.commit()


__all__ = ["seed_reception"]
