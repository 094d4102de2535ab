"""The on-site desk: printers, the pools (one per desk or kiosk) they print for, and every
badge print sent to them."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db
from summit.models.badge import BadgeSize

if TYPE_CHECKING:
    from summit.models.badge import Badge
    from summit.models.registration import Registration
    from summit.models.summit import Summit
    from summit.models.user import User


class PrinterPool(db.Model):
    """A desk (or a kiosk) and the printers it prints to, tried in order. It also holds what
    the desk's staff may do with walk-ins: the categories, and whether they approve."""

    __tablename__ = "printer_pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(80))
    kiosk: Mapped[bool] = mapped_column(default=False)
    walk_in_category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    walk_in_approve: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    printers: Mapped[list[Printer]] = relationship(
        back_populates="pool", order_by="Printer.position, Printer.id")


class Printer(db.Model):
    __tablename__ = "printers"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("printer_pools.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # ipp://host:631/printers/desk-a or ipps://...
    uri: Mapped[str] = mapped_column(String(300))
    paper: Mapped[BadgeSize] = mapped_column(enum_column(BadgeSize), default=BadgeSize.A6)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    pool: Mapped[PrinterPool | None] = relationship(back_populates="printers")


class PrintStatus(enum.Enum):
    QUEUED = "queued"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"


class PrintReason(enum.Enum):
    FIRST = "first"
    LOST = "lost"
    DAMAGED = "damaged"
    WRONG_DATA = "wrong_data"


class PrintJob(db.Model):
    """One badge sent to a printer of a pool: the history of a badge's prints."""

    __tablename__ = "print_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete="CASCADE"))
    pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("printer_pools.id", ondelete="SET NULL"))
    # Chosen by the runner (the pool's first idle printer), or by staff when resending.
    printer_id: Mapped[int | None] = mapped_column(
        ForeignKey("printers.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[PrintReason] = mapped_column(enum_column(PrintReason),
                                                default=PrintReason.FIRST)
    badge_version: Mapped[int] = mapped_column(default=1)
    kiosk: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PrintStatus] = mapped_column(enum_column(PrintStatus),
                                                default=PrintStatus.QUEUED)
    # The printer's own words when it refused or failed (or ours: unreachable, timed out).
    error: Mapped[str] = mapped_column(String(500), default="")
    ipp_job_id: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    runner: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    summit: Mapped[Summit] = relationship()
    registration: Mapped[Registration] = relationship()
    badge: Mapped[Badge] = relationship()
    pool: Mapped[PrinterPool | None] = relationship()
    printer: Mapped[Printer | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in (PrintStatus.DONE, PrintStatus.FAILED)
