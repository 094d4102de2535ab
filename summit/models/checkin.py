"""Scans at the gates, and each holder's first arrival."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.badge import Badge
    from summit.models.user import User


class CheckIn(db.Model):
    """One scan, whatever its result. ``scan_id`` comes from the device: a retry of the same
    scan finds this row and gets the same answer."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    scan_id: Mapped[str] = mapped_column(String(64), unique=True)
    badge_id: Mapped[int | None] = mapped_column(
        ForeignKey("badges.id", ondelete="SET NULL"), index=True)
    gate: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(64), default="")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    result: Mapped[str] = mapped_column(String(16))
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)

    badge: Mapped[Badge | None] = relationship()
    operator: Mapped[User | None] = relationship()


class Arrival(db.Model):
    """A holder's first accepted scan at a summit. The unique badge makes "counted once" a
    database rule, whatever the number of gates scanning at the same moment."""

    __tablename__ = "arrivals"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"),
                                          unique=True)
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"))
    gate: Mapped[str] = mapped_column(String(64))
    arrived_at: Mapped[datetime] = mapped_column(default=utcnow)

    badge: Mapped[Badge] = relationship()
