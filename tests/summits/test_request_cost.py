"""Ordinary requests stay lean (issue 23, item 1): an authenticated API read and the
organiser's registration list run a fixed, small number of SQL statements, whatever the
summit holds, and the same answer as before."""
from __future__ import annotations

import re

import psycopg
import pytest

from summit.blueprints.api.openapi import DOCUMENT
from summit.extensions import db
from summit.models import Delegation
from summit.services.accounts import tokens as api_tokens
from tests.support import factories
from tests.support.agenda import token_for
from tests.support.api import assert_json_error, bearer
from tests.support.pages import text
from tests.support.queries import isolation_levels


def test_an_authenticated_summit_read_is_three_statements(client, summit, organiser,
                                                          count_queries):
    """The token (live, its user active: scope and summit only, neither the user nor their
    roles, which this read never uses) with the summit's id and setup version, the summit,
    and its organisations, zones, categories and the categories' zones together: three
    statements for a summit with one category and for one with five (before issue 23: eight,
    one more per category), and no BEGIN or ROLLBACK around them. Once read, the answer is
    kept until the summit's set-up changes: a warm read is the token's one statement."""
    headers = token_for(organiser)
    main = factories.make_zone(summit, "MAIN", "主会场")
    vip = factories.make_zone(summit, "VIP", "贵宾区")
    factories.make_category(summit, "delegate", "代表", zones=[main])
    url = f"/api/v1/summits/{summit.slug}"
    assert client.get(url, headers=headers).status_code == 200  # warm-up

    with count_queries(db.engine) as small:
        assert client.get(url, headers=headers).status_code == 200
    for number in range(4):
        factories.make_category(summit, f"guest{number}", f"嘉宾{number}",
                                zones=[vip, main][:number % 3], public=number != 2)
    with isolation_levels(db.engine) as levels:
        with count_queries(db.engine) as large:
            body = client.get(url, headers=headers).get_json()

    with count_queries(db.engine) as warm:
        assert client.get(url, headers=headers).get_json() == body

    assert len(small) == len(warm) == 1, (small, warm)  # kept: the token's statement alone
    assert len(large) == 3, large  # the categories added: read again
    assert "api_tokens" in large[0] and "memberships" not in large[0]
    assert "setup_version" in warm[0]
    assert "users.email" not in large[0] and "users.active" in large[0]
    assert levels == ["AUTOCOMMIT"] * 3, levels  # no BEGIN and ROLLBACK round trips
    assert [c["code"] for c in body["categories"]] == ["delegate", "guest0", "guest1",
                                                        "guest2", "guest3"]
    assert [c["zones"] for c in body["categories"]] == [["MAIN"], [], ["VIP"],
                                                        ["MAIN", "VIP"], []]
    assert [c["public"] for c in body["categories"]] == [True, True, True, False, True]
    assert [z["code"] for z in body["zones"]] == ["MAIN", "VIP"]


def test_the_public_read_still_checks_the_token(client, summit, organiser, event):
    """Not loading the token's user changes nothing for its holder: a scanner's device token
    is refused there as on every other endpoint, its use is noted, and a revoked or unknown
    token is no token (the read is public)."""
    raw, token = api_tokens.issue_device_token(organiser, event)
    url = f"/api/v1/summits/{summit.slug}"
    assert_json_error(client.get(url, headers=bearer(raw)), 403, "forbidden",
                      message=f"This token only checks people in at {event.slug}.")
    db.session.refresh(token)
    assert token.last_used_at is not None
    full, full_token = api_tokens.issue_token_for(organiser)
    assert client.get(url, headers=bearer(full)).status_code == 200
    api_tokens.revoke_token(organiser, full_token)
    assert client.get(url, headers=bearer(full)).get_json()["slug"] == summit.slug
    assert client.get(url, headers=bearer("smt_unknown")).status_code == 200


def test_the_registration_list_loads_the_user_with_roles_and_counts_once(
        client, event, signed_in_organiser, count_queries, monkeypatch):
    """Logged in: the user with their roles in one statement (no separate roles query); the
    status counts, categories and delegations in one; the unfiltered list's total comes from
    those counts (no count query); a search still counts its matches."""
    monkeypatch.setitem(client.application.config, "KEPT_PAGES", False)  # drawn each time
    for number in range(3):
        factories.make_registration(event, f"代表{number}")
    url = f"/summits/{event.slug}/registrations"
    assert client.get(url).status_code == 200  # warm-up

    with count_queries(db.engine) as unfiltered:
        page = client.get(url).get_data(as_text=True)
    with count_queries(db.engine) as searched:
        found = client.get(f"{url}?q=代表1").get_data(as_text=True)

    tables = [re.search(r"FROM (\w+)", statement).group(1) for statement in unfiltered
              if statement.startswith("SELECT")]
    assert tables.count("users") == 1 and "memberships" not in tables, unfiltered
    assert not any(s.startswith("SELECT count(*)") for s in unfiltered), unfiltered
    # user, summit, the page's set-up (status counts, categories, delegations), rows
    assert len(unfiltered) == 4, unfiltered
    assert len(searched) == 5, searched
    assert page.count('name="ids"') == 3 and found.count('name="ids"') == 1
    assert "代表2" in page and "代表2" not in found


