"""The programme: rooms, agenda items with their participants, published versions, salon seats.

Organisers edit the draft (``AgendaItem`` rows); publishing freezes the draft into an
``AgendaVersion`` (a JSON snapshot and a changelog against the previous version). Times are the
summit's local wall-clock times (``day`` + ``start``/``end`` in ``Summit.timezone``): that is how
organisers think about a programme, and it survives a change of the server's zone.
"""
from __future__ import annotations

import enum
import uuid
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.registration import Registration
    from summit.models.summit import Summit
    from summit.models.user import User


def new_uid() -> str:
    return uuid.uuid4().hex


class AgendaItemKind(enum.Enum):
    ADDRESS = "address"
    SPEECH = "speech"
    KEYNOTE = "keynote"
    EXCHANGE_TALK = "exchange_talk"
    SALON = "salon"
    SIGNING_CEREMONY = "signing_ceremony"
    BREAK = "break"
    OTHER = "other"


class AgendaItemStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ParticipantRole(enum.Enum):
    HOST = "host"
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    PANELIST = "panelist"
    SIGNATORY = "signatory"
    WITNESS = "witness"
    INTERPRETER = "interpreter"


class BookingStatus(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    # A freed seat held for the next person on the waiting list until ``offer_expires_at``.
    OFFERED = "offered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


# Bookings in these states are live: a person has at most one of them per item.
LIVE_BOOKINGS = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.OFFERED)
# Bookings in these states hold a seat against the item's capacity.
HOLDS_SEAT = (BookingStatus.CONFIRMED, BookingStatus.OFFERED)


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("summit_id", "name_zh"),
                      CheckConstraint("capacity >= 0", name="capacity_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    capacity: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    summit: Mapped[Summit] = relationship()

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_zh


class AgendaItem(db.Model):
    """One slot of the draft programme."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        Index("ix_agenda_items_summit_day", "summit_id", "day", "start"),
        CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    # Stable across versions: the iCalendar UID and the frab guid are made from it.
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    day: Mapped[date]
    start: Mapped[time]
    end: Mapped[time]
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"),
                                                index=True)
    kind: Mapped[AgendaItemKind] = mapped_column(enum_column(AgendaItemKind))
    status: Mapped[AgendaItemStatus] = mapped_column(enum_column(AgendaItemStatus),
                                                     default=AgendaItemStatus.SCHEDULED)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # Salon seats: a bookable item has a capacity; seats_taken counts bookings holding a seat
    # and is only ever changed by a conditional UPDATE so it cannot pass the capacity.
    bookable: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]
    seats_taken: Mapped[int] = mapped_column(default=0)
    claim_window_hours: Mapped[int] = mapped_column(default=12)
    # Raised each time a published version changes the item (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    summit: Mapped[Summit] = relationship()
    room: Mapped[Room | None] = relationship(lazy="joined")
    participants: Mapped[list[AgendaParticipant]] = relationship(
        back_populates="item", cascade="all, delete-orphan",
        order_by="(AgendaParticipant.position, AgendaParticipant.id)")

    def title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title_zh

    def description(self, language: str) -> str:
        return self.description_en if language == "en" and self.description_en \
            else self.description_zh

    @property
    def cancelled(self) -> bool:
        return self.status is AgendaItemStatus.CANCELLED


class AgendaParticipant(db.Model):
    """A person on an item: a registration of the summit, or a named guest."""

    __tablename__ = "agenda_participants"
    __table_args__ = (
        CheckConstraint("registration_id IS NOT NULL OR guest_name != ''",
                        name="registration_or_guest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    guest_name: Mapped[str] = mapped_column(String(200), default="")
    guest_title: Mapped[str] = mapped_column(String(200), default="")
    guest_organisation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    item: Mapped[AgendaItem] = relationship(back_populates="participants")
    registration: Mapped[Registration | None] = relationship(lazy="joined")


class AgendaVersion(db.Model):
    """A published, frozen programme: what the public sees, numbered from 1."""

    __tablename__ = "agenda_versions"
    __table_args__ = (UniqueConstraint("summit_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    number: Mapped[int]
    # {"items": [...]}: every scheduled and cancelled item as published, in display order.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [{"kind": "added"|"moved"|"cancelled"|"participants"|"changed", "uid", ...}]
    changelog: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(500), default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    summit: Mapped[Summit] = relationship()
    published_by: Mapped[User | None] = relationship()


class SeatBooking(db.Model):
    """A person's seat (or place in the queue) at a bookable item."""

    __tablename__ = "seat_bookings"
    __table_args__ = (
        # One live booking per person and item; cancelled/expired ones stay as history.
        Index("uq_seat_bookings_live", "item_id", "registration_id", unique=True,
              sqlite_where=text("status IN ('confirmed', 'waitlisted', 'offered')"),
              postgresql_where=text("status IN ('confirmed', 'waitlisted', 'offered')")),
        Index("ix_seat_bookings_item_status", "item_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus))
    # Waiting-list order: earlier first (ties broken by id).
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    item: Mapped[AgendaItem] = relationship()
    registration: Mapped[Registration] = relationship()
    booked_by: Mapped[User | None] = relationship()
