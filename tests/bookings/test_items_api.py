"""The agenda API and the seats: capacity changed through PATCH follows the seats rule
(waiting list offered, lowering refused with the count), and cancelling an item cancels its
bookings and emails the holders."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, SeatBooking
from summit.services.bookings import booking as bookings
from tests.support.agenda_factories import make_delegate
from tests.support.api import assert_json_error

B = BookingStatus


@pytest.fixture
def oversubscribed_salon(summit, salon):
    """The two-seat salon with four bookings: two confirmed, two on the waiting list."""
    for n, name in enumerate(("赵波", "李明", "王芳", "张伟")):
        user, registration = make_delegate(summit, name, f"p{n}@example.com")
        bookings.book_seat(user, salon, registration)
    return salon


def statuses(item) -> list[BookingStatus]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(SeatBooking.status).where(
        SeatBooking.item_id == item.id).order_by(SeatBooking.id)))


def test_patching_the_capacity_follows_the_seats_rule(client, summit, oversubscribed_salon,
                                                      organiser_headers, mailbox):
    url = f"/api/v1/agenda/items/{oversubscribed_salon.id}"

    lowered = client.patch(url, headers=organiser_headers, json={"capacity": 1})
    raised = client.patch(url, headers=organiser_headers, json={"capacity": 4})

    assert_json_error(lowered, 409, "booking_refused", fields={"capacity"},
                      message="2 seats are taken (2 confirmed, 0 offered): the capacity "
                              "cannot be lower than 2.")
    assert raised.status_code == 200
    assert (raised.get_json()["capacity"], raised.get_json()["bookable"]) == (4, True)
    assert statuses(oversubscribed_salon) == [B.CONFIRMED, B.CONFIRMED, B.OFFERED, B.OFFERED]
    assert sorted(m["To"] for m in mailbox.wait_for(2)) == ["p2@example.com", "p3@example.com"]


def test_cancelling_an_item_over_the_api_cancels_its_bookings(client, summit,
                                                              oversubscribed_salon,
                                                              organiser_headers, mailbox):
    url = f"/api/v1/agenda/items/{oversubscribed_salon.id}/cancel"

    cancelled = client.post(url, headers=organiser_headers)
    again = client.post(url, headers=organiser_headers)

    assert cancelled.status_code == 200
    body = cancelled.get_json()
    assert (body["status"], body["bookings_cancelled"]) == ("cancelled", 4)
    assert statuses(oversubscribed_salon) == [B.CANCELLED] * 4
    assert db.session.get(AgendaItem, oversubscribed_salon.id).seats_taken == 0
    assert len(mailbox.wait_for(4)) == 4
    assert_json_error(again, 409, message="already cancelled")
