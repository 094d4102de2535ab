"""Backups: one archive holding the database and every stored file, and its restore.

The archive is a tar file:

- ``database/summit.sqlite`` (SQLite's online backup API: a consistent copy while the app
  runs) or ``database/summit.pgdump`` (``pg_dump --format=custom``). The stored files'
  tables (``stored_files``, ``stored_file_chunks``) travel without their rows: the files
  are in the archive as files, whatever the backend.
- ``files/<key>``: every file of the storage interface (services/core/storage.py).
- ``manifest.json``, last: the format, the database kind and, for every member above, its
  size and SHA-256.

A restore reads the whole archive and checks every checksum before it changes anything: a
damaged archive (a checksum that differs, a member missing or added, a truncated file) is
refused with nothing changed. It then refuses an installation that holds any data (rows in
any table, or stored files) unless forced. The database is replaced in one step (SQLite's
backup API into the database file; ``pg_restore --clean --single-transaction``), then the
files are put back through the storage interface. The restoring installation needs the same
``SECRET_KEY`` (badge signing keys) and data key (sealed ID numbers) as the one backed up.
"""
from __future__ import annotations

import glob
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import text
from sqlalchemy.engine import make_url

from summit.config import sqlite_file
from summit.extensions import db
from summit.models.storage import StoredFile, StoredFileChunk
from summit.services.core import storage
from summit.services.core.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
FILE_TABLES = (StoredFileChunk.__tablename__, StoredFile.__tablename__)
READ = 1024 * 1024

log = logging.getLogger(__name__)


class BackupError(DomainError):
    status = 422
    code = "backup_refused"


class DamagedArchive(BackupError):
    pass


class NotEmpty(BackupError):
    status = 409
    code = "installation_not_empty"


@dataclass(frozen=True)
class Summary:
    path: Path
    database: str
    files: int
    size: int


# --- create -----------------------------------------------------------------------------------

def create(path: Path) -> Summary:
    """Write the archive to ``path`` (through a temporary name: a failed backup leaves
    nothing that looks like one)."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    entries: list[dict] = []
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive, \
                tempfile.TemporaryDirectory(prefix="summit-backup-") as scratch:
            kind, dump = _dump_database(Path(scratch))
            entries.append(_add_file(archive, f"database/{dump.name}", dump))
            dump.unlink()
            files = storage.current()
            for key in sorted(files.keys()):
                entries.append(_add_stream(archive, f"files/{key}", files.open(key)))
            manifest = {"format": FORMAT, "database": kind,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "members": entries}
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            archive.addfile(info, io.BytesIO(data))
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    log.info("Backup written: %s members", len(entries))
    return Summary(path, kind, len(entries) - 1, path.stat().st_size)


def _add_file(archive: tarfile.TarFile, name: str, source: Path) -> dict:
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        while chunk := handle.read(READ):
            digest.update(chunk)
    info = tarfile.TarInfo(name)
    info.size, info.mode = source.stat().st_size, 0o600
    with source.open("rb") as handle:
        archive.addfile(info, handle)
    return {"name": name, "size": info.size, "sha256": digest.hexdigest()}


def _add_stream(archive: tarfile.TarFile, name: str, chunks: Iterator[bytes]) -> dict:
    """A stored file, spooled to disk when large (tar needs the size before the data)."""
    digest, size = hashlib.sha256(), 0
    with tempfile.SpooledTemporaryFile(max_size=8 * READ) as spool:
        for chunk in chunks:
            digest.update(chunk)
            spool.write(chunk)
            size += len(chunk)
        spool.seek(0)
        info = tarfile.TarInfo(name)
        info.size, info.mode = size, 0o600
        archive.addfile(info, spool)
    return {"name": name, "size": size, "sha256": digest.hexdigest()}


def _dump_database(scratch: Path) -> tuple[str, Path]:
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    database_file = sqlite_file(url)
    if database_file is not None:
        target = scratch / "summit.sqlite"
        source = sqlite3.connect(database_file)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
            with copy:
                for table in FILE_TABLES:
                    copy.execute(f'DELETE FROM "{table}"')
            copy.execute("VACUUM")
        finally:
            copy.close()
            source.close()
        return "sqlite", target
    if url.startswith("postgresql"):
        target = scratch / "summit.pgdump"
        excluded = [f"--exclude-table-data={table}" for table in FILE_TABLES]
        _run_postgres("pg_dump", ["--format=custom", "--no-owner", "--no-acl", *excluded,
                                  "--file", str(target)], url)
        return "postgresql", target
    raise BackupError(_l("Backups know SQLite and PostgreSQL databases only."))


# --- PostgreSQL's tools -----------------------------------------------------------------------

def postgres_tool(name: str) -> Path:
    """Debian's newest ``/usr/lib/postgresql/<version>/bin/<name>`` (dumps of a newer server
    need a new pg_dump), else the one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1])
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    raise BackupError(_l("%(tool)s is not installed (Debian's postgresql-client).",
                         tool=name))


