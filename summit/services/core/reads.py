"""Reads that answer everyone alike (the API's summit list and summit read), run outside any
transaction: each statement its own snapshot, as READ COMMITTED already gives each statement,
without the BEGIN and ROLLBACK round trips around them (issue 23)."""
from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, Engine

from summit.extensions import db


def read_connection() -> Connection:
    """The session's connection, autocommitted unless the session is already in a
    transaction (a test's may be: it keeps it)."""
    if db.session().in_transaction():
        return db.session.connection()
    return db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def first_row(statement, parameters: dict):
    """The first row of ``statement``, on a pooled connection of its own in autocommit: no
    ORM session is opened, so none is closed at the end of the request (a warm API read is
    this one statement: the session's set-up and tear-down were a third of its CPU)."""
    with autocommit(db.engine).connect() as connection:
        return connection.execute(statement, parameters).first()


@cache
def autocommit(engine: Engine) -> Engine:
    return engine.execution_options(isolation_level="AUTOCOMMIT")
