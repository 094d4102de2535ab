"""Salon seats: booking, the waiting list, offers of freed seats and their expiry.

States (docs/architecture.md): a booking is ``confirmed`` (holds a seat), ``waitlisted`` (queued by
``queued_at``, then id), ``offered`` (a freed seat held for it until ``offer_expires_at``),
``cancelled`` or ``expired``. Confirmed and offered bookings hold a seat: ``seats_taken``
counts them and is only changed by conditional UPDATEs, so it can never pass the capacity.

Each use case runs under the item's lock (``bookings.seats``), so decisions for one item are
serialised on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.database import utcnow
from summit.extensions import db
from summit.i18n import language
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
from summit.services.bookings.seats import (
    expire_late_offers,
    fill_free_seats,
    free_seat,
    local_time,
    lock,
    send_offers,
    set_status,
    take_seat,
)
from summit.services.core import audit, audit_words
from summit.services.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from summit.services.core.validation import valid_id
from summit.services.registration import editing

B = BookingStatus

MAX_CAPACITY = 100_000
MAX_CLAIM_WINDOW_HOURS = 24 * 14

STATUS_LABELS = {
    B.CONFIRMED: _l("Seat confirmed"), B.WAITLISTED: _l("Waiting list"),
    B.OFFERED: _l("Seat offered"), B.CANCELLED: _l("Cancelled"), B.EXPIRED: _l("Offer expired"),
}
audit_words.name_enums(STATUS_LABELS)


class BookingRefused(Conflict):
    """The booking cannot be made in the item's or the person's current state (409)."""

    code = "booking_refused"


# --- who may act for whom ----------------------------------------------------------------

def may_manage(actor: User | None, item: AgendaItem) -> bool:
    return can(actor, Permission.BOOKINGS_MANAGE, item.summit)


def _require_for(actor: User | None, item: AgendaItem, registration: Registration) -> None:
    if actor is None:
        raise NotAllowed(_l("Please log in first."))
    if registration.summit_id != item.summit_id:
        raise NotFound(_l("There is no such registration at this summit."), "registration_id")
    if not (editing.may_manage(actor, registration)
            or can(actor, Permission.BOOKINGS_MANAGE, item.summit)):
        raise NotAllowed(_l("You can only book seats for yourself."))


def own_registration(actor: User, item: AgendaItem) -> Registration:
    """The actor's registration at the item's summit (an approved one first)."""
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
    return item.title(language())


def registration_for_staff(actor: User, item: AgendaItem, registration_id: object
                           ) -> Registration:
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    if not valid_id(registration_id):
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


@dataclass
class SeatChange:
    """What one use case on an item's seats is doing: its clock, and the offers it made."""
    now: datetime
    offers: list[SeatBooking] = field(default_factory=list)


@contextmanager
def seat_change(item: AgendaItem, now: datetime | None) -> Iterator[SeatChange]:
    """One use case on an item's seats: take the item's lock, read the clock (so the queue
    order is the order decisions were made in), sweep late offers, run the body, commit, and
    only then email the offers made. A refusal still commits the sweep: it is right whatever
    happens to the request that ran it."""
    lock(item)
    change = SeatChange(now or utcnow())
    change.offers = expire_late_offers(item, change.now)
    try:
        yield change
    except BookingRefused:
        db.session.commit()
        send_offers(change.offers)
        raise
    except BaseException:
        db.session.rollback()  # release the lock at once, whoever catches this
        raise
    db.session.commit()
    send_offers(change.offers)


def _cancel(actor: User | None, item: AgendaItem, booking: SeatBooking, action: str,
            change: SeatChange) -> None:
    held_seat = booking.status in HOLDS_SEAT
    set_status(actor, booking, B.CANCELLED, action, change.now)
    if held_seat:
        free_seat(item)
        db.session.flush()
        change.offers += fill_free_seats(item, change.now)


def book_seat(actor: User, item: AgendaItem, registration: Registration,
              now: datetime | None = None) -> SeatBooking:
    """A seat if one is free (confirmed), else a place on the waiting list (waitlisted)."""
    _require_for(actor, item, registration)
    with seat_change(item, now) as change:
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
        status = B.CONFIRMED if take_seat(item) else B.WAITLISTED
        booking = SeatBooking(item=item, registration=registration, status=status,
                              queued_at=change.now, booked_by_id=actor.id,
                              created_at=change.now, updated_at=change.now)
        db.session.add(booking)
        db.session.flush()
        audit.record(actor, "booking.create", booking, summit=item.summit, now=change.now,
                     after={"status": status.value, "item_id": item.id,
                            "registration_id": registration.id})
    return booking


