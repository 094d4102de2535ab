"""Reception over the API: trips, vehicles, pick-ups and their passengers, meals and meal
scans (answered like a check-in scan)."""
from datetime import date, datetime

from flask import g, jsonify, request
from flask_babel import gettext as _

from summit.blueprints.api import params
from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import (
    Hotel,
    Registration,
    Summit,
    Transfer,
    TravelMode,
    Trip,
    TripDirection,
    VehicleKind,
)
from summit.permissions import Permission, require
from summit.services.core.errors import NotFound
from summit.services.core.validation import mask_phone
from summit.services.reception import meals, rooms, transport, trips
from summit.services.summits import settings as summits

TRIP_FIELDS = ("direction", "mode", "number", "place", "at")
VEHICLE_FIELDS = ("plate", "seats", "kind", "driver_name", "driver_phone")
LOCAL_TIME = "%Y-%m-%dT%H:%M"


def _choice(payload: dict, name: str, enum_class):
    try:
        return enum_class(payload.get(name))
    except ValueError:
        raise BodyError(422, _("Some values are not valid."), {name: _(
            "One of: %(values)s.", values=", ".join(m.value for m in enum_class))}) from None


def _string(payload: dict, name: str, required: bool = True) -> str:
    value = payload.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise BodyError(422, _("Some values are not valid."),
                        {name: _("This field is required.")})
    return value


def trip_json(trip: Trip) -> dict:
    summit = trip.registration.summit
    return {"id": trip.id, "registration_id": trip.registration_id,
            "direction": trip.direction.value, "mode": trip.mode.value, "number": trip.number,
            "place": trip.place, "at": trips.local_time(summit, trip.at).strftime(LOCAL_TIME)}


def vehicle_json(vehicle) -> dict:
    return {"id": vehicle.id, "plate": vehicle.plate, "seats": vehicle.seats,
            "kind": vehicle.kind.value, "driver_name": vehicle.driver_name,
            "driver_phone": vehicle.driver_phone}


def transfer_json(summit, transfer: Transfer) -> dict:
    return {"id": transfer.id, "direction": transfer.direction.value, "place": transfer.place,
            "at": trips.local_time(summit, transfer.at).strftime(LOCAL_TIME),
            "ends_at": trips.local_time(summit, transfer.ends_at).strftime(LOCAL_TIME),
            "vehicle": vehicle_json(transfer.vehicle),
            "passengers": [{"id": p.id, "registration_id": p.registration_id,
                            "name": p.registration.name,
                            "phone": mask_phone(p.registration.phone),
                            "status": p.status.value}
                           for p in transport.live_passengers(transfer)]}


# --- trips ---------------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/trips")
@token_required
def list_trips(slug: str):
    summit = summits.get_by_slug(slug)
    direction = TripDirection(params.choice("direction", [d.value for d in TripDirection],
                                            "arrival"))
    items = [trip_json(trip) for trip in trips.trips_at(g.api_user, summit, direction)]
    return jsonify({"items": items, "total": len(items)})


@bp.put("/registrations/<int:registration_id>/trips")
@token_required
def save_trip(registration_id: int):
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise NotFound(_("There is no registration with this id."))
    trips.require_edit(g.api_user, registration)
    payload = known_fields(json_body(), TRIP_FIELDS)
    try:
        at = datetime.strptime(_string(payload, "at"), LOCAL_TIME)
    except ValueError:
        raise BodyError(422, _("Some values are not valid."),
                        {"at": _("Write the time as YYYY-MM-DDTHH:MM.")}) from None
    trip = trips.save_trip(g.api_user, registration, trips.TripDetails(
        direction=_choice(payload, "direction", TripDirection),
        mode=_choice(payload, "mode", TravelMode), number=_string(payload, "number", False),
        place=_string(payload, "place"), at=at))
    return jsonify(trip_json(trip))


# --- vehicles and pick-ups -----------------------------------------------------------------

@bp.get("/summits/<slug:slug>/vehicles")
@token_required
def list_vehicles(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.RECEPTION_MANAGE, summit)
    items = [vehicle_json(v) for v in transport.vehicles(summit)]
    return jsonify({"items": items, "total": len(items)})


@bp.post("/summits/<slug:slug>/vehicles")
@token_required
def create_vehicle(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.RECEPTION_MANAGE, summit)
    payload = known_fields(json_body(), VEHICLE_FIELDS)
    seats = payload.get("seats")
    if not isinstance(seats, int) or isinstance(seats, bool):
        raise BodyError(422, _("Some values are not valid."),
                        {"seats": _("A vehicle has 1 to 100 seats.")})
    vehicle = transport.save_vehicle(g.api_user, summit, transport.VehicleDetails(
        plate=_string(payload, "plate"), seats=seats,
        kind=_choice(payload, "kind", VehicleKind),
        driver_name=_string(payload, "driver_name"),
        driver_phone=_string(payload, "driver_phone")))
    return jsonify(vehicle_json(vehicle)), 201


