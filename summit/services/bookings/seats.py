"""The seat counter and offers of freed seats: the item's lock, the conditional UPDATEs that
are the only way ``seats_taken`` changes, the waiting list giving way to offers, and offers
expiring (the sweep). Used by the booking use cases in ``bookings``.

Every use case first writes the item's row (``lock``): on PostgreSQL that takes the row lock,
on SQLite the database write lock, before anything is read. Booking decisions for one item
are thereby serialised on both databases, and the waiting list cannot be overtaken: a free
seat and a non-empty waiting list never exist together at the end of a transaction.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from summit.database import utcnow
from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, SeatBooking, User
from summit.services.core import audit, mail
from summit.services.summits.settings import utc_to_local

log = logging.getLogger(__name__)
B = BookingStatus
AUDITED = ("status", "offer_expires_at")


def lock(item: AgendaItem) -> None:
    """Take the item's write lock (see the module docstring) and re-read its counters."""
    db.session.execute(
        db.update(AgendaItem).where(AgendaItem.id == item.id)
        .values(seats_taken=AgendaItem.seats_taken, updated_at=AgendaItem.updated_at)
        .execution_options(synchronize_session=False))
    db.session.refresh(item)


def take_seat(item: AgendaItem) -> bool:
    """One seat, if one is free: the only way seats_taken goes up."""
    taken = db.session.execute(
        db.update(AgendaItem).where(AgendaItem.id == item.id,
                                    AgendaItem.capacity.is_not(None),
                                    AgendaItem.seats_taken < AgendaItem.capacity)
        .values(seats_taken=AgendaItem.seats_taken + 1, updated_at=AgendaItem.updated_at)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.refresh(item, ["seats_taken"])
    return taken


def free_seat(item: AgendaItem) -> None:
    db.session.execute(
        db.update(AgendaItem).where(AgendaItem.id == item.id, AgendaItem.seats_taken > 0)
        .values(seats_taken=AgendaItem.seats_taken - 1, updated_at=AgendaItem.updated_at)
        .execution_options(synchronize_session=False))
    db.session.refresh(item, ["seats_taken"])


def seats_left(item: AgendaItem) -> int:
    return max((item.capacity or 0) - item.seats_taken, 0)


def set_status(actor: User | None, booking: SeatBooking, new: BookingStatus, action: str,
                now: datetime, **changes) -> None:
    before = audit.snapshot(booking, AUDITED)
    booking.status = new
    for name, value in changes.items():
        setattr(booking, name, value)
    booking.updated_at = now
    audit.record(actor, action, booking, summit=booking.item.summit, now=now, before=before,
                 after=audit.snapshot(booking, AUDITED) | {
                     "item_id": booking.item_id, "registration_id": booking.registration_id})


# --- offers: giving freed seats to the waiting list, and taking them back -----------------

def _next_waiting(item: AgendaItem) -> SeatBooking | None:
    return db.session.scalar(
        db.select(SeatBooking).where(SeatBooking.item_id == item.id,
                                     SeatBooking.status == B.WAITLISTED)
        .order_by(SeatBooking.queued_at, SeatBooking.id).limit(1))


def fill_free_seats(item: AgendaItem, now: datetime) -> list[SeatBooking]:
    """Offer every free seat to the next person on the waiting list, in order."""
    offered = []
    while item.capacity is not None and item.seats_taken < item.capacity:
        waiting = _next_waiting(item)
        if waiting is None or not take_seat(item):
            break
        set_status(None, waiting, B.OFFERED, "booking.offer", now, offered_at=now,
                    offer_expires_at=now + timedelta(hours=item.claim_window_hours))
        db.session.flush()
        offered.append(waiting)
    return offered


def expire_late_offers(item: AgendaItem, now: datetime) -> list[SeatBooking]:
    """Offers past their deadline expire; their seats pass on. Returns the new offers."""
    return _expire(item, now)[1]


def _expire(item: AgendaItem, now: datetime) -> tuple[int, list[SeatBooking]]:
    expired = db.session.scalars(
        db.select(SeatBooking).where(SeatBooking.item_id == item.id,
                                     SeatBooking.status == B.OFFERED,
                                     SeatBooking.offer_expires_at <= now)
        .order_by(SeatBooking.offer_expires_at, SeatBooking.id)).all()
    for booking in expired:
        set_status(None, booking, B.EXPIRED, "booking.expire", now)
        free_seat(item)
    db.session.flush()
    return len(expired), (fill_free_seats(item, now) if expired else [])


def send_offers(offers: list[SeatBooking]) -> None:
    """Email each person their offer, in their language. After the commit: a mail server
    that is down must not undo a booking, so a failure is logged and the page still shows it."""
    for booking in offers:
        registration = booking.registration
        summit = booking.item.summit
        language = "en" if registration.locale == "en" else "zh"
        try:
            mail.send_template(
                registration.email, registration.locale, "booking_offered",
                registration=registration, summit=summit, item=booking.item, booking=booking,
                language=language, deadline=local_time(booking.offer_expires_at, summit.timezone),
                link=mail.external_url("bookings.salon", item_id=booking.item_id))
        except (OSError, smtplib.SMTPException):
            log.exception("Could not email the seat offer of booking %s", booking.id)


def local_time(value: datetime | None, zone: str) -> str:
    local = utc_to_local(value, zone)
    return f"{local:%Y-%m-%d %H:%M} ({zone})" if local else ""


def expire_offers(item: AgendaItem, now: datetime | None = None) -> int:
    """Sweep one item: expire late offers and offer their seats on; returns how many
    expired. Idempotent and safe to run concurrently with bookings (it takes the item's
    lock, then looks)."""
    now = now or utcnow()
    lock(item)
    expired, offers = _expire(item, now)
    db.session.commit()
    send_offers(offers)
    return expired


def expire_all_offers(now: datetime | None = None) -> int:
    """Sweep every item with a late offer (``flask bookings expire-offers``, cron)."""
    now = now or utcnow()
    item_ids = db.session.scalars(
        db.select(SeatBooking.item_id).where(SeatBooking.status == B.OFFERED,
                                             SeatBooking.offer_expires_at <= now)
        .distinct()).all()
    db.session.rollback()
    return sum(expire_offers(db.session.get(AgendaItem, item_id), now) for item_id in item_ids)


