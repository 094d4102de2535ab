"""Protocol: the precedence list of attending leaders (出席领导) and their attendance per
agenda item."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.agenda import AgendaItem
    from summit.models.registration import Registration
    from summit.models.summit import Summit


class Rank(enum.Enum):
    """级别, most senior first; NONE sorts last."""
    PROVINCIAL = "provincial"      # 省部级
    BUREAU = "bureau"              # 厅局级
    COUNTY = "county"              # 县处级
    TOWNSHIP = "township"          # 乡科级
    NONE = "none"


RANK_ORDER = {rank: index for index, rank in enumerate(Rank)}


class Attendance(enum.Enum):
    ATTENDING = "attending"
    DEPUTY = "deputy"
    ABSENT = "absent"


class PrecedenceEntry(db.Model):
    """One leader on a summit's precedence list: a registration or a named guest."""

    __tablename__ = "precedence_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    rank: Mapped[Rank] = mapped_column(enum_column(Rank), default=Rank.NONE)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    # The organiser's own order within a rank.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    registration: Mapped[Registration | None] = relationship()
    attendances: Mapped[list[ItemAttendance]] = relationship(
        back_populates="entry", cascade="all, delete-orphan")


class ItemAttendance(db.Model):
    """Whether a leader attends an agenda item, sends a deputy (named), or is absent.
    No row means attending."""

    __tablename__ = "item_attendances"
    __table_args__ = (UniqueConstraint("entry_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("precedence_entries.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[Attendance] = mapped_column(enum_column(Attendance),
                                               default=Attendance.ATTENDING)
    deputy_name: Mapped[str] = mapped_column(String(200), default="")

    entry: Mapped[PrecedenceEntry] = relationship(back_populates="attendances")
    item: Mapped[AgendaItem] = relationship()


class Convention(enum.Enum):
    GOVERNMENT = "government"        # 政务: left of No. 1 is senior
    INTERNATIONAL = "international"  # 国际/商务: right is senior


class Podium(db.Model):
    """The podium (主席台) of one agenda item: rows × seats and its convention."""

    __tablename__ = "podiums"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"),
                                         unique=True)
    rows: Mapped[int] = mapped_column(default=1)
    seats_per_row: Mapped[int] = mapped_column(default=7)
    convention: Mapped[Convention] = mapped_column(enum_column(Convention),
                                                   default=Convention.GOVERNMENT)

    item: Mapped[AgendaItem] = relationship()
    placements: Mapped[list[SeatPlacement]] = relationship(
        back_populates="podium", cascade="all, delete-orphan")


class SeatPlacement(db.Model):
    """A manual placement: this leader in this seat (row 0 is the front row, seat 0 the
    leftmost as seen from the stage); locked placements survive a refill."""

    __tablename__ = "seat_placements"
    __table_args__ = (UniqueConstraint("podium_id", "row", "seat"),
                      UniqueConstraint("podium_id", "entry_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    podium_id: Mapped[int] = mapped_column(ForeignKey("podiums.id", ondelete="CASCADE"),
                                           index=True)
    # None: a seat kept empty by hand (locked, the rule leaves it alone).
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("precedence_entries.id", ondelete="CASCADE"))
    row: Mapped[int]
    seat: Mapped[int]
    locked: Mapped[bool] = mapped_column(default=True)

    podium: Mapped[Podium] = relationship(back_populates="placements")
    entry: Mapped[PrecedenceEntry | None] = relationship()
