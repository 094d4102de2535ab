"""Reception (接待): each person's journeys, the vehicles that meet them, and meals."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import Yuan, enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.registration import Registration


class TripDirection(enum.Enum):
    ARRIVAL = "arrival"
    DEPARTURE = "departure"


class TravelMode(enum.Enum):
    FLIGHT = "flight"
    TRAIN = "train"
    ROAD = "road"


class Trip(db.Model):
    """How one person arrives or leaves: one arrival and one departure per registration."""

    __tablename__ = "trips"
    __table_args__ = (
        UniqueConstraint("registration_id", "direction"),
        Index("ix_trips_summit_direction_at", "summit_id", "direction", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"))
    direction: Mapped[TripDirection] = mapped_column(enum_column(TripDirection))
    mode: Mapped[TravelMode] = mapped_column(enum_column(TravelMode))
    number: Mapped[str] = mapped_column(String(20), default="")
    place: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()


class VehicleKind(enum.Enum):
    CAR = "car"
    VAN = "van"
    MINIBUS = "minibus"
    BUS = "bus"


class Vehicle(db.Model):
    __tablename__ = "vehicles"
    __table_args__ = (UniqueConstraint("summit_id", "plate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    plate: Mapped[str] = mapped_column(String(16))
    seats: Mapped[int]
    kind: Mapped[VehicleKind] = mapped_column(enum_column(VehicleKind))
    driver_name: Mapped[str] = mapped_column(String(100))
    driver_phone: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Transfer(db.Model):
    """A pick-up (接站) or a drop-off (送站): a vehicle at a place at a time, with passengers.
    It keeps its vehicle from ``at`` to ``ends_at``."""

    __tablename__ = "transfers"
    __table_args__ = (Index("ix_transfers_summit_at", "summit_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    direction: Mapped[TripDirection] = mapped_column(enum_column(TripDirection))
    place: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]
    ends_at: Mapped[datetime]
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    vehicle: Mapped[Vehicle] = relationship()
    passengers: Mapped[list[TransferPassenger]] = relationship(
        back_populates="transfer", cascade="all, delete-orphan",
        order_by="TransferPassenger.id")


class PassengerStatus(enum.Enum):
    ASSIGNED = "assigned"
    PICKED_UP = "picked_up"
    NO_SHOW = "no_show"


class TransferPassenger(db.Model):
    """One person in one transfer; a person has at most one pick-up and one drop-off."""

    __tablename__ = "transfer_passengers"
    __table_args__ = (UniqueConstraint("registration_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id", ondelete="CASCADE"),
                                             index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"))
    direction: Mapped[TripDirection] = mapped_column(enum_column(TripDirection))
    status: Mapped[PassengerStatus] = mapped_column(enum_column(PassengerStatus),
                                                    default=PassengerStatus.ASSIGNED)
    status_at: Mapped[datetime | None]

    transfer: Mapped[Transfer] = relationship(back_populates="passengers")
    registration: Mapped[Registration] = relationship()


class MealKind(enum.Enum):
    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"
    BANQUET = "banquet"


class MealSession(db.Model):
    __tablename__ = "meal_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[MealKind] = mapped_column(enum_column(MealKind))
    title: Mapped[str] = mapped_column(String(100))
    venue: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime]
    capacity: Mapped[int]
    seated: Mapped[bool] = mapped_column(default=False)
    # Attendee category codes entitled, space separated; empty: everyone approved.
    categories: Mapped[str] = mapped_column(String(500), default="")
    served: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MealScan(db.Model):
    """A person served at a meal: once, made unique by the database."""

    __tablename__ = "meal_scans"
    __table_args__ = (UniqueConstraint("meal_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meal_id: Mapped[int] = mapped_column(ForeignKey("meal_sessions.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)
    operator_id: Mapped[int | None]

    registration: Mapped[Registration] = relationship()


class Hotel(db.Model):
    __tablename__ = "hotels"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")

    blocks: Mapped[list[RoomBlock]] = relationship(back_populates="hotel",
                                                   order_by="RoomBlock.id")


class RoomBlock(db.Model):
    """Rooms of one type taken at a hotel for some nights (the first night and how many)."""

    __tablename__ = "room_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"),
                                          index=True)
    room_type: Mapped[str] = mapped_column(String(50))
    beds: Mapped[int]
    count: Mapped[int]
    first_night: Mapped[date]
    nights: Mapped[int]
    price: Mapped[Decimal] = mapped_column(Yuan())

    hotel: Mapped[Hotel] = relationship(back_populates="blocks")
    rooms: Mapped[list[HotelRoom]] = relationship(back_populates="block",
                                                  order_by="HotelRoom.id")


class HotelRoom(db.Model):
    __tablename__ = "hotel_rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("room_blocks.id", ondelete="CASCADE"),
                                          index=True)
    number: Mapped[str] = mapped_column(String(16))

    block: Mapped[RoomBlock] = relationship(back_populates="rooms")


class RoomAssignment(db.Model):
    """A person in a room for one night: one room a night per person."""

    __tablename__ = "room_assignments"
    __table_args__ = (UniqueConstraint("registration_id", "night"),
                      Index("ix_room_assignments_room_night", "room_id", "night"))

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("hotel_rooms.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"))
    night: Mapped[date]
    # Staff confirmed a shared room its people did not both ask for.
    confirmed_by_staff: Mapped[bool] = mapped_column(default=False)

    room: Mapped[HotelRoom] = relationship()
    registration: Mapped[Registration] = relationship()
