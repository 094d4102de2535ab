"""Configuration: defaults here, then ``instance/config.py``, then ``SUMMIT_*`` variables.

Every setting that an operator may change is listed in ``ENVIRONMENT`` with the type it is
parsed as, so ``README.md`` and the code cannot drift apart.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

# The release, as the API document reports it.
VERSION = "0.1.0"
DEFAULT_SECRET_KEY = "dev-only-change-me"


class Defaults:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # None means "SQLite in the instance folder"; resolved in create_app.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection idle longer than this (seconds) is checked before use
    # (database.ping_after_idle); one in use moments ago is not.
    DATABASE_PING_AFTER_IDLE = 10.0
    # The console's figures are kept this long (seconds) per summit, sections and language,
    # and shown "as of" their time; 0 computes them on every page (services/console).
    CONSOLE_FIGURES_SECONDS = 10.0
    # The registration list and the console are kept per app process, drawn again when
    # anything they show changes (blueprints/kept.py); False draws them on every request.
    KEPT_PAGES = True
    REDIS_URL: str | None = None
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Summit <no-reply@summit.local>"
    # Where emails go when no MAIL_SERVER is configured.
    MAIL_OUTBOX: str | None = None

    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # The key that seals ID numbers (summit/sealing.py); None: instance/data.key.
    DATA_KEY: str | None = None
    # Compare the data key with the database's at start (tests turn it on where they need it).
    DATA_KEY_CHECK = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh_Hans": "简体中文", "zh_Hant": "繁體中文", "en": "English"}

    # Login throttling: failures allowed within the window before refusing.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    EMAIL_TOKEN_MAX_AGE = timedelta(days=2)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)
    PASSWORD_HASH_METHOD = "scrypt"
    # API tokens from POST /api/v1/tokens stop working after this (None: when revoked);
    # a scanner phone's device token after DEVICE_TOKEN_LIFETIME (it asks for a new one).
    API_TOKEN_LIFETIME: timedelta | None = timedelta(days=90)
    DEVICE_TOKEN_LIFETIME = timedelta(hours=24)
    # Base URL used in emailed links when there is no request (CLI, jobs).
    SERVER_BASE_URL = "http://127.0.0.1:5000"
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_FIX_HOPS = 0
    # Host names the app answers to (".example.org" takes its subdomains too); a request for
    # any other is a 400. Empty: every host (development, tests). Links in emails never
    # depend on it: they always start with SERVER_BASE_URL.
    ALLOWED_HOSTS: list[str] = []

    # Seconds between two refreshes of an open arrivals board.
    BOARD_REFRESH_SECONDS = 5

    # Badges. Fonts made for fast printing are cached here (None: instance/fonts).
    FONT_CACHE_DIR: str | None = None
    # Processes rendering a batch in parallel (None: one per core).
    BADGE_RENDER_PROCESSES: int | None = None
    # Badges per rendered chunk of a batch; progress moves chunk by chunk.
    BADGE_CHUNK_SIZE = 50
    # Background jobs without Redis run on this many threads of the app's own process.
    JOB_THREADS = 1
    # The desk: threads sending badges to printers, and how long a sent badge may take to
    # come out before its job is failed.
    JOB_THREADS_PRINT = 4
    # Threads following sent badges until the printer has printed them (each waits on one).
    JOB_THREADS_FOLLOW = 4
    DESK_PRINT_WAIT_SECONDS = 60

    # Operations (docs/scaling.md). Where stored files live: local (STORAGE_PATH, else
    # instance/uploads), database (several app servers on one PostgreSQL) or s3.
    STORAGE = "local"
    STORAGE_PATH: str | None = None
    STORAGE_S3_BUCKET: str | None = None
    STORAGE_S3_ENDPOINT_URL: str | None = None
    STORAGE_S3_PREFIX = ""
    # Encrypts the badge signing keys in the database (None: derived from SECRET_KEY).
    SIGNING_KEYS_SECRET: str | None = None
    # Who may read /metrics: these addresses or networks, or a request with this bearer token.
    METRICS_ALLOWED: list[str] = ["127.0.0.1", "::1"]
    METRICS_TOKEN: str | None = None
    # One JSON line per log event (with the request id) instead of plain text.
    LOG_JSON = False


# name of the environment variable (without SUMMIT_) -> (config key, parser)
def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


ENVIRONMENT: dict[str, tuple[str, type | object]] = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "REDIS_URL": ("REDIS_URL", str),
    "JOB_THREADS_PRINT": ("JOB_THREADS_PRINT", int),
    "JOB_THREADS_FOLLOW": ("JOB_THREADS_FOLLOW", int),
    "DESK_PRINT_WAIT_SECONDS": ("DESK_PRINT_WAIT_SECONDS", int),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", _bool),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_DEFAULT_SENDER": ("MAIL_DEFAULT_SENDER", str),
    "SERVER_BASE_URL": ("SERVER_BASE_URL", str),
    "PROXY_FIX_HOPS": ("PROXY_FIX_HOPS", int),
    "ALLOWED_HOSTS": ("ALLOWED_HOSTS", _list),
    "FONT_CACHE_DIR": ("FONT_CACHE_DIR", str),
    "BADGE_RENDER_PROCESSES": ("BADGE_RENDER_PROCESSES", int),
    "STORAGE": ("STORAGE", str),
    "STORAGE_PATH": ("STORAGE_PATH", str),
    "STORAGE_S3_BUCKET": ("STORAGE_S3_BUCKET", str),
    "STORAGE_S3_ENDPOINT_URL": ("STORAGE_S3_ENDPOINT_URL", str),
    "STORAGE_S3_PREFIX": ("STORAGE_S3_PREFIX", str),
    "SIGNING_KEYS_SECRET": ("SIGNING_KEYS_SECRET", str),
    "METRICS_ALLOWED": ("METRICS_ALLOWED", _list),
    "METRICS_TOKEN": ("METRICS_TOKEN", str),
    "LOG_JSON": ("LOG_JSON", _bool),
    "DATA_KEY": ("DATA_KEY", str),
    "DATA_KEY_CHECK": ("DATA_KEY_CHECK", _bool),
    "DATABASE_PING_AFTER_IDLE": ("DATABASE_PING_AFTER_IDLE", float),
    "CONSOLE_FIGURES_SECONDS": ("CONSOLE_FIGURES_SECONDS", float),
    "KEPT_PAGES": ("KEPT_PAGES", _bool),
}


def from_environment(environ: os._Environ | dict) -> dict:
    """The settings given as ``SUMMIT_*`` environment variables, parsed."""
    settings = {}
    for name, (key, parse) in ENVIRONMENT.items():
        raw = environ.get(f"SUMMIT_{name}")
        if raw not in (None, ""):
            settings[key] = parse(raw)  # type: ignore[operator]
    return settings


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use psycopg 3 for both."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite database URL (None for another database or one in memory)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:") \
            or parsed.query.get("mode") == "memory" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)
