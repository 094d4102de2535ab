"""Statements sent to PostgreSQL through psycopg directly, for the hottest paths: the gates'
check-in statement and the API's token check (issue 23).

**Connections.** A few of this process's own per database, in autocommit; each statement is
prepared on a connection the first time it runs there and executed through libpq directly
(``PGconn.exec_prepared``, text parameters, text results): no pool check-out, no ping, no
BEGIN or COMMIT, no SQLAlchemy execution context or per-column loaders. A sender borrows an
idle connection and gives it back, so none is left open by a thread that ended, and one set
serves every statement (a process holds as many as it has senders at once). The connections
run short statements on a few rows found by index: a generic plan, index nested loops, and
at most a second's wait for a row another transaction is writing (two seconds in all).

**Failures.** A lost connection is reopened and the statement sent again once (callers send
only statements that are safe to send twice). An error the database gives is returned as
its result; the connection is kept when the error is about the data or its moment, closed
otherwise (the schema may have changed under the statement).

**Counting.** Every statement sent is reported to ``observers`` (the tests' statement counts,
``tests/support/queries.py``, see these as they see the engine's).
"""
from __future__ import annotations

import atexit
import os
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import pq
from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg

from summit.database import stored_utc
from summit.extensions import db

# No memoize: setting its cache up costs a statement more than the look-ups it saves (the
# check-in statement, bench/README.md's fifth pass).
SESSION = ("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; "
           "SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_memoize = off; "
           "SET lock_timeout = '1s'; SET statement_timeout = '2s'")
# A connection whose peer went silent fails after this many milliseconds (TCP only).
TCP_USER_TIMEOUT_MS = 5000
# Errors about the data or its moment, not about the connection or the statement: data
# exception, integrity, deadlock or serialisation, lock not available, cancelled.
KEEP_CONNECTION = ("22", "23", "40", "55", "57")
ANSWERED = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)

# Called with (the database's URL as str(engine.url) gives it, the statement's SQL) before
# each statement is sent.
observers: list[Callable[[str, str], None]] = []


@dataclass(frozen=True)
class Prepared:
    """A statement to prepare on each connection: its name there, its SQL with ``$1, $2,
    ...``, and the names of its parameters in that order."""

    name: bytes
    sql: bytes
    params: tuple[str, ...]


def numbered(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """``sql`` with ``%(name)s`` placeholders as libpq's ``$1, $2, ...`` and the names in
    that order (a name used twice is one parameter)."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return re.sub(r"%\((\w+)\)s", number, " ".join(sql.split())).encode(), tuple(names)


def prepared(name: str, sql: str) -> Prepared:
    """``sql`` (``%(name)s`` placeholders, as psycopg and SQLAlchemy's PostgreSQL compiler
    write them) as the statement ``name`` of every direct connection."""
    text, params = numbered(sql)
    return Prepared(name.encode(), text, params)


def naive_utc(moment: datetime) -> str:
    """A time as ``UTCDateTime`` stores it, in ISO 8601: a text parameter for a timestamp
    column (no column type converts here)."""
    return stored_utc(moment).isoformat()


def target() -> tuple[int, str] | None:
    """``database_key()`` when the app's database takes direct statements (PostgreSQL
    through psycopg), else None."""
    key, usable = _target()
    return key if usable else None


def database_key() -> tuple[int, str]:
    """This process and the app's database: what connections (and check-in batches) belong
    to."""
    return _target()[0]


# By engine: this process's key and whether its database takes direct statements. Found once
# per engine and process: rendering the URL cost more than the rest of a statement's Python.
_targets: weakref.WeakKeyDictionary[Engine, tuple[tuple[int, str], bool]] = \
    weakref.WeakKeyDictionary()


# The engine by key: what a connection is opened with, without an application context.
_engines: weakref.WeakValueDictionary[tuple[int, str], Engine] = weakref.WeakValueDictionary()


def _target() -> tuple[tuple[int, str], bool]:
    engine = db.engine
    known = _targets.get(engine)
    if known is None or known[0][0] != os.getpid():
        dialect = engine.dialect
        known = _targets[engine] = ((os.getpid(), str(engine.url)),
                                    dialect.name == "postgresql" and dialect.driver == "psycopg")
        _engines[known[0]] = engine
    return known


# --- connections -------------------------------------------------------------------------

class Connection(psycopg.Connection):
    """A direct connection, with the names of the statements prepared on it."""

    prepared: set[bytes]


# This process's idle direct connections, by database.
_idle: dict[tuple[int, str], list[Connection]] = {}
_idle_lock = threading.Lock()


def _connect(key: tuple[int, str]) -> Connection:
    """A connection to the database ``key`` names, with its engine's own connection
    arguments, set up for short statements."""
    engine = _engines.get(key) or db.engine
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    kwargs.pop("context", None)  # SQLAlchemy's type adapters: this path reads plain text
    kwargs.setdefault("tcp_user_timeout", TCP_USER_TIMEOUT_MS)
    connection = Connection.connect(*args, **kwargs, autocommit=True)
    connection.prepared = set()
    connection.execute(SESSION)
    return connection


def _take(key: tuple[int, str], fresh: bool = False) -> Connection:
    """An idle connection of this process to the database (``fresh``: a new one); the
    caller gives it back (``_give_back``) or closes it."""
    idle = _idle.setdefault(key, [])
    connection = None
    with _idle_lock:
        while idle and not fresh and connection is None:
            connection = idle.pop()
            if connection.closed:
                connection = None
    return connection or _connect(key)


def _give_back(key: tuple[int, str], connection: Connection) -> None:
    with _idle_lock:
        _idle.setdefault(key, []).append(connection)


def idle_backends() -> list[int]:
    """The server process ids of this process's idle connections (tests end them)."""
    with _idle_lock:
        return [connection.info.backend_pid for key, idle in _idle.items()
                if key[0] == os.getpid() for connection in idle if not connection.closed]


