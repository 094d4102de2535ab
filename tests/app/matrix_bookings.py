"""Objects the salon-seat rows of the permission matrix act on, made on first use.

The matrix's world is built before anyone logs in; the seat rows also need the logged-in
person's own booking (to cancel) and offer (to claim), so they are made when a row's URL is
first asked for, and kept on the world. Each use has an item of its own, at its own time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from summit.database import utcnow
from summit.extensions import db
from summit.models import AgendaItem, BookingStatus, Registration, RegistrationStatus, SeatBooking
from tests.support.agenda_factories import make_agenda_item

USES = ("book", "cancel", "claim", "api-book", "api-cancel", "api-claim", "staff")


@dataclass
class Seats:
    items: dict[str, AgendaItem]
    guest: Registration  # someone organisers book for
    staff_booking: SeatBooking  # a booking organisers cancel


def _registration(world, name: str, email: str, user=None) -> Registration:
    registration = Registration(summit=world.summit, category=world.category, name=name,
                                email=email, organisation_name="康定市商务局", position="科员",
                                phone="13800000000", status=RegistrationStatus.APPROVED,
                                user=user)
    db.session.add(registration)
    return registration


def seats(world) -> Seats:
    found = getattr(world, "_seats", None)
    if found is None:
        items = {use: make_agenda_item(world.summit, f"沙龙{n}", start=time(8 + n, 0),
                                       end=time(8 + n, 30), capacity=5)
                 for n, use in enumerate(USES)}
        guest = _registration(world, "格桑", "seat-guest@example.com")
        holder = _registration(world, "拉姆", "seat-holder@example.com")
        booking = SeatBooking(item=items["staff"], registration=holder,
                              status=BookingStatus.CONFIRMED)
        items["staff"].seats_taken = 1
        db.session.add(booking)
        db.session.commit()
        found = world._seats = Seats(items=items, guest=guest, staff_booking=booking)
        _own_bookings(world, found)
    elif world.user is not None and not getattr(world, "_own_seats", False):
        _own_bookings(world, found)
    return found


def _own_bookings(world, found: Seats) -> None:
    """The logged-in person's approved registration, seats to cancel and offers to claim."""
    if world.user is None:
        return
    registration = _registration(world, world.user.name, f"seats-{world.user.email}",
                                 world.user)
    now = utcnow()
    for use, status in (("cancel", BookingStatus.CONFIRMED),
                        ("api-cancel", BookingStatus.CONFIRMED),
                        ("claim", BookingStatus.OFFERED), ("api-claim", BookingStatus.OFFERED)):
        item = found.items[use]
        item.seats_taken += 1
        db.session.add(SeatBooking(
            item=item, registration=registration, status=status,
            offered_at=now if status is BookingStatus.OFFERED else None,
            offer_expires_at=now + timedelta(hours=12)
            if status is BookingStatus.OFFERED else None))
    db.session.commit()
    world._own_seats = True


def item_id(world, use: str) -> int:
    return seats(world).items[use].id
