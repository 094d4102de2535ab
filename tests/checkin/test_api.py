"""Check-in over the API (groundwork of the check-in issue): answers, retries, counting once,
the manifest for offline scanners. Runs on SQLite and PostgreSQL."""
from __future__ import annotations

import base64
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import HealthCheck, given, settings, strategies as st

from summit.extensions import db
from summit.models import Arrival, CheckIn, Role, Summit, User
from summit.services.badges import issuing as badges, tokens as badge_tokens
from summit.services.checkin import scans as checkins
from summit.services.registration import review as registration_review
from tests.support import factories
from tests.support.api import assert_json_error
from tests.support.checkin import enrol, post, token_of


def test_a_valid_badge_is_ok_with_the_holder_and_no_private_data(client, auth, event, holder):
    response = post(client, auth, event, token=token_of(holder), gate="东门", scan_id="s-1")

    assert response.status_code == 200
    body = response.get_json()
    assert body["result"] == "ok"
    assert body["holder"]["name"] == "赵波"
    assert body["holder"]["zones"] == [{"code": "MAIN", "label": "主会场"}]
    text = response.get_data(as_text=True)
    assert "13900001111" not in text and "zhaobo@example.com" not in text


def test_a_second_scan_is_a_duplicate_naming_the_first_time_and_gate(client, auth, event,
                                                                      holder):
    token = token_of(holder)
    post(client, auth, event, token=token, gate="东门", scan_id="s-1")

    body = post(client, auth, event, token=token, gate="西门", scan_id="s-2").get_json()

    assert body["result"] == "duplicate"
    assert body["first_gate"] == "东门" and body["first_scanned_at"]
    assert db.session.query(Arrival).count() == 1
    assert db.session.query(CheckIn).count() == 2


def test_a_retried_scan_gets_the_first_answer_and_is_recorded_once(client, auth, event, holder):
    token = token_of(holder)
    first = post(client, auth, event, token=token, gate="东门", scan_id="retry-1").get_json()

    again = post(client, auth, event, token=token, gate="东门", scan_id="retry-1").get_json()

    assert first["result"] == again["result"] == "ok"
    assert db.session.query(CheckIn).count() == 1


@pytest.mark.parametrize("change, result", [
    ("revoke", "revoked"), ("reissue", "revoked"), ("cancel", "not_approved")])
def test_revoked_reissued_and_cancelled_badges_are_refused(client, auth, event, organiser,
                                                           holder, change, result):
    token = token_of(holder)
    if change == "revoke":
        badges.revoke(organiser, holder, "证件遗失")
    elif change == "reissue":
        badges.reissue(organiser, holder)
    else:
        registration_review.cancel_registration(organiser, holder)

    body = post(client, auth, event, token=token, gate="东门", scan_id="x-1").get_json()

    assert body["result"] == result


def test_forged_and_foreign_tokens(client, auth, event, organiser, holder):
    token = token_of(holder)
    other = factories.make_summit("other-2027")
    factories.make_category(other, "delegate", "代表")
    foreign = token_of(enrol(other, "李娜", "lina@example.com",
                             approve_as=factories.make_user("admin@example.com",
                                                            admin=True)))
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    results = [post(client, auth, event, token=t, gate="东门", scan_id=f"f-{i}").get_json()
               ["result"] for i, t in enumerate([forged, "garbage", "", foreign])]

    assert results == ["invalid", "invalid", "invalid", "wrong_summit"]


def test_staff_of_another_summit_cannot_scan_here(client, event, holder):
    other = factories.make_summit("other-2027")
    outsider = factories.make_user("outsider@example.com")
    factories.grant(outsider, other, Role.CHECKIN_STAFF)
    token = client.post("/api/v1/tokens", json={"email": outsider.email,
                                                "password": factories.PASSWORD}).get_json()
    response = post(client, {"Authorization": f"Bearer {token['token']}"}, event,
                    token=token_of(holder), gate="东门", scan_id="o-1")

    assert_json_error(response, 403)


@pytest.mark.parametrize("body, field", [
    ({"gate": "东门", "scan_id": "b-1"}, "token"),
    ({"token": 5, "gate": "东门", "scan_id": "b-1"}, "token"),
    ({"token": "x" * 201, "gate": "东门", "scan_id": "b-1"}, "token"),
    ({"token": "x", "scan_id": "b-1"}, "gate"),
    ({"token": "x", "gate": "x" * 65, "scan_id": "b-1"}, "gate"),
    ({"token": "x", "gate": "东门"}, "scan_id"),
    ({"token": "x", "gate": "东门", "scan_id": "has space"}, "scan_id"),
    ({"token": "x", "gate": "东门", "scan_id": ["b-1"]}, "scan_id"),
])
def test_bad_bodies_are_422_naming_the_field(client, auth, event, body, field):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins", json=body, headers=auth)

    assert_json_error(response, 422, fields={field})
    assert db.session.query(CheckIn).count() == 0


