"""The API's summit read is kept between requests (issue 23, item 1): by (summit id, setup
version), the version changing in the same transaction as any edit of what the read shows.
Each edit here goes through the organiser's own pages and shows in the very next read,
byte for byte what the read would build afresh; the token is still checked on every read."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import jsonify
from sqlalchemy import event

from summit.extensions import db
from summit.models import AttendeeCategory, Organisation, Zone
from summit.services.accounts import tokens as api_tokens
from summit.services.core import direct
from summit.services.summits import public
from tests.support import factories
from tests.support.agenda import token_for
from tests.support.api import assert_json_error, bearer
from tests.support.pages import location
from tests.support.queries import statements_run

NEW_SUMMIT = {
    "slug": "kangding-test", "title_zh": "康定电商扶贫大会", "title_en": "Kangding Summit",
    "theme_zh": "", "theme_en": "", "description_zh": "", "description_en": "",
    "city": "康定", "venue": "情歌大酒店", "starts_on": "2027-08-03",
    "ends_on": "2027-08-04", "timezone": "Asia/Shanghai", "hosts": "四川省商务厅",
    "organisers": "甘孜州人民政府", "supporters": "四川省电子商务协会",
}


def read(client, headers, slug="kangding-test"):
    """The API's answer, checked against the one built afresh (nothing kept)."""
    response = client.get(f"/api/v1/summits/{slug}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.rollback()  # see the committed state, as the next request does
    assert response.get_data() == jsonify(public.setup_of(slug)).get_data()
    return response.get_json()


def test_each_edit_shows_in_the_next_read(client, signed_in_organiser, summit):
    headers = token_for(signed_in_organiser)
    read(client, headers)  # kept from here on

    assert location(client.post("/summits/kangding-test/zones", data={
        "zone-code": "main", "zone-label_zh": "主会场", "zone-label_en": "Main hall"}))
    assert [z["code"] for z in read(client, headers)["zones"]] == ["MAIN"]
    assert location(client.post("/summits/kangding-test/zones", data={
        "zone-code": "vip", "zone-label_zh": "贵宾区"}))

    assert location(client.post("/summits/kangding-test/categories", data={
        "submit": "1", "code": "delegate", "label_zh": "代表", "label_en": "Delegate",
        "colour": "#1F5FBF", "public": "y", "zones": ["MAIN"]}))
    assert read(client, headers)["categories"][0]["zones"] == ["MAIN"]

    category = db.session.scalar(db.select(AttendeeCategory).where(
        AttendeeCategory.summit_id == summit.id))
    assert location(client.post(f"/summits/kangding-test/categories/{category.id}/edit", data={
        "code": "delegate", "label_zh": "正式代表", "label_en": "Delegate",
        "colour": "#aa3300", "zones": ["MAIN", "VIP"]}))  # "public" unticked
    [shown] = read(client, headers)["categories"]
    assert (shown["label"]["zh"], shown["colour"], shown["public"], shown["zones"]) == (
        "正式代表", "#aa3300", False, ["MAIN", "VIP"])

    vip = db.session.scalar(db.select(Zone).where(Zone.code == "VIP"))
    assert location(client.post(f"/summits/kangding-test/zones/{vip.id}/delete"))
    body = read(client, headers)
    assert [z["code"] for z in body["zones"]] == ["MAIN"]
    assert body["categories"][0]["zones"] == ["MAIN"]

    assert location(client.post("/summits/kangding-test/edit", data={
        **NEW_SUMMIT, "supporters": "乙协会\n甲协会"}))
    body = read(client, headers)
    assert body["title"]["zh"] == "康定电商扶贫大会"
    assert [o["name"] for o in body["organisations"]["supporter"]] == ["乙协会", "甲协会"]

    # An organisation is shared between summits: renaming it changes each summit's read.
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.name == "甲协会"))
    organisation.name = "甲省协会"
    db.session.commit()
    assert [o["name"] for o in read(client, headers)["organisations"]["supporter"]] == [
        "乙协会", "甲省协会"]

    assert location(client.post(f"/summits/kangding-test/categories/{category.id}/delete"))
    assert read(client, headers)["categories"] == []

    assert location(client.post("/summits/kangding-test/edit", data={
        **NEW_SUMMIT, "slug": "kangding-2027"}))
    assert client.get("/api/v1/summits/kangding-test", headers=headers).status_code == 404
    assert read(client, headers, "kangding-2027")["slug"] == "kangding-2027"


