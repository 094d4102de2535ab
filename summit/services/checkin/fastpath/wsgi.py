"""The gates' hot path at the WSGI layer: ``POST /api/v1/summits/<slug>/checkins``.

Every gate posts a scan per person. An ordinary online scan is answered here, before Flask
builds a request: the body is read and parsed, ``scan`` checks the token and records
the scan in one SQL statement, and the answer goes out with the JSON and the headers the view
gives. Flask's per-request work (request context, session, URL matching, hooks, response
object) was half of what a scan cost the application.

Anything else goes on to Flask with the body put back, and the view answers, errors included:
another path or method, a body that is not a small JSON object, no bearer token, a field the
view would refuse, and whatever ``scan`` leaves to the portable path (an
offline scan, a salon door, a token it cannot vouch for, a repeated scan id). The view's
answers are the reference: the same scans get the same answers whichever way they go. On
SQLite the middleware is not installed: every scan is the view's.
"""
from __future__ import annotations

import io
import json
import logging
import os
import re
from collections.abc import Callable, Iterable

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy.engine import make_url

from summit.http import SlugConverter, security_headers
from summit.services.accounts import tokens as api_tokens
from summit.services.checkin import scans
from summit.services.checkin.fastpath import batches, scan as fast_scan
from summit.services.core import direct, metrics
from summit.services.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

ENDPOINT = "api.create_checkin"
JSON_WRITER = "summit.checkin_json"  # app.extensions: the answers' JSON encoder


def path_pattern(app: Flask) -> re.Pattern:
    """The view's own URL rule as a pattern: one source for where scans are posted."""
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == ENDPOINT)
    return re.compile(re.escape(rule.rule).replace(re.escape("<slug:slug>"),
                                                   f"({SlugConverter.regex})") + r"\Z")


def scan_body(environ: dict) -> dict | None:
    """The request's body as a JSON object when it is a small one sent as JSON; the body is
    put back for Flask either way."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if not 0 < length <= scans.MAX_SCAN_BODY or content_type != "application/json":
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def json_bytes(app: Flask, body: dict) -> bytes:
    """``body`` as ``jsonify`` writes it (compact, or indented in debug mode)."""
    return (_writer(app)(body) + "\n").encode()


def _writer(app: Flask) -> Callable[[dict], str]:
    """A function writing JSON as ``jsonify`` does in ``app`` now. With Flask's own
    provider, one encoder made once: making one per answer, as ``json.dumps`` with options
    does, cost more than the encoding."""
    provider = app.json
    compact = getattr(provider, "compact", None)
    pretty = (compact is None and app.debug) or compact is False
    options: dict = {"indent": 2} if pretty else {"separators": (",", ":")}
    if not isinstance(provider, DefaultJSONProvider):
        return lambda body: provider.dumps(body, **options)
    settings = (provider.default, provider.ensure_ascii, provider.sort_keys, pretty)
    kept = app.extensions.get(JSON_WRITER)
    if kept is None or kept[0] != settings:
        encoder = json.JSONEncoder(default=provider.default, ensure_ascii=provider.ensure_ascii,
                                   sort_keys=provider.sort_keys, **options)
        kept = app.extensions[JSON_WRITER] = (settings, encoder.encode)
    return kept[1]


class ScanFastPath:
    """WSGI middleware in front of the Flask application (see the module's docstring)."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        self.path = path_pattern(app)
        self.database: tuple[int, str] | None = None

    def database_key(self) -> tuple[int, str]:
        """``direct.database_key()``, found once per process (it needs an application
        context, which the fast path does without)."""
        if self.database is None or self.database[0] != os.getpid():
            with self.app.app_context():
                self.database = direct.database_key()
        return self.database

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and not environ.get("QUERY_STRING"):
            found = self.path.match(environ.get("PATH_INFO", ""))
            body = self.answer(environ, found.group(1)) if found else None
            if body is not None:
                environ[metrics.ENDPOINT_KEY] = ENDPOINT
                secure = environ.get("wsgi.url_scheme") == "https"
                start_response("200 OK", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(body))),
                                          *security_headers(secure)])
                return [body]
        return self.wsgi_app(environ, start_response)

    def answer(self, environ: dict, slug: str) -> bytes | None:
        """The answer's JSON, the scan recorded; None when Flask must answer (nothing has
        been written then, or, after a failure past the statement, the view finds the scan
        by its id and gives the recorded answer)."""
        database = self.database_key()
        with batches.arriving(database):  # the batch being gathered may wait for it
            return self.recorded(environ, slug, database)

    def recorded(self, environ: dict, slug: str, database: tuple[int, str]) -> bytes | None:
        raw = api_tokens.bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
        payload = scan_body(environ) if raw is not None else None
        if payload is None or not set(payload) <= set(scans.SCAN_FIELDS):
            return None  # the view refuses unknown fields
        try:
            given = scans.scan_input(payload.get("gate"), payload.get("scan_id"),
                                        payload.get("device", ""), payload.get("scanned_at"),
                                        payload.get("offline", False))
        except ValidationFailed:
            return None

        def photo_url(badge_id: int) -> str:
            return self.app.url_map.bind_to_environ(environ).build(
                "checkin.holder_photo", {"slug": slug, "badge_id": badge_id})

        try:
            answer = fast_scan.scan(self.app, database, slug, raw, payload.get("token"), given,
                                    photo_url)
        except Exception:
            # The view answers; had the scan been recorded, the view finds it by its id and
            # gives the recorded answer.
            logger.exception("check-in fast path failed; the view answers")
            return None
        if answer is None:
            return None
        return json_bytes(self.app, answer.as_json())


def install(app: Flask) -> None:
    """Put the fast path in front of Flask (inside any later middleware, such as ProxyFix),
    when the database is PostgreSQL: on SQLite every scan is the view's."""
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        app.wsgi_app = ScanFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
