"""Salon seats: booking, the waiting list, offers of freed seats and their expiry.

States (DESIGN.md): a booking is ``confirmed`` (holds a seat), ``waitlisted`` (queued by
``queued_at``, then id), ``offered`` (a freed seat held for it until ``offer_expires_at``),
``cancelled`` or ``expired``. Confirmed and offered bookings hold a seat: ``seats_taken``
counts them and is only changed by conditional UPDATEs, so it can never pass the capacity.

Every use case first writes the item's row (``_lock``): on PostgreSQL that takes the row lock,
on SQLite the database write lock, before anything is read. Booking decisions for one item
are thereby serialised on both databases, and the waiting list cannot be overtaken: a free
seat and a non-empty waiting list never exist together at the end of a transaction.
"""
from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    HOLDS_SEAT,
    LIVE_BOOKINGS,
    AgendaItem,
    AgendaItemStatus,
    BookingStatus,
    Registration,
    RegistrationStatus,
    SeatBooking,
    User,
)
from summit.permissions import Permission, can, require
from summit.services import audit
from summit.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed

log = logging.getLogger(__name__)
B = BookingStatus

MAX_CAPACITY = 100_000
MAX_CLAIM_WINDOW_HOURS = 24 * 14
AUDITED = ("status", "offer_expires_at")

STATUS_LABELS = {
    B.CONFIRMED: _l("Seat confirmed"), B.WAITLISTED: _l("Waiting list"),
    B.OFFERED: _l("Seat offered"), B.CANCELLED: _l("Cancelled"), B.EXPIRED: _l("Offer expired"),
}


class BookingRefused(Conflict):
    """The booking cannot be made in the item's or the person's current state (409)."""

    code = "booking_refused"


# --- locking and counting ------------------------------------------------------------------

def _lock(item: AgendaItem) -> None:
    """Take the item's write lock (see the module docstring) and re-read its counters."""
    db.session.execute(
        db.update(AgendaItem).where(AgendaItem.id == item.id)
        .values(seats_taken=AgendaItem.seats_taken, updated_at=AgendaItem.updated_at)
        .execution_options(synchronize_session=False))
    db.session.refresh(item)


