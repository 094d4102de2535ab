"""The login throttle: failed logins counted per account and per client address.

A guess is counted *before* its password is checked, by one conditional UPDATE (``failures <
limit``): on PostgreSQL it waits for a parallel guess's update of the same row and checks the
limit again on the new count, on SQLite the write lock serialises it. So however many guesses
arrive at once, no more than the limit are ever checked. A right password takes its guess back.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from summit.extensions import db
from summit.models import LoginThrottle
from summit.services.core.errors import TooManyAttempts

WINDOW_STARTED = LoginThrottle.__table__.c.window_started_at


def _keys(email: str, address: str) -> tuple[str, str]:
    return f"account:{email}", f"address:{address}"


def _count(key: str, limit: int, now: datetime) -> bool:
    """One more failure for ``key`` unless it has ``limit`` in the window: True if counted."""
    since = now - current_app.config["LOGIN_FAILURE_WINDOW"]
    expired = LoginThrottle.window_started_at < since
    count = (db.update(LoginThrottle)
             .where(LoginThrottle.key == key, db.or_(expired, LoginThrottle.failures < limit))
             .values(failures=db.case((expired, 1), else_=LoginThrottle.failures + 1),
                     window_started_at=db.case((expired, db.literal(now, WINDOW_STARTED.type)),
                                               else_=LoginThrottle.window_started_at))
             .execution_options(synchronize_session=False))
    if db.session.execute(count).rowcount:
        return True
    insert = (postgresql.insert if db.session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)
    first = insert(LoginThrottle).values(key=key, failures=1, window_started_at=now) \
        .on_conflict_do_nothing(index_elements=["key"]).returning(LoginThrottle.key)
    if db.session.execute(first).scalar() is not None:
        return True
    # A parallel guess made the row between the two statements: count on it.
    return bool(db.session.execute(count).rowcount)


def _take_back(key: str) -> None:
    db.session.execute(db.update(LoginThrottle)
                       .where(LoginThrottle.key == key, LoginThrottle.failures > 0)
                       .values(failures=LoginThrottle.failures - 1)
                       .execution_options(synchronize_session=False))


def count_guess(email: str, address: str, now: datetime) -> None:
    """Count this login attempt against the account and the address, or refuse it."""
    config = current_app.config
    minutes = max(1, int(config["LOGIN_FAILURE_WINDOW"].total_seconds() // 60))
    account, network = _keys(email, address)
    if not _count(account, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], now):
        db.session.rollback()
        raise TooManyAttempts(_l(
            "Too many failed attempts for this account. Try again in %(minutes)d minutes "
            "or reset your password.", minutes=minutes))
    if not _count(network, config["LOGIN_MAX_FAILURES_PER_ADDRESS"], now):
        db.session.rollback()  # the account's guess was not checked: it does not count
        raise TooManyAttempts(_l(
            "Too many failed attempts from your network. Try again in %(minutes)d minutes.",
            minutes=minutes))
    db.session.commit()  # parallel guesses see this one before its password is checked


def forget_guess(email: str, address: str) -> None:
    """The password was right: the account starts afresh and the address's guess is taken
    back (no commit: the caller's login commits)."""
    account, network = _keys(email, address)
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.key == account))
    _take_back(network)


def clear_account(email: str) -> None:
    """A new password: the account's failures no longer count (no commit)."""
    db.session.execute(db.delete(LoginThrottle).where(
        LoginThrottle.key == _keys(email, "")[0]))