def test_the_registration_list_draws_its_rows_from_a_few_columns(
        client, event, signed_in_organiser, count_queries, monkeypatch):
    """The page's rows are plain columns of ``registrations`` (no entity with its category and
    delegation joined, no e-mail, ID number or address read), drawn with every column the
    page showed before: link, accessible checkbox label, native name, the desk's marks,
    pinyin, organisation, category with its colour, delegation, masked phone, status, every
    text escaped."""
    delegation = Delegation(summit_id=event.id, name="丹巴县代表团", quota=5)
    db.session.add(delegation)
    first = factories.make_registration(event, "安娜", phone="13812345678")
    first.name_native, first.walk_in, first.delegation = "ཨ་ནཱ", True, delegation
    aide = factories.make_registration(event, "白雪", category="expert")
    aide.principal_id, aide.position = first.id, '<script>alert("x")</script> & co'
    db.session.commit()
    monkeypatch.setitem(client.application.config, "KEPT_PAGES", False)  # drawn each time
    url = f"/summits/{event.slug}/registrations"
    assert client.get(url).status_code == 200  # warm-up

    with count_queries(db.engine) as two:
        page = text(client.get(url))
    rows = [s for s in two if "FROM registrations" in s and "LIMIT" in s]
    assert len(rows) == 1, two
    assert "JOIN" not in rows[0] and "attendee_categories" not in rows[0]
    for unused in ("email", "id_number", "sealed", "hotel", "diet"):
        assert f"registrations.{unused}" not in rows[0], unused
    assert f'<a href="/registrations/{first.id}">安娜</a> <span lang="bo">ཨ་ནཱ</span> ' \
        '<span class="tag">walk-in</span>' in page
    assert f'<a href="/registrations/{aide.id}">白雪</a> <span class="tag">aide</span>' in page
    assert f'value="{first.id}" aria-label="Select 安娜"' in page
    assert "138****5678" in page and "13812345678" not in page
    assert "<td>丹巴县代表团</td>" in page
    # Cells are escaped in the view (the rows print with autoescaping off): markup stays text.
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page
    assert '<span class="status status-pending">Pending review</span>' in page
    colour = event.categories[0].colour
    assert f'<span class="swatch" style="background: {colour}"></span>' in page

    for number in range(48):
        factories.make_registration(event, f"代表{number}")
    with count_queries(db.engine) as fifty:
        assert text(client.get(url)).count('name="ids"') == 50
    assert len(fifty) == len(two), fifty


def ping_counter(monkeypatch) -> list[int]:
    """Counts the pings the pool's check-out sends (the dialect's own ping, wrapped)."""
    pings: list[int] = []
    dialect = db.engine.dialect
    original = dialect.do_ping

    def counted(dbapi_connection):
        pings.append(1)
        return original(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return pings


def test_a_connection_used_moments_ago_is_not_pinged_again(client, summit, monkeypatch):
    """``pool_pre_ping`` cost a round trip on every request; now only a connection idle longer
    than DATABASE_PING_AFTER_IDLE (10 s) is checked."""
    url = f"/api/v1/summits/{summit.slug}"
    assert client.get(url).status_code == 200
    db.session.commit()  # the connection goes back to the pool
    pings = ping_counter(monkeypatch)
    for _ in range(3):
        assert client.get(url).status_code == 200
        db.session.commit()
    assert pings == []


@pytest.mark.postgres_only
@pytest.mark.app_config(DATABASE_PING_AFTER_IDLE=0.0)
def test_a_pooled_connection_the_database_dropped_is_replaced_unseen(client, summit,
                                                                     monkeypatch):
    url = f"/api/v1/summits/{summit.slug}"
    assert client.get(url).status_code == 200
    backend = db.session.scalar(db.text("SELECT pg_backend_pid()"))
    db.session.commit()  # back to the pool, where the database drops it
    with psycopg.connect(db.engine.url.render_as_string(hide_password=False).replace(
            "postgresql+psycopg://", "postgresql://"), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (backend,))
    pings = ping_counter(monkeypatch)

    response = client.get(url)

    assert response.status_code == 200 and response.get_json()["slug"] == summit.slug
    assert pings  # the dead connection was found by the check-out's ping and replaced
    assert db.session.scalar(db.text("SELECT pg_backend_pid()")) != backend


def test_the_api_document_is_encoded_once_and_served_as_is(client, count_queries):
    first = client.get("/api/v1/openapi.json")
    with count_queries(db.engine) as statements:
        again = client.get("/api/v1/openapi.json")

    assert first.status_code == again.status_code == 200
    assert again.mimetype == "application/json" and again.get_json() == DOCUMENT
    assert again.get_data() == first.get_data() and statements == []


def test_the_api_read_headers_are_the_same_in_the_same_order(client, summit, organiser):
    """The security headers are added without ``Headers.setdefault``'s searches (issue 23):
    the same headers, in the same order, after the view's own (HSTS over HTTPS only)."""
    headers = token_for(organiser)
    url = f"/api/v1/summits/{summit.slug}"
    expected = ["Content-Type", "Content-Length", "Content-Security-Policy", "X-Frame-Options",
                "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy"]
    for base_url, more in (("http://localhost", []),
                           ("https://localhost", ["Strict-Transport-Security"])):
        for _warm in range(2):
            response = client.get(url, headers=headers, base_url=base_url)
            names = [name for name, _value in response.headers.to_wsgi_list()]
            assert names == [*expected, *more, "Vary", "X-Request-ID"], names
            assert response.headers["Referrer-Policy"] == "same-origin"
            assert response.headers["Content-Type"] == "application/json"
