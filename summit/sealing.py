"""Sealed columns: ID numbers and press card numbers are stored encrypted (AES-GCM) under a
data key that is never in the database, with a keyed hash (HMAC-SHA256) beside them for
duplicate checks and look-ups (docs/privacy.md).

The keys come from ``DATA_KEY`` (``SUMMIT_DATA_KEY``: base64 keys separated by commas, the
first one current) or, without it, from ``instance/data.key`` (one key a line, the first one
current), created owner-only at the first start. Each sealed value names the key it was sealed
with (``s1:<key id>:<nonce and ciphertext>``), so a rotation can stop half-way and go on later:
every value stays readable as long as its key is in the ring.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from summit.services.core.private_files import write_private

PREFIX = "s1"
KEY_FILE = "data.key"
EXTENSION = "summit_keyring"
# What each key's fingerprint in the database is computed over (see services/privacy/keys).
CHECK_MESSAGE = b"summit data key check"


class DataKeyError(RuntimeError):
    """The data key is missing, malformed or not the one the data was sealed with."""


@dataclass(frozen=True)
class DataKey:
    id: str
    secret: bytes
    hash_secret: bytes = field(init=False, repr=False, compare=False)
    cipher: AESGCM = field(init=False, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> DataKey:
        try:
            secret = base64.urlsafe_b64decode(text.strip().encode("ascii"))
        except (ValueError, UnicodeEncodeError) as error:
            raise DataKeyError("The data key is not base64 text.") from error
        if len(secret) != 32:
            raise DataKeyError("A data key is 32 random bytes written in base64 "
                               "(generate one with `flask privacy new-key`).")
        return cls(hashlib.sha256(b"summit key id" + secret).hexdigest()[:8], secret)

    @classmethod
    def generate(cls) -> DataKey:
        return cls.parse(base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"))

    @property
    def text(self) -> str:
        return base64.urlsafe_b64encode(self.secret).decode("ascii")

    def __post_init__(self) -> None:
        # Derived once: a look-up hashes every row of an import.
        object.__setattr__(self, "hash_secret",
                           hmac.digest(self.secret, b"summit blind index", "sha256"))
        object.__setattr__(self, "cipher", AESGCM(self.secret))

    def fingerprint(self) -> str:
        return hmac.new(self.secret, CHECK_MESSAGE, hashlib.sha256).hexdigest()


class Keyring:
    """The data keys, the current one first."""

    def __init__(self, keys: Iterable[DataKey], source: Path | None = None) -> None:
        self.source = source  # the key file, or None when the keys come from the settings
        self.replace(keys)

    def replace(self, keys: Iterable[DataKey]) -> None:
        keys = list(dict.fromkeys(keys))
        if not keys:
            raise DataKeyError("No data key.")
        self.keys = keys
        self.by_id = {key.id: key for key in keys}

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self.current.cipher.encrypt(nonce, plain.encode("utf-8"), None)
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
        return f"{PREFIX}:{self.current.id}:{body}"

    def open(self, stored: str) -> str:
        if not is_sealed(stored):
            return stored  # a value written before sealing (the migration seals them all)
        _, key_id, body = stored.split(":", 2)
        key = self.by_id.get(key_id)
        if key is None:
            raise DataKeyError(f"A value is sealed with data key {key_id}, which is not in "
                               "the key ring: restore that key (SUMMIT_DATA_KEY or "
                               "instance/data.key).")
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return key.cipher.decrypt(raw[:12], raw[12:], None).decode("utf-8")

    def digest(self, plain: str, key: DataKey | None = None) -> str:
        key = key or self.current
        return hmac.digest(key.hash_secret, normalise(plain).encode("utf-8"), "sha256").hex()

    def digests(self, plain: str) -> list[str]:
        """The value's keyed hash under every key: a look-up during a rotation finds rows
        not yet re-hashed."""
        return [self.digest(plain, key) for key in self.keys]


def normalise(plain: str) -> str:
    return "".join(plain.split()).upper()


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX + ":")  # type: ignore[union-attr]


def key_id_of(stored: str) -> str | None:
    return stored.split(":", 2)[1] if is_sealed(stored) else None


def read_key_file(path: Path) -> list[DataKey]:
    lines = [line for line in path.read_text().splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    return [DataKey.parse(line) for line in lines]


def write_key_file(path: Path, keys: list[DataKey]) -> None:
    text = "# Summit data keys: the first one seals, the others only open (docs/privacy.md)\n"
    write_private(path, (text + "".join(key.text + "\n" for key in keys)).encode("ascii"))


def load_keyring(configured: str | None, instance_path: Path) -> Keyring:
    """The ring from the setting, else from the instance's key file, made at the first start."""
    if configured:
        return Keyring([DataKey.parse(part) for part in configured.split(",") if part.strip()])
    path = instance_path / KEY_FILE
    if not path.exists():
        write_key_file(path, [DataKey.generate()])
    return Keyring(read_key_file(path), source=path)


def install(app: Flask) -> Keyring:
    try:
        ring = load_keyring(app.config.get("DATA_KEY"), Path(app.instance_path))
    except DataKeyError as error:
        raise RuntimeError(f"Refusing to start: {error} Set SUMMIT_DATA_KEY or restore "
                           f"{Path(app.instance_path) / KEY_FILE}.") from error
    app.extensions[EXTENSION] = ring
    return ring


def keyring() -> Keyring:
    return current_app.extensions[EXTENSION]


def digest(plain: str) -> str:
    return keyring().digest(plain) if plain else ""


def digests(plain: str) -> list[str]:
    return keyring().digests(plain) if plain else []


class Sealed(TypeDecorator):
    """Text stored sealed with the current data key and read back in clear; an empty value
    stays empty (nothing to hide, and "no ID number" stays countable)."""

    impl = String(200)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None or value == "":
            return value
        return keyring().seal(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if not value:
            return value
        return keyring().open(value)
