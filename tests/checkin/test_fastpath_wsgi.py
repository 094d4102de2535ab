"""The scan endpoint's WSGI fast path (``services/checkin/fastpath/wsgi``): on PostgreSQL an
ordinary online scan is answered before Flask handles a request, with the view's answer and
headers; everything else reaches the view with its body intact. SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from flask import request_started
from sqlalchemy import event as sa_event

from summit.extensions import db
from summit.models import CheckIn, Registration, User
from summit.services.badges import issuing as badges, tokens as badge_tokens
from summit.services.core import direct
from tests.support.checkin import enrol, post, token_of


@contextmanager
def watched(app):
    """What a request made Flask and SQLAlchemy do: requests Flask handled, statements sent
    through the app's engine."""
    seen = {"flask": 0, "statements": 0}

    def on_request(sender, **extra):
        seen["flask"] += 1

    def on_statement(*args):
        seen["statements"] += 1

    request_started.connect(on_request, app)
    sa_event.listen(db.engine, "before_cursor_execute", on_statement)
    try:
        yield seen
    finally:
        request_started.disconnect(on_request, app)
        sa_event.remove(db.engine, "before_cursor_execute", on_statement)


def minutes_ago(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_an_ordinary_scan_on_postgresql_never_reaches_flask(app, client, auth, event, holder,
                                                            organiser):
    second = enrol(event, "钱伟", "qianwei@example.com", organiser)
    post(client, auth, event, token=token_of(holder), gate="东门", scan_id="warm-1")
    token = token_of(second)

    with watched(app) as seen:
        response = post(client, auth, event, token=token, gate="东门", scan_id="fast-1")

    assert response.status_code == 200
    assert response.get_json()["result"] == "ok"
    assert response.get_json()["holder"]["name"] == "钱伟"
    if on_postgresql():
        # One statement on the scan connection, none through the app's engine.
        assert seen == {"flask": 0, "statements": 0}
    else:
        assert seen["flask"] == 1
    db.session.remove()
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 2


def test_the_fast_answer_has_the_views_headers(app, client, auth, event, holder, organiser):
    fast = post(client, auth, event, token=token_of(holder), gate="东门", scan_id="h-1")
    other = enrol(event, "孙芳", "sunfang@example.com", organiser)
    # An offline scan always goes to the view.
    view = post(client, auth, event, token=token_of(other), gate="东门", scan_id="h-2",
                offline=True, scanned_at=minutes_ago(10))

    assert fast.status_code == view.status_code == 200
    assert fast.get_json()["result"] == view.get_json()["result"] == "ok"
    names = ("Content-Type", "Content-Security-Policy", "X-Frame-Options",
             "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy")
    assert {n: fast.headers.get(n) for n in names} == {n: view.headers.get(n) for n in names}
    assert "Set-Cookie" not in fast.headers
    assert int(fast.headers["Content-Length"]) == len(fast.data)
    # Written as jsonify writes: compact, keys sorted, a final newline.
    for response in (fast, view):
        assert response.data == (app.json.dumps(response.get_json(), separators=(",", ":"))
                                  + "\n").encode()


def test_the_fast_answer_over_https_carries_hsts(app, client, auth, event, holder):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins", headers=auth,
                           base_url="https://localhost",
                           json={"token": token_of(holder), "gate": "东门", "scan_id": "tls-1"})

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_scan_left_to_the_view_keeps_its_body(app, client, auth, event, holder):
    """An offline scan is the view's: the body the fast path read is put back for it."""
    with watched(app) as seen:
        response = post(client, auth, event, token=token_of(holder), gate="西门",
                        scan_id="offline-1", offline=True,
                        scanned_at=minutes_ago(10))

    assert response.status_code == 200
    assert response.get_json()["result"] == "ok"
    assert seen["flask"] == 1
    checkin = db.session.scalar(db.select(CheckIn).where(CheckIn.scan_id == "offline-1"))
    assert checkin.offline and checkin.gate == "西门"


@pytest.mark.parametrize("headers, body, status", [
    ({}, '{"token": "x", "gate": "东门", "scan_id": "s-1"}', 401),
    ({"Authorization": "Basic abc"}, '{"token": "x", "gate": "东门", "scan_id": "s-1"}', 401),
    (None, '{"token": "x", "gate": "东门", "scan_id": "s-1"', 400),
    (None, '["not", "an", "object"]', 400),
    (None, '{"gate": "东门", "scan_id": "s-1", "pad": "' + "x" * 5000 + '"}', 413),
])
def test_what_the_fast_path_does_not_answer_gets_the_views_error(client, auth, event, headers,
                                                                 body, status):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins", data=body,
                           content_type="application/json",
                           headers=auth if headers is None else headers)

    assert response.status_code == status
    assert "error" in response.get_json()
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 0


