"""Salon seats over the API. ``<item_id>`` is the agenda item (the API calls it a session)."""
from flask import g, jsonify, request
from flask_babel import gettext as _

from summit.blueprints.api import params
from summit.blueprints.api.auth import json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, SeatBooking
from summit.services.bookings import (
    booking as bookings,
    lists as booking_lists,
    seats as booking_seats,
)
from summit.services.core.errors import NotFound
from summit.services.core.validation import mask_phone


def _item(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("There is no agenda item with this id."))
    return item


def booking_json(booking: SeatBooking, private: bool = False,
                 position: int | None | bool = True) -> dict:
    """``position``: True to look the waiting-list position up, else the known value."""
    item, registration = booking.item, booking.registration
    body = {
        "id": booking.id,
        "session_id": item.id,
        "registration_id": registration.id,
        "status": booking.status.value,
        "waitlist_position": bookings.waitlist_position(booking) if position is True
        else position,
        "queued_at": booking.queued_at.isoformat(),
        "offer_expires_at": booking.offer_expires_at.isoformat()
        if booking.offer_expires_at and booking.status.value == "offered" else None,
        "seats_left": booking_seats.seats_left(item),
        "capacity": item.capacity,
    }
    if private:
        body["registration"] = {"name": registration.name,
                                "name_pinyin": registration.name_pinyin,
                                "organization": registration.organisation_name,
                                "phone": mask_phone(registration.phone)}
    return body


def _optional_body() -> dict:
    """The JSON object sent, or {} for an empty body (booking for oneself needs none)."""
    if not request.get_data(cache=True):
        return {}

    return json_body()


@bp.post("/sessions/<int:item_id>/bookings")
@token_required
def create_booking(item_id: int):
    item = _item(item_id)
    payload = known_fields(_optional_body(), ["registration_id"])
    if "registration_id" in payload:
        registration = bookings.registration_for_staff(g.api_user, item,
                                                       payload["registration_id"])
    else:
        registration = bookings.own_registration(g.api_user, item)
    booking = bookings.book_seat(g.api_user, item, registration)
    return jsonify(booking_json(booking)), 201


@bp.delete("/sessions/<int:item_id>/bookings/mine")
@token_required
def cancel_my_booking(item_id: int):
    item = _item(item_id)
    booking = bookings.cancel_booking(g.api_user, bookings.mine_or_404(g.api_user, item))
    return jsonify(booking_json(booking))


@bp.post("/sessions/<int:item_id>/bookings/mine/claim")
@token_required
def claim_my_offer(item_id: int):
    item = _item(item_id)
    booking = bookings.claim_offer(g.api_user, bookings.mine_or_404(g.api_user, item))
    return jsonify(booking_json(booking))


@bp.get("/sessions/<int:item_id>/bookings")
@token_required
def list_bookings(item_id: int):
    item = _item(item_id)
    filters = {"status": params.choice("status", [s.value for s in BookingStatus]),
               "q": params.text("q")}
    result = booking_lists.list_bookings(g.api_user, item, page=params.page(),
                                         per_page=params.per_page(), **filters)
    known = booking_lists.positions(item, result, **filters)
    return jsonify({"items": [booking_json(b, private=True, position=known.get(b.id))
                              for b in result.items],
                    "total": result.total, "page": result.page, "per_page": result.per_page})
