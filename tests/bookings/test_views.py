"""Salon-seat pages: the delegate's salon page (book, cancel, claim, waiting-list position,
offer deadline in the summit's zone), My bookings, the agenda partial, and the organiser's
pages (items, settings, bookings with filters and pages, booking on behalf, cancelling,
XLSX export). On SQLite and PostgreSQL."""
from __future__ import annotations

import io
import re
from datetime import time, timedelta

import pytest
from flask import render_template_string
from openpyxl import load_workbook

from summit.database import utcnow
from summit.extensions import db
from summit.models import AuditEntry, BookingStatus, SeatBooking
from summit.services.bookings import booking as bookings
from tests.support import factories
from tests.support.agenda_factories import make_agenda_item, make_delegate, make_room
from tests.support.pages import field_errors, flashes, text

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only

B = BookingStatus
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_NAME = re.compile(r'<table class="bookings">.*?</table>', re.S)


def seat_page(client, item) -> str:
    return text(client.get(f"/sessions/{item.id}/seats"))


def test_anonymous_visitors_see_the_seats_and_a_login_link(client, one_seat_salon):
    page = seat_page(client, one_seat_salon)

    assert "E-commerce salon" in page
    assert '<dd data-testid="seats-left">1</dd>' in page
    assert "Log in to book a seat." in page
    assert "Book a seat" not in page


