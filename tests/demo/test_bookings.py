"""The demo's salon-seat step: bookings at the demo summit's bookable items, when there are
any (the agenda step makes them), made once however often the demo is seeded."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from summit.extensions import db
from summit.models import BookingStatus, SeatBooking
from summit.services.demo import seed as demo
from tests.support.agenda_factories import make_agenda_item

NOW = datetime(2017, 7, 1, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("english")


def booking_statuses() -> Counter:
    db.session.expire_all()
    return Counter(b.status for b in db.session.scalars(db.select(SeatBooking)))


def test_the_demo_books_its_salon_once(app):
    demo.seed_demo(now=NOW)
    demo.seed_demo(now=NOW)

    assert booking_statuses() == {BookingStatus.CONFIRMED: len(demo.SEAT_HOLDERS)}
    bookings = db.session.scalars(db.select(SeatBooking)).all()
    assert {b.registration.email for b in bookings} == set(demo.SEAT_HOLDERS)
    salon = bookings[0].item
    assert salon.bookable and salon.seats_taken == len(demo.SEAT_HOLDERS)


def test_a_small_bookable_item_fills_and_waitlists(app):
    summit = demo.seed_demo(now=NOW)
    small = make_agenda_item(summit, "开幕式", capacity=2, day=date(2017, 8, 4))

    demo.seed_demo(now=NOW)

    statuses = Counter(b.status for b in db.session.scalars(
        db.select(SeatBooking).where(SeatBooking.item_id == small.id)))
    assert statuses == {BookingStatus.CONFIRMED: 2, BookingStatus.WAITLISTED: 1}
