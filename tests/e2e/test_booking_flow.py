"""Issue 4's salon "done when", in the browser: a delegate books the salon's last seat, a
second delegate is waitlisted, the first cancels, the second is emailed the offer, follows the
link, sees the deadline in the summit's time zone and claims the seat. Two browser contexts,
one per delegate."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from summit.extensions import db
from summit.models import BookingStatus, SeatBooking
from tests.support import factories
from tests.support.agenda_factories import make_agenda_item, make_delegate, make_room
from tests.support.pages import link_in

pytestmark = pytest.mark.e2e


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def stored() -> list[tuple[str, BookingStatus]]:
    db.session.rollback()  # see what the server committed
    return [(b.registration.name, b.status) for b in db.session.scalars(
        db.select(SeatBooking).order_by(SeatBooking.id))]


def test_a_delegate_books_a_second_is_waitlisted_then_offered_the_seat_and_claims_it(
        page: Page, browser: Browser, live_server, mailbox):
    summit = factories.make_summit("kangding-2027")
    salon = make_agenda_item(summit, room=make_room(summit), capacity=1)
    first, _ = make_delegate(summit, "泽仁拉姆", "lhamo@example.com")
    second, _ = make_delegate(summit, "赵波", "zhaobo@example.com")
    salon_path = f"/sessions/{salon.id}/seats"

    # The first delegate books the last seat.
    page.goto(salon_path)
    page.get_by_role("link", name="Log in to book a seat.").click()
    log_in(page, first.email)
    expect(page).to_have_url(f"{live_server.url}{salon_path}")
    expect(page.get_by_test_id("seats-left")).to_have_text("1")
    page.get_by_role("button", name="Book a seat").click()
    expect(page.get_by_role("status")).to_contain_text("Your seat is confirmed.")
    expect(page.get_by_test_id("seats-left")).to_have_text("0")

    # The second is put on the waiting list.
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  timezone_id="Asia/Shanghai")
    try:
        other = context.new_page()
        other.goto(salon_path)
        other.get_by_role("link", name="Log in to book a seat.").click()
        log_in(other, second.email)
        other.get_by_role("button", name="Join the waiting list").click()
        expect(other.get_by_role("status")).to_contain_text(
            "The salon is full: you are number 1 on the waiting list.")
        expect(other.get_by_test_id("my-booking")).to_contain_text(
            "Waiting list · Number 1 on the waiting list")

        # The first cancels (and confirms the question the button asks).
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Cancel my booking").click()
        expect(page.get_by_role("status")).to_contain_text("Your booking is cancelled.")
        assert stored() == [("泽仁拉姆", BookingStatus.CANCELLED),
                            ("赵波", BookingStatus.OFFERED)]

        # The second is emailed the offer and follows its link.
        [message] = mailbox.wait_for(1)
        assert message["To"] == second.email
        assert message["Subject"] == "A seat has freed up for you: E-commerce salon"
        link = link_in(mailbox.body(message), "/sessions/")
        assert link == salon_path
        other.goto(link)
        offer = db.session.scalar(db.select(SeatBooking).where(
            SeatBooking.status == BookingStatus.OFFERED))
        local = (offer.offer_expires_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
        expect(other.get_by_text(
            f"A seat has freed up and is held for you until {local} (Asia/Shanghai).")
        ).to_be_visible()
        other.get_by_role("button", name="Claim the seat").click()
        expect(other.get_by_role("status")).to_contain_text(
            "The seat is yours: your booking is confirmed.")
        expect(other.locator(".status-booking-confirmed")).to_have_text("Seat confirmed")

        other.get_by_role("link", name="My bookings").first.click()
        expect(other.get_by_role("heading", level=1)).to_have_text("My bookings")
        expect(other.get_by_role("cell", name="E-commerce salon")).to_be_visible()
        assert urlsplit(other.url).path == "/bookings/mine"
    finally:
        context.close()
    assert stored() == [("泽仁拉姆", BookingStatus.CANCELLED), ("赵波", BookingStatus.CONFIRMED)]
