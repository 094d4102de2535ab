"""Stored files: owner-only on disk, deleted with a transaction that does not commit, and
purged a day after upload when no row names them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from summit.extensions import db
from summit.models import User
from summit.services.core import uploads
from summit.services.core.errors import NotFound
from tests.support import factories
from tests.support.uploads import age, mode, stored_tokens, upload_folder

pytestmark = pytest.mark.usefixtures("english")


def test_files_and_their_folders_are_readable_by_their_owner_only(app):
    token = uploads.store("tests", b"personal data", {"name": "x"})

    folder = upload_folder("tests")
    assert mode(folder) == mode(folder.parent) == 0o700
    assert mode(folder / f"{token}.bin") == mode(folder / f"{token}.json") == 0o600


def test_a_file_stored_for_a_commit_stays_when_the_transaction_commits(app):
    token = uploads.store_for_commit("tests", b"kept", {})
    db.session.add(User(email="a@example.com", name="A", password_hash="x"))
    db.session.commit()

    assert uploads.load("tests", token)[0] == b"kept"


def test_a_file_stored_for_a_commit_goes_when_the_transaction_rolls_back(app):
    factories.make_user("a@example.com")
    token = uploads.store_for_commit("tests", b"dropped", {})
    db.session.rollback()

    assert token not in stored_tokens("tests")


def test_a_file_stored_for_a_commit_goes_when_the_commit_fails(app):
    db.session.add(User(email="a@example.com", name="A", password_hash="x"))
    db.session.commit()
    token = uploads.store_for_commit("tests", b"dropped", {})
    db.session.add(User(email="a@example.com", name="A again", password_hash="x"))

    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()

    assert token not in stored_tokens("tests")


def test_a_file_stored_for_a_commit_goes_when_the_session_closes_without_one(app):
    token = uploads.store_for_commit("tests", b"dropped", {})
    db.session.close()

    assert token not in stored_tokens("tests")


def test_purge_deletes_old_files_no_row_names_and_keeps_the_rest(app):
    old, named, young = (uploads.store("tests", bytes([n]), {}) for n in range(3))
    age("tests", old, 25)
    age("tests", named, 25)
    age("tests", young, 23)
    asked: list[list[str]] = []

    def attached(tokens: list[str]) -> set[str]:
        asked.append(sorted(tokens))
        return {named} & set(tokens)

    assert uploads.purge("tests", attached) == 1

    assert stored_tokens("tests") == {named, young}
    assert asked == [sorted([old, named])]


def test_purge_now_and_then_runs_at_most_once_an_hour(app):
    first = uploads.store("tests", b"1", {})
    age("tests", first, 25)
    uploads.purge_now_and_then("tests", lambda tokens: set())
    second = uploads.store("tests", b"2", {})
    age("tests", second, 25)
    uploads.purge_now_and_then("tests", lambda tokens: set())

    assert stored_tokens("tests") == {second}


def test_a_staged_file_is_usable_for_23_hours(app):
    fresh, stale = uploads.store("tests", b"fresh", {}), uploads.store("tests", b"stale", {})
    age("tests", fresh, 22)
    age("tests", stale, 23.5)

    assert uploads.load("tests", fresh, max_age=uploads.USABLE_FOR)[0] == b"fresh"
    with pytest.raises(NotFound, match="expired"):
        uploads.load("tests", stale, max_age=uploads.USABLE_FOR)
    assert uploads.USABLE_FOR < uploads.PURGE_AFTER == timedelta(days=1)


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 200])
def test_a_token_that_is_not_one_is_not_found(app, token):
    with pytest.raises(NotFound):
        uploads.load("tests", token)
