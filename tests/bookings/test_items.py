"""Where the programme meets the seats: the agenda editor's seat settings follow the seats
page's rule (under the item's lock, waiting list offered), and cancelling an item cancels its
bookings and tells their holders. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest

from summit.database import utcnow
from summit.extensions import db
from summit.models import AuditEntry, BookingStatus, SeatBooking
from summit.services.agenda import draft as agenda
from summit.services.bookings import booking as bookings
from summit.services.bookings.booking import BookingRefused
from summit.services.core.errors import Conflict, ValidationFailed
from tests.support.agenda_factories import make_delegate

pytestmark = pytest.mark.usefixtures("english")

B = BookingStatus


def full_salon(summit, salon, names=("赵波", "李明", "王芳", "张伟"), locales=None):
    """Two confirmed, the rest waitlisted in this order, one second apart."""
    now = utcnow()
    people = [make_delegate(summit, name, f"p{n}@example.com",
                            locale=(locales or {}).get(name, "en"))
              for n, name in enumerate(names)]
    booked = [bookings.book_seat(user, salon, registration, now=now + timedelta(seconds=n))
              for n, (user, registration) in enumerate(people)]
    return people, booked


def statuses(item) -> list[tuple[str, BookingStatus]]:
    db.session.expire_all()
    return [(b.registration.name, b.status) for b in db.session.scalars(
        db.select(SeatBooking).where(SeatBooking.item_id == item.id).order_by(SeatBooking.id))]


def audit_actions(prefix: str) -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id)))


# --- seat settings from the agenda editor -----------------------------------------------------

def test_raising_the_capacity_in_the_agenda_offers_the_seats_to_the_waiting_list(
        summit, salon, organiser, mailbox):
    full_salon(summit, salon)
    changed = agenda.details_of(salon)
    changed.capacity = 3

    agenda.update_item(organiser, salon, changed)

    assert statuses(salon) == [("赵波", B.CONFIRMED), ("李明", B.CONFIRMED),
                               ("王芳", B.OFFERED), ("张伟", B.WAITLISTED)]
    assert salon.capacity == 3 and salon.seats_taken == 3
    [message] = mailbox.wait_for(1)
    assert message["To"] == "p2@example.com"
    assert message["Subject"] == "A seat has freed up for you: E-commerce salon"
    assert audit_actions("agenda_item.") == ["agenda_item.update"]
    assert audit_actions("booking.offer") == ["booking.offer"]
    update = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "agenda_item.update"))
    assert (update.before["capacity"], update.after["capacity"]) == (2, 3)


def test_lowering_the_capacity_in_the_agenda_is_refused_with_the_count_and_saves_nothing(
        summit, salon, organiser, mailbox):
    full_salon(summit, salon)
    changed = agenda.details_of(salon)
    changed.capacity, changed.title_zh = 1, "改名的沙龙"

    with pytest.raises(BookingRefused) as refused:
        agenda.update_item(organiser, salon, changed)

    assert str(refused.value) == ("2 seats are taken (2 confirmed, 0 offered): the capacity "
                                  "cannot be lower than 2.")
    assert refused.value.field == "capacity"
    db.session.expire_all()
    assert (salon.capacity, salon.title_zh) == (2, "电子商务沙龙")
    assert audit_actions("agenda_item.") == []
    assert mailbox.messages == []


def test_making_an_item_not_bookable_keeps_the_seats_rule(summit, salon, organiser):
    full_salon(summit, salon)
    changed = agenda.details_of(salon)
    changed.bookable, changed.capacity = False, None

    with pytest.raises(BookingRefused, match="2 seats are taken"):
        agenda.update_item(organiser, salon, changed)


@pytest.mark.parametrize("values", [{"bookable": True, "capacity": None},
                                    {"bookable": True, "capacity": 0},
                                    {"bookable": True, "capacity": -1},
                                    {"bookable": True, "capacity": 100_001}])
def test_the_agenda_and_the_seats_page_refuse_bad_settings_with_the_same_message(
        summit, salon, organiser, values):
    changed = agenda.details_of(salon)
    changed.bookable, changed.capacity = values["bookable"], values["capacity"]

    with pytest.raises(ValidationFailed) as from_agenda:
        agenda.update_item(organiser, salon, changed)
    with pytest.raises(ValidationFailed) as from_seats:
        bookings.configure_item(organiser, salon, **values)

    assert str(from_agenda.value) == str(from_seats.value)
    assert from_agenda.value.field == from_seats.value.field == "capacity"


def test_editing_other_fields_of_a_full_item_keeps_its_bookings(summit, salon, organiser,
                                                               mailbox):
    full_salon(summit, salon)
    changed = agenda.details_of(salon)
    changed.title_en = "Cross-border e-commerce salon"

    agenda.update_item(organiser, salon, changed)

    assert [s for _n, s in statuses(salon)] == [B.CONFIRMED, B.CONFIRMED, B.WAITLISTED,
                                                B.WAITLISTED]
    assert salon.title_en == "Cross-border e-commerce salon"
    assert mailbox.messages == []


# --- cancelling an item with bookings -----------------------------------------------------------

def test_cancelling_an_item_cancels_its_live_bookings_and_emails_each_holder(
        summit, salon, organiser, mailbox):
    people, booked = full_salon(summit, salon, locales={"李明": "zh_Hans"})
    bookings.cancel_booking(people[0][0], booked[0])  # 王芳 is offered the freed seat
    mailbox.wait_for(1)
    mailbox.clear()

    cancelled = agenda.cancel_item(organiser, salon)

    assert cancelled == 3
    assert statuses(salon) == [("赵波", B.CANCELLED), ("李明", B.CANCELLED),
                               ("王芳", B.CANCELLED), ("张伟", B.CANCELLED)]
    assert salon.seats_taken == 0
    assert salon.cancelled
    assert audit_actions("booking.item_cancelled") == ["booking.item_cancelled"] * 3
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "booking.item_cancelled").order_by(AuditEntry.id)).all()
    assert [e.before["status"] for e in entries] == ["confirmed", "offered", "waitlisted"]
    assert {e.actor_id for e in entries} == {organiser.id}
    messages = {m["To"]: m for m in mailbox.wait_for(3)}
    assert sorted(messages) == ["p1@example.com", "p2@example.com", "p3@example.com"]
    assert messages["p1@example.com"]["Subject"] == "活动取消：电子商务沙龙"
    assert "李明" in mailbox.body(messages["p1@example.com"])
    assert messages["p2@example.com"]["Subject"] == "Session cancelled: E-commerce salon"
    body = mailbox.body(messages["p2@example.com"])
    assert "Hello 王芳," in body and "have cancelled “E-commerce salon”" in body
    assert f"http://localhost/summits/{summit.slug}/agenda" in body


def test_an_item_without_bookings_cancels_without_mail(summit, salon, organiser, mailbox):
    assert agenda.cancel_item(organiser, salon) == 0
    assert salon.cancelled and salon.seats_taken == 0
    assert mailbox.messages == []


def test_cancelling_twice_is_refused_and_sends_nothing(summit, salon, organiser, mailbox):
    full_salon(summit, salon, names=("赵波",))
    agenda.cancel_item(organiser, salon)
    mailbox.wait_for(1)
    mailbox.clear()

    with pytest.raises(Conflict, match="already cancelled"):
        agenda.cancel_item(organiser, salon)

    assert mailbox.messages == []


def test_restoring_an_item_does_not_bring_its_bookings_back(summit, salon, organiser,
                                                           mailbox):
    people, _booked = full_salon(summit, salon)
    agenda.cancel_item(organiser, salon)

    agenda.restore_item(organiser, salon)

    assert [s for _n, s in statuses(salon)] == [B.CANCELLED] * 4
    assert salon.seats_taken == 0
    user, registration = people[3]
    assert bookings.book_seat(user, salon, registration).status is B.CONFIRMED


def test_a_cancelled_item_takes_no_bookings(summit, salon, organiser):
    agenda.cancel_item(organiser, salon)
    user, registration = make_delegate(summit, "赵波")

    with pytest.raises(BookingRefused, match="is cancelled: it cannot be booked"):
        bookings.book_seat(user, salon, registration)
