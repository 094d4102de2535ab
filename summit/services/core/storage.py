"""Where stored files live: one interface, three backends, chosen by ``STORAGE``.

- ``local`` (the default): a folder (``STORAGE_PATH``, else ``instance/uploads``), files
  owner-only, written aside and renamed into place. Right for one machine.
- ``database``: the ``stored_files`` and ``stored_file_chunks`` tables, in chunks of
  ``CHUNK`` bytes, so that several app servers on one PostgreSQL share their files. A file
  is written in one transaction of its own and read chunk by chunk: never whole in memory.
- ``s3``: a bucket of an S3-compatible object store through boto3 (``STORAGE_S3_BUCKET``,
  ``STORAGE_S3_ENDPOINT_URL``; credentials as boto3 finds them: ``AWS_ACCESS_KEY_ID``...).

A key is ``<kind>/<name>``. Every backend answers ``put``, ``open`` (an iterator of
chunks), ``delete``, ``exists``, ``stat``/``size``, ``list`` (one kind's files and when
they were stored), ``keys`` (every file, for backups) and ``check`` (reachable, for
/readyz). A file that is not there raises
``FileMissing``; a backend that cannot be reached raises ``StorageUnavailable``, and a
``put`` that fails leaves nothing behind.
"""
from __future__ import annotations

import io
import logging
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import OperationalError

from summit.extensions import db
from summit.models.storage import StoredFile, StoredFileChunk
from summit.services.core.errors import DomainError, NotFound
from summit.services.core.private_files import FILE_MODE, private_folder

CHUNK = 256 * 1024
_KEY = re.compile(r"^[a-z0-9-]{1,40}/[A-Za-z0-9_.-]{1,120}$")
EXTENSION = "summit.storage"

log = logging.getLogger(__name__)


class StorageUnavailable(DomainError):
    status = 503
    code = "storage_unavailable"


class FileMissing(NotFound):
    pass


def _unavailable() -> StorageUnavailable:
    return StorageUnavailable(_l("The file store cannot be reached. Nothing was saved; "
                                 "try again in a moment."))


def _missing(key: str) -> FileMissing:
    log.warning("Stored file missing: %s", key)
    return FileMissing(_l("This file is missing from the file store."))


@dataclass(frozen=True)
class Stat:
    size: int
    stored_at: float  # seconds since the epoch


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def chunks_of(data: bytes | BinaryIO | Iterable[bytes]) -> Iterator[bytes]:
    """``data`` (bytes, a file object or an iterable of chunks) in chunks of at most CHUNK."""
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start:start + CHUNK])
        return
    if hasattr(data, "read"):
        while chunk := data.read(CHUNK):  # type: ignore[union-attr]
            yield chunk
        return
    for piece in data:  # type: ignore[union-attr]
        for start in range(0, len(piece), CHUNK):
            yield piece[start:start + CHUNK]


