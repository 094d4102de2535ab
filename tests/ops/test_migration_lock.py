"""Two app servers starting at once both run ``flask db upgrade``
(deploy/systemd/summit.service): the upgrade takes a lock, so one waits for the other and
then finds the schema up to date, instead of both creating the same tables."""
from __future__ import annotations

import logging
import os
import subprocess
import threading
import time

import psycopg
import pytest
import sqlalchemy as sa

from summit.services.ops import migration_lock
from tests.support.nodes import BIN, ROOT


@pytest.mark.postgres_only
def test_two_upgrades_at_once_on_postgresql_run_one_after_the_other(pg_cluster, tmp_path):
    url = pg_cluster.create_database("summit_migrate_race")
    holder = psycopg.connect(f"host=127.0.0.1 port={pg_cluster.port} user=postgres "
                             "dbname=summit_migrate_race", autocommit=True)
    try:
        # Held here until both servers are waiting for it: they start "at once".
        holder.execute("SELECT pg_advisory_lock(%s)", (migration_lock.LOCK_KEY,))
        servers = [start_upgrade(url, tmp_path / f"node{n}") for n in (1, 2)]
        deadline = time.monotonic() + 120
        while waiting(holder) < 2:
            assert time.monotonic() < deadline, [s.poll() for s in servers]
            assert all(s.poll() is None for s in servers), [s.communicate() for s in servers]
            time.sleep(0.1)
        holder.execute("SELECT pg_advisory_unlock(%s)", (migration_lock.LOCK_KEY,))
        outputs = [server.communicate(timeout=300) for server in servers]
    finally:
        holder.close()

    for server, (_out, err) in zip(servers, outputs, strict=True):
        assert server.returncode == 0, err
        assert migration_lock.WAITING in err
    engine = sa.create_engine(url)
    assert "badges" in sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert len(connection.execute(sa.text("SELECT * FROM alembic_version")).all()) == 1
    engine.dispose()


def start_upgrade(url: str, instance) -> subprocess.Popen:
    instance.mkdir()
    env = flask_db_env(url, instance)
    return subprocess.Popen([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def flask_db_env(url: str, instance) -> dict:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SUMMIT_", "FLASK_"))}
    env.update(FLASK_APP="summit", SUMMIT_DATABASE_URL=url, SUMMIT_SECRET_KEY="x",
               SUMMIT_INSTANCE_PATH=str(instance))
    return env


def waiting(connection) -> int:
    return connection.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()[0]


class Waiting(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == migration_lock.WAITING:
            self.seen.set()


def test_on_sqlite_a_second_upgrade_waits_for_the_file_lock(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'summit.db'}")
    order: list[str] = []
    first_in, waiting_seen = threading.Event(), Waiting()
    logging.getLogger(migration_lock.__name__).addHandler(waiting_seen)

    def server(name: str) -> None:
        with migration_lock.held(engine):
            order.append(f"{name} in")
            first_in.set()
            if name == "first":  # holds the lock until the second says it waits
                assert waiting_seen.seen.wait(10)
            order.append(f"{name} out")

    try:
        threads = [threading.Thread(target=server, args=(name,)) for name in ("first", "second")]
        threads[0].start()
        assert first_in.wait(10)
        threads[1].start()
        for thread in threads:
            thread.join(10)
    finally:
        logging.getLogger(migration_lock.__name__).removeHandler(waiting_seen)
        engine.dispose()

    assert order == ["first in", "first out", "second in", "second out"]
