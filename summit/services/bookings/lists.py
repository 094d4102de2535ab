"""Reading salon seats: an item's bookings for organisers (filtered, paginated, exported),
a person's own bookings, the summit's bookable items with their counts, and the people an
organiser may book for."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemStatus,
    BookingStatus,
    Registration,
    RegistrationStatus,
    SeatBooking,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.bookings.booking import LIVE_BOOKINGS, STATUS_LABELS, counts_by_status
from summit.services.core import exports, names
from summit.services.core.errors import ValidationFailed
from summit.services.core.validation import mask_phone
from summit.services.registration import lists as registration_lists

B = BookingStatus


def _status(value: str) -> BookingStatus | None:
    if not value:
        return None
    try:
        return B(value)
    except ValueError:
        raise ValidationFailed(_l("Unknown status."), "status") from None


def bookings_query(item: AgendaItem, *, status: str = "", q: str = ""):
    """Seat holders first, then the waiting list in its order, then the history."""
    query = db.select(SeatBooking).join(SeatBooking.registration).where(
        SeatBooking.item_id == item.id)
    wanted = _status(status)
    if wanted is not None:
        query = query.where(SeatBooking.status == wanted)
    terms = names.search_terms(q)
    if terms:
        query = query.where(db.or_(
            *(Registration.search_key.contains(term, autoescape=True) for term in terms),
            Registration.organisation_name.contains(q.strip(), autoescape=True)))
    order = db.case((SeatBooking.status == B.CONFIRMED, 0), (SeatBooking.status == B.OFFERED, 1),
                    (SeatBooking.status == B.WAITLISTED, 2), else_=3)
    return query.options(db.contains_eager(SeatBooking.registration)).order_by(
        order, SeatBooking.queued_at, SeatBooking.id)


def list_bookings(actor: User, item: AgendaItem, *, page: int = 1, per_page: int = 50,
                  status: str = "", q: str = "") -> Pagination:
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    return db.paginate(bookings_query(item, status=status, q=q), page=page, per_page=per_page,
                       max_per_page=200, error_out=False)


def positions(item: AgendaItem, result: Pagination, *, status: str = "", q: str = ""
              ) -> dict[int, int]:
    """Waiting-list positions of a page's waitlisted rows, from their place in the list's
    order (seat holders come first): one query, none when a search hides rows in between."""
    if q or status not in ("", B.WAITLISTED.value):
        return {}
    ahead = 0
    if not status:
        counts = counts_by_status(item)
        ahead = counts.get("confirmed", 0) + counts.get("offered", 0)
    first = (result.page - 1) * result.per_page
    return {b.id: first + index + 1 - ahead for index, b in enumerate(result.items)
            if b.status is B.WAITLISTED}


EXPORT_COLUMNS = (_l("Status"), _l("Waiting-list position"), _l("Name as on ID"),
                  _l("Name in pinyin"), _l("Organisation"), _l("Position"), _l("Mobile phone"),
                  _l("Booked at"), _l("Offer expires at"))


def export_xlsx(actor: User, item: AgendaItem, *, status: str = "", q: str = "") -> bytes:
    """The filtered list as a workbook; phones masked (organisers call through the
    registration page, which is audited)."""
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    rows = db.session.scalars(bookings_query(item, status=status, q=q)).all()
    book = exports.Book(item.summit.timezone)
    sheet = book.sheet("bookings", EXPORT_COLUMNS)
    position = 0
    for booking in rows:
        registration = booking.registration
        if booking.status is B.WAITLISTED:
            position += 1
        sheet.append([
            str(STATUS_LABELS[booking.status]),
            position if booking.status is B.WAITLISTED and not (status or q) else "",
            registration.name, registration.name_pinyin, registration.organisation_name,
            registration.position, mask_phone(registration.phone),
            booking.queued_at, booking.offer_expires_at if booking.status is B.OFFERED else None])
    return book.save()


def _own(user: User):
    return db.or_(Registration.user_id == user.id,
                  db.and_(Registration.email == user.email, db.literal(user.email_verified)))


def bookable_items_for(user: User) -> list[AgendaItem]:
    """Items taking bookings at the summits where the person is approved, soonest first."""
    summits = db.select(Registration.summit_id).where(
        _own(user), Registration.status == RegistrationStatus.APPROVED)
    return list(db.session.scalars(
        db.select(AgendaItem).where(AgendaItem.summit_id.in_(summits),
                                    AgendaItem.bookable.is_(True),
                                    AgendaItem.capacity.is_not(None),
                                    AgendaItem.status == AgendaItemStatus.SCHEDULED)
        .options(db.joinedload(AgendaItem.summit))
        .order_by(AgendaItem.day, AgendaItem.start, AgendaItem.id).limit(100)))


def bookings_of(user: User) -> list[SeatBooking]:
    """The person's bookings at every summit, soonest item first (live ones, then history)."""
    own = db.select(Registration.id).where(_own(user))
    return list(db.session.scalars(
        db.select(SeatBooking).join(SeatBooking.item)
        .where(SeatBooking.registration_id.in_(own))
        .options(db.contains_eager(SeatBooking.item).joinedload(AgendaItem.summit),
                 db.joinedload(SeatBooking.registration))
        .order_by(SeatBooking.status.in_(LIVE_BOOKINGS).desc(), AgendaItem.day,
                  AgendaItem.start, SeatBooking.id.desc())))


@dataclass
class ItemSeats:
    item: AgendaItem
    counts: dict[str, int]

    @property
    def seats_left(self) -> int:
        return max((self.item.capacity or 0) - self.item.seats_taken, 0)


def items_with_counts(actor: User, summit: Summit) -> list[ItemSeats]:
    """Every item of the summit (bookable ones first) with its bookings by status, in two
    queries."""
    require(actor, Permission.BOOKINGS_MANAGE, summit)
    items = db.session.scalars(
        db.select(AgendaItem).where(AgendaItem.summit_id == summit.id)
        .order_by(AgendaItem.bookable.desc(), AgendaItem.day, AgendaItem.start,
                  AgendaItem.id)).all()
    counts: dict[int, dict[str, int]] = {}
    for item_id, status, count in db.session.execute(
            db.select(SeatBooking.item_id, SeatBooking.status, db.func.count(SeatBooking.id))
            .join(SeatBooking.item).where(AgendaItem.summit_id == summit.id)
            .group_by(SeatBooking.item_id, SeatBooking.status)):
        counts.setdefault(item_id, {})[status.value] = count
    return [ItemSeats(item, counts.get(item.id, {})) for item in items]


@dataclass
class Candidate:
    registration: Registration
    booking: SeatBooking | None


def candidates(actor: User, item: AgendaItem, q: str, limit: int = 20) -> list[Candidate]:
    """Approved registrations matching ``q`` (simplified, traditional or pinyin), each with
    their live booking at the item, for booking on someone's behalf."""
    require(actor, Permission.BOOKINGS_MANAGE, item.summit)
    if not names.search_terms(q):
        return []
    found = db.session.scalars(registration_lists.search_query(
        item.summit, q=q, status=RegistrationStatus.APPROVED.value).limit(limit)).all()
    live = {b.registration_id: b for b in db.session.scalars(db.select(SeatBooking).where(
        SeatBooking.item_id == item.id, SeatBooking.status.in_(LIVE_BOOKINGS),
        SeatBooking.registration_id.in_([r.id for r in found])))} if found else {}
    return [Candidate(r, live.get(r.id)) for r in found]
