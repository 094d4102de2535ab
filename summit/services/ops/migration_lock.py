"""One migration at a time: every app server runs ``flask db upgrade`` when it starts
(deploy/systemd/summit.service), so two may start together. migrations/env.py holds this
lock around the whole upgrade; the second server waits, then finds the schema up to date.

PostgreSQL: a session advisory lock on a connection of its own (released when it closes,
even if the process dies). SQLite (one machine): an exclusive ``flock`` on a file next to
the database."""
from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Engine

from summit.config import sqlite_file
from summit.services.core.private_files import FILE_MODE

# "SUMMITDB" as a 64-bit number: the advisory lock's key, the same on every server.
LOCK_KEY = int.from_bytes(b"SUMMITDB", "big") >> 1
WAITING = "Another server is migrating the database: waiting for it to finish."

log = logging.getLogger(__name__)


@contextmanager
def held(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with _postgres(engine):
            yield
        return
    database = sqlite_file(engine.url.render_as_string(hide_password=False))
    if database is None:
        yield
        return
    with _file_lock(f"{database}.migrate-lock"):
        yield


@contextmanager
def _postgres(engine: Engine) -> Iterator[None]:
    with engine.connect() as connection:
        if not connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}):
            log.warning(WAITING)
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            connection.commit()


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning(WAITING)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock
