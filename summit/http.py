"""Request and response hardening: malformed input is a clear 400, security headers, and
Secure cookies whenever served over HTTPS."""
from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, abort, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.formparser import FormDataParser
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter, IntegerConverter
from werkzeug.sansio.utils import host_is_trusted

from summit.services.core.validation import MAX_ID

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # Category colours are data, set per element; scripts stay strictly external.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))


class SlugConverter(BaseConverter):
    """URL part for summit slugs; anything else is a 404 before any query runs."""

    regex = r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?"


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL is a database id: 0 to ``MAX_ID``. A bigger number is a 404
    before any query runs (SQLite and PostgreSQL would raise on it)."""

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            # NotFound, not ValidationError: Werkzeug would answer 405 when the same path
            # has a rule for another method.
            raise NotFound()
        return number


class StrictFormDataParser(FormDataParser):
    """Werkzeug silently drops a whole form whose body is not UTF-8, so every field would look
    empty ("this field is required"); say what is really wrong instead. (_parse_urlencoded is
    the parser Werkzeug 3 picks for application/x-www-form-urlencoded.)"""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        try:
            return super()._parse_urlencoded(stream, mimetype, content_length, options)
        except UnicodeDecodeError:
            raise BadRequest(_("The form was not sent as UTF-8 text.")) from None


class SummitRequest(Request):
    form_data_parser_class = StrictFormDataParser


def reject_nul_in_query() -> None:
    """PostgreSQL text cannot hold NUL (a search would end in a 500), and no link needs one."""
    if not request.query_string:
        return  # no arguments to parse
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400, _("The address contains a NUL character. Remove it and try again."))


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def security_headers(secure: bool) -> list[tuple[str, str]]:
    """Every response's security headers (HSTS only over HTTPS)."""
    return [*SECURITY_HEADERS, HSTS] if secure else list(SECURITY_HEADERS)


def add_security_headers(response: Response) -> Response:
    """Each security header the view did not set, after the response's own, in order (as
    ``Headers.setdefault`` would, without its two searches of the list per header: a sixth
    of the trivial endpoint's CPU)."""
    headers = response.headers
    present = {name.lower() for name, _value in headers}
    for name, value in security_headers(request.is_secure):
        if name.lower() not in present:
            headers.add(name, value)
    return response


class SecureCookies:
    """WSGI middleware: every cookie is Secure when the request came over HTTPS.

    Done at the WSGI layer because the session and remember-me cookies are written after
    all ``after_request`` hooks have run.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status: str, headers: list, exc_info: Any = None) -> Any:
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


UNTRUSTED_HOST = "summit.untrusted_host"


# Load balancers and Prometheus ask each app server by its address (docs/scaling.md): these
# answers hold no link, so any host name may ask for them.
ANY_HOST_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class AllowedHosts:
    """WSGI middleware: a request addressed to a host name not in ``ALLOWED_HOSTS`` is a 400.

    Flask's own ``TRUSTED_HOSTS`` leaves such a request without a URL adapter, so its error
    page cannot be rendered. Here the request goes to Flask itself (not through the check-in
    fast path) under the first allowed name, marked, and ``refuse_untrusted_host`` answers
    it with the usual translated 400 page or JSON error.
    """

    def __init__(self, app: Flask, wsgi_app: Any, hosts: list[str]) -> None:
        self.app, self.wsgi_app, self.hosts = app, wsgi_app, hosts
        self.fallback = next((h for h in hosts if not h.startswith(".")), hosts[0].lstrip("."))

    def __call__(self, environ: dict, start_response: Any) -> Any:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if host_is_trusted(host, self.hosts) or environ.get("PATH_INFO") in ANY_HOST_PATHS:
            return self.wsgi_app(environ, start_response)
        marked = {**environ, "HTTP_HOST": self.fallback, UNTRUSTED_HOST: True}
        return Flask.wsgi_app(self.app, marked, start_response)


def refuse_untrusted_host() -> None:
    if request.environ.get(UNTRUSTED_HOST):
        abort(400, _("This server does not answer to that host name."))


def register(app: Flask) -> None:
    app.request_class = SummitRequest
    app.before_request(refuse_untrusted_host)
    app.before_request(reject_nul_in_query)
    app.after_request(add_security_headers)
    app.wsgi_app = SecureCookies(app.wsgi_app)  # type: ignore[method-assign]
    hosts = [host for host in app.config.get("ALLOWED_HOSTS") or () if host]
    if hosts:
        app.wsgi_app = AllowedHosts(app, app.wsgi_app, hosts)  # type: ignore[method-assign]
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        # Behind nginx: trust X-Forwarded-For/-Proto/-Host from that many proxies (outside
        # AllowedHosts, so the forwarded host is the one checked).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
