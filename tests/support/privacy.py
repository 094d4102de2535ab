"""What the privacy tests share: the whole database as text (SQLite's iterdump, PostgreSQL's
pg_dump), to prove a value is not in it."""
from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from summit.extensions import db
from tests.support import pg


def dump_database() -> str:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            return "\n".join(raw.driver_connection.iterdump())
        finally:
            raw.close()
    url = engine.url
    command = [str(pg.find_bin_dir() / "pg_dump"), "--data-only", "-h", url.host,
               "-p", str(url.port), "-U", url.username or "postgres", url.database]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def database_dump(app) -> Callable[[], str]:
    """``database_dump()``: every row of the test's database as SQL text (after a commit)."""
    return dump_database