def test_a_body_that_is_not_json_is_a_400(client, auth, event):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins", data="{not json",
                           headers={**auth, "Content-Type": "application/json"})

    assert_json_error(response, 400)


def test_the_manifest_lets_a_scanner_verify_offline(client, auth, event, organiser, holder):
    token = token_of(holder)
    revoked = enrol(event, "王芳", "wangfang@example.com", organiser)
    token_of(revoked)
    badges.revoke(organiser, revoked, "重复报名")

    manifest = client.get(f"/api/v1/summits/{event.slug}/checkins/manifest",
                          headers=auth).get_json()

    key = Ed25519PublicKey.from_public_bytes(
        base64.urlsafe_b64decode(manifest["public_key"] + "="))
    claims = badge_tokens.verify(token, key)
    valid = {b["ref"]: b for b in manifest["badges"]}
    assert valid[claims.badge_ref.hex()]["version"] == claims.version
    assert valid[claims.badge_ref.hex()]["holder"]["name"] == "赵波"
    assert badges.badge_of(revoked).ref in manifest["revoked"]
    assert "13900001111" not in str(manifest)


def scan_in_thread(app, summit_id: int, user_id: int, token: str, scan_id: str,
                   gate: threading.Event) -> str:
    with app.app_context():
        summit = db.session.get(Summit, summit_id)
        user = db.session.get(User, user_id)
        gate.wait(timeout=30)
        try:
            return checkins.scan(user, summit, token, "东门", scan_id).result
        except Exception as error:  # reported verbatim by the test
            return f"error: {type(error).__name__}: {error}"


def test_parallel_scans_of_one_badge_count_it_once(app, event, staff, holder):
    token = token_of(holder)
    ids = (event.id, staff.id)
    gate = threading.Event()
    db.session.close()
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(scan_in_thread, app, *ids, token, f"p-{i}", gate)
                   for i in range(16)]
        gate.set()
        results = Counter(f.result(timeout=120) for f in futures)

    assert results == {"ok": 1, "duplicate": 15}, results
    assert db.session.query(Arrival).count() == 1
    assert db.session.query(CheckIn).count() == 16


JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=300),
                        st.lists(st.text(max_size=5), max_size=3))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(token=JSON_VALUES, gate=JSON_VALUES, scan_id=JSON_VALUES)
def test_any_body_gets_an_answer_or_a_clear_error(client, auth, event, token, gate, scan_id):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins",
                           json={"token": token, "gate": gate, "scan_id": scan_id},
                           headers=auth)

    assert response.status_code in (200, 400, 409, 422), response.get_data(as_text=True)
    if response.status_code == 200:
        assert response.get_json()["result"] in checkins.RESULTS


# --- the check-in issue: bodies, offline fields, the desk, the board ----------------------

def test_an_oversized_body_is_a_413_and_nothing_is_recorded(client, auth, event, holder):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins", headers=auth,
                           json={"token": token_of(holder), "gate": "东门", "scan_id": "big-1",
                                 "device": "x" * 5000})

    assert_json_error(response, 413)
    assert db.session.query(CheckIn).count() == 0


@pytest.mark.parametrize("body", ["[1, 2]", '"token"', "null", "{\"token\": "])
def test_a_body_that_is_not_an_object_is_a_400(client, auth, event, body):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins", data=body,
                           headers={**auth, "Content-Type": "application/json"})

    assert_json_error(response, 400)


def test_an_offline_scan_is_sent_with_its_time_and_flag(client, auth, event, holder):
    scanned = datetime.now(UTC) - timedelta(minutes=40)
    body = post(client, auth, event, token=token_of(holder), gate="东门", scan_id="off-1",
                scanned_at=scanned.isoformat(), offline=True).get_json()

    assert body["result"] == "ok"
    checkin = db.session.scalar(db.select(CheckIn))
    assert checkin.offline and abs(checkin.scanned_at - scanned) < timedelta(seconds=1)


def test_an_online_scan_after_an_offline_one_elsewhere_is_flagged_as_a_conflict(
        client, auth, event, holder):

    token = token_of(holder)
    earlier = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    post(client, auth, event, token=token, gate="西门", scan_id="off-1", device="phone-w",
         scanned_at=earlier, offline=True)

    body = post(client, auth, event, token=token, gate="东门", scan_id="on-1",
                device="phone-e").get_json()

    assert (body["result"], body["first_gate"], body.get("conflict")) == (
        "duplicate", "西门", True)
    rows = {c.scan_id: c for c in db.session.scalars(db.select(CheckIn))}
    assert rows["on-1"].conflict_with_id == rows["off-1"].id
    assert db.session.query(Arrival).count() == 1