def test_a_summit_made_again_under_the_same_id_is_not_the_old_one(client, app):
    """SQLite may give a new summit the id of the last one deleted: the version is random,
    not counted from zero, so the old summit's kept answer is never served for the new."""
    old = factories.make_summit("litang-2028", title_zh="理塘电子商务大会")
    assert read(client, {}, "litang-2028")["title"]["zh"] == "理塘电子商务大会"
    old_id = old.id
    db.session.delete(old)
    db.session.commit()
    assert client.get("/api/v1/summits/litang-2028").status_code == 404

    new = factories.make_summit("litang-2028", title_zh="理塘新会")
    assert new.setup_version not in (0, None)
    assert read(client, {}, "litang-2028")["title"]["zh"] == "理塘新会"
    assert new.id == old_id or app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def test_the_token_is_checked_on_every_kept_read(client, summit, organiser, event):
    """A scanner's device token is refused on the public read each time, and once its user
    is deactivated it is no token at all: nothing about the token is kept."""
    raw, _token = api_tokens.issue_device_token(organiser, event)
    url = f"/api/v1/summits/{summit.slug}"
    headers = token_for(organiser)
    assert client.get(url, headers=headers).status_code == 200
    for _ in range(2):
        assert_json_error(client.get(url, headers=bearer(raw)), 403, "forbidden",
                          message=f"This token only checks people in at {event.slug}.")
    organiser.active = False
    db.session.commit()
    assert client.get(url, headers=bearer(raw)).status_code == 200  # no token: public
    assert client.get(url, headers=headers).status_code == 200


def refused(client, url, raw, slug):
    """The device token is refused here (``slug``: its own summit's)."""
    assert_json_error(client.get(url, headers=bearer(raw)), 403, "forbidden",
                      message=f"This token only checks people in at {slug}.")


def test_a_revoked_or_expired_token_is_no_token_at_the_very_next_read(client, summit,
                                                                      organiser, event):
    """Revoking or expiring a device token shows in the next read, the answer kept or not:
    the token is read afresh each time (on PostgreSQL, through the direct statement)."""
    url = f"/api/v1/summits/{summit.slug}"
    revoked, revoked_token = api_tokens.issue_device_token(organiser, event)
    expired, expired_token = api_tokens.issue_device_token(organiser, event)
    assert client.get(url, headers=token_for(organiser)).status_code == 200  # kept
    refused(client, url, revoked, event.slug)
    refused(client, url, expired, event.slug)

    api_tokens.revoke_token(organiser, revoked_token)
    assert client.get(url, headers=bearer(revoked)).status_code == 200  # public: no token
    refused(client, url, expired, event.slug)
    expired_token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert client.get(url, headers=bearer(expired)).status_code == 200


@contextmanager
def engine_work():
    """What the app's engine does inside the block: statements it runs, connections its
    pool hands out (the direct statements are neither)."""
    seen = {"statements": 0, "checkouts": 0}

    def statement(*args):
        seen["statements"] += 1

    def checkout(*args):
        seen["checkouts"] += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "checkout", checkout)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "checkout", checkout)


@pytest.mark.postgres_only
def test_on_postgresql_a_warm_read_is_one_direct_statement(client, summit, organiser, event):
    """The token statement goes through a direct connection (prepared once, no pool
    check-out, no SQLAlchemy execution); the tests' statement count still sees it."""
    url = f"/api/v1/summits/{summit.slug}"
    headers = token_for(organiser)
    body = client.get(url, headers=headers).get_data()  # kept, its use noted

    with engine_work() as seen, statements_run(db.engine) as statements:
        assert client.get(url, headers=headers).get_data() == body

    assert seen == {"statements": 0, "checkouts": 0}
    assert len(statements) == 1 and "api_tokens.token_hash = $2" in statements[0]


@pytest.mark.postgres_only
def test_a_lost_direct_connection_is_reopened_for_the_next_read(client, summit, organiser,
                                                                event):
    url, slug = f"/api/v1/summits/{summit.slug}", event.slug
    raw, _token = api_tokens.issue_device_token(organiser, event)
    refused(client, url, raw, slug)
    backends = direct.idle_backends()
    assert backends
    db.session.execute(db.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                       {"pids": backends})
    db.session.commit()

    with engine_work() as seen:
        refused(client, url, raw, slug)

    assert seen == {"statements": 0, "checkouts": 0}  # sent again on a new direct connection
    assert not set(direct.idle_backends()) & set(backends)


@pytest.mark.postgres_only
def test_a_refused_direct_statement_is_read_on_a_pooled_connection(client, summit, organiser,
                                                                  event):
    """When the database no longer knows the prepared statement (dropped under us), the
    read takes the pooled path, checks the token all the same, and the next read prepares
    it again on a new connection."""
    url, slug = f"/api/v1/summits/{summit.slug}", event.slug
    raw, _token = api_tokens.issue_device_token(organiser, event)
    refused(client, url, raw, slug)
    name = api_tokens.token_state_statement().name
    for connection in direct._idle[direct.database_key()]:
        if name in connection.prepared:
            connection.execute(f"DEALLOCATE {name.decode()}")

    with engine_work() as pooled:
        refused(client, url, raw, slug)
    with engine_work() as again:
        refused(client, url, raw, slug)

    assert pooled["statements"] == 1 and pooled["checkouts"] == 1
    assert again == {"statements": 0, "checkouts": 0}