@pytest.mark.postgres_only
def test_a_lost_scan_connection_is_reopened_and_the_scan_counted_once(app, client, auth, event,
                                                                       holder, organiser):
    post(client, auth, event, token=token_of(holder), gate="东门", scan_id="before-loss")
    pids = direct.idle_backends()
    assert pids
    db.session.execute(db.text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                       {"pids": pids})
    db.session.commit()
    token = token_of(enrol(event, "李娜", "lina@example.com", organiser))

    with watched(app) as seen:
        response = post(client, auth, event, token=token, gate="东门", scan_id="after-loss")

    assert response.status_code == 200
    assert response.get_json()["result"] == "ok"
    assert seen["flask"] == 0
    db.session.remove()
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn).where(
        CheckIn.scan_id == "after-loss")) == 1


@pytest.mark.postgres_only
def test_a_scan_held_up_by_another_transaction_is_answered_by_the_view(app, client, auth,
                                                                      event, holder, staff):
    """The scan connection waits at most a second for a row another transaction is writing;
    then the view answers (and waits as long as it must)."""
    token = token_of(holder)
    badge_id = badges.badge_of(holder).id
    other = psycopg.connect(db.engine.url.render_as_string(hide_password=False)
                            .replace("postgresql+psycopg", "postgresql"))
    other.execute("INSERT INTO arrivals (summit_id, badge_id, gate, arrived_at)"
                  " VALUES (%s, %s, '西门', now() AT TIME ZONE 'UTC')", (event.id, badge_id))
    answers = {}

    def gate_scan():
        with app.app_context(), watched(app) as seen:
            answers["body"] = post(client, auth, event, token=token, gate="东门",
                                   scan_id="held-1").get_json()
        answers["seen"] = seen

    scanner = threading.Thread(target=gate_scan)
    scanner.start()
    time.sleep(1.5)  # past the scan connection's lock timeout
    other.commit()
    other.close()
    scanner.join(10)

    assert answers["body"]["result"] == "duplicate"
    assert answers["body"]["first_gate"] == "西门"
    assert answers["seen"]["flask"] == 1


def test_the_fast_path_needs_no_application_context(app, client, auth, event, holder):
    """A server's thread has no application context when the fast path runs: the scan is
    answered there too, on a connection opened there (the summit, its doors and the
    database are read once, in contexts of their own)."""
    token = token_of(holder)
    if on_postgresql():
        direct.close_connections()
    app.extensions.pop("summit.checkin_summits", None)
    answers = []

    def gate() -> None:  # a new thread starts without the test's application context
        with app.test_client() as bare:
            answers.append(post(bare, auth, event, token=token, gate="东门", scan_id="bare-1"))

    with watched(app) as seen:
        thread = threading.Thread(target=gate)
        thread.start()
        thread.join(timeout=30)

    assert answers[0].status_code == 200
    assert answers[0].get_json()["result"] == "ok"
    if on_postgresql():
        assert seen["flask"] == 0


def test_a_badge_without_its_stamp_is_scanned_the_portable_way_once(app, client, auth, event,
                                                                     holder, organiser):
    """A badge made before stamps (or before a new key) has no stamp its token matches: its
    first scan is the view's, which checks the signature and stamps it; the next scan of it
    goes the fast way. A reissued badge is stamped anew: its new token goes the fast way,
    the old print is refused."""
    post(client, auth, event, token=token_of(holder), gate="东门", scan_id="warm-s")
    second = enrol(event, "钱伟", "qianwei@example.com", organiser)
    token = token_of(second)
    badge = badges.badge_of(second)
    registration_id, organiser_id = second.id, organiser.id
    assert badge.token_digest == (badge_tokens.digest(token) if on_postgresql() else None)
    badge.token_digest = None
    db.session.commit()

    with watched(app) as seen:
        first = post(client, auth, event, token=token, gate="东门", scan_id="s-1")
    assert first.get_json()["result"] == "ok" and seen["flask"] == 1
    db.session.remove()
    second = db.session.get(Registration, registration_id)
    assert badges.badge_of(second).token_digest == badge_tokens.digest(token)
    with watched(app) as seen:
        again = post(client, auth, event, token=token, gate="西门", scan_id="s-2")
    assert again.get_json()["result"] == "duplicate"
    assert seen["flask"] == (0 if on_postgresql() else 1)

    badges.reissue(db.session.get(User, organiser_id), second)
    new_token = token_of(second)
    with watched(app) as seen:
        new_print = post(client, auth, event, token=new_token, gate="西门", scan_id="s-3")
    assert new_print.get_json()["result"] == "duplicate"  # arrived already, and let in
    assert seen["flask"] == (0 if on_postgresql() else 1)
    with watched(app) as seen:
        old_print = post(client, auth, event, token=token, gate="西门", scan_id="s-4")
    assert old_print.get_json()["result"] == "revoked" and seen["flask"] == 1
