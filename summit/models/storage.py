"""What several app servers share besides their rows: stored files (when ``STORAGE`` is
``database``) and the summits' badge signing keys."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from summit.database import utcnow
from summit.extensions import db


class StoredFile(db.Model):
    """A file of the database storage backend (services/core/storage.py); its bytes are in
    ``stored_file_chunks``."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoredFileChunk(db.Model):
    __tablename__ = "stored_file_chunks"

    key: Mapped[str] = mapped_column(ForeignKey("stored_files.key", ondelete="CASCADE"),
                                     primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SigningKey(db.Model):
    """A summit's Ed25519 badge signing key, encrypted (services/badges/keys.py). One per
    summit: the unique summit_id makes the second of two simultaneous creations fail."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    summit_id: Mapped[int] = mapped_column(ForeignKey("summits.id", ondelete="CASCADE"),
                                           unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
