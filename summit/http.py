"""Response hardening: security headers, and Secure cookies whenever served over HTTPS."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from werkzeug.routing import BaseConverter

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


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
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


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.wsgi_app = SecureCookies(app.wsgi_app)  # type: ignore[method-assign]
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        # Behind nginx: trust X-Forwarded-For/-Proto/-Host from that many proxies.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
