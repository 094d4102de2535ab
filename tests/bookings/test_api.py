"""Salon seats over the API: book, cancel, claim, the organisers' list, and every refusal as
a JSON error with a clear message. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import time

import pytest

from summit.extensions import db
from summit.models import AgendaItemStatus, RegistrationStatus
from tests.support import factories
from tests.support.agenda import token_for
from tests.support.agenda_factories import make_agenda_item, make_delegate
from tests.support.api import assert_json_error


def url(item, suffix: str = "") -> str:
    return f"/api/v1/sessions/{item.id}/bookings{suffix}"


def test_a_delegate_books_and_the_next_is_waitlisted(client, summit, one_seat_salon):
    first, _ = make_delegate(summit, "赵波")
    second, second_registration = make_delegate(summit, "李明")

    booked = client.post(url(one_seat_salon), headers=token_for(first))
    waiting = client.post(url(one_seat_salon), headers=token_for(second))

    assert booked.status_code == 201
    assert booked.get_json() | {"id": 0, "queued_at": ""} == {
        "id": 0, "session_id": one_seat_salon.id,
        "registration_id": booked.get_json()["registration_id"], "status": "confirmed",
        "waitlist_position": None, "queued_at": "", "offer_expires_at": None, "seats_left": 0,
        "capacity": 1}
    assert waiting.status_code == 201
    body = waiting.get_json()
    assert (body["status"], body["waitlist_position"], body["registration_id"]) == (
        "waitlisted", 1, second_registration.id)


def test_cancel_offers_the_seat_and_the_next_claims_it(client, summit, one_seat_salon, mailbox):
    first, _ = make_delegate(summit, "赵波")
    second, _ = make_delegate(summit, "李明", "liming@example.com")
    client.post(url(one_seat_salon), headers=token_for(first))
    client.post(url(one_seat_salon), headers=token_for(second))

    cancelled = client.delete(url(one_seat_salon, "/mine"), headers=token_for(first))
    mailbox.wait_for(1)
    claimed = client.post(url(one_seat_salon, "/mine/claim"), headers=token_for(second))

    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert claimed.status_code == 200
    assert claimed.get_json()["status"] == "confirmed"
    assert mailbox.messages[0]["To"] == "liming@example.com"


def test_an_organiser_books_for_someone_and_lists_the_bookings(client, summit, one_seat_salon,
                                                               organiser):
    _user, registration = make_delegate(summit, "扎西德勒")
    _user2, other = make_delegate(summit, "赵波")
    auth = token_for(organiser)

    first = client.post(url(one_seat_salon), json={"registration_id": registration.id},
                        headers=auth)
    second = client.post(url(one_seat_salon), json={"registration_id": other.id}, headers=auth)
    listed = client.get(url(one_seat_salon), headers=auth)

    assert (first.status_code, first.get_json()["status"]) == (201, "confirmed")
    assert (second.status_code, second.get_json()["status"]) == (201, "waitlisted")
    body = listed.get_json()
    assert body["total"] == 2 and body["page"] == 1
    assert [(i["registration"]["name"], i["status"], i["waitlist_position"])
            for i in body["items"]] == [("扎西德勒", "confirmed", None),
                                        ("赵波", "waitlisted", 1)]
    assert body["items"][0]["registration"]["phone"] == "139****1111"
    filtered = client.get(url(one_seat_salon) + "?status=waitlisted&q=zhaobo",
                          headers=auth).get_json()
    assert [i["registration"]["name"] for i in filtered["items"]] == ["赵波"]


def test_the_list_query_count_does_not_grow_with_rows(client, summit, organiser, count_queries):
    item = make_agenda_item(summit, capacity=30)
    auth = token_for(organiser)
    client.post(url(item), json={"registration_id": make_delegate(summit)[1].id},
                headers=auth)
    client.get(url(item), headers=auth)
    db.session.expire_all()
    with count_queries(db.engine) as one:
        assert client.get(url(item), headers=auth).get_json()["total"] == 1
    for _n in range(49):
        client.post(url(item), json={"registration_id": make_delegate(summit)[1].id},
                    headers=auth)
    db.session.expire_all()
    with count_queries(db.engine) as fifty:
        assert len(client.get(url(item), headers=auth).get_json()["items"]) == 50

    assert len(fifty) == len(one), "\n".join(fifty)


# --- refusals --------------------------------------------------------------------------------

def test_booking_an_unknown_item_is_404(client, summit):
    user, _ = make_delegate(summit)

    response = client.post("/api/v1/sessions/999999/bookings", headers=token_for(user))

    assert_json_error(response, 404, "not_found",
                      message="There is no agenda item with this id.")


def test_a_non_bookable_item_is_409(client, summit):
    item = make_agenda_item(summit, "开幕致辞", title_en="Welcome address")
    user, _ = make_delegate(summit)

    response = client.post(url(item), headers=token_for(user))

    assert_json_error(response, 409, "booking_refused",
                      message="“Welcome address” does not take seat bookings.")


def test_a_cancelled_item_is_409(client, summit, one_seat_salon):
    one_seat_salon.status = AgendaItemStatus.CANCELLED
    db.session.commit()
    user, _ = make_delegate(summit)

    response = client.post(url(one_seat_salon), headers=token_for(user))

    assert_json_error(response, 409, "booking_refused",
                      message="“E-commerce salon” is cancelled: it cannot be booked.")


def test_a_duplicate_booking_is_409(client, summit, one_seat_salon):
    user, _ = make_delegate(summit, "赵波")
    auth = token_for(user)
    client.post(url(one_seat_salon), headers=auth)

    response = client.post(url(one_seat_salon), headers=auth)

    assert_json_error(response, 409, "booking_refused",
                      message="赵波 has already booked this item (Seat confirmed).")


def test_an_overlapping_booking_is_409_naming_the_other_item(client, summit, one_seat_salon):
    other = make_agenda_item(summit, "跨境电商", title_en="Cross-border talk",
                             start=time(15, 0), end=time(16, 0), capacity=5)
    user, _ = make_delegate(summit, "赵波")
    auth = token_for(user)
    client.post(url(one_seat_salon), headers=auth)

    response = client.post(url(other), headers=auth)

    assert_json_error(response, 409, "booking_refused", message=(
        "赵波 already has a seat at “E-commerce salon” (14:00–15:30), which overlaps this "
        "one."))


def test_a_pending_registration_is_409_and_no_registration_is_403(client, summit, one_seat_salon):
    pending, _ = make_delegate(summit, "王芳", status=RegistrationStatus.PENDING)
    stranger = factories.make_user("stranger@example.com")

    assert_json_error(client.post(url(one_seat_salon), headers=token_for(pending)), 409,
                      "booking_refused", message="Only approved registrations can book seats")
    assert_json_error(client.post(url(one_seat_salon), headers=token_for(stranger)), 403,
                      "forbidden",
                      message="You have no registration for this summit: register first.")


def test_a_delegate_may_not_pass_a_registration_id(client, summit, one_seat_salon):
    user, _ = make_delegate(summit)
    _other, theirs = make_delegate(summit)

    response = client.post(url(one_seat_salon), json={"registration_id": theirs.id},
                           headers=token_for(user))

    assert_json_error(response, 403, "forbidden")


@pytest.mark.parametrize("body, status, fields", [
    ({"registration_id": "12"}, 422, {"registration_id"}),
    ({"registration_id": True}, 422, {"registration_id"}),
    ({"registration_id": -4}, 422, {"registration_id"}),
    ({"registration_id": 10**30}, 422, {"registration_id"}),
    ({"registration_id": 999_999}, 404, {"registration_id"}),
    ({"seats": 3}, 422, {"seats"}),
])
def test_bad_booking_bodies_are_clear_errors(client, summit, one_seat_salon, organiser, body,
                                             status, fields):
    response = client.post(url(one_seat_salon), json=body, headers=token_for(organiser))

    assert_json_error(response, status, fields=fields)


@pytest.mark.parametrize("data, content_type, status", [
    ("[1]", "application/json", 400), ("{", "application/json", 400),
    ("registration_id=1", "application/x-www-form-urlencoded", 415)])
def test_a_body_that_is_not_a_json_object_is_refused(client, summit, one_seat_salon, organiser,
                                                     data, content_type, status):
    response = client.post(url(one_seat_salon), data=data, content_type=content_type,
                           headers=token_for(organiser))

    assert_json_error(response, status)


def test_cancel_or_claim_without_a_booking_is_404_and_claim_without_offer_409(
        client, summit, one_seat_salon):
    user, _ = make_delegate(summit)
    other, _ = make_delegate(summit)
    auth = token_for(user)

    assert_json_error(client.delete(url(one_seat_salon, "/mine"), headers=auth), 404,
                      message="You have no booking for this item.")
    client.post(url(one_seat_salon), headers=auth)
    assert_json_error(client.post(url(one_seat_salon, "/mine/claim"), headers=auth), 409,
                      message="There is no seat offer to claim: the booking is “Seat confirmed”.")
    client.post(url(one_seat_salon), headers=token_for(other))


def test_the_list_is_for_organisers_and_a_bad_status_is_422(client, summit, one_seat_salon,
                                                            organiser):
    user, _ = make_delegate(summit)

    assert_json_error(client.get(url(one_seat_salon), headers=token_for(user)), 403, "forbidden")
    assert_json_error(client.get(url(one_seat_salon) + "?status=nope",
                                 headers=token_for(organiser)), 422, fields={"status"})
    assert_json_error(client.get(url(one_seat_salon)), 401, "unauthorized")
