"""Protocol: banquet and round-table seating (桌次 and 座次), table cards (桌签) printed in the
background, and what each card said when it was last printed."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db
from summit.models.badge import JobStatus
from summit.models.protocol import Convention

if TYPE_CHECKING:
    from summit.models.agenda import AgendaItem
    from summit.models.reception import MealSession
    from summit.models.summit import Summit
    from summit.models.user import User


class Banquet(db.Model):
    """The tables of one agenda item (a meal, or a meeting at round tables)."""

    __tablename__ = "banquets"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         unique=True)
    convention: Mapped[Convention] = mapped_column(enum_column(Convention),
                                                   default=Convention.GOVERNMENT)
    # Tables per row on the chart: 主桌 in the middle of the first row.
    per_row: Mapped[int] = mapped_column(default=5)
    # The reception meal these tables seat, when there is one.
    meal_id: Mapped[int | None] = mapped_column(
        ForeignKey("meal_sessions.id", ondelete="SET NULL"))

    item: Mapped[AgendaItem] = relationship()
    meal: Mapped[MealSession | None] = relationship()
    tables: Mapped[list[BanquetTable]] = relationship(
        back_populates="banquet", cascade="all, delete-orphan",
        order_by="BanquetTable.number")
    placements: Mapped[list[TablePlacement]] = relationship(
        back_populates="banquet", cascade="all, delete-orphan")


class BanquetTable(db.Model):
    """Table ``number`` (1 is 主桌, the main table) with its seats, in a room."""

    __tablename__ = "banquet_tables"
    __table_args__ = (UniqueConstraint("banquet_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    banquet_id: Mapped[int] = mapped_column(ForeignKey("banquets.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[int]
    seats: Mapped[int] = mapped_column(default=10)
    room: Mapped[str] = mapped_column(String(100), default="")

    banquet: Mapped[Banquet] = relationship(back_populates="tables")


class TablePlacement(db.Model):
    """A manual placement at a table: a leader of the precedence list or a registration, in
    seat ``seat`` (0 is the leftmost as the host sees the row of seats laid out like a podium
    row); locked placements survive a refill."""

    __tablename__ = "table_placements"
    __table_args__ = (UniqueConstraint("banquet_id", "table_number", "seat"),
                      UniqueConstraint("banquet_id", "person"))

    id: Mapped[int] = mapped_column(primary_key=True)
    banquet_id: Mapped[int] = mapped_column(ForeignKey("banquets.id", ondelete="CASCADE"),
                                            index=True)
    # "e<id>" for a precedence entry, "r<id>" for a registration.
    person: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200), default="")
    table_number: Mapped[int]
    seat: Mapped[int]
    locked: Mapped[bool] = mapped_column(default=True)

    banquet: Mapped[Banquet] = relationship(back_populates="placements")


class CardScope(enum.Enum):
    PODIUM = "podium"
    TABLE = "table"
    EVERYONE = "everyone"
    CHANGED = "changed"
    CHART = "chart"  # the table chart, not cards


class CardSize(enum.Enum):
    A4 = "a4"
    A5 = "a5"


class CardJob(db.Model):
    """One print of table cards: the cards as they were chosen, progress, and the PDF."""

    __tablename__ = "table_card_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    scope: Mapped[CardScope] = mapped_column(enum_column(CardScope))
    size: Mapped[CardSize] = mapped_column(enum_column(CardSize), default=CardSize.A4)
    table_number: Mapped[int | None]
    # Each card: person, name, name_native, title, organisation, place, place_label.
    cards: Mapped[list[dict]] = mapped_column(JSON, default=list)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    failure: Mapped[str] = mapped_column(String(32), default="")
    runner: Mapped[str] = mapped_column(String(160), default="")
    file_token: Mapped[str] = mapped_column(String(64), default="")
    file_size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    summit: Mapped[Summit] = relationship()
    item: Mapped[AgendaItem] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class CardPrint(db.Model):
    """What a person's card said at its last print: their place (podium seat or table and
    seat). The page compares it with the seating now."""

    __tablename__ = "table_card_prints"
    __table_args__ = (UniqueConstraint("item_id", "person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    person: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(40))
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("table_card_jobs.id", ondelete="SET NULL"))
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)