def _run_postgres(tool: str, args: list[str], url: str) -> None:
    """Run a PostgreSQL tool on the app's database; the password goes in the environment,
    never on the command line."""
    parsed = make_url(url)
    env = {**os.environ, "PGHOST": parsed.host or "", "PGPORT": str(parsed.port or 5432),
           "PGUSER": parsed.username or "", "PGDATABASE": parsed.database or ""}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    if parsed.query.get("sslmode"):
        env["PGSSLMODE"] = str(parsed.query["sslmode"])
    done = subprocess.run([str(postgres_tool(tool)), *args], env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        log.error("%s failed: %s", tool, done.stderr.strip()[-2000:])
        raise BackupError(_l("%(tool)s failed; its message is in the log.", tool=tool))


# --- check ------------------------------------------------------------------------------------

def read_manifest(path: Path) -> dict:
    """The archive's manifest, once every member is there with its size and checksum and
    nothing else is: else ``DamagedArchive``, and nothing has been changed."""
    try:
        with tarfile.open(path, "r:") as archive:
            members = {m.name: m for m in archive.getmembers()}
            if MANIFEST not in members:
                raise DamagedArchive(_l("This archive has no manifest: it is not a complete "
                                        "Summit backup."))
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
            listed = {entry["name"]: entry for entry in manifest["members"]}
            if manifest.get("format") != FORMAT or \
                    set(listed) != set(members) - {MANIFEST}:
                raise DamagedArchive(_l("This archive's contents do not match its manifest."))
            for name, entry in listed.items():
                member = members[name]
                if not member.isfile() or member.size != entry["size"] or \
                        _digest(archive, member) != entry["sha256"]:
                    raise DamagedArchive(_l("A file in this archive is damaged (%(name)s): "
                                            "nothing was restored.", name=name))
            return manifest
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError, TypeError) as error:
        log.warning("Damaged backup archive: %s", type(error).__name__)
        raise DamagedArchive(_l("This archive is damaged or truncated: nothing was "
                                "restored.")) from error


def _digest(archive: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    digest = hashlib.sha256()
    handle = archive.extractfile(member)
    while chunk := handle.read(READ):
        digest.update(chunk)
    return digest.hexdigest()


# --- restore ----------------------------------------------------------------------------------

def is_empty() -> bool:
    """No rows in any of the app's tables (a migrated, unused database counts as empty) and
    no stored file."""
    db.session.rollback()
    tables = [t.name for t in db.metadata.sorted_tables]
    existing = set(db.inspect(db.engine).get_table_names())
    for table in tables:
        if table in existing and db.session.execute(
                text(f'SELECT 1 FROM "{table}" LIMIT 1')).first():
            db.session.rollback()
            return False
    db.session.rollback()
    files = storage.current()
    if files.name == "database" and StoredFile.__tablename__ not in existing:
        return True  # a database without tables holds no files either
    return next(iter(files.keys()), None) is None


def restore(path: Path, force: bool = False) -> Summary:
    manifest = read_manifest(path)
    kind = "sqlite" if sqlite_file(current_app.config["SQLALCHEMY_DATABASE_URI"]) else \
        "postgresql"
    if manifest["database"] != kind:
        raise BackupError(_l("This is a backup of a %(kind)s database; this installation uses "
                             "%(here)s.", kind=manifest["database"], here=kind))
    if not force and not is_empty():
        raise NotEmpty(_l("This installation already holds data: restore into an empty one, "
                          "or add --force to replace everything in it."))
    files = storage.current()
    with tarfile.open(path, "r:") as archive, \
            tempfile.TemporaryDirectory(prefix="summit-restore-") as scratch:
        members = [m for m in archive.getmembers() if m.name != MANIFEST]
        dump = next(m for m in members if m.name.startswith("database/"))
        target = Path(scratch) / Path(dump.name).name
        with archive.extractfile(dump) as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, READ)
        _load_database(kind, target)
        for key in list(files.keys()):
            files.delete(key)
        restored = 0
        for member in members:
            if member.name.startswith("files/"):
                files.put(member.name.removeprefix("files/"), archive.extractfile(member))
                restored += 1
    log.info("Backup restored: %s files", restored)
    return Summary(Path(path), kind, restored, Path(path).stat().st_size)


def _load_database(kind: str, dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if kind == "sqlite":
        source = sqlite3.connect(dump)
        live = sqlite3.connect(sqlite_file(url))
        try:
            with live:
                source.backup(live)
        finally:
            live.close()
            source.close()
    else:
        _run_postgres("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-acl",
                                     "--single-transaction", "--exit-on-error",
                                     "--dbname", make_url(url).database or "", str(dump)], url)
    db.engine.dispose()


def stored_checksums() -> dict[str, str]:
    """Every stored file's SHA-256, by key (the restore drill compares them)."""
    files = storage.current()
    found = {}
    for key in files.keys():
        digest = hashlib.sha256()
        for chunk in files.open(key):
            digest.update(chunk)
        found[key] = digest.hexdigest()
    return found
