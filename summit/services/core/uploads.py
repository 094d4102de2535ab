"""Files users upload, kept under random names in the instance folder (outside the web root)."""
from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from summit.services.core.errors import NotFound

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _folder(kind: str) -> Path:
    folder = Path(current_app.instance_path) / "uploads" / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(kind: str, data: bytes, meta: dict) -> str:
    token = secrets.token_urlsafe(24)
    folder = _folder(kind)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def load(kind: str, token: str) -> tuple[bytes, dict]:
    folder = _folder(kind)
    if not _TOKEN.match(token or "") or not (folder / f"{token}.bin").exists():
        raise NotFound(_l("This upload has expired. Upload the file again."), "token")
    meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    return (folder / f"{token}.bin").read_bytes(), meta


def discard(kind: str, token: str) -> None:
    if _TOKEN.match(token or ""):
        for suffix in (".bin", ".json"):
            (_folder(kind) / f"{token}{suffix}").unlink(missing_ok=True)