def _take_seat(item: AgendaItem) -> bool:
    """One seat, if one is free: the only way seats_taken goes up."""
    taken = db.session.execute(
        db.update(AgendaItem).where(AgendaItem.id == item.id,
                                    AgendaItem.capacity.is_not(None),
                                    AgendaItem.seats_taken < AgendaItem.capacity)
        .values(seats_taken=AgendaItem.seats_taken + 1, updated_at=AgendaItem.updated_at)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.refresh(item, ["seats_taken"])
    return taken


def _free_seat(item: AgendaItem) -> None:
    db.session.execute(
        db.update(AgendaItem).where(AgendaItem.id == item.id, AgendaItem.seats_taken > 0)
        .values(seats_taken=AgendaItem.seats_taken - 1, updated_at=AgendaItem.updated_at)
        .execution_options(synchronize_session=False))
    db.session.refresh(item, ["seats_taken"])


def seats_left(item: AgendaItem) -> int:
    return max((item.capacity or 0) - item.seats_taken, 0)


def _set_status(actor: User | None, booking: SeatBooking, new: BookingStatus, action: str,
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


def _fill_free_seats(item: AgendaItem, now: datetime) -> list[SeatBooking]:
    """Offer every free seat to the next person on the waiting list, in order."""
    offered = []
    while item.capacity is not None and item.seats_taken < item.capacity:
        waiting = _next_waiting(item)
        if waiting is None or not _take_seat(item):
            break
        _set_status(None, waiting, B.OFFERED, "booking.offer", now, offered_at=now,
                    offer_expires_at=now + timedelta(hours=item.claim_window_hours))
        db.session.flush()
        offered.append(waiting)
    return offered


def _expire_offers(item: AgendaItem, now: datetime) -> list[SeatBooking]:
    """Offers past their deadline expire; their seats pass on. Returns the new offers."""
    return _expire(item, now)[1]


def _expire(item: AgendaItem, now: datetime) -> tuple[int, list[SeatBooking]]:
    expired = db.session.scalars(
        db.select(SeatBooking).where(SeatBooking.item_id == item.id,
                                     SeatBooking.status == B.OFFERED,
                                     SeatBooking.offer_expires_at <= now)
        .order_by(SeatBooking.offer_expires_at, SeatBooking.id)).all()
    for booking in expired:
        _set_status(None, booking, B.EXPIRED, "booking.expire", now)
        _free_seat(item)
    db.session.flush()
    return len(expired), (_fill_free_seats(item, now) if expired else [])


def _send_offers(offers: list[SeatBooking]) -> None:
    """Email each person their offer, in their language. After the commit: a mail server
    that is down must not undo a booking, so a failure is logged and the page still shows it."""
    from summit.services import mail

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
    from summit.services.summits import utc_to_local

    local = utc_to_local(value, zone)
    return f"{local:%Y-%m-%d %H:%M} ({zone})" if local else ""


def expire_offers(item: AgendaItem, now: datetime | None = None) -> int:
    """Sweep one item: expire late offers and offer their seats on; returns how many
    expired. Idempotent and safe to run concurrently with bookings (it takes the item's
    lock, then looks)."""
    now = now or utcnow()
    _lock(item)
    expired, offers = _expire(item, now)
    db.session.commit()
    _send_offers(offers)
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


# --- who may act for whom ----------------------------------------------------------------

def may_manage(actor: User | None, item: AgendaItem) -> bool:
    return can(actor, Permission.BOOKINGS_MANAGE, item.summit)


def _require_for(actor: User | None, item: AgendaItem, registration: Registration) -> None:
    from summit.services import registrations

    if actor is None:
        raise NotAllowed(_l("Please log in first."))
    if registration.summit_id != item.summit_id:
        raise NotFound(_l("There is no such registration at this summit."), "registration_id")
    if not (registrations.may_manage(actor, registration)
            or can(actor, Permission.BOOKINGS_MANAGE, item.summit)):
        raise NotAllowed(_l("You can only book seats for yourself."))


def own_registration(actor: User, item: AgendaItem) -> Registration:
    """The actor's approved registration at the item's summit."""
    found = db.session.scalars(
        db.select(Registration).where(
            Registration.summit_id == item.summit_id,
            db.or_(Registration.user_id == actor.id,
                   db.and_(Registration.email == actor.email,
                           db.literal(actor.email_verified))))
        .order_by((Registration.status == RegistrationStatus.APPROVED).desc(),
                  Registration.id)).first()
    if found is None:
        raise NotAllowed(_l("You have no registration for this summit: register first."))
    return found


def _title(item: AgendaItem) -> str:
    from summit.i18n import language

    return item.title(language())


def registration_for_staff(actor: User, item: AgendaItem, registration_id: object
                           ) -> Registration:
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    if not isinstance(registration_id, int) or isinstance(registration_id, bool) \
            or not 0 < registration_id < 2**31:
        raise ValidationFailed(_l("Give the registration's id as a number."), "registration_id")
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.summit_id != item.summit_id:
        raise NotFound(_l("There is no such registration at this summit."), "registration_id")
    return registration


# --- the rules of booking ------------------------------------------------------------------

def _check_bookable(item: AgendaItem) -> None:
    if item.status is AgendaItemStatus.CANCELLED:
        raise BookingRefused(_l("“%(title)s” is cancelled: it cannot be booked.",
                                title=_title(item)))
    if not item.bookable or item.capacity is None:
        raise BookingRefused(_l("“%(title)s” does not take seat bookings.",
                                title=_title(item)))


def _live_booking(item: AgendaItem, registration: Registration) -> SeatBooking | None:
    return db.session.scalar(db.select(SeatBooking).where(
        SeatBooking.item_id == item.id, SeatBooking.registration_id == registration.id,
        SeatBooking.status.in_(LIVE_BOOKINGS)))


def _check_overlap(item: AgendaItem, registration: Registration) -> None:
    clash = db.session.scalar(
        db.select(AgendaItem).join(SeatBooking, SeatBooking.item_id == AgendaItem.id)
        .where(SeatBooking.registration_id == registration.id,
               SeatBooking.status.in_(HOLDS_SEAT), AgendaItem.id != item.id,
               AgendaItem.summit_id == item.summit_id, AgendaItem.day == item.day,
               AgendaItem.status != AgendaItemStatus.CANCELLED,
               AgendaItem.start < item.end, AgendaItem.end > item.start)
        .order_by(AgendaItem.start).limit(1))
    if clash is not None:
        raise BookingRefused(_l(
            "%(name)s already has a seat at “%(title)s” (%(start)s–%(end)s), which overlaps "
            "this one.", name=registration.name, title=_title(clash),
            start=f"{clash.start:%H:%M}", end=f"{clash.end:%H:%M}"))


def book_seat(actor: User, item: AgendaItem, registration: Registration,
              now: datetime | None = None) -> SeatBooking:
    """A seat if one is free (confirmed), else a place on the waiting list (waitlisted)."""
    _require_for(actor, item, registration)
    _lock(item)
    # The clock is read once the lock is held, so the queue order is the order decisions
    # were made in (a request that waited longer for the lock queues behind those before).
    now = now or utcnow()
    offers = _expire_offers(item, now)
    try:
        db.session.refresh(registration, ["status"])
        if registration.status is not RegistrationStatus.APPROVED:
            raise BookingRefused(_l("Only approved registrations can book seats; %(name)s's "
                                    "registration is not approved.", name=registration.name))
        _check_bookable(item)
        existing = _live_booking(item, registration)
        if existing is not None:
            raise BookingRefused(_l("%(name)s has already booked this item (%(status)s).",
                                    name=registration.name,
                                    status=STATUS_LABELS[existing.status]))
        _check_overlap(item, registration)
    except BookingRefused:
        # Keep what the sweep did: it is right whatever happens to this request.
        db.session.commit()
        _send_offers(offers)
        raise
    status = B.CONFIRMED if _take_seat(item) else B.WAITLISTED
    booking = SeatBooking(item=item, registration=registration, status=status, queued_at=now,
                          booked_by_id=actor.id, created_at=now, updated_at=now)
    db.session.add(booking)
    db.session.flush()
    audit.record(actor, "booking.create", booking, summit=item.summit, now=now,
                 after={"status": status.value, "item_id": item.id,
                        "registration_id": registration.id})
    db.session.commit()
    _send_offers(offers)
    return booking


def cancel_booking(actor: User, booking: SeatBooking, now: datetime | None = None
                   ) -> SeatBooking:
    """Cancel a confirmed, offered or waitlisted booking; a freed seat goes to the next."""
    now = now or utcnow()
    item = booking.item
    _require_for(actor, item, booking.registration)
    _lock(item)
    offers = _expire_offers(item, now)
    db.session.refresh(booking)
    if booking.status not in LIVE_BOOKINGS:
        db.session.commit()
        _send_offers(offers)
        raise BookingRefused(_l("This booking is already “%(status)s”.",
                                status=STATUS_LABELS[booking.status]))
    held_seat = booking.status in HOLDS_SEAT
    _set_status(actor, booking, B.CANCELLED, "booking.cancel", now)
    if held_seat:
        _free_seat(item)
        db.session.flush()
        offers += _fill_free_seats(item, now)
    db.session.commit()
    _send_offers(offers)
    return booking


def claim_offer(actor: User, booking: SeatBooking, now: datetime | None = None
                ) -> SeatBooking:
    """Take up an offered seat before its deadline."""
    now = now or utcnow()
    item = booking.item
    _require_for(actor, item, booking.registration)
    _lock(item)
    offers = _expire_offers(item, now)
    db.session.refresh(booking)
    try:
        if booking.status is B.EXPIRED:
            raise BookingRefused(_l("The offer expired at %(deadline)s and the seat has "
                                    "passed on.", deadline=local_time(
                                        booking.offer_expires_at, item.summit.timezone)))
        if booking.status is not B.OFFERED:
            raise BookingRefused(_l("There is no seat offer to claim: the booking is "
                                    "“%(status)s”.", status=STATUS_LABELS[booking.status]))
        _check_overlap(item, booking.registration)
    except BookingRefused:
        db.session.commit()
        _send_offers(offers)
        raise
    _set_status(actor, booking, B.CONFIRMED, "booking.claim", now)
    db.session.commit()
    _send_offers(offers)
    return booking


def live_booking_of(item: AgendaItem, registration: Registration) -> SeatBooking | None:
    return _live_booking(item, registration)


def mine_or_404(actor: User, item: AgendaItem) -> SeatBooking:
    """The actor's live booking at the item (for cancel and claim by the delegate)."""
    registration = own_registration(actor, item)
    booking = _live_booking(item, registration) or latest_booking(item, registration)
    # An expired offer is not live, but claiming it deserves the reason.
    if booking is None or booking.status not in LIVE_BOOKINGS + (B.EXPIRED,):
        raise NotFound(_l("You have no booking for this item."))
    return booking


def latest_booking(item: AgendaItem, registration: Registration) -> SeatBooking | None:
    """The person's most recent booking at the item, in any state."""
    return db.session.scalar(
        db.select(SeatBooking).where(SeatBooking.item_id == item.id,
                                     SeatBooking.registration_id == registration.id)
        .order_by(SeatBooking.id.desc()).limit(1))


# --- organisers: settings and registrations leaving ---------------------------------------

def configure_item(actor: User, item: AgendaItem, *, bookable: bool, capacity: int | None,
                   claim_window_hours: int = 12, now: datetime | None = None) -> list[SeatBooking]:
    """Make an item bookable (or not), set its capacity and claim window. Raising the
    capacity offers the new seats to the waiting list; lowering it below the seats taken is
    refused with the count. Returns the offers made."""
    now = now or utcnow()
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    if bookable and capacity is None:
        raise ValidationFailed(_l("A bookable item needs a capacity."), "capacity")
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(_l("Between %(low)d and %(high)d.", low=0, high=MAX_CAPACITY),
                               "capacity")
    if not 1 <= claim_window_hours <= MAX_CLAIM_WINDOW_HOURS:
        raise ValidationFailed(_l("Between %(low)d and %(high)d.", low=1,
                                  high=MAX_CLAIM_WINDOW_HOURS), "claim_window_hours")
    _lock(item)
    offers = _expire_offers(item, now)
    if (capacity or 0) < item.seats_taken:
        db.session.commit()
        _send_offers(offers)
        counts = counts_by_status(item)
        raise BookingRefused(_l(
            "%(taken)d seats are taken (%(confirmed)d confirmed, %(offered)d offered): the "
            "capacity cannot be lower than %(taken)d.", taken=item.seats_taken,
            confirmed=counts.get("confirmed", 0), offered=counts.get("offered", 0)),
            "capacity")
    before = audit.snapshot(item, ("bookable", "capacity", "claim_window_hours"))
    item.bookable, item.capacity = bookable, capacity
    item.claim_window_hours = claim_window_hours
    after = audit.snapshot(item, ("bookable", "capacity", "claim_window_hours"))
    if after != before:
        audit.record(actor, "agenda_item.configure_seats", item, summit=item.summit, now=now,
                     before=before, after=after)
    db.session.flush()
    offers += _fill_free_seats(item, now)
    db.session.commit()
    _send_offers(offers)
    return offers


def release_registration(registration: Registration, now: datetime | None = None) -> int:
    """A registration that is cancelled gives up its bookings; seats pass on. Returns the
    number of bookings cancelled."""
    now = now or utcnow()
    item_ids = db.session.scalars(db.select(SeatBooking.item_id).where(
        SeatBooking.registration_id == registration.id,
        SeatBooking.status.in_(LIVE_BOOKINGS))).all()
    released = 0
    for item_id in item_ids:
        item = db.session.get(AgendaItem, item_id)
        _lock(item)
        booking = _live_booking(item, registration)
        offers = []
        if booking is not None:
            held_seat = booking.status in HOLDS_SEAT
            _set_status(None, booking, B.CANCELLED, "booking.release", now)
            if held_seat:
                _free_seat(item)
                offers = _fill_free_seats(item, now)
            released += 1
        db.session.commit()
        _send_offers(offers)
    return released


def counts_by_status(item: AgendaItem) -> dict[str, int]:
    rows = db.session.execute(
        db.select(SeatBooking.status, db.func.count(SeatBooking.id))
        .where(SeatBooking.item_id == item.id).group_by(SeatBooking.status)).all()
    return {status.value: count for status, count in rows}


def waitlist_position(booking: SeatBooking) -> int | None:
    """1 for the next in line; None unless waitlisted."""
    if booking.status is not B.WAITLISTED:
        return None
    ahead = db.session.scalar(db.select(db.func.count(SeatBooking.id)).where(
        SeatBooking.item_id == booking.item_id, SeatBooking.status == B.WAITLISTED,
        db.or_(SeatBooking.queued_at < booking.queued_at,
               db.and_(SeatBooking.queued_at == booking.queued_at,
                       SeatBooking.id < booking.id))))
    return ahead + 1
