"""The data keys against the database: the check at start and the rotation."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import String, inspect, type_coerce, update

from summit import sealing
from summit.extensions import db
from summit.models import DataKeyCheck, PressApplication, Registration

log = logging.getLogger("summit.privacy")

# Every sealed column with its keyed hash.
SEALED = ((Registration, "id_number", "id_number_hash"),
          (PressApplication, "press_card_number", "press_card_hash"))


class KeyMismatch(RuntimeError):
    pass


def check_at_start(app: Flask) -> None:
    """Refuse to start when the database holds values sealed with a key that is not in the
    ring, or a key with the same id but other bytes; record the current key at its first use.
    A database not yet migrated has nothing sealed and is left alone."""
    ring = app.extensions[sealing.EXTENSION]
    with app.app_context():
        try:
            if not inspect(db.engine).has_table(DataKeyCheck.__tablename__):
                return
            rows = db.session.scalars(db.select(DataKeyCheck)).all()
            for row in rows:
                key = ring.by_id.get(row.key_id)
                if key is None:
                    raise KeyMismatch(
                        f"Refusing to start: the database holds values sealed with data key "
                        f"{row.key_id}, which is not in SUMMIT_DATA_KEY or instance/data.key. "
                        f"Restore that key; nothing was written.")
                if key.fingerprint() != row.fingerprint:
                    raise KeyMismatch(f"Refusing to start: data key {row.key_id} does not "
                                      "match the database's. Nothing was written.")
            if ring.current.id not in {row.key_id for row in rows}:
                db.session.add(DataKeyCheck(key_id=ring.current.id,
                                            fingerprint=ring.current.fingerprint()))
                db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


@dataclass
class Rotation:
    new_key: str | None = None
    resealed: int = 0
    left: int = 0
    retired: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.left == 0


def _not_current(column, ring: sealing.Keyring):
    raw = type_coerce(column, String)
    return raw.like(f"{sealing.PREFIX}:%") & ~raw.like(f"{sealing.PREFIX}:{ring.current.id}:%")


def _remember(key: sealing.DataKey) -> None:
    if db.session.get(DataKeyCheck, key.id) is None:
        db.session.add(DataKeyCheck(key_id=key.id, fingerprint=key.fingerprint()))


def rotate(*, batch: int = 500, limit: int | None = None) -> Rotation:
    """Seal every value with a new key. With a key file, a new key is made and put first
    (the old ones stay to open what is not yet resealed); with SUMMIT_DATA_KEY the operator
    puts the new key first. Values are resealed in batches, each committed: an interrupted
    rotation goes on where it stopped when run again (a ring of several keys means one is
    under way). The old keys are retired only when no value needs them."""
    ring = sealing.keyring()
    result = Rotation()
    if len(ring.keys) == 1:
        if ring.source is None:
            raise sealing.DataKeyError(
                "Put a new key first in SUMMIT_DATA_KEY, followed by the current one "
                "(`flask privacy new-key` prints one), then run this again.")
        new = sealing.DataKey.generate()
        sealing.write_key_file(ring.source, [new, *ring.keys])
        ring.replace([new, *ring.keys])
        result.new_key = new.id
    _remember(ring.current)
    db.session.commit()
    done = 0
    for model, column, hash_column in SEALED:
        sealed = getattr(model, column)
        while limit is None or done < limit:
            size = batch if limit is None else min(batch, limit - done)
            rows = db.session.execute(db.select(model.id, sealed).where(
                _not_current(sealed, ring)).order_by(model.id).limit(size)).all()
            if not rows:
                break
            for row_id, plain in rows:
                db.session.execute(update(model).where(model.id == row_id).values(
                    {column: plain, hash_column: ring.digest(plain)}))
            db.session.commit()
            done += len(rows)
    result.resealed = done
    result.left = sum(db.session.scalar(db.select(db.func.count()).select_from(model).where(
        _not_current(getattr(model, column), ring))) for model, column, _ in SEALED)
    if result.done:
        old = ring.keys[1:]
        if old:
            result.retired = [key.id for key in old]
            db.session.execute(db.delete(DataKeyCheck).where(
                DataKeyCheck.key_id.in_(result.retired)))
            db.session.commit()
            if ring.source is not None:
                sealing.write_key_file(ring.source, [ring.current])
            ring.replace([ring.current])
    log.info("Data key rotation: %d resealed, %d left, retired %s", result.resealed,
             result.left, result.retired)
    return result
