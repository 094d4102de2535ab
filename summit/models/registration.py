"""A person at a summit, and the invitation codes that open closed categories."""
from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from summit.database import enum_column, utcnow
from summit.extensions import db
from summit.sealing import Sealed, digest

if TYPE_CHECKING:
    from summit.models.privacy import PrivacyNotice
    from summit.models.summit import AttendeeCategory, Delegation, Summit
    from summit.models.user import User


class RegistrationStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"
    WAITLISTED = "waitlisted"


# Registrations in these states hold a place against capacities and quotas.
HOLDS_PLACE = (RegistrationStatus.PENDING, RegistrationStatus.APPROVED)


class Diet(enum.Enum):
    NONE = "none"
    VEGETARIAN = "vegetarian"
    HALAL = "halal"
    OTHER = "other"


class IdDocumentType(enum.Enum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    OTHER = "other"


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendee_categories.id", ondelete="SET NULL"))
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL"))
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    summit: Mapped[Summit] = relationship()
    category: Mapped[AttendeeCategory | None] = relationship()
    delegation: Mapped[Delegation | None] = relationship()


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("summit_id", "email"),
        Index("ix_registrations_summit_status", "summit_id", "status"),
        # The console's to-do list: a summit's oldest pending registrations, read in order.
        Index("ix_registrations_summit_status_created", "summit_id", "status", "created_at",
              "id"),
        Index("ix_registrations_summit_sort", "summit_id", "sort_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("attendee_categories.id"))
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"))

    name: Mapped[str] = mapped_column(String(100))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    name_pinyin: Mapped[str] = mapped_column(String(100), default="")
    pinyin_overridden: Mapped[bool] = mapped_column(default=False)
    # Every searchable form of the name (see services.names.search_key).
    search_key: Mapped[str] = mapped_column(String(1000), default="")
    sort_key: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[str] = mapped_column(String(100), default="")
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(32), default="")
    id_type: Mapped[IdDocumentType | None] = mapped_column(enum_column(IdDocumentType))
    # Sealed with the data key; found through its keyed hash (summit/sealing.py).
    id_number: Mapped[str] = mapped_column(Sealed(), default="")
    id_number_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    diet: Mapped[Diet] = mapped_column(enum_column(Diet), default=Diet.NONE)
    diet_note: Mapped[str] = mapped_column(String(200), default="")
    accessibility: Mapped[str] = mapped_column(String(500), default="")
    arrival_date: Mapped[date | None]
    arrival_time: Mapped[time | None]
    arrival_transport: Mapped[str] = mapped_column(String(20), default="")
    arrival_pickup: Mapped[bool] = mapped_column(default=False)
    departure_date: Mapped[date | None]
    departure_time: Mapped[time | None]
    departure_transport: Mapped[str] = mapped_column(String(20), default="")
    departure_pickup: Mapped[bool] = mapped_column(default=False)
    hotel: Mapped[str] = mapped_column(String(100), default="")
    room_sharing: Mapped[str] = mapped_column(String(100), default="")
    # For rooming (reception): "female" / "male" / "" and "single" / "shared" / "".
    gender: Mapped[str] = mapped_column(String(8), default="", server_default="")
    room_wish: Mapped[str] = mapped_column(String(8), default="", server_default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    # The personal-data notice version agreed to, when, and the separate consent that lets
    # the ID number (and photo) be asked (docs/privacy.md).
    consent_notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("privacy_notices.id", ondelete="SET NULL"))
    consented_at: Mapped[datetime | None]
    sensitive_consent: Mapped[bool] = mapped_column(default=False)

    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column(RegistrationStatus), default=RegistrationStatus.PENDING)
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_at: Mapped[datetime | None]
    # The desk: registered on the day (``desk.walkins``); in place of another person
    # (``desk.substitutes``: the original is kept, cancelled); an aide, driver or interpreter
    # of a principal (``desk.aides``).
    walk_in: Mapped[bool] = mapped_column(default=False, server_default="0")
    substitute_for_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    principal_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    aide_role: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    summit: Mapped[Summit] = relationship()
    user: Mapped[User | None] = relationship()
    category: Mapped[AttendeeCategory] = relationship()
    delegation: Mapped[Delegation | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    substitute_for: Mapped[Registration | None] = relationship(
        remote_side="Registration.id", foreign_keys=[substitute_for_id])
    principal: Mapped[Registration | None] = relationship(
        remote_side="Registration.id", foreign_keys=[principal_id])
    consent_notice: Mapped[PrivacyNotice | None] = relationship()

    @validates("id_number")
    def _hash_id_number(self, key: str, value: str) -> str:
        self.id_number_hash = digest(value or "")
        return value
