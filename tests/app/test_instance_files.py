"""What Summit keeps in its instance folder (the SQLite database, uploads, generated badge
batches, the mail outbox) is readable by the app's own user only, whatever the
umask it was started with."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from summit import create_app
from summit.extensions import db
from summit.services.badges import issuing as badges
from summit.services.core import mail, uploads
from tests.support import factories
from tests.support.plugin import FONT_CACHE
from tests.support.uploads import mode


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def build(instance: Path):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance),
                       "FONT_CACHE_DIR": str(FONT_CACHE), "MAIL_SERVER": None})


def test_the_instance_folder_and_what_it_holds_are_owner_only(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    app = build(instance)
    with app.app_context():
        try:
            db.create_all()
            summit = factories.make_summit("private-files")
            badges.private_key(summit)
            batch = uploads.store("badge-batches", b"%PDF-1.7 badges", {"job": 1})
            mail.send_email("delegate@example.com", "Your badge", "Attached.")
            database = instance / "summit.db"
            written = [database, *(database.with_name(database.name + suffix)
                                   for suffix in ("-wal", "-shm"))]
            assert all(path.exists() for path in written)

            assert mode(instance) == 0o700
            assert [mode(path) for path in written] == [0o600] * 3
            folders = [instance / "uploads", instance / "uploads" / "badge-batches",
                       instance / "outbox"]
            assert [mode(folder) for folder in folders] == [0o700] * 3
            files = [instance / "uploads" / "badge-batches" / f"{batch}.bin",
                     *(instance / "outbox").iterdir()]
            assert [mode(path) for path in files] == [0o600] * 2
            assert not (instance / "keys").exists()  # signing keys live in the database
        finally:
            db.drop_all()
            db.engine.dispose()


def test_an_existing_instance_folder_and_database_are_made_private(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "summit.db").touch(mode=0o644)

    app = build(instance)
    with app.app_context():
        db.engine.dispose()

    assert (mode(instance), mode(instance / "summit.db")) == (0o700, 0o600)