def close_connections() -> None:
    """Close this process's idle connections (at exit). A forked child leaves its parent's
    alone: closing them would end the parent's sessions."""
    with _idle_lock:
        for key in [key for key in _idle if key[0] == os.getpid()]:
            for connection in _idle.pop(key):
                connection.close()


atexit.register(close_connections)


# --- one statement -----------------------------------------------------------------------

def _run(connection: Connection, statement: Prepared, values: list) -> pq.PGresult:
    if statement.name not in connection.prepared:
        result = connection.pgconn.prepare(statement.name, statement.sql)
        if result.status != pq.ExecStatus.COMMAND_OK:
            return result
        connection.prepared.add(statement.name)
    return connection.pgconn.exec_prepared(statement.name, values)


def execute(statement: Prepared, values: list[bytes | None],
            key: tuple[int, str] | None = None) -> pq.PGresult:
    """Run ``statement`` with ``values`` (its parameters as text, in ``params``' order; None
    for NULL): its result, an error result when the database refused it (see the module's
    docstring for what happens to the connection). Sent again once on a new connection when
    the connection was lost; ``psycopg.OperationalError`` when it was lost twice."""
    key = key or database_key()
    for observer in observers:
        observer(key[1], statement.sql.decode())
    for attempt in (1, 2):
        connection = _take(key, fresh=attempt == 2)
        try:
            result = _run(connection, statement, values)
        except psycopg.OperationalError:
            result = None  # the connection was closed under us
        except BaseException:
            connection.close()
            raise
        if result is not None and result.status in ANSWERED:
            _give_back(key, connection)
            return result
        if result is None or connection.pgconn.status != pq.ConnStatus.OK:
            connection.close()
            continue
        if sqlstate(result).startswith(KEEP_CONNECTION):
            _give_back(key, connection)
        else:
            connection.close()
        return result
    raise psycopg.OperationalError("the database connection was lost twice")


class Refused(Exception):
    """The database refused a statement (its SQLSTATE and message are in the text)."""


def compiled(name: str, query) -> Prepared:
    """A SQLAlchemy ``query`` as PostgreSQL runs it, prepared as ``name``: one statement,
    written once, whichever way it is sent."""
    return prepared(name, str(query.compile(dialect=postgresql_psycopg.dialect())))


def first_row(statement: Prepared, values: dict[str, str | None],
              key: tuple[int, str]) -> list[str | None] | None:
    """The first row of ``statement`` as text (None when it has none), its parameters by
    name; ``Refused`` when the database refused it."""
    result = execute(statement, [None if values[name] is None else values[name].encode()
                                 for name in statement.params], key)
    if result.status != pq.ExecStatus.TUPLES_OK:
        raise Refused(f"{sqlstate(result)}: {error_text(result)}")
    return row_texts(result) if result.ntuples else None


def row_texts(result: pq.PGresult, row: int = 0) -> list[str | None]:
    """A row of a result as text (None for NULL)."""
    return [None if (value := result.get_value(row, column)) is None else value.decode()
            for column in range(result.nfields)]


def sqlstate(result: pq.PGresult) -> str:
    return (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()


def error_text(result: pq.PGresult) -> str:
    return result.error_message.decode(errors="replace").strip()
