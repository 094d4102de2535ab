#!/usr/bin/env python3
"""Render deploy/nginx/summit.conf: fill its markers (upper-case names between @ signs).

    python3 deploy/render_site.py --server-name summit.example.org \
        --app 10.0.0.11:8000 --app 10.0.0.12:8000 \
        --static /srv/summit/summit/static \
        --certificate /etc/ssl/certs/summit.pem --key /etc/ssl/private/summit.key \
        > /etc/nginx/sites-available/summit

The two-node test (tests/ops/test_two_nodes.py) renders the same file with its own ports.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent / "nginx" / "summit.conf"
MARKER = re.compile(r"@([A-Z_]+)@")


def render(apps: list[str], server_name: str, static_root: str, certificate: str, key: str,
           https_listen: str = "443", http_listen: str = "80", site: Path = SITE) -> str:
    if not apps:
        raise ValueError("at least one app server (--app HOST:PORT)")
    values = {
        "APP_SERVERS": "\n".join(f"    server {app} max_fails=3 fail_timeout=10s;"
                                 for app in apps),
        "SERVER_NAME": server_name, "STATIC_ROOT": static_root.rstrip("/"),
        "TLS_CERTIFICATE": certificate, "TLS_KEY": key,
        "HTTPS_LISTEN": https_listen, "HTTP_LISTEN": http_listen,
    }

    def fill(match: re.Match) -> str:
        if match.group(1) not in values:
            raise ValueError(f"{site}: unknown marker {match.group(0)}")
        return values[match.group(1)]

    return MARKER.sub(fill, site.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--app", action="append", required=True, metavar="HOST:PORT",
                        help="an app server (repeat for each)")
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--static", required=True, help="the checkout's summit/static folder")
    parser.add_argument("--certificate", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--https-listen", default="443")
    parser.add_argument("--http-listen", default="80")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.app, args.server_name, args.static, args.certificate,
                            args.key, args.https_listen, args.http_listen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
