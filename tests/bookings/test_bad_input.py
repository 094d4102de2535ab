"""Bad input to the salon-seat forms and API, proven with Hypothesis (the strategies of
tests/support/hostile.py): a clear error every time, never a 500, nothing half-written."""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import event, given, settings, strategies as st

from summit.extensions import db
from summit.models import AgendaItem, SeatBooking
from summit.services.bookings import booking as bookings
from tests.support import factories
from tests.support.agenda import token_for
from tests.support.agenda_factories import make_agenda_item, make_delegate
from tests.support.api import assert_json_error
from tests.support.hostile import (
    EXAMPLES,
    SETTINGS,
    URLENCODED,
    bad_text,
    flagged_fields,
    in_english,
    query_text,
    shows_an_error,
    wrong_json_types,
)

SETTINGS_FIELDS = {"capacity": "optional", "claim_window_hours": "required",
                   "bookable": "flag"}


@pytest.fixture
def managed_salon(app, summit, organiser):
    """A three-seat salon and one approved delegate, with a client logged in as the organiser
    and the organiser's API token."""
    item = make_agenda_item(summit, capacity=3)
    _user, registration = make_delegate(summit, "赵波")
    client = in_english(app.test_client())
    assert client.post("/auth/login", data={"email": organiser.email,
                                            "password": factories.PASSWORD}).status_code == 302
    return {"client": client, "item_id": item.id, "registration_id": registration.id,
            "auth": token_for(organiser)}


def stored_item(item_id: int) -> AgendaItem:
    db.session.expire_all()
    return db.session.get(AgendaItem, item_id)


@settings(max_examples=EXAMPLES * 2, **SETTINGS)
@given(data=st.data())
def test_any_bad_settings_value_is_a_form_error_or_saved_as_valid(managed_salon, data):
    name = data.draw(st.sampled_from(sorted(SETTINGS_FIELDS)), label="field")
    tag, value = data.draw(bad_text, label="value")
    values = {"bookable": "y", "capacity": "5", "claim_window_hours": "12", name: value}
    before = stored_item(managed_salon["item_id"])
    before = (before.bookable, before.capacity, before.claim_window_hours)

    response = managed_salon["client"].post(f"/sessions/{managed_salon['item_id']}/seats/manage",
                                            data=values)

    assert response.status_code in (200, 302)
    event(f"{name} {tag} -> {response.status_code}")
    item = stored_item(managed_salon["item_id"])
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        assert shows_an_error(html)
        if name != "bookable":
            assert name in flagged_fields(html)
        assert (item.bookable, item.capacity, item.claim_window_hours) == before  # unchanged
    else:
        assert 0 <= (item.capacity or 0) <= 100_000 and 1 <= item.claim_window_hours <= 336
        assert item.bookable is (name != "bookable" or value not in ("false", ""))


def test_a_settings_post_that_is_not_utf8_is_a_400(managed_salon):
    response = managed_salon["client"].post(f"/sessions/{managed_salon['item_id']}/seats/manage",
                                            data=b"capacity=\xff\xfe", content_type=URLENCODED)

    assert response.status_code == 400
    assert "The form was not sent as UTF-8 text." in response.get_data(as_text=True)


@settings(max_examples=EXAMPLES * 2, **SETTINGS)
@given(value=st.one_of(wrong_json_types, bad_text.map(lambda tagged: tagged[1]),
                       st.integers(min_value=-2**70, max_value=2**70)))
def test_any_registration_id_in_a_booking_body_is_a_clear_answer(managed_salon, value):
    response = managed_salon["client"].post(f"/api/v1/sessions/{managed_salon['item_id']}/bookings",
                                            json={"registration_id": value},
                                            headers=managed_salon["auth"])

    assert response.status_code < 500
    event(str(response.status_code))
    if value == managed_salon["registration_id"] and not isinstance(value, bool):
        assert response.status_code == 201
    else:
        assert_json_error(response, response.status_code, fields={"registration_id"})
        assert response.status_code in (404, 422)
        assert db.session.scalar(db.select(db.func.count(SeatBooking.id))) == 0


@settings(max_examples=EXAMPLES * 2, **SETTINGS)
@given(body=st.one_of(st.binary(max_size=100), st.text(max_size=50).map(str.encode)))
def test_raw_bytes_as_a_booking_body_never_break_the_api(managed_salon, body):
    response = managed_salon["client"].post(f"/api/v1/sessions/{managed_salon['item_id']}/bookings",
                                            data=body, content_type="application/json",
                                            headers=managed_salon["auth"])

    assert response.status_code < 500
    if response.status_code != 201:
        assert_json_error(response, response.status_code)
    try:
        if body:
            json.loads(body)
    except (ValueError, RecursionError):
        assert response.status_code == 400


@settings(max_examples=EXAMPLES * 2, **SETTINGS)
@given(path=st.sampled_from(["/sessions/{item}/seats/manage?q={v}",
                             "/sessions/{item}/seats/manage?status={v}",
                             "/sessions/{item}/seats/manage?person={v}",
                             "/sessions/{item}/seats/manage?page={v}",
                             "/sessions/{item}/seats/export.xlsx?q={v}&status={v}",
                             "/api/v1/sessions/{item}/bookings?q={v}",
                             "/api/v1/sessions/{item}/bookings?status={v}&page={v}"]),
       value=query_text)
def test_search_and_filter_parameters_never_break_a_seat_page(managed_salon, path, value):
    url = path.format(item=managed_salon["item_id"], v=quote(value, safe=""))

    response = managed_salon["client"].get(url,
                                           headers=managed_salon["auth"] if "/api/" in url else {})

    assert response.status_code < 500
    if "\x00" in value:
        assert response.status_code == 400
    elif "status=" in url and "/api/" in url and value.strip():
        assert response.status_code in (200, 422)


@pytest.mark.parametrize("url", ["/sessions/99999999999999999999/seats",
                                 "/sessions/2147483648/seats/manage",
                                 "/bookings/99999999999999999999/cancel",
                                 "/api/v1/sessions/99999999999999999999/bookings",
                                 "/api/v1/sessions/0/bookings/mine/claim"])
def test_unknown_or_huge_ids_are_404s(managed_salon, url):
    method = "post" if url.endswith(("cancel", "claim")) else "get"

    response = getattr(managed_salon["client"], method)(url, headers=managed_salon["auth"])

    assert response.status_code == 404
    if "/api/" in url:
        assert_json_error(response, 404)


def test_a_capacity_below_the_seats_taken_from_the_agenda_is_refused_and_saves_nothing(
        managed_salon, summit):

    item = stored_item(managed_salon["item_id"])
    for name in ("李明", "王芳", "张伟"):
        user, registration = make_delegate(summit, name)
        bookings.book_seat(user, item, registration)
    message = "3 seats are taken (3 confirmed, 0 offered): the capacity cannot be lower than 3."
    form = {"day": item.day.isoformat(), "start": "14:00", "end": "15:30", "room": "",
            "kind": "salon", "title_zh": "改名", "bookable": "y", "capacity": "2", "submit": "1"}

    api = managed_salon["client"].patch(f"/api/v1/agenda/items/{item.id}",
                                        headers=managed_salon["auth"],
                                        json={"capacity": 2, "title_zh": "改名"})
    page = managed_salon["client"].post(f"/summits/{summit.slug}/agenda/items/{item.id}/edit",
                                        data=form)

    assert_json_error(api, 409, "booking_refused", fields={"capacity"}, message=message)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    item = stored_item(managed_salon["item_id"])
    assert (item.capacity, item.seats_taken, item.title_zh) == (3, 3, "电子商务沙龙")