def cancel_booking(actor: User, booking: SeatBooking, now: datetime | None = None
                   ) -> SeatBooking:
    """Cancel a confirmed, offered or waitlisted booking; a freed seat goes to the next."""
    item = booking.item
    _require_for(actor, item, booking.registration)
    with seat_change(item, now) as change:
        db.session.refresh(booking)
        if booking.status not in LIVE_BOOKINGS:
            raise BookingRefused(_l("This booking is already “%(status)s”.",
                                    status=STATUS_LABELS[booking.status]))
        _cancel(actor, item, booking, "booking.cancel", change)
    return booking


def claim_offer(actor: User, booking: SeatBooking, now: datetime | None = None
                ) -> SeatBooking:
    """Take up an offered seat before its deadline."""
    item = booking.item
    _require_for(actor, item, booking.registration)
    with seat_change(item, now) as change:
        db.session.refresh(booking)
        if booking.status is B.EXPIRED:
            raise BookingRefused(_l("The offer expired at %(deadline)s and the seat has "
                                    "passed on.", deadline=local_time(
                                        booking.offer_expires_at, item.summit.timezone)))
        if booking.status is not B.OFFERED:
            raise BookingRefused(_l("There is no seat offer to claim: the booking is "
                                    "“%(status)s”.", status=STATUS_LABELS[booking.status]))
        _check_overlap(item, booking.registration)
        set_status(actor, booking, B.CONFIRMED, "booking.claim", change.now)
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
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    check_settings(bookable, capacity, claim_window_hours)
    with seat_change(item, now) as change:
        check_capacity(item, capacity)
        fields = ("bookable", "capacity", "claim_window_hours")
        before = audit.snapshot(item, fields)
        item.bookable, item.capacity = bookable, capacity
        item.claim_window_hours = claim_window_hours
        after = audit.snapshot(item, fields)
        if after != before:
            audit.record(actor, "agenda_item.configure_seats", item, summit=item.summit,
                         now=change.now, before=before, after=after)
        db.session.flush()
        change.offers += fill_free_seats(item, change.now)
    return change.offers


def check_settings(bookable: bool, capacity: int | None, claim_window_hours: int = 12) -> None:
    """The shape of seat settings, the one rule for the seats page, the agenda editor and
    the API."""
    if bookable and not capacity:
        raise ValidationFailed(_l("A bookable item needs a capacity of at least 1."), "capacity")
    if capacity is not None and not 0 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(_l("Give a capacity between 0 and %(max)d.", max=MAX_CAPACITY),
                               "capacity")
    if not 1 <= claim_window_hours <= MAX_CLAIM_WINDOW_HOURS:
        raise ValidationFailed(_l("Between %(low)d and %(high)d.", low=1,
                                  high=MAX_CLAIM_WINDOW_HOURS), "claim_window_hours")


def check_capacity(item: AgendaItem, capacity: int | None) -> None:
    """Under the item's lock: the capacity cannot go below the seats taken."""
    if (capacity or 0) < item.seats_taken:
        counts = counts_by_status(item)
        raise BookingRefused(_l(
            "%(taken)d seats are taken (%(confirmed)d confirmed, %(offered)d offered): "
            "the capacity cannot be lower than %(taken)d.", taken=item.seats_taken,
            confirmed=counts.get("confirmed", 0), offered=counts.get("offered", 0)),
            "capacity")


def release_registration(registration: Registration, now: datetime | None = None) -> int:
    """A registration that is cancelled gives up its bookings; seats pass on. Returns the
    number of bookings cancelled."""
    item_ids = db.session.scalars(db.select(SeatBooking.item_id).where(
        SeatBooking.registration_id == registration.id,
        SeatBooking.status.in_(LIVE_BOOKINGS))).all()
    released = 0
    for item_id in item_ids:
        item = db.session.get(AgendaItem, item_id)
        with seat_change(item, now) as change:
            booking = _live_booking(item, registration)
            if booking is not None:
                _cancel(None, item, booking, "booking.release", change)
                released += 1
    return released


def move_registration(source: Registration, target: Registration) -> int:
    """A substitute takes the place of ``source``: its live bookings (seats held, places in
    queues and offers) pass to ``target`` as they are. The caller commits. Returns how many
    moved."""
    return db.session.execute(
        db.update(SeatBooking).where(SeatBooking.registration_id == source.id,
                                     SeatBooking.status.in_(LIVE_BOOKINGS))
        .values(registration_id=target.id)).rowcount


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
