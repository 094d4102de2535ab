"""No overbooking, ever: real parallel HTTP requests against a threaded server, on SQLite and
PostgreSQL.

The test app is served by werkzeug's threaded server on a thread of the test process; every
request runs on a server thread with its own app context, session and pooled connection.
500 approved delegates, each with an account and a bearer token of their own, are written in
bulk; 500 client threads wait at a barrier and then post their booking at once.
"""
from __future__ import annotations

from collections import Counter

import pytest

from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, SeatBooking
from summit.services.bookings import booking as bookings
from tests.support.agenda_factories import bulk_delegates_with_tokens, make_agenda_item
from tests.support.concurrency import MANY_CONNECTIONS, call, fire

B = BookingStatus
pytestmark = pytest.mark.app_config(**MANY_CONNECTIONS)


def stored(item_id: int) -> tuple[AgendaItem, list[SeatBooking]]:
    db.session.expire_all()
    item = db.session.get(AgendaItem, item_id)
    rows = list(db.session.scalars(db.select(SeatBooking).where(
        SeatBooking.item_id == item_id).order_by(SeatBooking.id)))
    return item, rows


def test_500_parallel_bookings_for_50_seats_give_exactly_50_seats(app, summit, server):
    item = make_agenda_item(summit, capacity=50)
    item_id = item.id
    people = bulk_delegates_with_tokens(summit, 500)

    answers = fire(server, [("POST", f"/api/v1/sessions/{item_id}/bookings", token)
                            for _registration_id, token in people])

    assert Counter(status for status, _body in answers) == {201: 500}, [
        a for a in answers if a[0] != 201][:3]
    assert Counter(body["status"] for _s, body in answers) == {"confirmed": 50,
                                                                "waitlisted": 450}
    positions = sorted(body["waitlist_position"] for _s, body in answers
                       if body["status"] == "waitlisted")
    assert positions == list(range(1, 451))
    item, rows = stored(item_id)
    assert item.seats_taken == 50
    assert Counter(row.status for row in rows) == {B.CONFIRMED: 50, B.WAITLISTED: 450}
    assert len({row.registration_id for row in rows}) == 500
    # Decisions were serialised: the seats went to the first 50 rows written, and the
    # waiting list is in the order the rows were written.
    assert all(row.status is B.CONFIRMED for row in rows[:50])
    waiting = [row for row in rows if row.status is B.WAITLISTED]
    assert waiting == sorted(waiting, key=lambda row: (row.queued_at, row.id))


def test_parallel_cancels_and_bookings_never_overbook_and_keep_the_queue(app, summit,
                                                                        server, mailbox):
    """10 seat holders cancel while 20 queued people wait and 40 newcomers book, all at
    once: each freed seat is offered to the head of the queue, never to a newcomer."""
    item = make_agenda_item(summit, capacity=10)
    item_id = item.id
    holders, queued, newcomers = (bulk_delegates_with_tokens(summit, n) for n in (10, 20, 40))
    for _registration_id, token in holders + queued:
        status, _body = call(server, "POST", f"/api/v1/sessions/{item_id}/bookings", token)
        assert status == 201
    queue_before = [registration_id for registration_id, _token in queued]

    requests = [("DELETE", f"/api/v1/sessions/{item_id}/bookings/mine", token)
                for _r, token in holders]
    requests += [("POST", f"/api/v1/sessions/{item_id}/bookings", token)
                 for _r, token in newcomers]
    answers = fire(server, requests)

    assert [status for status, _b in answers[:10]] == [200] * 10, answers[:10]
    assert {body["status"] for _s, body in answers[:10]} == {"cancelled"}
    assert [status for status, _b in answers[10:]] == [201] * 40, answers[10:]
    # The queue was never empty, so no newcomer got a seat.
    assert {body["status"] for _s, body in answers[10:]} == {"waitlisted"}
    item, rows = stored(item_id)
    by_registration = {row.registration_id: row for row in rows if row.status is not B.CANCELLED}
    assert item.seats_taken == 10
    assert sum(row.status in bookings.HOLDS_SEAT for row in rows) == 10
    offered = [rid for rid in queue_before if by_registration[rid].status is B.OFFERED]
    assert offered == queue_before[:10]
    assert all(by_registration[rid].status is B.WAITLISTED for rid in queue_before[10:])
    assert len(mailbox.wait_for(10, timeout=20)) == 10
