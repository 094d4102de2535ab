"""The Alembic migrations build exactly the schema the models describe, on both databases.

The first upgrade and the check run as real ``flask db`` subprocesses configured by the
environment, the way an operator runs them; the downgrade and the second upgrade run the same
``flask db`` commands in-process (a new interpreter costs more than the migrations)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from summit import create_app
from summit.extensions import db

PROJECT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


def flask_db(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SUMMIT_", "FLASK_"))}
    env.update(FLASK_APP="summit", SUMMIT_DATABASE_URL=database_url, SUMMIT_SECRET_KEY="x",
               SUMMIT_INSTANCE_PATH=str(instance))
    return subprocess.run([str(FLASK), "db", *args], cwd=PROJECT, env=env, capture_output=True,
                          text=True, timeout=300)


def flask_db_here(database_url: str, instance: Path, *args: str) -> tuple[int, str]:
    """``flask db ARGS`` in this process, on an app of its own: exit code and output."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance),
                      "SQLALCHEMY_DATABASE_URI": database_url})
    result = app.test_cli_runner().invoke(args=["db", *args])
    with app.app_context():
        db.engine.dispose()
    return result.exit_code, result.output + repr(result.exception or "")


def table_names(database_url: str) -> set[str]:
    engine = sa.create_engine(database_url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    return request.getfixturevalue("pg_cluster").create_database("summit_migrations")


def assert_no_pending_operations(database_url: str, instance: Path) -> None:
    check = flask_db(database_url, instance, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected." in check.stdout + check.stderr


def test_migrations_build_the_schema_of_the_models(empty_database, tmp_path):
    instance = tmp_path / "instance"
    model_tables = {table.name for table in db.metadata.sorted_tables}

    upgrade = flask_db(empty_database, instance, "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert table_names(empty_database) == model_tables | {"alembic_version"}
    assert_no_pending_operations(empty_database, instance)

    code, output = flask_db_here(empty_database, instance, "downgrade", "base")
    assert code == 0, output
    assert table_names(empty_database) == {"alembic_version"}

    code, output = flask_db_here(empty_database, instance, "upgrade")
    assert code == 0, output
    assert table_names(empty_database) == model_tables | {"alembic_version"}
