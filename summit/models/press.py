"""Media accreditation: press applications with their crew and equipment, quotas per outlet
and per media type, and the press room's releases."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false as sa_false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from summit.database import enum_column, utcnow
from summit.extensions import db
from summit.sealing import Sealed, digest

if TYPE_CHECKING:
    from summit.models.privacy import PrivacyNotice
    from summit.models.summit import Summit, Zone
    from summit.models.user import User


class MediaType(enum.Enum):
    PRINT = "print"
    PHOTO = "photo"
    TV = "tv"
    ONLINE = "online"
    NEW_MEDIA = "new_media"


class PressRole(enum.Enum):
    REPORTER = "reporter"
    CAMERA = "camera"
    SOUND = "sound"
    TECHNICIAN = "technician"
    PHOTOGRAPHER = "photographer"


class PressStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"
    WAITLISTED = "waitlisted"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"


class PersonStatus(enum.Enum):
    """Each person of an application is decided on: a crew may be accredited in part."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ReasonCode(enum.Enum):
    INCOMPLETE = "incomplete"
    NOT_NEWS_OUTLET = "not_news_outlet"
    QUOTA_FULL = "quota_full"
    AFTER_DEADLINE = "after_deadline"
    DUPLICATE = "duplicate"
    OTHER = "other"


class QuotaKind(enum.Enum):
    OUTLET = "outlet"
    MEDIA_TYPE = "media_type"


press_requested_zones = Table(
    "press_requested_zones", db.metadata,
    Column("application_id", ForeignKey("press_applications.id", ondelete="CASCADE"),
           primary_key=True),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)
press_approved_zones = Table(
    "press_approved_zones", db.metadata,
    Column("application_id", ForeignKey("press_applications.id", ondelete="CASCADE"),
           primary_key=True),
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
)


class PressApplication(db.Model):
    __tablename__ = "press_applications"
    __table_args__ = (Index("ix_press_applications_summit_status", "summit_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    outlet_name: Mapped[str] = mapped_column(String(200), default="")
    # Lower-cased, spaces removed: what outlet quotas and duplicate checks compare.
    outlet_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    media_type: Mapped[MediaType] = mapped_column(enum_column(MediaType),
                                                  default=MediaType.PRINT)
    region: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    # Sealed with the data key; found through its keyed hash (summit/sealing.py).
    press_card_number: Mapped[str] = mapped_column(Sealed(), default="")
    press_card_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    # Set when the card number does not look like a national press card: for the officer.
    card_warning: Mapped[bool] = mapped_column(default=False)
    letter_token: Mapped[str] = mapped_column(String(64), default="")
    letter_name: Mapped[str] = mapped_column(String(200), default="")
    vehicle_plate: Mapped[str] = mapped_column(String(16), default="")
    # The personal-data notice agreed to and when; the separate consent without which no
    # press card number or photo is taken (docs/privacy.md).
    consent_notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("privacy_notices.id", ondelete="SET NULL"))
    consented_at: Mapped[datetime | None]
    sensitive_consent: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    locale: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    status: Mapped[PressStatus] = mapped_column(enum_column(PressStatus),
                                                default=PressStatus.DRAFT)
    reason_code: Mapped[ReasonCode | None] = mapped_column(enum_column(ReasonCode))
    # What the applicant reads, and what only the officers read.
    message: Mapped[str] = mapped_column(Text, default="")
    internal_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    summit: Mapped[Summit] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    consent_notice: Mapped[PrivacyNotice | None] = relationship()
    people: Mapped[list[PressPerson]] = relationship(
        back_populates="application", cascade="all, delete-orphan",
        order_by="PressPerson.position")
    equipment: Mapped[list[PressEquipment]] = relationship(
        back_populates="application", cascade="all, delete-orphan",
        order_by="PressEquipment.position")
    requested_zones: Mapped[list[Zone]] = relationship(secondary=press_requested_zones,
                                                       order_by="Zone.code")
    approved_zones: Mapped[list[Zone]] = relationship(secondary=press_approved_zones,
                                                      order_by="Zone.code")

    @validates("press_card_number")
    def _hash_card_number(self, key: str, value: str) -> str:
        self.press_card_hash = digest(value or "")
        return value

    @property
    def applicant(self) -> PressPerson | None:
        return self.people[0] if self.people else None

    @property
    def crew(self) -> list[PressPerson]:
        return self.people[1:]


class PressPerson(db.Model):
    """The applicant (position 0) or a crew member: each gets their own badge."""

    __tablename__ = "press_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("press_applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(100))
    name_native: Mapped[str] = mapped_column(String(200), default="")
    name_pinyin: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[PressRole] = mapped_column(enum_column(PressRole), default=PressRole.REPORTER)
    photo_token: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[PersonStatus] = mapped_column(enum_column(PersonStatus),
                                                 default=PersonStatus.PENDING)
    reason_code: Mapped[ReasonCode | None] = mapped_column(enum_column(ReasonCode))

    application: Mapped[PressApplication] = relationship(back_populates="people")


class PressEquipment(db.Model):
    __tablename__ = "press_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("press_applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    item: Mapped[str] = mapped_column(String(100))
    serial_number: Mapped[str] = mapped_column(String(64), default="")

    application: Mapped[PressApplication] = relationship(back_populates="equipment")


class PressQuota(db.Model):
    """At most ``limit`` accredited people for one outlet or one media type."""

    __tablename__ = "press_quotas"
    __table_args__ = (UniqueConstraint("summit_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"))
    kind: Mapped[QuotaKind] = mapped_column(enum_column(QuotaKind))
    # The outlet key (see PressApplication.outlet_key) or the media type's value.
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")
    limit: Mapped[int] = mapped_column(default=1)

    summit: Mapped[Summit] = relationship()


class PressRelease(db.Model):
    """A release in the press room, read by the summit's accredited press."""

    __tablename__ = "press_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    # [{"token", "name", "kind": "image" | "file", "mimetype", "size"}]
    files: Mapped[list[dict]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    summit: Mapped[Summit] = relationship()
