"""Around every request (the check-in fast path included): a request id (nginx's
X-Request-ID, else a new one) sent back and put on every log line, the time to answer counted
per endpoint, and, with LOG_JSON, one JSON log line per request (summit/logs.py formats
every log event as JSON and masks it).

A log line names the endpoint, never the path or the query (links carry tokens), the user or
the address: no personal data."""
from __future__ import annotations

import logging
import re
import uuid
from time import perf_counter
from typing import Any

from flask import Flask, request

from summit import logs
from summit.services.core import metrics

REQUEST_ID = logs.REQUEST_ID
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("summit.access")


class RequestTiming:
    """WSGI middleware, outermost: the request id, the timing and the access line."""

    def __init__(self, wsgi_app: Any, log_requests: bool) -> None:
        self.wsgi_app, self.log_requests = wsgi_app, log_requests

    def __call__(self, environ: dict, start_response: Any) -> Any:
        started = perf_counter()
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex
        reset = REQUEST_ID.set(request_id)
        status = ["500"]

        def start(code: str, headers: list, exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            headers.append(("X-Request-ID", request_id))
            return start_response(code, headers, exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            elapsed = perf_counter() - started
            endpoint = environ.get(metrics.ENDPOINT_KEY) or "other"
            metrics.REQUEST_SECONDS.labels(endpoint).observe(elapsed)
            if self.log_requests:
                access_log.info("request", extra={"fields": {
                    "method": environ.get("REQUEST_METHOD"), "endpoint": endpoint,
                    "status": int(status[0]), "ms": round(elapsed * 1000, 1)}})
            REQUEST_ID.reset(reset)


def _note_endpoint() -> None:
    request.environ[metrics.ENDPOINT_KEY] = request.endpoint or "other"


def register(app: Flask) -> None:
    app.before_request(_note_endpoint)
    # The JSON log lines themselves are set up with the rest of logging (summit/logs.py).
    app.wsgi_app = RequestTiming(app.wsgi_app, bool(app.config.get("LOG_JSON")))  # type: ignore[method-assign]
