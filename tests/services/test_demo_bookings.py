"""The demo's salon-seat step: bookings at the demo summit's bookable items, when there are
any (the agenda step makes them), made once however often the demo is seeded."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest
from flask_babel import force_locale

from summit.extensions import db
from summit.models import BookingStatus, SeatBooking
from summit.services import demo
from tests.agenda_factories import make_agenda_item

NOW = datetime(2017, 7, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def booking_statuses() -> Counter:
    db.session.expire_all()
    return Counter(b.status for b in db.session.scalars(db.select(SeatBooking)))


def test_without_bookable_items_the_demo_books_nothing(app):
    demo.seed_demo(now=NOW)

    assert booking_statuses() == Counter()


def test_the_demo_books_its_salon_once(app):
    summit = demo.seed_demo(now=NOW)
    salon = make_agenda_item(summit, capacity=2)
    make_agenda_item(summit, "开幕式", capacity=None)

    demo.seed_demo(now=NOW)
    demo.seed_demo(now=NOW)

    assert booking_statuses() == {BookingStatus.CONFIRMED: 2, BookingStatus.WAITLISTED: 1}
    db.session.expire_all()
    assert salon.seats_taken == 2
    emails = {b.registration.email for b in db.session.scalars(db.select(SeatBooking))}
    assert emails == set(demo.SEAT_HOLDERS)
