"""Rows of the role × URL matrix for reception (arrivals, vehicles, pick-ups, drivers' pages),
and the objects they point at (made on first use and kept on the matrix's world)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from summit.extensions import db
from summit.models import (
    Hotel,
    HotelRoom,
    MealKind,
    MealSession,
    Registration,
    RegistrationStatus,
    Role,
    RoomBlock,
    Transfer,
    TransferPassenger,
    TripDirection,
    Vehicle,
    VehicleKind,
)
from summit.services.core import uploads
from summit.services.reception import drivers

RECEPTION = frozenset({Role.RECEPTION_STAFF.value, Role.ORGANISER.value, "admin"})
CHECKIN = frozenset({Role.CHECKIN_STAFF.value, Role.ORGANISER.value, "admin"})
TRIPS_CSV = ("email,direction,mode,number,place,date,time\r\n"
             "nobody@example.com,arrival,flight,CA4401,康定机场,2027-08-02,10:30\r\n").encode()
_made = iter(range(1, 10**6))


@dataclass
class ReceptionWorld:
    vehicle: Vehicle
    transfers: dict[str, Transfer]
    passenger: int  # removed by staff
    rider: int  # marked by the driver
    token: str
    meal: int
    hotel: int
    room: int


def _vehicle(w) -> Vehicle:
    number = next(_made)
    vehicle = Vehicle(summit_id=w.summit.id, plate=f"川V{number:05d}", seats=7,
                      kind=VehicleKind.VAN, driver_name="王师傅", driver_phone=f"1370{number:07d}")
    db.session.add(vehicle)
    db.session.commit()
    return vehicle


def reception_world(w) -> ReceptionWorld:
    found = getattr(w, "_reception", None)
    if found is None:
        vehicle = _vehicle(w)
        start = datetime(2027, 8, 2, 2, 0, tzinfo=UTC)
        transfers = {}
        for n, use in enumerate(("passenger", "remove", "vehicle", "delete")):
            transfers[use] = Transfer(summit_id=w.summit.id, direction=TripDirection.ARRIVAL,
                                      place="康定机场", at=start + timedelta(hours=3 * n),
                                      ends_at=start + timedelta(hours=3 * n + 1),
                                      vehicle=vehicle)
        riders = [TransferPassenger(transfer=transfers[use], direction=TripDirection.ARRIVAL,
                                    registration=Registration(
                                        summit=w.summit, category=w.category, name="次仁",
                                        email=f"reception-{use}@example.com",
                                        organisation_name="康定市商务局", position="科员",
                                        phone="13800000000",
                                        status=RegistrationStatus.APPROVED))
                  for use in ("remove", "vehicle")]
        db.session.add_all([*transfers.values(), *riders])
        db.session.commit()
        meal = MealSession(summit_id=w.summit.id, kind=MealKind.BANQUET, title="欢迎晚宴",
                           venue="康定情歌大酒店", starts_at=start, capacity=100)
        hotel = Hotel(summit_id=w.summit.id, name="康定情歌大酒店")
        block = RoomBlock(hotel=hotel, room_type="标准间", beds=40, count=1,
                          first_night=date(2027, 8, 2), nights=2, price=Decimal("380.00"),
                          rooms=[HotelRoom(number="101")])
        db.session.add_all([meal, block])
        db.session.commit()
        found = w._reception = ReceptionWorld(vehicle, transfers, riders[0].id, riders[1].id,
                                              drivers.driver_token(w.summit, vehicle),
                                              meal.id, hotel.id, block.rooms[0].id)
    return found


def trips_token(w) -> str:
    owner = w.user or w.target
    return uploads.store("imports", TRIPS_CSV, {"user_id": owner.id, "summit_id": w.summit.id,
                                                "delegation_id": None})


def routes(Route, S, everyone) -> list:
    R = "{}/reception"

    def base(w) -> str:
        return R.format(S(w))

    def driver(w) -> str:
        return f"{S(w)}/driver/{reception_world(w).token}"

    return [
        Route("reception.board", "GET", lambda w: f"{base(w)}/", RECEPTION),
        Route("reception.person_trips", "GET",
              lambda w: f"{base(w)}/people/{w.registration.id}/trips", RECEPTION),
        Route("reception.person_trips", "POST",
              lambda w: f"{base(w)}/people/{w.registration.id}/trips", RECEPTION,
              data=lambda w: {"direction": "arrival", "mode": "flight", "number": "CA4401",
                              "place": "康定机场", "at": "2027-08-02T10:30"}),
        Route("reception.room_wish", "POST",
              lambda w: f"{base(w)}/people/{w.registration.id}/room-wish", RECEPTION,
              data=lambda w: {"gender": "female", "room_wish": "shared"}),
        Route("reception.import_template", "GET", lambda w: f"{base(w)}/import/template.xlsx",
              RECEPTION),
        Route("reception.import_upload", "GET", lambda w: f"{base(w)}/import", RECEPTION),
        Route("reception.import_upload", "POST", lambda w: f"{base(w)}/import", RECEPTION,
              data=lambda w: {"file": (io.BytesIO(TRIPS_CSV), "trips.csv")}),
        Route("reception.import_errors", "GET",
              lambda w: f"{base(w)}/import/{trips_token(w)}/errors.xlsx", RECEPTION),
        Route("reception.import_confirm", "POST", lambda w: f"{base(w)}/import/confirm",
              RECEPTION, data=lambda w: {"token": trips_token(w)}),
        Route("reception.vehicles", "GET", lambda w: f"{base(w)}/vehicles", RECEPTION),
        Route("reception.vehicles", "POST", lambda w: f"{base(w)}/vehicles", RECEPTION,
              data=lambda w: {"plate": f"川M{next(_made):05d}", "seats": "7", "kind": "van",
                              "driver_name": "李师傅", "driver_phone": f"1360{next(_made):07d}"}),
        Route("reception.transfers", "GET", lambda w: f"{base(w)}/transfers", RECEPTION),
        Route("reception.transfer_statuses", "GET",
              lambda w: f"{base(w)}/transfers/status.json", RECEPTION),
        Route("reception.propose", "POST", lambda w: f"{base(w)}/transfers/propose",
              RECEPTION, data=lambda w: {"direction": "arrival", "window": "45"}),
        Route("reception.create_transfer", "POST", lambda w: f"{base(w)}/transfers/new",
              RECEPTION, data=lambda w: {"direction": "arrival", "place": "康定汽车站",
                                         "at": "2027-08-02T15:00", "minutes": "60",
                                         "vehicle": str(_vehicle(w).id)}),
        Route("reception.add_passenger", "POST",
              lambda w: f"{base(w)}/transfers/{reception_world(w).transfers['passenger'].id}"
                        "/passengers", RECEPTION,
              data=lambda w: {"person": str(w.registrations["view"].id)}),
        Route("reception.remove_passenger", "POST",
              lambda w: f"{base(w)}/passengers/{reception_world(w).passenger}/remove",
              RECEPTION, data=lambda w: {}),
        Route("reception.change_vehicle", "POST",
              lambda w: f"{base(w)}/transfers/{reception_world(w).transfers['vehicle'].id}"
                        "/vehicle", RECEPTION, data=lambda w: {"vehicle": str(_vehicle(w).id)}),
        Route("reception.delete_transfer", "POST",
              lambda w: f"{base(w)}/transfers/{reception_world(w).transfers['delete'].id}"
                        "/delete", RECEPTION, data=lambda w: {}),
        Route("reception.meal_list", "GET", lambda w: f"{base(w)}/meals", RECEPTION),
        Route("reception.meal_list", "POST", lambda w: f"{base(w)}/meals", RECEPTION,
              data=lambda w: {"kind": "lunch", "title": "午餐", "venue": "会议中心餐厅",
                              "starts_at": "2027-08-03T12:00", "capacity": "300"}),
        Route("reception.meals_served", "GET", lambda w: f"{base(w)}/meals/served.json",
              RECEPTION),
        Route("reception.meal_scanner", "GET",
              lambda w: f"{base(w)}/meals/{reception_world(w).meal}/scanner", CHECKIN),
        Route("api.list_trips", "GET", lambda w: f"/api/v1{S(w)}/trips", RECEPTION),
        Route("api.save_trip", "PUT", lambda w: f"/api/v1/registrations/{w.registration.id}/trips",
              RECEPTION, data=lambda w: {"direction": "departure", "mode": "train",
                                         "number": "G8502", "place": "康定站",
                                         "at": "2027-08-05T09:00"}),
        Route("api.list_vehicles", "GET", lambda w: f"/api/v1{S(w)}/vehicles", RECEPTION),
        Route("api.create_vehicle", "POST", lambda w: f"/api/v1{S(w)}/vehicles", RECEPTION,
              data=lambda w: {"plate": f"川K{next(_made):05d}", "seats": 5, "kind": "car",
                              "driver_name": "周师傅", "driver_phone": f"1350{next(_made):07d}"}),
        Route("api.list_transfers", "GET", lambda w: f"/api/v1{S(w)}/transfers", RECEPTION),
        Route("api.add_transfer_passenger", "POST",
              lambda w: f"/api/v1/transfers/{reception_world(w).transfers['passenger'].id}"
                        "/passengers", RECEPTION,
              data=lambda w: {"registration_id": w.registrations["view"].id}),
        Route("api.list_meals", "GET", lambda w: f"/api/v1{S(w)}/meals", RECEPTION),
        Route("api.create_meal_scan", "POST",
              lambda w: f"/api/v1{S(w)}/meals/{reception_world(w).meal}/scans",
              CHECKIN | RECEPTION, data=lambda w: {"token": "not-a-token"}),
        Route("reception.hotel_list", "GET", lambda w: f"{base(w)}/hotels", RECEPTION),
        Route("reception.hotel_list", "POST", lambda w: f"{base(w)}/hotels", RECEPTION,
              data=lambda w: {"name": "跑马山宾馆"}),
        Route("reception.propose_rooms", "POST",
              lambda w: f"{base(w)}/hotels/{reception_world(w).hotel}/propose", RECEPTION,
              data=lambda w: {}),
        Route("reception.rooming", "GET",
              lambda w: f"{base(w)}/hotels/{reception_world(w).hotel}/rooming", RECEPTION),
        Route("reception.rooming", "POST",
              lambda w: f"{base(w)}/hotels/{reception_world(w).hotel}/rooming?night=2027-08-02",
              RECEPTION, data=lambda w: {"person": str(w.approved["download"].id),
                                         "room": str(reception_world(w).room),
                                         "confirm": "1"}),
        Route("reception.rooming_xlsx", "GET",
              lambda w: f"{base(w)}/hotels/{reception_world(w).hotel}/rooming.xlsx",
              RECEPTION),
        Route("reception.rooming_pdf", "GET",
              lambda w: f"{base(w)}/hotels/{reception_world(w).hotel}/rooming.pdf",
              RECEPTION),
        Route("api.get_rooming", "GET",
              lambda w: f"/api/v1{S(w)}/hotels/{reception_world(w).hotel}/rooming"
                        "?night=2027-08-02", RECEPTION),
        Route("api.create_room_assignment", "POST", lambda w: f"/api/v1{S(w)}/room-assignments",
              RECEPTION, data=lambda w: {"room_id": reception_world(w).room,
                                         "registration_id": w.approved["download"].id,
                                         "nights": ["2027-08-03"], "confirm_shared": True}),
        Route("reception.driver", "GET", driver, everyone),
        Route("reception.driver_mark", "POST",
              lambda w: f"{driver(w)}/passengers/{reception_world(w).rider}", everyone,
              data=lambda w: {"status": "picked_up"}),
    ]
