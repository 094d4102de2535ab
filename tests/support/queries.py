"""Counting the SQL statements a block runs (tests and benchmarks: a page's query count must
not grow with its rows)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements_run(engine) -> Iterator[list[str]]:
    """Every SQL statement run on ``engine`` inside the block."""
    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


@contextmanager
def isolation_levels(engine) -> Iterator[list[str]]:
    """The isolation level each statement run on ``engine`` inside the block was run under
    ("AUTOCOMMIT": no BEGIN and ROLLBACK round trips around it)."""
    levels: list[str] = []

    def executing(connection, cursor, statement, parameters, context, executemany):
        levels.append(connection.get_execution_options().get("isolation_level", "default"))

    event.listen(engine, "before_cursor_execute", executing)
    try:
        yield levels
    finally:
        event.remove(engine, "before_cursor_execute", executing)
