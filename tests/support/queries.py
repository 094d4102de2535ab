"""Counting the SQL statements a block runs (tests and benchmarks: a page's query count must
not grow with its rows): those the engine runs and those sent to its database through
``services/core/direct`` (PostgreSQL's prepared statements, always autocommitted)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

from summit.services.core import direct


@contextmanager
def statements_run(engine) -> Iterator[list[str]]:
    """Every SQL statement run on ``engine`` inside the block."""
    statements: list[str] = []
    with watching(engine, lambda connection, statement: statements.append(statement)):
        yield statements


@contextmanager
def isolation_levels(engine) -> Iterator[list[str]]:
    """The isolation level each statement run on ``engine`` inside the block was run under
    ("AUTOCOMMIT": no BEGIN and ROLLBACK round trips around it)."""
    levels: list[str] = []

    def executing(connection, statement: str) -> None:
        levels.append("AUTOCOMMIT" if connection is None else  # a direct connection
                      connection.get_execution_options().get("isolation_level", "default"))

    with watching(engine, executing):
        yield levels


@contextmanager
def watching(engine, seen: Callable) -> Iterator[None]:
    """``seen(connection, statement)`` for each statement run on ``engine`` inside the block:
    ``connection`` is SQLAlchemy's, or None for one sent to its database directly."""
    def executing(connection, cursor, statement, parameters, context, executemany):
        seen(connection, statement)

    def sent_directly(database: str, statement: str) -> None:
        if database == str(engine.url):
            seen(None, statement)

    event.listen(engine, "before_cursor_execute", executing)
    direct.observers.append(sent_directly)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", executing)
        direct.observers.remove(sent_directly)
