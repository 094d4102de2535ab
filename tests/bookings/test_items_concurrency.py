"""Lowering the capacity from the agenda API while delegates book, all at once: the check
runs under the item's lock, so the item never ends with more seats taken than its capacity.
Real parallel HTTP requests (the server of ``tests.support.concurrency``), on SQLite and
PostgreSQL."""
from __future__ import annotations

import threading
from collections import Counter

import pytest

from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, SeatBooking
from summit.services.accounts import tokens as api_tokens
from tests.support import factories
from tests.support.agenda_factories import bulk_delegates_with_tokens, make_agenda_item
from tests.support.concurrency import MANY_CONNECTIONS, call

B = BookingStatus
pytestmark = pytest.mark.app_config(**MANY_CONNECTIONS)


def test_lowering_the_capacity_while_people_book_never_overbooks(
        app, summit, organiser, server):
    organiser_token = api_tokens.issue_token(organiser.email, factories.PASSWORD,
                                             "127.0.0.1")[0]
    item_id = make_agenda_item(summit, capacity=10).id
    people = bulk_delegates_with_tokens(summit, 30)
    requests = [("POST", f"/api/v1/sessions/{item_id}/bookings", token, None)
                for _registration_id, token in people]
    requests.insert(4, ("PATCH", f"/api/v1/agenda/items/{item_id}", organiser_token,
                        {"capacity": 5}))
    db.session.close()
    barrier = threading.Barrier(len(requests))
    answers: list = [None] * len(requests)

    def one(index, method, path, token, body):
        barrier.wait(timeout=60)
        answers[index] = call(server, method, path, token, body)

    threads = [threading.Thread(target=one, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    patched_status, patched = answers.pop(4)
    assert Counter(status for status, _body in answers) == {201: 30}
    db.session.expire_all()
    item = db.session.get(AgendaItem, item_id)
    held = Counter(db.session.scalars(db.select(SeatBooking.status).where(
        SeatBooking.item_id == item_id)))
    if patched_status == 200:
        assert item.capacity == 5
    else:
        assert patched_status == 409, patched
        assert "capacity" in patched["error"]["fields"]
        assert "the capacity cannot be lower than" in patched["error"]["message"]
        assert item.capacity == 10
    assert item.seats_taken == held[B.CONFIRMED] == item.capacity
    assert held[B.WAITLISTED] == 30 - item.capacity