def test_a_delegate_books_then_a_second_is_waitlisted_and_offered_the_seat(
        client, other_client, login, summit, one_seat_salon, mailbox):
    first, _ = make_delegate(summit, "赵波")
    second, _ = make_delegate(summit, "李明", "liming@example.com")
    login(first.email)
    other_client.post("/auth/login", data={"email": second.email,
                                           "password": factories.PASSWORD})

    booked = client.post(f"/sessions/{one_seat_salon.id}/seats/book")
    page = text(client.get(booked.headers["Location"]))
    assert ("success", "Your seat is confirmed.") in flashes(page)
    assert "Cancel my booking" in page and '<dd data-testid="seats-left">0</dd>' in page

    other_client.post(f"/sessions/{one_seat_salon.id}/seats/book")
    page = seat_page(other_client, one_seat_salon)
    assert ("warning", "The salon is full: you are number 1 on the waiting list. We will "
                       "email you if a seat frees up.") in flashes(page)
    assert "Number 1 on the waiting list" in page

    client.post(f"/sessions/{one_seat_salon.id}/seats/cancel")
    assert ("success", "Your booking is cancelled.") in flashes(seat_page(client, one_seat_salon))
    mailbox.wait_for(1)

    page = seat_page(other_client, one_seat_salon)
    offer = db.session.scalar(db.select(SeatBooking).where(SeatBooking.status == B.OFFERED))
    local = (offer.offer_expires_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert (f"A seat has freed up and is held for you until {local} (Asia/Shanghai)."
            in page)
    assert "Claim the seat" in page
    other_client.post(f"/sessions/{one_seat_salon.id}/seats/claim")
    page = seat_page(other_client, one_seat_salon)
    assert ("success", "The seat is yours: your booking is confirmed.") in flashes(page)
    assert '<span class="status status-booking-confirmed">Seat confirmed</span>' in page


def test_refusals_are_flashed_on_the_salon_page(client, sign_in, summit, one_seat_salon):
    other = make_agenda_item(summit, "跨境电商", title_en="Cross-border talk",
                             start=time(15, 0), end=time(16, 0), capacity=5)
    user, _ = make_delegate(summit, "赵波")
    sign_in(user.email)
    client.post(f"/sessions/{one_seat_salon.id}/seats/book")

    client.post(f"/sessions/{other.id}/seats/book")
    assert ("error", "赵波 already has a seat at “E-commerce salon” (14:00–15:30), which "
                     "overlaps this one.") in flashes(seat_page(client, other))
    client.post(f"/sessions/{other.id}/seats/claim")
    assert ("error", "You have no booking for this item.") in flashes(seat_page(client, other))


def test_someone_without_a_registration_is_told_to_register(client, sign_in, summit,
                                                             one_seat_salon):
    user = factories.make_user("visitor@example.com")
    sign_in(user.email)

    page = seat_page(client, one_seat_salon)
    assert "You have no registration for this summit." in page
    client.post(f"/sessions/{one_seat_salon.id}/seats/book")
    assert ("error", "You have no registration for this summit: register first.") in flashes(
        seat_page(client, one_seat_salon))


def test_my_bookings_lists_live_bookings_first(client, sign_in, summit, one_seat_salon):
    user, registration = make_delegate(summit)
    later = make_agenda_item(summit, "农产品上行", title_en="Farm goods online",
                             start=time(16, 0), end=time(17, 0), capacity=3)
    sign_in(user.email)
    assert "You have no seat bookings yet." in text(client.get("/bookings/mine"))
    cancelled = bookings.book_seat(user, later, registration)
    bookings.cancel_booking(user, cancelled)
    bookings.book_seat(user, one_seat_salon, registration)

    page = text(client.get("/bookings/mine"))

    assert page.index("E-commerce salon") < page.index("Farm goods online")
    assert page.count('status-booking-confirmed') == 1
    assert page.count('status-booking-cancelled') == 1
    open_items = page[page.index("Items taking seat bookings"):]
    assert f'<a href="/sessions/{one_seat_salon.id}/seats">E-commerce salon</a>' in open_items
    assert f'<a href="/sessions/{later.id}/seats">Farm goods online</a>' in open_items


def test_the_agenda_partial_links_to_the_salon_page_without_queries(app, one_seat_salon,
                                                                     count_queries):
    item_id = one_seat_salon.id
    with app.test_request_context():
        with count_queries(db.engine) as statements:
            html = render_template_string('{% include "bookings/_agenda_item.html" %}',
                                          item_id=item_id)
    assert statements == []
    assert f'href="/sessions/{item_id}/seats"' in html


# --- organisers ----------------------------------------------------------------------------

def test_the_items_list_shows_counts_and_an_empty_state(client, sign_in, summit, organiser):
    sign_in(organiser.email)
    assert "The programme has no items yet." in text(client.get(f"/summits/{summit.slug}/salons"))
    item = make_agenda_item(summit, capacity=2)
    make_agenda_item(summit, "开幕致辞", title_en="Welcome address", start=time(9, 0),
                     end=time(9, 30))
    for _n in range(3):
        bookings.book_seat(organiser, item, make_delegate(summit)[1])

    page = text(client.get(f"/summits/{summit.slug}/salons"))

    assert re.search(r"E-commerce salon.*?<td>2</td><td>2</td><td>0</td><td>1</td><td>0</td>",
                     page, re.S)
    assert "Welcome address" in page and "Make bookable" in page


def test_an_organiser_makes_an_item_bookable_and_raises_the_capacity(
        client, sign_in, summit, organiser, mailbox):
    item = make_agenda_item(summit, "交流会", title_en="Exchange talk")
    sign_in(organiser.email)
    url = f"/sessions/{item.id}/seats/manage"

    response = client.post(url, data={"bookable": "y", "capacity": "1",
                                      "claim_window_hours": "6"})
    assert response.status_code == 302
    assert ("success", "Seat settings saved.") in flashes(text(client.get(url)))
    db.session.expire_all()
    assert (item.bookable, item.capacity, item.claim_window_hours) == (True, 1, 6)

    for _n in range(3):
        bookings.book_seat(organiser, item, make_delegate(summit)[1])
    client.post(url, data={"bookable": "y", "capacity": "2", "claim_window_hours": "6"})
    assert ("success", "Seat settings saved. 1 seats were offered to the waiting list.") in \
        flashes(text(client.get(url)))
    assert len(mailbox.wait_for(1)) == 1


def test_capacity_below_the_seats_taken_is_a_form_error_with_the_count(
        client, sign_in, summit, one_seat_salon, organiser):
    one_seat_salon.capacity = 3
    db.session.commit()
    for _n in range(3):
        bookings.book_seat(organiser, one_seat_salon, make_delegate(summit)[1])
    sign_in(organiser.email)

    response = client.post(f"/sessions/{one_seat_salon.id}/seats/manage",
                           data={"bookable": "y", "capacity": "2", "claim_window_hours": "12"})

    assert response.status_code == 200
    assert field_errors(text(response)) == {"capacity": [
        "3 seats are taken (3 confirmed, 0 offered): the capacity cannot be lower than 3."]}
    db.session.expire_all()
    assert one_seat_salon.capacity == 3


@pytest.mark.parametrize("values, field", [
    ({"capacity": "-1", "claim_window_hours": "12"}, "capacity"),
    ({"capacity": "abc", "claim_window_hours": "12"}, "capacity"),
    ({"capacity": "5", "claim_window_hours": "0"}, "claim_window_hours"),
    ({"capacity": "5", "claim_window_hours": ""}, "claim_window_hours"),
    ({"capacity": "", "claim_window_hours": "12"}, "capacity"),
])
def test_bad_settings_are_form_errors(client, sign_in, summit, one_seat_salon, organiser, values,
                                      field):
    sign_in(organiser.email)

    response = client.post(f"/sessions/{one_seat_salon.id}/seats/manage",
                           data={"bookable": "y", **values})

    assert response.status_code == 200
    assert set(field_errors(text(response))) == {field}


def test_booking_on_behalf_finds_the_person_by_traditional_name_or_pinyin(
        client, sign_in, summit, one_seat_salon, organiser):
    _user, registration = make_delegate(summit, "赵波")
    sign_in(organiser.email)
    url = f"/sessions/{one_seat_salon.id}/seats/manage"

    for query in ("趙波", "zhaobo", "赵"):
        assert "Book for 赵波" in text(client.get(url, query_string={"person": query})), query
    assert "No approved registration matches." in text(client.get(
        url, query_string={"person": "王芳"}))

    client.post(f"{url}/book", data={"registration_id": str(registration.id),
                                     "person": "赵波"})
    page = text(client.get(url))
    assert ("success", "赵波: Seat confirmed.") in flashes(page)
    booking = db.session.scalar(db.select(SeatBooking))
    assert booking.booked_by_id == organiser.id
    client.post(f"{url}/book", data={"registration_id": "abc"})
    assert ("error", "Choose a person to book for.") in flashes(text(client.get(url)))


def test_an_organiser_cancels_a_booking_and_it_is_audited(client, sign_in, summit, one_seat_salon,
                                                          organiser):
    _user, registration = make_delegate(summit, "赵波")
    booking = bookings.book_seat(organiser, one_seat_salon, registration)
    sign_in(organiser.email)

    client.post(f"/bookings/{booking.id}/cancel")

    assert ("success", "The booking of 赵波 is cancelled.") in flashes(text(client.get(
        f"/sessions/{one_seat_salon.id}/seats/manage")))
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "booking.cancel"))
    assert entry.actor_id == organiser.id and entry.after["status"] == "cancelled"


