"""Files users upload and files the app makes (badge batches): kept under random names in the
configured storage (``storage``: the instance folder, the database or an S3 bucket), one
kind per folder, ``<kind>/<token>.bin`` and its description ``<kind>/<token>.json``.
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
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from summit.extensions import db
from summit.services.core import storage
from summit.services.core.errors import NotFound

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


def _key(kind: str, token: str, suffix: str) -> str:
    return f"{kind}/{token}{suffix}"


def _expired() -> NotFound:
    return NotFound(_l("This upload has expired. Upload the file again."), "token")


def store(kind: str, data: bytes, meta: dict) -> str:
    """Keep ``data`` with ``meta``; the token names it from now on."""
    token = secrets.token_urlsafe(24)
    files = storage.current()
    # The description first: a file that exists always has one.
    files.put(_key(kind, token, ".json"), json.dumps(meta).encode())
    try:
        files.put(_key(kind, token, ".bin"), data)
    except BaseException:
        _delete(kind, token)  # nothing half-written
        raise
    return token


def store_for_commit(kind: str, data: bytes, meta: dict) -> str:
    """Keep ``data`` for rows of the current transaction: deleted unless it commits."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that even a transaction with no statement ends, and cleans up
    token = store(kind, data, meta)
    session.info.setdefault(_PENDING, []).append((kind, token))
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
    for kind, token in session.info.pop(_PENDING, ()):
        try:
            _delete(kind, token)
        except storage.StorageUnavailable:  # left for purge to find
            log.warning("Could not delete the %s upload of a rolled-back change", kind)


def _delete(kind: str, token: str) -> None:
    files = storage.current()
    for suffix in (".bin", ".json"):
        files.delete(_key(kind, token, suffix))


def load(kind: str, token: str, *, max_age: timedelta | None = None) -> tuple[bytes, dict]:
    """The file and its description; NotFound when there is none, or (``max_age``, for a
    staged file) when it is older than that."""
    meta = describe(kind, token, max_age=max_age)
    return b"".join(_chunks(kind, token, max_age)), meta


def describe(kind: str, token: str, *, max_age: timedelta | None = None) -> dict:
    """The file's description alone (NotFound as ``load``)."""
    if not _TOKEN.match(token or ""):
        raise _expired()
    files = storage.current()
    try:
        if max_age is not None and (time.time() - files.stat(_key(kind, token, ".bin")).stored_at
                                    > max_age.total_seconds()):
            raise _expired()
        return json.loads(b"".join(files.open(_key(kind, token, ".json"))).decode("utf-8"))
    except storage.FileMissing:  # never stored, or purged
        if max_age is None:  # a row names it: it should be there
            log.warning("A stored %s file is missing", kind)
            raise storage.FileMissing(_l("This file is missing from the file store.")) from None
        raise _expired() from None


def stream(kind: str, token: str) -> Iterator[bytes]:
    """The file in chunks, for a download that need not hold it whole."""
    if not _TOKEN.match(token or ""):
        raise _expired()
    return _chunks(kind, token, None)


def _chunks(kind: str, token: str, max_age: timedelta | None) -> Iterator[bytes]:
    try:
        return storage.current().open(_key(kind, token, ".bin"))
    except storage.FileMissing:
        if max_age is None:
            raise
        raise _expired() from None


def discard(kind: str, token: str) -> None:
    if _TOKEN.match(token or ""):
        _delete(kind, token)


# --- files no row names -------------------------------------------------------------------

def _batches(tokens: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(tokens), PURGE_BATCH):
        yield tokens[start:start + PURGE_BATCH]


def purge(kind: str, attached: Attached, *, now: datetime | None = None,
          older_than: timedelta = PURGE_AFTER) -> int:
    """Delete the files of ``kind`` stored more than ``older_than`` ago that ``attached``
    says no row names (and writes a crash left half-done); how many files went."""
    files = storage.current()
    cutoff = (now.timestamp() if now else time.time()) - older_than.total_seconds()
    old: set[str] = set()
    young: set[str] = set()
    for key, stat in files.list(kind):
        name = key.rpartition("/")[2]
        if name.startswith(".") and name.endswith(".part"):  # a local write a crash cut
            if stat.stored_at < cutoff:
                files.delete(key)
            continue
        stem, dot, suffix = name.rpartition(".")
        if dot and suffix in ("bin", "json") and _TOKEN.match(stem):
            (old if stat.stored_at < cutoff else young).add(stem)
    removed = 0
    for batch in _batches(sorted(old - young)):
        named = set(attached(batch))
        for token in batch:
            if token not in named:
                _delete(kind, token)
                removed += 1
    return removed


def purge_now_and_then(kind: str, attached: Attached) -> None:
    """``purge`` at most once every PURGE_EVERY per kind, from wherever files come in."""
    files = storage.current()
    stamp = f"{kind}/.purged"
    try:
        if time.time() - files.stat(stamp).stored_at < PURGE_EVERY.total_seconds():
            return
    except storage.FileMissing:
        pass
    files.put(stamp, b"")
    try:
        purge(kind, attached)
    except (OSError, storage.StorageUnavailable):
        # a folder another process is clearing too: the next run finishes it
        log.warning("Purging %s uploads failed", kind, exc_info=True)
