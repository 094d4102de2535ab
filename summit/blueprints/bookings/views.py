"""Salon seats for delegates: the salon page (book, cancel, claim) and My bookings."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from summit.blueprints.bookings.blueprint import bp
from summit.database import utcnow
from summit.extensions import db
from summit.models import AgendaItem, BookingStatus
from summit.services.bookings import (
    booking as bookings,
    lists as booking_lists,
    seats as booking_seats,
)
from summit.services.core.errors import DomainError

B = BookingStatus


def load_item(item_id: int) -> AgendaItem:
    return db.get_or_404(AgendaItem, item_id)


def outcome_message(booking) -> str:
    if booking.status is B.CONFIRMED:
        return _("Your seat is confirmed.")
    position = bookings.waitlist_position(booking)
    return _("The salon is full: you are number %(position)d on the waiting list. We will "
             "email you if a seat frees up.", position=position or 0)


@bp.get("/sessions/<int:item_id>/seats")
def salon(item_id: int):
    item = load_item(item_id)
    registration = booking = position = None
    if current_user.is_authenticated:
        try:
            registration = bookings.own_registration(current_user, item)
        except DomainError:
            registration = None
        if registration is not None:
            booking = bookings.latest_booking(item, registration)
            if booking is not None and booking.status is B.OFFERED \
                    and booking.offer_expires_at <= utcnow():
                # Offers pass on when their time is up, not when someone next books: show
                # the truth, and give the seat to the next person now.
                booking_seats.expire_offers(item)
                db.session.refresh(booking)
            position = bookings.waitlist_position(booking) if booking else None
    return render_template(
        "bookings/salon.html", item=item, summit=item.summit, registration=registration,
        booking=booking, position=position, seats_left=booking_seats.seats_left(item),
        deadline=bookings.local_time(booking.offer_expires_at, item.summit.timezone)
        if booking is not None and booking.status is B.OFFERED else "",
        labels=bookings.STATUS_LABELS, manage=bookings.may_manage(current_user, item))


def _act(item_id: int, action) -> object:
    item = load_item(item_id)
    try:
        action(item)
    except DomainError as error:
        flash(str(error), "error")
    return redirect(url_for("bookings.salon", item_id=item.id))


@bp.post("/sessions/<int:item_id>/seats/book")
@login_required
def book(item_id: int):
    def act(item):
        booking = bookings.book_seat(current_user, item,
                                     bookings.own_registration(current_user, item))
        flash(outcome_message(booking),
              "success" if booking.status is B.CONFIRMED else "warning")

    return _act(item_id, act)


@bp.post("/sessions/<int:item_id>/seats/cancel")
@login_required
def cancel(item_id: int):
    def act(item):
        bookings.cancel_booking(current_user, bookings.mine_or_404(current_user, item))
        flash(_("Your booking is cancelled."), "success")

    return _act(item_id, act)


@bp.post("/sessions/<int:item_id>/seats/claim")
@login_required
def claim(item_id: int):
    def act(item):
        bookings.claim_offer(current_user, bookings.mine_or_404(current_user, item))
        flash(_("The seat is yours: your booking is confirmed."), "success")

    return _act(item_id, act)


@bp.get("/bookings/mine")
@login_required
def mine():
    rows = booking_lists.bookings_of(current_user)
    return render_template("bookings/mine.html", rows=rows, labels=bookings.STATUS_LABELS,
                           local_time=bookings.local_time,
                           salons=booking_lists.bookable_items_for(current_user))