def test_the_bookings_list_filters_pages_and_counts_queries(client, sign_in, summit, one_seat_salon,
                                                            organiser, count_queries):
    one_seat_salon.capacity = 2
    db.session.commit()
    sign_in(organiser.email)
    url = f"/sessions/{one_seat_salon.id}/seats/manage"
    assert "No bookings yet." in text(client.get(url))
    bookings.book_seat(organiser, one_seat_salon, make_delegate(summit, "赵波")[1])
    client.get(url)
    db.session.expire_all()
    with count_queries(db.engine) as one:
        client.get(url)
    for n in range(49):
        bookings.book_seat(organiser, one_seat_salon, make_delegate(summit, f"代表{n}")[1])
    db.session.expire_all()
    with count_queries(db.engine) as fifty:
        page = text(client.get(url))
    assert len(fifty) == len(one), "\n".join(fifty)
    assert ROW_NAME.search(page).group(0).count("<tr>") == 51  # header and 50 rows
    assert "No. 48" in page  # 2 seat holders, then the queue

    waiting = text(client.get(url, query_string={"status": "waitlisted", "per_page": 10,
                                                 "page": 2}))
    assert "No. 11" in waiting and "No. 10<" not in waiting
    assert "Page 2 of 5" in waiting
    found = text(client.get(url, query_string={"q": "趙波"}))
    assert ROW_NAME.search(found).group(0).count("<tr>") == 2
    assert "No bookings match." in text(client.get(url, query_string={"q": "nobody"}))
    bad = text(client.get(url, query_string={"status": "nope"}))
    assert ("error", "Unknown status.") in flashes(bad)


def test_the_export_is_the_list_with_masked_phones(client, sign_in, summit, one_seat_salon,
                                                   organiser):
    bookings.book_seat(organiser, one_seat_salon, make_delegate(summit, "赵波")[1])
    bookings.book_seat(organiser, one_seat_salon, make_delegate(summit, "李明")[1])
    sign_in(organiser.email)

    response = client.get(f"/sessions/{one_seat_salon.id}/seats/export.xlsx")

    assert response.status_code == 200 and response.mimetype == XLSX
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Status", "Waiting-list position", "Name as on ID")
    assert [(r[0], r[1], r[2], r[6]) for r in rows[1:]] == [
        ("Seat confirmed", None, "赵波", "139****1111"), ("Waiting list", 1, "李明", "139****1111")]
    assert "13900001111" not in str(rows)


