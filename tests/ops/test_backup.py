"""The restore drill, on SQLite and PostgreSQL: the demo summit plus uploads, ``flask backup
create``, wipe, ``flask backup restore``, and every table's rows and every stored file's
checksum are what they were. A damaged archive and a non-empty installation are refused
before anything changes."""
from __future__ import annotations

import tarfile

import pytest
from sqlalchemy import func, select

from summit import create_app
from summit.extensions import db
from summit.models import Registration
from summit.services.core import storage
from summit.services.demo import seed as demo
from summit.services.ops import backup
from tests.support import plugin, press_factories


def table_contents() -> dict[str, list[tuple]]:
    """Every table's rows, but the stored files' own tables (their files are compared by
    checksum: a restored file is stored anew, at the time of the restore)."""
    db.session.rollback()
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name in backup.FILE_TABLES:
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        found[table.name] = [tuple(row) for row in db.session.execute(
            select(table).order_by(*order)).all()]
    db.session.rollback()
    return found


def run(app, *args: str):
    # The command runs in an app context of its own, as from a shell; a restore replaces the
    # engine's pool, so this test's session gives its connection back first (one left
    # checked out would be closed only by the garbage collector, failing a later test).
    db.session.rollback()
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


@pytest.fixture
def filled(app):
    """The demo summit, a press application with its photos and letter, and a large file."""
    demo.seed_demo()
    press_factories.submitted(press_factories.press_summit())
    storage.current().put("press/large.bin", b"\x00\x01" * 400_000)
    db.session.commit()
    return app


def wipe_everything(app, database_url: str) -> None:
    plugin.wipe(database_url)
    for key in list(storage.current().keys()):
        storage.current().delete(key)


def test_the_restore_drill_brings_back_every_row_and_file(filled, database_url, tmp_path):
    drill(filled, database_url, tmp_path)


@pytest.mark.postgres_only  # the shared file store of several app servers
@pytest.mark.app_config(STORAGE="database")
def test_the_restore_drill_with_files_in_the_database(filled, database_url, tmp_path):
    assert storage.current().name == "database"
    drill(filled, database_url, tmp_path)


@pytest.mark.postgres_only  # a new installation: a database without tables
@pytest.mark.app_config(STORAGE="database")
def test_a_backup_restores_into_a_new_database(filled, pg_cluster, smtp_server, tmp_path):
    rows, files = table_contents(), backup.stored_checksums()
    archive = tmp_path / "move.tar"
    assert run(filled, "backup", "create", "--output", str(archive)).exit_code == 0
    url = pg_cluster.create_database(f"summit_new_{tmp_path.name[-12:].lower()}")
    new = create_app(plugin.test_config(url, str(tmp_path / "new"), smtp_server.port,
                                        STORAGE="database"))
    with new.app_context():
        restored = run(new, "backup", "restore", str(archive))
        assert restored.exit_code == 0, restored.output
        assert (table_contents(), backup.stored_checksums()) == (rows, files)
        db.session.remove()
        db.engine.dispose()


def drill(filled, database_url: str, tmp_path) -> None:
    rows, files = table_contents(), backup.stored_checksums()
    assert len(files) >= 5 and sum(len(r) for r in rows.values()) > 100
    archive = tmp_path / "drill.tar"

    made = run(filled, "backup", "create", "--output", str(archive))
    assert made.exit_code == 0, made.output
    assert f"{len(files)} files" in made.output
    wipe_everything(filled, database_url)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    restored = run(filled, "backup", "restore", str(archive))

    assert restored.exit_code == 0, restored.output
    assert table_contents() == rows
    assert backup.stored_checksums() == files


def test_a_non_empty_installation_is_refused_unless_forced(filled, tmp_path):
    archive = tmp_path / "full.tar"
    assert run(filled, "backup", "create", "--output", str(archive)).exit_code == 0
    db.session.delete(db.session.scalars(select(Registration)).first())
    db.session.commit()
    changed = table_contents()

    refused = run(filled, "backup", "restore", str(archive))
    assert refused.exit_code != 0
    # The command speaks the default language (zh_Hans).
    assert "本系统中已有数据" in refused.output and "--force" in refused.output
    assert table_contents() == changed

    forced = run(filled, "backup", "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert len(table_contents()["registrations"]) == len(changed["registrations"]) + 1


@pytest.mark.parametrize("damage", ["checksum", "truncated", "no manifest"])
def test_a_damaged_archive_is_refused_before_anything_changes(app, damage, tmp_path):
    press_factories.submitted(press_factories.press_summit())
    archive = tmp_path / "damaged.tar"
    assert run(app, "backup", "create", "--output", str(archive)).exit_code == 0
    data = bytearray(archive.read_bytes())
    if damage == "checksum":
        with tarfile.open(archive) as tar:
            member = next(m for m in tar.getmembers() if m.name.startswith("files/"))
        data[member.offset_data + 10] ^= 0xFF
    elif damage == "truncated":
        data = data[:len(data) // 2]
    else:
        with tarfile.open(archive) as tar:
            member = tar.getmember(backup.MANIFEST)
        data = data[:member.offset]
    archive.write_bytes(bytes(data))
    rows, files = table_contents(), backup.stored_checksums()

    refused = run(app, "backup", "restore", "--force", str(archive))

    assert refused.exit_code != 0
    assert "未恢复任何内容" in refused.output or "不是完整的峰会系统备份" in refused.output
    assert (table_contents(), backup.stored_checksums()) == (rows, files)


def test_a_backup_that_fails_leaves_no_archive(app, tmp_path, monkeypatch):
    storage.current().put("press/a.bin", b"data")

    def broken(key):
        raise storage.StorageUnavailable("down")

    monkeypatch.setattr(storage.current(), "open", broken)
    folder = tmp_path / "backups"
    folder.mkdir()
    with pytest.raises(storage.StorageUnavailable):
        backup.create(folder / "never.tar")
    assert list(folder.iterdir()) == []
