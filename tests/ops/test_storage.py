"""The storage interface: the local folder and the database backends keep, stream, list and
delete files alike; a file that is not there, or a store that cannot be reached, gives a clear
error and leaves nothing half-written."""
from __future__ import annotations

import hashlib
import os
import threading

import pytest
from sqlalchemy import create_engine

from summit.extensions import db
from summit.models import StoredFileChunk
from summit.services.badges import keys as signing_keys
from summit.services.core import storage, uploads
from tests.support import factories

BIG = os.urandom(storage.CHUNK * 2 + 1234)  # three chunks


def backends(app, database_url):
    found = [storage.LocalStorage(__import__("pathlib").Path(app.instance_path) / "files")]
    if database_url.startswith("postgresql"):  # SQLite: one node, the local folder
        found.append(storage.DatabaseStorage(db.engine))
    return found


def test_every_backend_keeps_streams_lists_and_deletes(app, database_url):
    for files in backends(app, database_url):
        assert files.put("photos/a.bin", iter([BIG[:1000], BIG[1000:]])) == len(BIG)
        chunks = list(files.open("photos/a.bin"))
        assert max(len(chunk) for chunk in chunks) <= storage.CHUNK
        assert b"".join(chunks) == BIG, files.name
        assert (files.exists("photos/a.bin"), files.size("photos/a.bin")) == (True, len(BIG))
        assert [key for key, _stat in files.list("photos")] == ["photos/a.bin"]
        files.put("photos/a.bin", b"smaller")  # replaced whole
        assert files.read("photos/a.bin") == b"smaller"
        files.delete("photos/a.bin")
        assert not files.exists("photos/a.bin")
        with pytest.raises(storage.FileMissing):
            files.open("photos/a.bin")


@pytest.mark.postgres_only
def test_the_database_backend_writes_in_chunks_and_a_failed_write_leaves_nothing(app):
    files = storage.DatabaseStorage(db.engine)
    files.put("press/big.bin", BIG)
    assert db.session.scalar(db.select(db.func.count()).select_from(StoredFileChunk)) == 3

    def broken():
        yield b"first part"
        raise OSError("the upload was cut")

    with pytest.raises(OSError):
        files.put("press/cut.bin", broken())
    assert not files.exists("press/cut.bin")
    assert hashlib.sha256(files.read("press/big.bin")).digest() == hashlib.sha256(BIG).digest()


@pytest.mark.postgres_only
@pytest.mark.usefixtures("english")  # messages as the code writes them
def test_an_unreachable_database_store_is_a_clear_error_and_nothing_is_kept(app, monkeypatch):
    unreachable = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                                connect_args={"connect_timeout": 2})
    app.extensions[storage.EXTENSION] = storage.DatabaseStorage(unreachable)
    with pytest.raises(storage.StorageUnavailable) as refused:
        uploads.store("press", b"%PDF-1.7 letter", {"x": 1})
    assert "cannot be reached" in str(refused.value)
    with pytest.raises(storage.StorageUnavailable):
        app.extensions[storage.EXTENSION].check()


def test_an_unwritable_local_store_is_a_clear_error_and_nothing_is_kept(app, tmp_path):
    root = tmp_path / "store"
    root.mkdir()
    (root / "press").write_text("a file where the folder should be")
    app.extensions[storage.EXTENSION] = files = storage.LocalStorage(root)
    with pytest.raises(storage.StorageUnavailable):
        uploads.store("press", b"%PDF-1.7 letter", {"x": 1})
    assert sorted(p.name for p in root.iterdir()) == ["press"]
    assert files.exists("press/x.bin") is False


@pytest.mark.usefixtures("english")  # messages as the code writes them
def test_a_file_missing_from_the_store_is_a_404_with_a_message_and_logged(app, caplog):
    token = uploads.store("press", b"%PDF-1.7 letter", {"x": 1})
    storage.current().delete(f"press/{token}.bin")
    with pytest.raises(storage.FileMissing) as missing:
        uploads.load("press", token)
    assert missing.value.status == 404
    assert "missing from the file store" in str(missing.value)
    assert any("missing" in record.getMessage() for record in caplog.records)


@pytest.mark.postgres_only
def test_uploads_go_through_the_configured_database_backend(configured_app):
    app = configured_app(STORAGE="database")
    token = uploads.store("press", b"%PDF-1.7 letter", {"who": "press"})
    assert storage.current().name == "database"
    assert uploads.load("press", token) == (b"%PDF-1.7 letter", {"who": "press"})
    assert not (__import__("pathlib").Path(app.instance_path) / "uploads").exists()


def test_two_servers_creating_a_summit_key_at_once_make_one_key(app):
    summit = factories.make_summit("race")
    db.session.commit()
    summit_id = summit.id
    db.session.close()
    barrier = threading.Barrier(4)
    made: list[bytes] = []

    def server() -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            made.append(signing_keys.private_key(summit_id).public_key().public_bytes_raw())
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=server) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = db.session.scalars(db.select(signing_keys.SigningKey.public_key)).all()
    assert len(stored) == 1
    assert made == stored * 4
