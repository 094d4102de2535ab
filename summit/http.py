"""Response hardening: security headers, and Secure cookies whenever served over HTTPS."""
from __future__ import annotations

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
        cookies = headers.getlist("Set-Cookie")
        if cookies:
            headers.remove("Set-Cookie")
            for cookie in cookies:
                if "; secure" not in cookie.lower():
                    cookie += "; Secure"
                headers.add("Set-Cookie", cookie)
    return response


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        # Behind nginx: trust X-Forwarded-For/-Proto/-Host from that many proxies.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
