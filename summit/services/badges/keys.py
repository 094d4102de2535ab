"""The summits' badge signing keys: one Ed25519 key per summit, kept in ``signing_keys``
encrypted (Fernet) with ``SIGNING_KEYS_SECRET`` from the environment (else a key derived from
SECRET_KEY), so that every app server signs and checks with the same key.

The first server that needs a summit's key creates it. Two servers that do so at the same
moment both insert a row; the unique summit_id lets one win (PostgreSQL: ON CONFLICT DO
NOTHING on a connection of its own, committed at once), and the other reads the winner's
key. On SQLite the key is written in a savepoint of the session and not cached until it is
committed: a rolled-back one is forgotten.

An installation that kept its keys in ``instance/keys/`` (before this table) has them moved
in on first use: the badges already printed stay valid.
"""
from __future__ import annotations

import base64
import logging
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from summit.database import utcnow
from summit.extensions import db
from summit.models import SigningKey, Summit

CACHE = "summit.signing_keys"
log = logging.getLogger(__name__)


def _fernet() -> Fernet:
    secret = current_app.config.get("SIGNING_KEYS_SECRET") or current_app.config["SECRET_KEY"]
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"summit badge signing keys").derive(str(secret).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def legacy_key_path(summit_id: int) -> Path:
    """Where versions before the signing_keys table kept a summit's key (read, never written)."""
    return Path(current_app.instance_path) / "keys" / f"summit-{summit_id}.ed25519.pem"


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def _legacy_key(summit_id: int) -> Ed25519PrivateKey | None:
    path = legacy_key_path(summit_id)
    if not path.is_file():
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    return key if isinstance(key, Ed25519PrivateKey) else None


def _decrypt(row: SigningKey) -> Ed25519PrivateKey:
    try:
        raw = _fernet().decrypt(row.encrypted_private_key)
    except InvalidToken:
        raise RuntimeError(
            "A badge signing key cannot be decrypted: SIGNING_KEYS_SECRET (or SECRET_KEY) is "
            "not the one it was stored with.") from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def _create(summit_id: int) -> SigningKey:
    key = _legacy_key(summit_id) or Ed25519PrivateKey.generate()
    values = {"summit_id": summit_id, "encrypted_private_key": _fernet().encrypt(_raw(key)),
              "public_key": key.public_key().public_bytes_raw(), "created_at": utcnow()}
    if db.engine.dialect.name == "postgresql":
        # On a connection of its own, committed at once: no request holds the row locked
        # while other servers wait, and a page that rolls back keeps the key it showed.
        with db.engine.begin() as connection:
            connection.execute(pg_insert(SigningKey).values(**values)
                               .on_conflict_do_nothing(index_elements=["summit_id"]))
        return db.session.scalars(select(SigningKey).where(
            SigningKey.summit_id == summit_id)).one()
    # SQLite (one server): a savepoint of the session, which writes alone anyway.
    row = SigningKey(**values)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another process created it first: use theirs
        found = db.session.scalar(select(SigningKey).where(SigningKey.summit_id == summit_id))
        if found is None:
            raise
        return found
    db.session.info.setdefault(CACHE, {})[summit_id] = None  # cached once committed
    return row


def private_key(summit: Summit | int) -> Ed25519PrivateKey:
    summit_id = summit if isinstance(summit, int) else summit.id
    cache: dict[int, Ed25519PrivateKey] = current_app.extensions.setdefault(CACHE, {})
    found = cache.get(summit_id)
    if found is not None:
        return found
    row = db.session.scalar(select(SigningKey).where(SigningKey.summit_id == summit_id))
    if row is None:
        row = _create(summit_id)
    key = _decrypt(row)
    written = db.session.info.get(CACHE)
    if written is not None and summit_id in written:  # this transaction wrote it
        written[summit_id] = (cache, key)  # cached when it commits (_committed)
    else:  # committed: every server has it
        cache[summit_id] = key
    return key


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # The keys this transaction wrote are now every server's: cache them, so the next
    # request does not read the row again.
    for summit_id, held in session.info.get(CACHE, {}).items():
        if held is not None:
            cache, key = held
            cache[summit_id] = key


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    # Committed or rolled back: the next call reads the row again (and caches it if it is
    # there, that is, committed).
    if transaction.parent is None:
        session.info.pop(CACHE, None)
