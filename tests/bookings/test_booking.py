"""Salon seats in the service: booking, waiting list order, offers, claims, expiry, capacity,
overlaps and who may book. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import time, timedelta

import pytest

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AgendaItemStatus,
    AuditEntry,
    BookingStatus,
    RegistrationStatus,
    SeatBooking,
)
from summit.services.bookings import booking as bookings, seats as booking_seats
from summit.services.bookings.booking import BookingRefused
from summit.services.core.errors import NotAllowed, NotFound, ValidationFailed
from summit.services.registration import review as registration_review
from tests.support import factories
from tests.support.agenda_factories import make_agenda_item, make_delegate

pytestmark = pytest.mark.usefixtures("english")

B = BookingStatus


def book(item, person, now=None):
    user, registration = person
    return bookings.book_seat(user, item, registration, now=now)


def statuses(item) -> list[tuple[str, BookingStatus]]:
    db.session.expire_all()
    return [(b.registration.name, b.status) for b in db.session.scalars(
        db.select(SeatBooking).where(SeatBooking.item_id == item.id).order_by(SeatBooking.id))]


def seats_taken(item) -> int:
    db.session.expire_all()
    return item.seats_taken


def test_bookings_are_confirmed_up_to_capacity_then_waitlisted_in_order(summit, salon):
    people = [make_delegate(summit, name) for name in ("赵波", "李明", "王芳", "张伟")]

    results = [book(salon, person).status for person in people]

    assert results == [B.CONFIRMED, B.CONFIRMED, B.WAITLISTED, B.WAITLISTED]
    assert seats_taken(salon) == 2
    waiting = [b for b in db.session.scalars(db.select(SeatBooking).where(
        SeatBooking.status == B.WAITLISTED).order_by(SeatBooking.id))]
    assert [bookings.waitlist_position(b) for b in waiting] == [1, 2]
    assert booking_seats.seats_left(salon) == 0


def test_a_freed_seat_is_offered_to_the_next_in_line_and_emailed(summit, salon, mailbox):
    first, second, third, fourth = (make_delegate(summit, name, f"{n}@example.com")
                                    for n, name in enumerate(("赵波", "李明", "王芳", "张伟")))
    now = utcnow()
    confirmed = book(salon, first, now)
    book(salon, second, now)
    book(salon, third, now + timedelta(seconds=1))
    book(salon, fourth, now + timedelta(seconds=2))

    bookings.cancel_booking(first[0], confirmed, now=now + timedelta(minutes=5))

    assert statuses(salon) == [("赵波", B.CANCELLED), ("李明", B.CONFIRMED),
                               ("王芳", B.OFFERED), ("张伟", B.WAITLISTED)]
    assert seats_taken(salon) == 2  # the freed seat is held for the offer
    offer = bookings.live_booking_of(salon, third[1])
    assert offer.offer_expires_at == now + timedelta(minutes=5, hours=12)
    [message] = mailbox.wait_for(1)
    assert message["To"] == "2@example.com"
    assert message["Subject"] == "A seat has freed up for you: E-commerce salon"
    body = mailbox.body(message)
    # 12 h after the cancellation, in the summit's zone (UTC+8)
    deadline = (now + timedelta(minutes=5, hours=20)).strftime("%Y-%m-%d %H:%M")
    assert f"held for you until {deadline} (Asia/Shanghai)" in body
    assert f"http://localhost/sessions/{salon.id}/seats" in body


def test_the_offer_email_is_in_the_persons_language(summit, salon, mailbox):
    first = make_delegate(summit, "赵波")
    second = make_delegate(summit, "李明", "liming@example.com", locale="zh_Hant")
    salon.capacity = 1
    db.session.commit()
    booking = book(salon, first)
    book(salon, second)

    bookings.cancel_booking(first[0], booking)

    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "有座位空出給您：电子商务沙龙"  # the title is data, as entered
    assert "李明" in mailbox.body(message)


def test_claiming_an_offer_confirms_it(summit, salon, mailbox):
    salon.capacity = 1
    db.session.commit()
    first, second = make_delegate(summit, "赵波"), make_delegate(summit, "李明")
    booking = book(salon, first)
    waiting = book(salon, second)
    bookings.cancel_booking(first[0], booking)

    claimed = bookings.claim_offer(second[0], waiting)

    assert claimed.status is B.CONFIRMED
    assert statuses(salon) == [("赵波", B.CANCELLED), ("李明", B.CONFIRMED)]
    assert seats_taken(salon) == 1
    actions = [e.action for e in db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.object_type == "seat_bookings")
        .order_by(AuditEntry.id))]
    assert actions == ["booking.create", "booking.create", "booking.cancel", "booking.offer",
                       "booking.claim"]


def test_an_unclaimed_offer_expires_and_passes_on_at_the_next_action(summit, salon, mailbox):
    salon.capacity = 1
    salon.claim_window_hours = 2
    db.session.commit()
    people = [make_delegate(summit, name, f"{name}@example.com")
              for name in ("赵波", "李明", "王芳", "张伟")]
    now = utcnow()
    booking = book(salon, people[0], now)
    offered = book(salon, people[1], now)
    book(salon, people[2], now + timedelta(seconds=1))
    bookings.cancel_booking(people[0][0], booking, now=now)
    mailbox.wait_for(1)

    # Before the deadline nothing passes on; after it, the next action sweeps.
    book(salon, people[3], now + timedelta(hours=1))
    assert statuses(salon)[1] == ("李明", B.OFFERED)
    with pytest.raises(BookingRefused, match="The offer expired at"):
        bookings.claim_offer(people[1][0], offered, now=now + timedelta(hours=2, seconds=1))

    assert statuses(salon) == [("赵波", B.CANCELLED), ("李明", B.EXPIRED), ("王芳", B.OFFERED),
                               ("张伟", B.WAITLISTED)]
    assert seats_taken(salon) == 1
    assert [m["To"] for m in mailbox.wait_for(2)] == ["李明@example.com", "王芳@example.com"]


def test_the_sweep_is_idempotent_and_runs_for_every_item(summit, salon, mailbox):
    salon.capacity = 1
    db.session.commit()
    people = [make_delegate(summit, name) for name in ("赵波", "李明", "王芳")]
    now = utcnow()
    booking = book(salon, people[0], now)
    book(salon, people[1], now)
    book(salon, people[2], now + timedelta(seconds=1))
    bookings.cancel_booking(people[0][0], booking, now=now)
    later = now + timedelta(hours=13)

    assert booking_seats.expire_all_offers(later) == 1
    assert booking_seats.expire_all_offers(later) == 0
    assert booking_seats.expire_offers(salon, later) == 0

    assert [s for _n, s in statuses(salon)] == [B.CANCELLED, B.EXPIRED, B.OFFERED]
    assert seats_taken(salon) == 1


def test_cancelling_a_waitlisted_booking_frees_no_seat(summit, salon):
    salon.capacity = 1
    db.session.commit()
    first, second = make_delegate(summit, "赵波"), make_delegate(summit, "李明")
    book(salon, first)
    waiting = book(salon, second)

    bookings.cancel_booking(second[0], waiting)

    assert statuses(salon) == [("赵波", B.CONFIRMED), ("李明", B.CANCELLED)]
    assert seats_taken(salon) == 1
    with pytest.raises(BookingRefused, match="This booking is already “Cancelled”."):
        bookings.cancel_booking(second[0], waiting)


def test_cancelling_the_last_seat_with_nobody_waiting_frees_it(summit, salon):
    person = make_delegate(summit)
    booking = book(salon, person)

    bookings.cancel_booking(person[0], booking)
    again = book(salon, person)

    assert again.status is B.CONFIRMED
    assert seats_taken(salon) == 1


def test_a_second_live_booking_of_the_same_item_is_refused(summit, salon):
    person = make_delegate(summit, "赵波")
    book(salon, person)

    with pytest.raises(BookingRefused, match="赵波 has already booked this item"):
        book(salon, person)
    assert seats_taken(salon) == 1


def test_an_overlapping_booking_is_refused_naming_the_other_item(summit, salon):
    other = make_agenda_item(summit, "跨境电商交流", title_en="Cross-border exchange",
                             start=time(15, 0), end=time(16, 0), capacity=10)
    later = make_agenda_item(summit, "农产品上行", title_en="Farm goods online",
                             start=time(15, 30), end=time(16, 30), capacity=10)
    person = make_delegate(summit, "赵波")
    book(salon, person)  # 14:00-15:30

    with pytest.raises(BookingRefused) as refused:
        book(other, person)
    assert str(refused.value) == ("赵波 already has a seat at “E-commerce salon” "
                                  "(14:00–15:30), which overlaps this one.")
    assert book(later, person).status is B.CONFIRMED  # starts as the salon ends


def test_a_waitlisted_booking_does_not_block_an_overlapping_one(summit, salon):
    salon.capacity = 0
    db.session.commit()
    other = make_agenda_item(summit, "跨境电商交流", start=time(15, 0), end=time(16, 0),
                             capacity=10)
    person = make_delegate(summit)
    assert book(salon, person).status is B.WAITLISTED
    assert book(other, person).status is B.CONFIRMED


def test_a_cancelled_or_non_bookable_item_is_refused(summit, salon):
    plain = make_agenda_item(summit, "开幕致辞", title_en="Welcome address")
    person = make_delegate(summit)
    salon.status = AgendaItemStatus.CANCELLED
    db.session.commit()

    with pytest.raises(BookingRefused, match="“E-commerce salon” is cancelled"):
        book(salon, person)
    with pytest.raises(BookingRefused, match="“Welcome address” does not take seat bookings."):
        book(plain, person)
    assert db.session.scalar(db.select(db.func.count(SeatBooking.id))) == 0


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.CANCELLED,
                                    RegistrationStatus.WAITLISTED])
def test_only_approved_registrations_book(summit, salon, status):
    person = make_delegate(summit, "赵波", status=status)

    with pytest.raises(BookingRefused, match="Only approved registrations can book seats"):
        book(salon, person)


def test_a_delegate_cannot_book_for_someone_else_but_an_organiser_can(summit, salon,
                                                                      organiser):
    me, _mine = make_delegate(summit, "赵波")
    _other, theirs = make_delegate(summit, "李明")

    with pytest.raises(NotAllowed):
        bookings.book_seat(me, salon, theirs)
    booking = bookings.book_seat(organiser, salon, theirs)

    assert booking.status is B.CONFIRMED and booking.booked_by_id == organiser.id
    with pytest.raises(NotAllowed):
        bookings.cancel_booking(me, booking)


def test_a_registration_of_another_summit_cannot_book_here(summit, salon, organiser):
    other = factories.make_summit("chengdu-2028")
    _user, stranger = make_delegate(other)

    with pytest.raises(NotFound):
        bookings.book_seat(organiser, salon, stranger)


def test_own_registration_finds_the_approved_one_or_says_to_register(summit, salon):
    user, registration = make_delegate(summit)
    nobody = factories.make_user("nobody@example.com")

    assert bookings.own_registration(user, salon) == registration
    with pytest.raises(NotAllowed, match="You have no registration for this summit"):
        bookings.own_registration(nobody, salon)


def test_raising_the_capacity_offers_the_new_seats_in_order(summit, salon, organiser,
                                                           mailbox):
    people = [make_delegate(summit, name) for name in ("赵波", "李明", "王芳", "张伟", "刘洋")]
    for person in people:
        book(salon, person)

    offers = bookings.configure_item(organiser, salon, bookable=True, capacity=4,
                                     claim_window_hours=6)

    assert [o.registration.name for o in offers] == ["王芳", "张伟"]
    assert [s for _n, s in statuses(salon)] == [B.CONFIRMED, B.CONFIRMED, B.OFFERED,
                                                 B.OFFERED, B.WAITLISTED]
    assert seats_taken(salon) == 4
    assert len(mailbox.wait_for(2)) == 2
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "agenda_item.configure_seats"))
    assert entry.before == {"bookable": True, "capacity": 2, "claim_window_hours": 12}
    assert entry.after == {"bookable": True, "capacity": 4, "claim_window_hours": 6}


def test_lowering_the_capacity_below_the_seats_taken_is_refused_with_the_count(
        summit, salon, organiser):
    salon.capacity = 3
    db.session.commit()
    people = [make_delegate(summit, name) for name in ("赵波", "李明", "王芳", "张伟")]
    first = book(salon, people[0])
    for person in people[1:]:
        book(salon, person)
    bookings.cancel_booking(people[0][0], first)  # 2 confirmed, 1 offered

    with pytest.raises(BookingRefused) as refused:
        bookings.configure_item(organiser, salon, bookable=True, capacity=2)

    assert str(refused.value) == ("3 seats are taken (2 confirmed, 1 offered): the capacity "
                                  "cannot be lower than 3.")
    assert refused.value.field == "capacity"
    db.session.expire_all()
    assert salon.capacity == 3
    bookings.configure_item(organiser, salon, bookable=True, capacity=3)  # equal is fine


@pytest.mark.parametrize("values, field", [
    ({"bookable": True, "capacity": None}, "capacity"),
    ({"bookable": True, "capacity": -1}, "capacity"),
    ({"bookable": True, "capacity": 100_001}, "capacity"),
    ({"bookable": True, "capacity": 5, "claim_window_hours": 0}, "claim_window_hours"),
    ({"bookable": True, "capacity": 5, "claim_window_hours": 10_000}, "claim_window_hours"),
])
def test_bad_settings_are_refused_on_their_field(summit, salon, organiser, values, field):
    with pytest.raises(ValidationFailed) as refused:
        bookings.configure_item(organiser, salon, **values)
    assert refused.value.field == field


def test_only_organisers_configure_items(summit, salon):
    user, _registration = make_delegate(summit)
    with pytest.raises(NotAllowed):
        bookings.configure_item(user, salon, bookable=True, capacity=100)


def test_a_non_bookable_item_keeps_its_bookings_but_takes_no_new_ones(summit, salon,
                                                                      organiser):
    first, second = make_delegate(summit), make_delegate(summit)
    booking = book(salon, first)
    bookings.configure_item(organiser, salon, bookable=False, capacity=2)

    with pytest.raises(BookingRefused, match="does not take seat bookings"):
        book(salon, second)
    bookings.cancel_booking(first[0], booking)
    assert seats_taken(salon) == 0


def test_cancelling_a_registration_gives_up_its_seats(summit, salon, organiser, mailbox):
    salon.capacity = 1
    db.session.commit()
    user, registration = make_delegate(summit, "赵波")
    book(salon, (user, registration))
    book(salon, make_delegate(summit, "李明", "liming@example.com"))

    registration_review.cancel_registration(organiser, registration)

    assert statuses(salon) == [("赵波", B.CANCELLED), ("李明", B.OFFERED)]
    assert seats_taken(salon) == 1
    assert [m["To"] for m in mailbox.wait_for(1)] == ["liming@example.com"]
