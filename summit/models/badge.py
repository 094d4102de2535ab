"""Badges, the per-category templates they are printed with, and batch print jobs."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.press import PressPerson
    from summit.models.registration import Registration
    from summit.models.summit import AttendeeCategory, Delegation, Summit
    from summit.models.user import User


class BadgeSize(enum.Enum):
    A6 = "a6"
    CR80 = "cr80"
    A4_SHEET = "a4_sheet"


class Badge(db.Model):
    """What a holder wears. The QR token names ``ref`` and ``version``, never the row id."""

    __tablename__ = "badges"
    # Exactly one holder: a registration or a press person (applicant or crew member).
    __table_args__ = (
        CheckConstraint("(registration_id IS NULL) <> (press_person_id IS NULL)",
                        name="one_holder"),
        # What an arrival's foreign key names: the badge and its summit together.
        UniqueConstraint("id", "summit_id", name="uq_badges_id_summit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    press_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("press_people.id", ondelete="CASCADE"), unique=True)
    # 8 random bytes as hex: the badge's public reference inside its token.
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    # SHA-256 (hex) of the token the server signed for this ref and version: the check-in
    # statement takes a token whose digest matches as the server's own, without checking its
    # signature again (``badges.stamps``). NULL, or stale after a new key, sends the
    # scan the portable way, which checks the signature and stamps the badge.
    token_digest: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(String(200), default="")
    printed_at: Mapped[datetime | None]
    printed_version: Mapped[int | None]
    # Where the last print came out (the desk's pool and printer), see ``desk.printing``.
    printed_pool_id: Mapped[int | None] = mapped_column(
        ForeignKey("printer_pools.id", ondelete="SET NULL"))
    printed_printer_id: Mapped[int | None] = mapped_column(
        ForeignKey("printers.id", ondelete="SET NULL"))
    # A printed badge is locked: printed again only once an organiser unlocks it.
    unlocked: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    registration: Mapped[Registration | None] = relationship()
    press_person: Mapped[PressPerson | None] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def printed_current(self) -> bool:
        return self.printed_at is not None and self.printed_version == self.version


class BadgeTemplate(db.Model):
    """How one category's badges look: colours, words, and optional Jinja/CSS of its own."""

    __tablename__ = "badge_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("attendee_categories.id", ondelete="CASCADE"), unique=True)
    band_colour: Mapped[str] = mapped_column(String(7), default="")
    text_colour: Mapped[str] = mapped_column(String(7), default="#ffffff")
    # The category in words as printed; empty means the category's own label.
    title_zh: Mapped[str] = mapped_column(String(60), default="")
    title_en: Mapped[str] = mapped_column(String(60), default="")
    footer: Mapped[str] = mapped_column(String(120), default="")
    # Jinja for the badge body and extra CSS; empty means the built-in design.
    html: Mapped[str] = mapped_column(Text, default="")
    css: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[AttendeeCategory] = relationship()


class BadgeSelection(enum.Enum):
    ALL_APPROVED = "all_approved"
    CATEGORY = "category"
    DELEGATION = "delegation"
    NOT_PRINTED = "not_printed"


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BadgeJob(db.Model):
    """One batch print: which badges, how far it got, and the PDF it made."""

    __tablename__ = "badge_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public id used in URLs: job pages are not enumerable.
    key: Mapped[str] = mapped_column(String(32), unique=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    selection: Mapped[BadgeSelection] = mapped_column(enum_column(BadgeSelection))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendee_categories.id", ondelete="SET NULL"))
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL"))
    size: Mapped[BadgeSize] = mapped_column(enum_column(BadgeSize))
    # The badge ids chosen when the job was created, so a rerun prints the same people.
    badge_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[JobStatus] = mapped_column(enum_column(JobStatus), default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    # Why it failed when the reason is one of ours ("interrupted"), shown in the reader's
    # language; otherwise ``error`` says it.
    failure: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # Who runs it: the process, or its RQ job while queued (``core.jobs``), so a process that
    # starts later can tell a job whose runner was killed.
    runner: Mapped[str] = mapped_column(String(160), default="", server_default="")
    file_token: Mapped[str] = mapped_column(String(64), default="")
    file_size: Mapped[int] = mapped_column(default=0)
    marked_printed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    summit: Mapped[Summit] = relationship()
    created_by: Mapped[User | None] = relationship()
    category: Mapped[AttendeeCategory | None] = relationship()
    delegation: Mapped[Delegation | None] = relationship()

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