def test_offers_past_their_deadline_show_on_the_organiser_page_after_a_sweep(
        client, sign_in, summit, one_seat_salon, organiser, runner):
    first, second = make_delegate(summit), make_delegate(summit)
    booking = bookings.book_seat(first[0], one_seat_salon, first[1])
    bookings.book_seat(second[0], one_seat_salon, second[1])
    bookings.cancel_booking(first[0], booking, now=utcnow() - timedelta(hours=13))

    result = runner.invoke(args=["bookings", "expire-offers"])

    assert result.exit_code == 0, result.output
    assert "Expired offers: 1" in result.output
    sign_in(organiser.email)
    page = text(client.get(f"/sessions/{one_seat_salon.id}/seats/manage"))
    assert "status-booking-expired" in page


def test_the_items_list_and_my_bookings_query_counts_do_not_grow_with_rows(
        client, other_client, sign_in, summit, organiser, count_queries):
    user, registration = make_delegate(summit, "赵波")
    room = make_room(summit)

    def add_item(n: int):
        item = make_agenda_item(summit, f"沙龙{n}", title_en=f"Salon no.{n}", room=room,
                                start=time(8, 0), end=time(8, 1),
                                day=summit.starts_on + timedelta(days=n), capacity=5)
        bookings.book_seat(organiser, item, registration)

    add_item(0)
    sign_in(organiser.email)
    other_client.post("/auth/login", data={"email": user.email,
                                           "password": factories.PASSWORD})
    lists = {"items": (client, f"/summits/{summit.slug}/salons"),
             "mine": (other_client, "/bookings/mine")}
    counts = {}
    for name, (browser, url) in lists.items():
        browser.get(url)
        db.session.expire_all()
        with count_queries(db.engine) as one:
            assert "Salon no.0" in text(browser.get(url)), name
        counts[name] = len(one)
    for n in range(1, 50):
        add_item(n)
    for name, (browser, url) in lists.items():
        db.session.expire_all()
        with count_queries(db.engine) as fifty:
            page = text(browser.get(url))
        # My bookings lists each item twice: the booking, and the items taking bookings
        assert page.count("Salon no.") == (50 if name == "items" else 100), name
        assert len(fifty) == counts[name], (name, "\n".join(fifty))


def test_pages_show_the_room_in_the_chosen_language(client, sign_in, summit, one_seat_salon):
    user, registration = make_delegate(summit)
    bookings.book_seat(user, one_seat_salon, registration)
    sign_in(user.email)

    assert "14:00–15:30 · Salon hall" in text(client.get("/bookings/mine"))
    assert "14:00–15:30 · Salon hall" in seat_page(client, one_seat_salon)


def test_an_offer_past_its_deadline_shows_as_expired_and_passes_on(
        client, sign_in, summit, one_seat_salon, mailbox):
    people = [make_delegate(summit, name, f"{n}@example.com")
              for n, name in enumerate(("赵波", "李明", "王芳"))]
    booking = bookings.book_seat(people[0][0], one_seat_salon, people[0][1])
    bookings.book_seat(people[1][0], one_seat_salon, people[1][1])
    bookings.book_seat(people[2][0], one_seat_salon, people[2][1])
    bookings.cancel_booking(people[0][0], booking, now=utcnow() - timedelta(hours=13))
    mailbox.wait_for(1)
    sign_in(people[1][0].email)

    page = seat_page(client, one_seat_salon)

    assert '<span class="status status-booking-expired">Offer expired</span>' in page
    assert "Claim the seat" not in page and "Join the waiting list" in page
    assert [m["To"] for m in mailbox.wait_for(2)] == ["1@example.com", "2@example.com"]


@pytest.mark.parametrize("lang, book, seats_left", [
    ("zh_Hans", "预订座位", "剩余座位"), ("zh_Hant", "預訂座位", "剩餘座位")])
def test_the_salon_page_speaks_chinese(bare_client, summit, one_seat_salon, lang, book, seats_left):
    user, _registration = make_delegate(summit)
    bare_client.post("/language", data={"lang": lang, "next": "/"})
    bare_client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})

    page = text(bare_client.get(f"/sessions/{one_seat_salon.id}/seats"))

    assert f">{book}</button>" in page and f"<dt>{seats_left}</dt>" in page
    assert "电子商务沙龙" in page  # the Chinese title
