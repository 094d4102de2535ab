"""Logins: one row per browser that logged in, ended at logout, on a new password or when
the user logs out everywhere.

Flask-Login keeps ``User.get_id()`` in the session cookie and, for "remember me", in the
remember-me cookie. That id is a login's random key (only its SHA-256 is stored), so each
login gets new cookie values, and ending the row ends every copy of both cookies.
"""
from __future__ import annotations

import logging
from datetime import datetime
from functools import cache
from typing import NamedTuple

from flask import current_app

from summit.database import utcnow
from summit.extensions import db
from summit.models import ApiToken, Login, Membership, Summit, SummitDataVersion, User
from summit.services.accounts.keys import digest, new_key
from summit.services.core import audit, direct, reads

logger = logging.getLogger(__name__)

MAX_KEY = 100


def start_login(user: User, remember: bool, now: datetime | None = None) -> str:
    """A new login for ``user``; its key is set on the user for Flask-Login's ``login_user``.
    A login lasts as long as its cookie may: the remember-me duration, or the session
    lifetime without it."""
    now = now or utcnow()
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else \
        config["PERMANENT_SESSION_LIFETIME"]
    raw = new_key()
    db.session.execute(db.delete(Login).where(
        Login.user_id == user.id, db.or_(Login.ended_at.is_not(None), Login.expires_at <= now)))
    db.session.add(Login(user_id=user.id, key_hash=digest(raw), remember=remember,
                         created_at=now, expires_at=now + lifetime))
    db.session.commit()
    user.login_key = raw
    return raw


@cache
def login_user_query():
    """Built once: every page runs it, and building it cost more than running it."""
    return (db.select(User).join(Login, Login.user_id == User.id)
            .where(Login.key_hash == db.bindparam("hash"), Login.ended_at.is_(None),
                   Login.expires_at > db.bindparam("now", type_=Login.expires_at.type),
                   User.active.is_(True))
            # Every page checks the user's roles (the menu): in the same statement.
            .options(db.joinedload(User.memberships)))


def user_for_login(raw: str, now: datetime | None = None) -> User | None:
    """The active user of a login that has not ended, with their roles (one query per
    request)."""
    if not raw or len(raw) > MAX_KEY:
        return None
    user = db.session.execute(login_user_query(), {"hash": digest(raw), "now": now or utcnow()}
                              ).unique().scalar_one_or_none()
    if user is not None:
        user.login_key = raw
    return user


class PageState(NamedTuple):
    """What a kept organiser page depends on (blueprints/kept.py), read in one statement: the
    login's active user, everything of theirs a page shows or decides by (name, language,
    administrator or not, every membership as "summit id:role"), and the summit at the page's
    slug with its setup and data versions (None when there is no such summit)."""

    user_id: int
    name: str
    is_admin: bool
    locale: str | None
    memberships: tuple[str, ...]
    summit_id: int | None
    setup_version: int | None
    data_version: int


@cache
def page_state_query():
    logins, users, summits = Login.__table__, User.__table__, Summit.__table__
    members, versions = Membership.__table__, SummitDataVersion.__table__
    # Literal separators, not parameters: the statement's only parameters are its own three.
    colon, comma = db.literal_column("':'", db.String), db.literal_column("','", db.String)
    held = (db.select(db.func.aggregate_strings(
        db.cast(members.c.summit_id, db.String) + colon
        + db.type_coerce(members.c.role, db.String), comma))
        .where(members.c.user_id == users.c.id).scalar_subquery())
    return (db.select(users.c.id, users.c.name, users.c.is_admin, users.c.locale,
                      held.label("memberships"), summits.c.id.label("summit_id"),
                      summits.c.setup_version,
                      db.func.coalesce(versions.c.version, db.literal_column("0"))
                      .label("data_version"))
            .select_from(logins.join(users, users.c.id == logins.c.user_id)
                         .outerjoin(summits, summits.c.slug == db.bindparam("slug"))
                         .outerjoin(versions, versions.c.summit_id == summits.c.id))
            .where(logins.c.key_hash == db.bindparam("hash"), logins.c.ended_at.is_(None),
                   logins.c.expires_at > db.bindparam("now", type_=Login.expires_at.type),
                   users.c.active.is_(True)))


@cache
def page_state_statement():
    return direct.compiled("summit_page_state", page_state_query())


def page_state(raw: str, slug: str, now: datetime | None = None) -> PageState | None:
    """``user_for_login``'s check (the login has not ended or expired, its user is active)
    with the summit at ``slug``, as plain values in one statement outside any transaction
    (on PostgreSQL through a direct connection, as the API's token check); None when the
    login does not hold."""
    if not raw or len(raw) > MAX_KEY:
        return None
    now = now or utcnow()
    key = direct.target()
    if key is not None:
        try:
            row = direct.first_row(page_state_statement(), {
                "hash": digest(raw), "now": direct.naive_utc(now), "slug": slug}, key)
        except direct.Refused as refusal:
            logger.warning("page state statement failed (%s)", refusal)
        else:
            if row is None:
                return None
            user_id, name, is_admin, locale, held, summit_id, setup, data = row
            return _page_state(int(user_id), name, is_admin == "t", locale, held,
                               None if summit_id is None else int(summit_id),
                               None if setup is None else int(setup), int(data))
    row = reads.first_row(page_state_query(), {"hash": digest(raw), "now": now, "slug": slug})
    if row is None:
        return None
    return _page_state(row.id, row.name, row.is_admin, row.locale, row.memberships,
                       row.summit_id, row.setup_version, row.data_version)


def _page_state(user_id: int, name: str, is_admin: bool, locale: str | None,
                held: str | None, summit_id: int | None, setup_version: int | None,
                data_version: int) -> PageState:
    return PageState(user_id, name, is_admin, locale,
                     tuple(sorted(held.split(","))) if held else (), summit_id, setup_version,
                     data_version)


def end_login(raw: str | None, now: datetime | None = None) -> None:
    """Log this browser out: its session and remember-me cookies stop working, copies too."""
    if raw:
        db.session.execute(db.update(Login)
                           .where(Login.key_hash == digest(raw),
                                  Login.ended_at.is_(None))
                           .values(ended_at=now or utcnow())
                           .execution_options(synchronize_session=False))
        db.session.commit()


def end_everything(user: User, now: datetime) -> dict[str, int]:
    """End every login of ``user`` and revoke every API and device token they hold (no
    commit: part of a password reset, a disabled account, logging out everywhere). The
    counts, for the audit log."""
    logins = db.session.execute(
        db.update(Login).where(Login.user_id == user.id, Login.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session=False)).rowcount
    tokens = db.session.execute(
        db.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount
    return {"logins_ended": logins, "tokens_revoked": tokens}


def log_out_everywhere(user: User, now: datetime | None = None) -> None:
    """The user ends all their logins (this browser's too) and revokes all their tokens."""
    now = now or utcnow()
    audit.record(user, "user.logout_everywhere", user, now=now,
                 after=end_everything(user, now))
    db.session.commit()