def test_parallel_scans_over_the_api_name_the_one_that_counted(app, auth, event, holder):
    """Eight gates post one badge at once: one is the arrival, and every other answer is a
    duplicate naming its gate, though that scan may not have been committed when theirs
    began (the one-statement path on PostgreSQL)."""
    token = token_of(holder)
    db.session.close()
    start = threading.Barrier(8)

    def scan(i: int) -> dict:
        client = app.test_client()
        start.wait()
        return client.post(f"/api/v1/summits/{event.slug}/checkins", headers=auth,
                           json={"token": token, "gate": f"门{i}", "scan_id": f"once-{i}"}
                           ).get_json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(scan, range(8)))

    assert Counter(a["result"] for a in answers) == {"ok": 1, "duplicate": 7}, answers
    counted = next(i for i, a in enumerate(answers) if a["result"] == "ok")
    assert {a["first_gate"] for a in answers if a["result"] == "duplicate"} == {f"门{counted}"}
    assert db.session.query(Arrival).count() == 1
    assert db.session.query(CheckIn).count() == 8


@pytest.mark.parametrize("field, value", [("scanned_at", "2020-01-01T00:00:00+00:00"),
                                          ("scanned_at", "today"), ("offline", "yes")])
def test_bad_offline_fields_are_422_naming_them(client, auth, event, holder, field, value):
    response = post(client, auth, event, token=token_of(holder), gate="东门", scan_id="b-1",
                    **{field: value})

    assert_json_error(response, 422, fields={field})


def test_the_desk_looks_up_and_checks_in_over_the_api(client, auth, event, holder):
    found = client.get(f"/api/v1/summits/{event.slug}/checkins/lookup?q=趙波",
                       headers=auth).get_json()
    assert found["total"] == 1 and found["items"][0]["phone"] == "139****1111"

    body = client.post(f"/api/v1/summits/{event.slug}/checkins/manual", headers=auth,
                       json={"registration_id": found["items"][0]["id"], "gate": "服务台",
                             "scan_id": "desk-1"}).get_json()

    assert body["result"] == "ok" and body["holder"]["name"] == "赵波"
    again = post(client, auth, event, token=token_of(holder), gate="东门", scan_id="s-9")
    assert again.get_json()["first_gate"] == "服务台"


@pytest.mark.parametrize("body, status, field", [
    ({"gate": "服务台", "scan_id": "d-1"}, 404, "registration_id"),
    ({"registration_id": "1", "gate": "服务台", "scan_id": "d-1"}, 404, "registration_id"),
    ({"registration_id": 1, "scan_id": "d-1"}, 422, "gate"),
    ({"registration_id": 1, "gate": "服务台"}, 422, "scan_id"),
])
def test_bad_manual_check_ins_are_clear_errors(client, auth, event, holder, body, status,
                                               field):
    response = client.post(f"/api/v1/summits/{event.slug}/checkins/manual", json=body,
                           headers=auth)

    assert_json_error(response, status, fields={field})


@pytest.mark.parametrize("q", ["00001111", "13900001111", "111"])
def test_a_look_up_by_other_than_the_last_four_digits_is_a_422(client, auth, event, holder, q):
    response = client.get(f"/api/v1/summits/{event.slug}/checkins/lookup?q={q}", headers=auth)

    assert_json_error(response, 422, fields={"q"})
    found = client.get(f"/api/v1/summits/{event.slug}/checkins/lookup?q=1111",
                       headers=auth).get_json()
    assert [p["phone"] for p in found["items"]] == ["139****1111"]


def test_a_too_long_look_up_is_a_422(client, auth, event):
    response = client.get(f"/api/v1/summits/{event.slug}/checkins/lookup?q={'赵' * 101}",
                          headers=auth)

    assert_json_error(response, 422, fields={"q"})


def test_the_attendance_board_over_the_api(client, event, organiser, staff, holder):
    checkins.scan(staff, event, token_of(holder), "东门", "a-1")
    token = client.post("/api/v1/tokens", json={"email": organiser.email,
                                                "password": factories.PASSWORD}).get_json()

    body = client.get(f"/api/v1/summits/{event.slug}/attendance",
                      headers={"Authorization": f"Bearer {token['token']}"}).get_json()

    assert (body["arrived"], body["expected"]) == (1, 1)
    assert body["by_gate"] == [{"gate": "东门", "arrived": 1}]


def test_a_revoked_badge_is_revoked_in_the_refreshed_manifest(client, auth, event, organiser,
                                                              holder):
    token_of(holder)
    before = client.get(f"/api/v1/summits/{event.slug}/checkins/manifest",
                        headers=auth).get_json()
    badges.revoke(organiser, holder, "证件遗失")

    after = client.get(f"/api/v1/summits/{event.slug}/checkins/manifest",
                       headers=auth).get_json()

    ref = badges.badge_of(holder).ref
    assert [b["ref"] for b in before["badges"]] == [ref] and before["refused"] == {}
    assert after["badges"] == [] and after["refused"] == {ref: "revoked"}
