"""Random keys handed to a browser or a client, of which only a SHA-256 is stored (login keys,
API tokens): a copy of the database gives no one a working key."""
from __future__ import annotations

import hashlib
import secrets


def new_key(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
