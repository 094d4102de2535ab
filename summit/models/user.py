"""Accounts, their logins (browsers) and API tokens, and the login throttle's counters."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from summit.database import enum_column, utcnow
from summit.extensions import db

if TYPE_CHECKING:
    from summit.models.membership import Membership
    from summit.models.summit import Summit


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Deactivated accounts cannot log in; rows stay for the audit log.
    active: Mapped[bool] = mapped_column(default=True)
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The personal-data notice agreed to at sign-up (the installation's, or the summit's
    # when signing up from a summit's page) and when (docs/privacy.md). No foreign key: the
    # notices name their author, and the two tables would depend on each other.
    consent_notice_id: Mapped[int | None]
    consented_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )
    api_tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    logins: Mapped[list[Login]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    # The raw key of the login this user object was loaded for (or just logged in with):
    # Flask-Login keeps it in the session cookie and the remember-me cookie. Not a column.
    login_key = None  # str, set per loaded object

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str | None:  # Flask-Login: what the session remembers
        return self.login_key

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Login(db.Model):
    """One browser's login. Its key (only a SHA-256 is stored) is what the session and the
    remember-me cookie carry; ending the row logs that browser out, cookie copies included."""

    __tablename__ = "logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="logins")


class TokenScope(enum.Enum):
    """What a bearer token may do: everything its user may (``full``), or only check people
    in at one summit (``checkin``, a scanner phone's device token)."""

    FULL = "full"
    CHECKIN = "checkin"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored, the prefix helps users tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope), default=TokenScope.FULL)
    # The one summit a check-in token works at (None for full tokens).
    summit_id: Mapped[int | None] = mapped_column(
        ForeignKey("summits.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")
    summit: Mapped[Summit | None] = relationship()


class LoginThrottle(db.Model):
    """Failed logins counted for one account (``account:<email>``) or one client address
    (``address:<ip>``) since the window started. Counted by conditional UPDATE, so parallel
    guesses cannot all read the same count (``services/accounts/throttle.py``)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime]
