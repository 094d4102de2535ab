"""Personal data: the fingerprints of the data keys in use (summit/sealing.py) and the
summits' personal-data notices (docs/privacy.md)."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.user import User


class DataKeyCheck(db.Model):
    """One row per data key that has sealed values: its HMAC over a fixed message, so a
    start with another key is refused before it writes anything that could not be read."""

    __tablename__ = "data_key_checks"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PrivacyNotice(db.Model):
    """One version of a summit's personal-data notice (who processes what, why, how long,
    shared with whom). Editing adds a version; consents stay linked to the one they saw."""

    __tablename__ = "privacy_notices"
    __table_args__ = (UniqueConstraint("summit_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the installation's notice, shown when someone signs up outside a summit.
    summit_id: Mapped[int | None] = mapped_column(ForeignKey("summits.id",
                                                             ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(default=1)
    text_zh_hans: Mapped[str] = mapped_column(Text, default="")
    text_zh_hant: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    def text(self, language: str) -> str:
        return {"zh_Hant": self.text_zh_hant, "en": self.text_en}.get(
            language, self.text_zh_hans) or self.text_zh_hans


class RequestKind(enum.Enum):
    CORRECTION = "correction"
    DELETION = "deletion"


class RequestStatus(enum.Enum):
    OPEN = "open"
    DONE = "done"  # corrected, or everything erased
    PARTLY_KEPT = "partly_kept"  # erased except what the law keeps (the answer says what)
    REFUSED = "refused"  # nothing changed (the answer says why)


class DataRequest(db.Model):
    """A person's request to correct or delete their data, worked in the privacy queue."""

    __tablename__ = "data_requests"
    __table_args__ = (Index("ix_data_requests_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus),
                                                  default=RequestStatus.OPEN)
    answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date]
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])


class SentEmail(db.Model):
    """One email sent: to whom (account or registration), its subject, its kind (the
    template) and when; the body is not kept. Listed in the person's own data; erasure and
    purge blank the address."""

    __tablename__ = "sent_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int | None] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                                  index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(64), default="")
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
