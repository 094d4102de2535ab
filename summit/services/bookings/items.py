"""Where the programme meets the seats: the agenda editor and the agenda API change an
item's seat settings and cancel items through here, under the item's lock, with the rules
and messages of ``bookings`` (one rule, one place).

Both are context managers: the agenda's own change runs in the body, under the lock; on
leaving, the seats follow, everything is committed once, and only then are emails sent.
"""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from summit.extensions import db
from summit.models import LIVE_BOOKINGS, AgendaItem, BookingStatus, SeatBooking, User
from summit.permissions import Permission, require
from summit.services.bookings.booking import check_capacity, check_settings, seat_change
from summit.services.bookings.seats import fill_free_seats, set_status
from summit.services.core import mail

log = logging.getLogger(__name__)


@dataclass
class ItemChange:
    now: datetime
    cancelled: list[SeatBooking] = field(default_factory=list)


@contextmanager
def seat_settings(actor: User, item: AgendaItem, *, bookable: bool, capacity: int | None,
                  now: datetime | None = None) -> Iterator[ItemChange]:
    """Change the item in the body with these seat settings: a capacity below the seats taken
    is refused with the count before the body runs; seats a raised capacity frees are offered
    to the waiting list (and emailed after the commit)."""
    if (bookable, capacity) != (item.bookable, item.capacity):
        require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    check_settings(bookable, capacity, item.claim_window_hours)
    with seat_change(item, now) as change:
        check_capacity(item, capacity)
        yield ItemChange(change.now)
        item.bookable, item.capacity = bookable, capacity
        db.session.flush()
        if not item.cancelled:
            change.offers += fill_free_seats(item, change.now)


@contextmanager
def cancelling(actor: User, item: AgendaItem, now: datetime | None = None
               ) -> Iterator[ItemChange]:
    """Cancel the item in the body; then its live bookings (confirmed, offered, waitlisted)
    are cancelled, each audited, its seats freed, and every holder is emailed."""
    with seat_change(item, now) as change:
        result = ItemChange(change.now)
        yield result
        for booking in db.session.scalars(
                db.select(SeatBooking).where(SeatBooking.item_id == item.id,
                                             SeatBooking.status.in_(LIVE_BOOKINGS))
                .order_by(SeatBooking.id)):
            set_status(actor, booking, BookingStatus.CANCELLED, "booking.item_cancelled",
                       change.now)
            result.cancelled.append(booking)
        db.session.execute(
            db.update(AgendaItem).where(AgendaItem.id == item.id).values(seats_taken=0)
            .execution_options(synchronize_session=False))
        db.session.flush()
        db.session.refresh(item, ["seats_taken"])
        change.offers = []  # offers the sweep just made are cancelled with the rest
    send_cancellations(result.cancelled)


def live_count(item: AgendaItem) -> int:
    """Bookings a cancellation of the item would cancel (for the confirmation)."""
    return db.session.scalar(db.select(db.func.count(SeatBooking.id)).where(
        SeatBooking.item_id == item.id, SeatBooking.status.in_(LIVE_BOOKINGS))) or 0


def send_cancellations(cancelled: list[SeatBooking]) -> None:
    """Tell each holder, in their language, that the session is cancelled. After the commit:
    a mail server that is down must not undo the cancellation."""
    for booking in cancelled:
        registration, item = booking.registration, booking.item
        summit = item.summit
        try:
            mail.send_template(
                registration.email, registration.locale, "booking_item_cancelled",
                registration=registration, summit=summit, item=item,
                language="en" if registration.locale == "en" else "zh",
                link=mail.external_url("agenda.public", slug=summit.slug))
        except (OSError, smtplib.SMTPException):
            log.exception("Could not email the cancellation of booking %s", booking.id)