class Storage(Protocol):
    name: str

    def put(self, key: str, data: bytes | BinaryIO | Iterable[bytes]) -> int: ...
    def open(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def stat(self, key: str) -> Stat: ...
    def list(self, kind: str) -> Iterator[tuple[str, Stat]]: ...
    def keys(self) -> Iterator[str]: ...
    def check(self) -> None: ...


class _Common:
    def exists(self, key: str) -> bool:
        try:
            self.stat(key)  # type: ignore[attr-defined]
        except FileMissing:
            return False
        return True

    def size(self, key: str) -> int:
        return self.stat(key).size  # type: ignore[attr-defined]

    def read(self, key: str) -> bytes:
        """The whole file (for the callers that need it whole: a PDF to send, a photo)."""
        return b"".join(self.open(key))  # type: ignore[attr-defined]


# --- a local folder ----------------------------------------------------------------------

class LocalStorage(_Common):
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data) -> int:
        path = self._path(key)
        try:
            private_folder(private_folder(self.root) / path.parent.name)
            partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except OSError as error:
            log.error("Local storage cannot be written: %s", error)
            raise _unavailable() from error
        written = 0
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in chunks_of(data):
                    handle.write(chunk)
                    written += len(chunk)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return written

    def open(self, key: str) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except (FileNotFoundError, NotADirectoryError):
            raise _missing(key) from None
        return _read_chunks(handle)

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except NotADirectoryError:
            pass

    def stat(self, key: str) -> Stat:
        try:
            found = self._path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            raise FileMissing(_l("This file is missing from the file store.")) from None
        return Stat(found.st_size, found.st_mtime)

    def list(self, kind: str) -> Iterator[tuple[str, Stat]]:
        folder = self.root / kind
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            try:
                found = path.stat()
            except FileNotFoundError:
                continue  # deleted meanwhile
            yield f"{kind}/{path.name}", Stat(found.st_size, found.st_mtime)

    def keys(self) -> Iterator[str]:
        """Every stored file (not the partial ones a write in progress has aside)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                for path in sorted(folder.iterdir()):
                    if not path.name.startswith(".") and path.is_file():
                        yield f"{folder.name}/{path.name}"

    def check(self) -> None:
        try:
            private_folder(self.root)
            if not os.access(self.root, os.W_OK | os.X_OK):
                raise OSError(f"{self.root} is not writable")
        except OSError as error:
            raise _unavailable() from error


def _read_chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


# --- PostgreSQL (or any database SQLAlchemy speaks) ----------------------------------------

class DatabaseStorage(_Common):
    """Rows of ``stored_files`` and ``stored_file_chunks``, on connections of its own: a file
    is committed (or not there) whatever the caller's transaction does next; ``uploads``
    deletes the files of a transaction that rolled back."""

    name = "database"

    def __init__(self, engine) -> None:
        self.engine, self.files, self.chunks = engine, StoredFile.__table__, \
            StoredFileChunk.__table__

    def _connect(self):
        try:
            return self.engine.connect()
        except OperationalError as error:
            log.error("Database storage cannot be reached: %s", error.orig)
            raise _unavailable() from error

    def put(self, key: str, data) -> int:
        check_key(key)
        now = datetime.now(UTC)
        written = 0
        with self._connect() as connection:
            try:
                with connection.begin():
                    connection.execute(delete(self.files).where(self.files.c.key == key))
                    connection.execute(insert(self.files).values(key=key, size=0, stored_at=now))
                    for seq, chunk in enumerate(chunks_of(data)):
                        connection.execute(insert(self.chunks).values(key=key, seq=seq,
                                                                      data=chunk))
                        written += len(chunk)
                    connection.execute(update(self.files).where(self.files.c.key == key)
                                       .values(size=written))
            except OperationalError as error:
                raise _unavailable() from error
        return written

    def open(self, key: str) -> Iterator[bytes]:
        count = self._chunk_count(key)
        return self._chunks(key, count)

    def _chunk_count(self, key: str) -> int:
        with self._connect() as connection:
            found = connection.execute(select(self.files.c.size).where(
                self.files.c.key == key)).first()
            if found is None:
                raise _missing(key)
            return connection.scalar(select(func.count()).where(self.chunks.c.key == key)) or 0

    def _chunks(self, key: str, count: int) -> Iterator[bytes]:
        # A query per chunk: the whole file is never in memory, nor a long transaction open.
        for seq in range(count):
            with self._connect() as connection:
                chunk = connection.scalar(select(self.chunks.c.data).where(
                    self.chunks.c.key == key, self.chunks.c.seq == seq))
            if chunk is None:
                raise _missing(key)
            yield bytes(chunk)

    def delete(self, key: str) -> None:
        with self._connect() as connection, connection.begin():
            connection.execute(delete(self.chunks).where(self.chunks.c.key == key))
            connection.execute(delete(self.files).where(self.files.c.key == key))

    def stat(self, key: str) -> Stat:
        with self._connect() as connection:
            found = connection.execute(select(self.files.c.size, self.files.c.stored_at).where(
                self.files.c.key == key)).first()
        if found is None:
            raise FileMissing(_l("This file is missing from the file store."))
        return Stat(found.size, _epoch(found.stored_at))

    def list(self, kind: str) -> Iterator[tuple[str, Stat]]:
        with self._connect() as connection:
            rows = connection.execute(select(self.files.c.key, self.files.c.size,
                                             self.files.c.stored_at).where(
                self.files.c.key.startswith(f"{kind}/", autoescape=True))).all()
        for row in rows:
            yield row.key, Stat(row.size, _epoch(row.stored_at))

    def keys(self) -> Iterator[str]:
        with self._connect() as connection:
            found = connection.scalars(select(self.files.c.key).order_by(self.files.c.key)).all()
        yield from found

    def check(self) -> None:
        with self._connect() as connection:
            connection.execute(select(func.count()).select_from(self.files).limit(1))


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


# --- an S3-compatible object store ---------------------------------------------------------

class S3Storage(_Common):
    name = "s3"

    def __init__(self, bucket: str, endpoint_url: str | None = None, prefix: str = "") -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client("s3", endpoint_url=endpoint_url, config=Config(
            connect_timeout=3, read_timeout=30, retries={"max_attempts": 2}))

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _call(self, method: str, key: str | None = None, **kwargs):
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except ClientError as error:
            status = error.response.get("Error", {}).get("Code")
            if key is not None and status in ("404", "NoSuchKey", "NotFound"):
                raise FileMissing(_l("This file is missing from the file store.")) from None
            log.error("S3 storage refused %s: %s", method, status)
            raise _unavailable() from error
        except BotoCoreError as error:
            log.error("S3 storage cannot be reached: %s", error)
            raise _unavailable() from error

    def put(self, key: str, data) -> int:
        body = data if isinstance(data, bytes) else _ChunkReader(chunks_of(data))
        if isinstance(body, bytes):
            self._call("put_object", Key=self._name(key), Body=body)
            return len(body)
        try:  # multipart upload of a stream: a failed one is aborted, nothing stays
            self.client.upload_fileobj(body, self.bucket, self._name(key))
        except (BotoCoreError, ClientError) as error:
            log.error("S3 storage cannot be written: %s", error)
            raise _unavailable() from error
        return body.count

    def open(self, key: str) -> Iterator[bytes]:
        try:
            answer = self._call("get_object", key, Key=self._name(key))
        except FileMissing:
            raise _missing(key) from None
        return answer["Body"].iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        self._call("delete_object", Key=self._name(key))

    def stat(self, key: str) -> Stat:
        answer = self._call("head_object", key, Key=self._name(key))
        return Stat(answer["ContentLength"], answer["LastModified"].timestamp())

    def _objects(self, prefix: str) -> Iterator[dict]:
        token = None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = self._call("list_objects_v2", Prefix=self.prefix + prefix, **extra)
            yield from page.get("Contents", [])
            token = page.get("NextContinuationToken")
            if not token:
                return

    def list(self, kind: str) -> Iterator[tuple[str, Stat]]:
        for item in self._objects(f"{kind}/"):
            yield (item["Key"][len(self.prefix):],
                   Stat(item["Size"], item["LastModified"].timestamp()))

    def keys(self) -> Iterator[str]:
        for item in self._objects(""):
            yield item["Key"][len(self.prefix):]

    def check(self) -> None:
        self._call("head_bucket")


class _ChunkReader(io.RawIOBase):
    """A file object over an iterator of chunks (what boto3's streamed upload reads)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks, self.pending, self.count = chunks, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        self.count += size
        return size


# --- the configured backend -----------------------------------------------------------------

def build(app) -> Storage:
    kind = (app.config.get("STORAGE") or "local").lower()
    if kind == "local":
        if app.config.get("STORAGE_PATH"):
            return LocalStorage(Path(app.config["STORAGE_PATH"]))
        local = LocalStorage(Path(app.instance_path) / "uploads")
        local.instance_path = app.instance_path  # follows it (tests move an app's folder)
        return local
    if kind == "database":
        with app.app_context():
            return DatabaseStorage(db.engine)
    if kind == "s3":
        bucket = app.config.get("STORAGE_S3_BUCKET")
        if not bucket:
            raise RuntimeError("STORAGE=s3 needs STORAGE_S3_BUCKET (SUMMIT_STORAGE_S3_BUCKET).")
        return S3Storage(bucket, app.config.get("STORAGE_S3_ENDPOINT_URL"),
                         app.config.get("STORAGE_S3_PREFIX") or "")
    raise RuntimeError(f"Unknown STORAGE {kind!r}: use local, database or s3.")


def current() -> Storage:
    """The app's storage backend (built once per app; a local folder follows the app's
    instance folder, which tests change between uses of one app)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION)
    if found is None or getattr(found, "instance_path", app.instance_path) != app.instance_path:
        found = app.extensions[EXTENSION] = build(app)
    return found
