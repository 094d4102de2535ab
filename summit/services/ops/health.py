"""What a load balancer asks: does the process answer (/healthz), and can it serve (/readyz:
the database, Redis when configured, and the file store all reachable)."""
from __future__ import annotations

import logging

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from summit.extensions import db
from summit.services.core import storage

log = logging.getLogger(__name__)


def _database() -> None:
    db.session.execute(text("SELECT 1"))
    db.session.rollback()


def _redis() -> None:
    url = current_app.config.get("REDIS_URL")
    if url:
        with Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2) as connection:
            connection.ping()


def _storage() -> None:
    storage.current().check()


CHECKS = {"database": _database, "redis": _redis, "storage": _storage}


def readiness() -> dict[str, str]:
    """Each dependency and "ok", or "unavailable" (the reason goes to the log)."""
    found = {}
    for name, check in CHECKS.items():
        if name == "redis" and not current_app.config.get("REDIS_URL"):
            found[name] = "not configured"
            continue
        try:
            check()
            found[name] = "ok"
        except (SQLAlchemyError, RedisError, OSError, storage.StorageUnavailable) as error:
            if name == "database":
                db.session.rollback()
            log.warning("Not ready: %s: %s", name, type(error).__name__)
            found[name] = "unavailable"
    return found
