"""Personal data: the fingerprints of the data keys in use (summit/sealing.py) and the
summits' personal-data notices (docs/privacy.md)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from summit.database import utcnow
from summit.extensions import db


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
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
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
