"""Roles a user holds at a summit."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.summit import Summit
    from summit.models.user import User


class Role(enum.Enum):
    ORGANISER = "organiser"
    REGISTRAR = "registrar"
    DELEGATE = "delegate"
    PRESS = "press"
    MEDIA_OFFICER = "media_officer"
    AGREEMENTS_OFFICER = "agreements_officer"
    OFFICIAL = "official"
    CHECKIN_STAFF = "checkin_staff"
    DESK_STAFF = "desk_staff"
    RECEPTION_STAFF = "reception_staff"
    PRIVACY_OFFICER = "privacy_officer"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "summit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    summit_id: Mapped[int] = mapped_column(
        ForeignKey("summits.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role))
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    summit: Mapped[Summit] = relationship(back_populates="memberships")
