"""The drivers' side of pick-ups (接站) and drop-offs (送站): a signed link per vehicle
that opens the driver's trips without an account, and the driver marking a passenger picked
up or not shown. A link names the summit, the vehicle and the driver's phone, so a new
driver makes the old links void; it expires after DRIVER_LINK_DAYS."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from summit.database import utcnow
from summit.extensions import db
from summit.models import PassengerStatus as P, Summit, TransferPassenger, User, Vehicle
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import NotFound, ValidationFailed

DRIVER_LINK_DAYS = 14


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="reception-driver")


def driver_link_token(actor: User, summit: Summit, vehicle: Vehicle) -> str:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    return driver_token(summit, vehicle)


def driver_token(summit: Summit, vehicle: Vehicle) -> str:
    """The driver's link token: signed, naming the summit, the vehicle and the driver's
    phone (a new driver makes old links void); it expires after DRIVER_LINK_DAYS."""
    return _serializer().dumps({"s": summit.id, "v": vehicle.id, "p": vehicle.driver_phone})


def driver_from_token(summit: Summit, token: str,
                      max_age_days: int = DRIVER_LINK_DAYS) -> Vehicle:
    """The vehicle a driver's link names; clear errors for an expired, altered or foreign
    link, or one whose vehicle has another driver now."""
    try:
        data = _serializer().loads(token, max_age=max_age_days * 86400)
    except SignatureExpired:
        raise NotFound(_l("This driver's link has expired. Ask reception for a new one.")) \
            from None
    except BadSignature:
        raise NotFound(_l("This driver's link is not valid. Ask reception for a new one.")) \
            from None
    if not isinstance(data, dict) or data.get("s") != summit.id:
        raise NotFound(_l("This driver's link is for another summit."))
    vehicle = db.session.get(Vehicle, data.get("v"))
    if vehicle is None or vehicle.summit_id != summit.id or \
            vehicle.driver_phone != data.get("p"):
        raise NotFound(_l("This driver's link is no longer valid. Ask reception for a new "
                          "one."))
    return vehicle


def driver_vehicle_ids(summit: Summit, vehicle: Vehicle) -> list[int]:
    return list(db.session.scalars(db.select(Vehicle.id).where(
        Vehicle.summit_id == summit.id, Vehicle.driver_phone == vehicle.driver_phone)))


def mark_passenger(summit: Summit, vehicle: Vehicle, passenger_id: int, status: str,
                   now: datetime | None = None) -> TransferPassenger:
    """The driver marks a passenger picked up or not shown (audited, no account)."""
    try:
        new = P(status)
    except ValueError:
        raise ValidationFailed(_l("Choose picked up or no show."), "status") from None
    passenger = db.session.get(TransferPassenger, passenger_id)
    if passenger is None or passenger.transfer.summit_id != summit.id or \
            passenger.transfer.vehicle_id not in driver_vehicle_ids(summit, vehicle):
        raise NotFound(_l("This passenger is not in your trips."))
    before = {"status": passenger.status.value}
    passenger.status, passenger.status_at = new, now or utcnow()
    audit.record(None, "transfer.passenger_status", passenger, summit=summit, now=now,
                 before=before, after={"status": new.value, "driver": vehicle.driver_name})
    db.session.commit()
    return passenger
