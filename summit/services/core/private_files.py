"""Files and folders only the app's own user may read. The instance folder holds the SQLite
database, uploaded letters and photos, badge batches, signing keys and the mail outbox:
personal data and secrets, so every one is created 0600 (files) or 0700 (folders), whatever
the umask the app was started with, and an existing one is tightened when the app finds it
(an instance made by an older version)."""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def _tighten(path: Path, mode: int) -> None:
    """Take group and other permissions away from a path of ours (never from another
    user's: a shared parent folder stays as its owner set it)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    if found.st_uid == os.getuid() and stat.S_IMODE(found.st_mode) & 0o077:
        os.chmod(path, stat.S_IMODE(found.st_mode) & mode)


def private_folder(path: Path) -> Path:
    """``path`` as a folder that only its owner can open (made with its parents if needed)."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    _tighten(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """An existing file made owner-only, or a new empty one created so (SQLite then opens it,
    and makes its -wal and -shm files with the same mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        _tighten(path, FILE_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, owner-only from the first byte; a reader sees the whole
    file or none of it (written aside, then renamed into place)."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
