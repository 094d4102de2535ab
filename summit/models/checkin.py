"""Scans at the gates, and each holder's first arrival."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.agenda import AgendaItem
    from summit.models.badge import Badge
    from summit.models.user import User


class CheckIn(db.Model):
    """One scan, whatever its result. ``scan_id`` comes from the device: a retry of the same
    scan finds this row and gets the same answer.

    The gate's log: its summit and operator carry no foreign key. Each would make every scan
    lock that summit's and that operator's row (KEY SHARE), and parallel scans then share
    those locks through MultiXacts: 0.89 ms of PostgreSQL CPU per scan with 8 connections,
    0.52–0.58 ms without (bench/README.md). Both come from the authenticated request,
    and summits and users are closed or deactivated, never deleted."""

    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_summit_received", "summit_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int]
    scan_id: Mapped[str] = mapped_column(String(64), unique=True)
    badge_id: Mapped[int | None] = mapped_column(
        ForeignKey("badges.id", ondelete="SET NULL"), index=True)
    gate: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(64), default="")
    operator_id: Mapped[int | None]
    result: Mapped[str] = mapped_column(String(16))
    # The device's clock when the scan was made (an offline scan arrives later).
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # "scan" (the QR code) or "manual" (found by name or phone at the desk).
    method: Mapped[str] = mapped_column(String(8), default="scan", server_default="scan")
    # Made while the device had no network: its screen answered from the manifest.
    offline: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The other scan of the same badge, made elsewhere while one of them was offline: both
    # let the holder in, the organisers should know. The earlier (by scan time) is the arrival.
    conflict_with_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"))
    # Scanned at a salon's door: the agenda item the gate was bound to at the time.
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))

    badge: Mapped[Badge | None] = relationship()
    operator: Mapped[User | None] = relationship(
        primaryjoin="foreign(CheckIn.operator_id) == User.id")
    conflict_with: Mapped[CheckIn | None] = relationship(remote_side=[id])


class Arrival(db.Model):
    """A holder's first accepted scan at a summit. The unique badge makes "counted once" a
    database rule, whatever the number of gates scanning at the same moment. Its foreign key
    names the badge with its summit: the arrival is at the badge's own summit, and the key
    locks the badge's row, not the summit's that every gate shares (see ``CheckIn``)."""

    __tablename__ = "arrivals"
    __table_args__ = (ForeignKeyConstraint(
        ["badge_id", "summit_id"], ["badges.id", "badges.summit_id"], ondelete="CASCADE",
        name="fk_arrivals_badge_summit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(index=True)
    badge_id: Mapped[int] = mapped_column(unique=True)
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"))
    gate: Mapped[str] = mapped_column(String(64))
    arrived_at: Mapped[datetime] = mapped_column(default=utcnow)

    badge: Mapped[Badge] = relationship()


class Gate(db.Model):
    """A door where badges are scanned, named by the organisers. The scanner offers these;
    the API also takes other names (a gate set up on the day)."""

    __tablename__ = "gates"
    __table_args__ = (UniqueConstraint("summit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(64))
    # A salon's door: scans here record attendance at this agenda item.
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agenda_item: Mapped[AgendaItem | None] = relationship()


class SalonAttendance(db.Model):
    """A holder's first accepted scan at a salon's door, once per salon (the unique pair
    holds under parallel scans). Booked or walk-in is read from the bookings."""

    __tablename__ = "salon_attendances"
    __table_args__ = (UniqueConstraint("item_id", "badge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"),
                                          index=True)
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"))
    gate: Mapped[str] = mapped_column(String(64))
    attended_at: Mapped[datetime] = mapped_column(default=utcnow)

    badge: Mapped[Badge] = relationship()
