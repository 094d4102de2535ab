"""Where the programme pages meet the seats: capacity raised or lowered in the agenda editor,
an item with bookings cancelled and restored, and the personal agenda, the public agenda and
the salon page agreeing about a cancelled bookable item."""
from __future__ import annotations

import html as html_lib
import re

from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, SeatBooking
from summit.services.agenda import draft as agenda, publish as agenda_publish
from summit.services.bookings import booking as bookings
from tests.support.agenda_factories import make_delegate
from tests.support.pages import field_errors, flashes, location, text

S = "/summits/kangding-test"
B = BookingStatus


def fill(summit, salon, count=4):
    people = [make_delegate(summit, name, f"p{n}@example.com")
              for n, name in enumerate(("赵波", "李明", "王芳", "张伟")[:count])]
    for user, registration in people:
        bookings.book_seat(user, salon, registration)
    return people


def form_of(item: AgendaItem, **changes) -> dict:
    values = {"day": item.day.isoformat(), "start": item.start.strftime("%H:%M"),
              "end": item.end.strftime("%H:%M"), "room": str(item.room_id or ""),
              "kind": item.kind.value, "title_zh": item.title_zh, "title_en": item.title_en,
              "description_zh": "", "description_en": "", "bookable": "y",
              "capacity": str(item.capacity), "submit": "1"}
    return values | changes


def statuses(item) -> list[BookingStatus]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(SeatBooking.status).where(
        SeatBooking.item_id == item.id).order_by(SeatBooking.id)))


def test_raising_the_capacity_in_the_editor_offers_seats_and_lowering_it_is_refused(
        client, login, summit, salon, organiser, mailbox):
    fill(summit, salon)
    login(organiser.email)
    edit = f"{S}/agenda/items/{salon.id}/edit"

    lowered = client.post(edit, data=form_of(salon, capacity="1"))
    raised = client.post(edit, data=form_of(salon, capacity="3"))

    assert lowered.status_code == 200
    assert field_errors(text(lowered)) == {"capacity": [
        "2 seats are taken (2 confirmed, 0 offered): the capacity cannot be lower than 2."]}
    assert location(raised) == f"{S}/agenda/edit?day={salon.day.isoformat()}"
    assert statuses(salon) == [B.CONFIRMED, B.CONFIRMED, B.OFFERED, B.WAITLISTED]
    assert db.session.get(AgendaItem, salon.id).seats_taken == 3
    [offer] = mailbox.wait_for(1)
    assert offer["To"] == "p2@example.com"


def test_the_cancel_confirmation_counts_the_bookings_and_cancelling_emails_them(
        client, login, summit, salon, organiser, mailbox):
    fill(summit, salon, count=3)
    login(organiser.email)
    edit = f"{S}/agenda/items/{salon.id}"

    page = client.get(edit + "/edit").get_data(as_text=True)
    confirms = [html_lib.unescape(c) for c in re.findall(r'data-confirm="([^"]*)"', page)]
    assert ("Cancel “电子商务沙龙”? It stays in the published programme as cancelled. "
            "3 bookings will be cancelled and their holders emailed.") in confirms

    cancelled = client.post(edit + "/cancel")
    after_cancel = text(client.get(location(cancelled)))
    restored = client.post(edit + "/restore")
    after_restore = text(client.get(location(restored)))

    assert ("success", "“电子商务沙龙” is cancelled. Publish to tell the public. "
            "3 bookings were cancelled and their holders emailed.") in flashes(after_cancel)
    assert sorted(m["To"] for m in mailbox.wait_for(3)) == [
        "p0@example.com", "p1@example.com", "p2@example.com"]
    assert ("success", "“电子商务沙龙” is back on the programme. Its cancelled bookings "
            "stay cancelled: delegates must book again.") in flashes(after_restore)
    assert statuses(salon) == [B.CANCELLED] * 3
    assert db.session.get(AgendaItem, salon.id).seats_taken == 0


def test_an_item_without_bookings_says_nothing_about_them(client, login, summit, salon,
                                                         organiser):
    login(organiser.email)
    edit = f"{S}/agenda/items/{salon.id}"

    page = client.get(edit + "/edit").get_data(as_text=True)
    cancelled = client.post(edit + "/cancel")

    assert "bookings will be cancelled" not in page
    after = text(client.get(location(cancelled)))
    assert ("success", "“电子商务沙龙” is cancelled. Publish to tell the public.") \
        in flashes(after)


def test_the_three_pages_agree_about_a_cancelled_bookable_item(client, login, summit, salon,
                                                              organiser):
    [(user, _registration)] = fill(summit, salon, count=1)
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    login(user.email)
    seats_link = f'href="/sessions/{salon.id}/seats"'
    book_form = f'action="/sessions/{salon.id}/seats/book"'
    before = [client.get(url).get_data(as_text=True)
              for url in (f"{S}/agenda", f"{S}/agenda/mine", f"/sessions/{salon.id}/seats")]
    assert seats_link in before[0] and seats_link in before[1] and "Seat booked" in before[1]

    agenda.cancel_item(organiser, salon)
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    public, mine, seats = (client.get(url).get_data(as_text=True)
                           for url in (f"{S}/agenda", f"{S}/agenda/mine",
                                       f"/sessions/{salon.id}/seats"))

    for page in (public, mine):
        [card] = re.findall(rf'<article class="([^"]*)" id="item-{salon.uid}">(.*?)</article>',
                            page, re.S)
        assert "is-cancelled" in card[0] and 'status-cancelled">Cancelled<' in card[1]
        assert seats_link not in page and book_form not in page
    assert "Booking cancelled" in mine
    assert "This item is cancelled." in seats and book_form not in seats
    assert "Cancel my booking" not in seats