@bp.get("/summits/<slug:slug>/transfers")
@token_required
def list_transfers(slug: str):
    summit = summits.get_by_slug(slug)
    rows = transport.staff_transfers(g.api_user, summit, params.day("day"))
    items = [transfer_json(summit, t) for t in rows]
    return jsonify({"items": items, "total": len(items)})


@bp.post("/transfers/<int:transfer_id>/passengers")
@token_required
def add_transfer_passenger(transfer_id: int):
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound(_("There is no such trip."))
    summit = db.session.get(Summit, transfer.summit_id)
    require(g.api_user, Permission.RECEPTION_MANAGE, summit)
    payload = known_fields(json_body(), ("registration_id",))
    transport.add_passenger(g.api_user, summit, transfer, payload.get("registration_id"))
    return jsonify(transfer_json(summit, transport.get_transfer(summit, transfer_id))), 201


# --- meals ---------------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/meals")
@token_required
def list_meals(slug: str):
    summit = summits.get_by_slug(slug)
    counted = meals.counts(g.api_user, summit)
    items = [{"id": meal.id, "kind": meal.kind.value, "title": meal.title,
              "venue": meal.venue, "capacity": meal.capacity, "seated": meal.seated,
              "starts_at": trips.local_time(summit, meal.starts_at).strftime(LOCAL_TIME),
              "expected": counted[meal.id].expected, "served": counted[meal.id].served,
              "diets": counted[meal.id].diets}
             for meal in meals.meals(summit)]
    return jsonify({"items": items, "total": len(items)})


@bp.post("/summits/<slug:slug>/meals/<int:meal_id>/scans")
@token_required(checkin=True)
def create_meal_scan(slug: str, meal_id: int):
    """A badge scanned at the restaurant door: the check-in answer's shape."""
    request.max_content_length = 4096
    summit = summits.get_by_slug(slug)
    meal = meals.get_meal(summit, meal_id)
    payload = known_fields(json_body(), meals.SCAN_FIELDS)
    answer = meals.scan(g.api_user, summit, meal, payload.get("token"), payload.get("scan_id"),
                        gate=payload.get("gate"), device=payload.get("device", ""),
                        scanned_at=payload.get("scanned_at"),
                        offline=payload.get("offline", False))
    return jsonify(answer.as_json())


# --- rooms ---------------------------------------------------------------------------------

def _hotel(summit: Summit, hotel_id: int) -> Hotel:
    hotel = db.session.get(Hotel, hotel_id)
    if hotel is None or hotel.summit_id != summit.id:
        raise NotFound(_("There is no such hotel."))
    return hotel


@bp.get("/summits/<slug:slug>/hotels/<int:hotel_id>/rooming")
@token_required
def get_rooming(slug: str, hotel_id: int):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.RECEPTION_MANAGE, summit)
    hotel = _hotel(summit, hotel_id)
    night = params.day("night")
    if night is None:
        raise BodyError(422, _("Some values are not valid."),
                        {"night": _("This field is required.")})
    rows = rooms.rooming_list(g.api_user, summit, hotel, night)
    items = [{"room_id": row.room_id, "number": row.number, "room_type": row.room_type,
              "beds": row.beds,
              "guests": [{"registration_id": pid, "name": name}
                         for pid, name, _org, _phone in row.people]}
             for row in rows]
    return jsonify({"items": items, "total": len(items)})


@bp.post("/summits/<slug:slug>/room-assignments")
@token_required
def create_room_assignment(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.RECEPTION_MANAGE, summit)
    payload = known_fields(json_body(), ("room_id", "registration_id", "nights",
                                         "confirm_shared"))
    nights = payload.get("nights")
    confirm = payload.get("confirm_shared", False)
    try:
        if not isinstance(nights, list) or not nights or len(nights) > 60 or \
                not all(isinstance(n, str) for n in nights):
            raise ValueError
        days = [date.fromisoformat(n) for n in nights]
    except ValueError:
        raise BodyError(422, _("Some values are not valid."),
                        {"nights": _("Write dates as YYYY-MM-DD.")}) from None
    if not isinstance(confirm, bool):
        raise BodyError(422, _("Some values are not valid."),
                        {"confirm_shared": _("Must be true or false.")})
    made = rooms.assign(g.api_user, summit, payload.get("room_id"),
                        payload.get("registration_id"), days, confirm_shared=confirm)
    items = [{"id": a.id, "room_id": a.room_id, "registration_id": a.registration_id,
              "night": a.night.isoformat(), "confirmed_by_staff": a.confirmed_by_staff}
             for a in made]
    return jsonify({"items": items, "total": len(items)}), 201
