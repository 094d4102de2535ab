"""Files users upload and files the app makes (badge batches): kept under random names in the
instance folder (outside the web root), one folder per kind, readable by the app's user only.
What a file is and whether it may be kept is ``upload_checks``' business; this module stores.

Two ways in, so that no file outlives a row that failed and no row names a missing file:

- ``store_for_commit``: the file belongs to rows of the session's current transaction. It is
  written first; if the transaction then ends without a commit (an error, a rollback, a
  refused row) the file is deleted with it.
- ``store``: the file comes before any row (a photo sent ahead of its press application, an
  import waiting for its confirmation): it is *staged*, usable for ``USABLE_FOR``.
  ``purge`` deletes, ``PURGE_AFTER`` upload, the files no row names; each area says which
  of its files its rows name, runs it now and then as files come in, and
  ``flask uploads purge`` runs them all.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from summit.extensions import db
from summit.services.core.errors import NotFound
from summit.services.core.private_files import private_folder, write_private

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# A staged file may be used this long; purged a little later, so that a request that took
# it just in time still finds it.
USABLE_FOR = timedelta(hours=23)
PURGE_AFTER = timedelta(days=1)
PURGE_EVERY = timedelta(hours=1)
PURGE_BATCH = 500
_PENDING = "summit.uploads.pending"

log = logging.getLogger(__name__)

# Which of these tokens do rows still name?
Attached = Callable[[list[str]], Collection[str]]


def _folder(kind: str) -> Path:
    return private_folder(private_folder(Path(current_app.instance_path) / "uploads") / kind)


def _expired() -> NotFound:
    return NotFound(_l("This upload has expired. Upload the file again."), "token")


def store(kind: str, data: bytes, meta: dict) -> str:
    """Keep ``data`` with ``meta``; the token names it from now on."""
    token = secrets.token_urlsafe(24)
    folder = _folder(kind)
    # The description first: a file that exists always has one.
    write_private(folder / f"{token}.json", json.dumps(meta).encode())
    write_private(folder / f"{token}.bin", data)
    return token


def store_for_commit(kind: str, data: bytes, meta: dict) -> str:
    """Keep ``data`` for rows of the current transaction: deleted unless it commits."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that even a transaction with no statement ends, and cleans up
    token = store(kind, data, meta)
    session.info.setdefault(_PENDING, []).append((_folder(kind), token))
    return token


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release commits nothing yet
        session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    # Also fires for a savepoint: act only when the whole transaction is gone (a failed
    # commit rolls it back at once, long before the session is closed).
    root = session.get_transaction()
    if root is None or not root.is_active:
        _drop_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without a commit (or after one: nothing left)
        _drop_pending(session)


def _drop_pending(session: Session) -> None:
    for folder, token in session.info.pop(_PENDING, ()):
        _delete(folder, token)


def _delete(folder: Path, token: str) -> None:
    for suffix in (".bin", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def load(kind: str, token: str, *, max_age: timedelta | None = None) -> tuple[bytes, dict]:
    """The file and its description; NotFound when there is none, or (``max_age``, for a
    staged file) when it is older than that."""
    if not _TOKEN.match(token or ""):
        raise _expired()
    path = _folder(kind) / f"{token}.bin"
    try:
        if max_age is not None and time.time() - path.stat().st_mtime > max_age.total_seconds():
            raise _expired()
        data = path.read_bytes()
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except FileNotFoundError:  # never stored, or purged
        raise _expired() from None
    return data, meta


def discard(kind: str, token: str) -> None:
    if _TOKEN.match(token or ""):
        _delete(_folder(kind), token)


# --- files no row names -------------------------------------------------------------------

def _batches(tokens: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(tokens), PURGE_BATCH):
        yield tokens[start:start + PURGE_BATCH]


def purge(kind: str, attached: Attached, *, now: datetime | None = None,
          older_than: timedelta = PURGE_AFTER) -> int:
    """Delete the files of ``kind`` stored more than ``older_than`` ago that ``attached``
    says no row names (and writes a crash left half-done); how many files went."""
    folder = Path(current_app.instance_path) / "uploads" / kind
    if not folder.is_dir():
        return 0
    cutoff = (now.timestamp() if now else time.time()) - older_than.total_seconds()
    old: set[str] = set()
    young: set[str] = set()
    for path in folder.iterdir():
        try:
            stored_at = path.stat().st_mtime
        except FileNotFoundError:
            continue  # deleted meanwhile
        if path.name.startswith(".") and path.name.endswith(".part"):
            if stored_at < cutoff:
                path.unlink(missing_ok=True)
            continue
        if path.suffix in (".bin", ".json") and _TOKEN.match(path.stem):
            (old if stored_at < cutoff else young).add(path.stem)
    removed = 0
    for batch in _batches(sorted(old - young)):
        named = set(attached(batch))
        for token in batch:
            if token not in named:
                _delete(folder, token)
                removed += 1
    return removed


def purge_now_and_then(kind: str, attached: Attached) -> None:
    """``purge`` at most once every PURGE_EVERY per kind, from wherever files come in."""
    stamp = _folder(kind) / ".purged"
    try:
        if time.time() - stamp.stat().st_mtime < PURGE_EVERY.total_seconds():
            return
    except FileNotFoundError:
        pass
    write_private(stamp, b"")
    try:
        purge(kind, attached)
    except OSError:  # a folder another process is clearing too: the next run finishes it
        log.warning("Purging %s uploads failed", kind, exc_info=True)
