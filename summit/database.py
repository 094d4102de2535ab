"""Declarative base, column types and connection settings shared by every model."""
from __future__ import annotations

import enum
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, MetaData, Numeric, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def stored_utc(moment: datetime) -> datetime:
    """An aware time as every time is stored: naive UTC."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; use an aware UTC datetime")
    return moment.astimezone(UTC).replace(tzinfo=None)


def read_utc(stored: datetime) -> datetime:
    """A stored (naive UTC) time, UTC-aware."""
    return stored.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (SQLite has no time zones), always read back UTC-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else stored_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else read_utc(value)


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    """Store an Enum by its value as a plain string (portable, readable in exports)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def ping_after_idle(engine: Engine, seconds: float) -> None:
    """SQLAlchemy's ``pool_pre_ping`` check, but only for a connection that has waited in the
    pool longer than ``seconds`` (the ones a database restart or a firewall may have cut).

    A ping is a round trip to the database on every request; on the 2-core machines it was
    a tenth of an authenticated API read's CPU (issue 23). A connection given back moments
    ago is as good as the pings it would pass. A dead one is replaced at once, as with
    ``pool_pre_ping``."""

    @event.listens_for(engine, "checkin")
    def idle_from(dbapi_connection: Any, record: Any) -> None:
        record.info["summit_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get("summit_idle_since")
        if since is None or time.monotonic() - since < seconds:
            return  # new, or in use moments ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error class: any failure is a dead link
            raise exc.DisconnectionError() from error
        if not alive:
            raise exc.DisconnectionError()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL for concurrent readers, foreign keys on, and wait instead of failing on locks."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Yuan(TypeDecorator):
    """An exact amount of yuan with two decimals, read back as ``Decimal``.

    PostgreSQL stores NUMERIC(18, 2). SQLite has no exact decimal type (NUMERIC there is a
    float), so it stores whole fen in an INTEGER: values and ``SUM`` stay exact on both.
    """

    impl = Numeric(18, 2)
    cache_ok = True
    CENT = Decimal("0.01")

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        amount = Decimal(value)
        if amount != amount.quantize(self.CENT):
            raise ValueError("more than two decimals for an amount of yuan")
        if dialect.name == "sqlite":
            return int(amount * 100)
        return amount.quantize(self.CENT)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / 100).quantize(self.CENT)
        return Decimal(value).quantize(self.CENT)
