"""Press badges at the gate: the scan answers with the press holder (outlet, approved zones,
photo only check-in staff of that summit may fetch), the offline manifest carries them without
N+1 queries, and a revoked accreditation answers revoked. SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from summit.extensions import db
from summit.models import Arrival, AuditEntry, CheckIn, Role
from summit.services.badges import issuing as badges
from summit.services.press import badges as press_badges, review as press_review
from tests.support import factories
from tests.support.press_factories import submitted

NOW = datetime(2027, 7, 2, tzinfo=UTC)


@pytest.fixture
def press_staff(press_event):
    """Check-in staff at the press summit's gates."""
    return factories.make_member(press_event, Role.CHECKIN_STAFF, "gate@example.com",
                                 name="签到员")


def approve(officer, application):
    press_review.decide(officer, application, press_review.Decision(
        "approve", zone_codes=["MAIN", "PRESS"]), now=NOW)


@pytest.fixture
def application(press_event, press_officer):
    application = submitted(press_event, zones=("MAIN", "PRESS", "VIP"))
    approve(press_officer, application)
    return application


def bearer(client, user) -> dict:
    response = client.post("/api/v1/tokens",
                           json={"email": user.email, "password": factories.PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def token_of(person) -> str:
    return badges.token_for(press_badges.badge_of(person))


def scan(client, auth, summit, token, scan_id):
    return client.post(f"/api/v1/summits/{summit.slug}/checkins", headers=auth,
                       json={"token": token, "gate": "东门", "scan_id": scan_id})


def test_a_press_badge_scans_ok_with_the_press_holder(client, press_event, press_staff,
                                                      application):
    camera = application.people[1]
    auth = bearer(client, press_staff)

    response = scan(client, auth, press_event, token_of(camera), "press-1")

    assert response.status_code == 200
    body = response.get_json()
    assert body["result"] == "ok"
    holder = body["holder"]
    assert holder["name"] == "王强"
    assert holder["pinyin"] == "WANG Qiang"
    assert holder["outlet"] == holder["organisation"] == "四川电视台"
    assert holder["category"] == {"code": "press", "label": "媒体", "label_en": "Press",
                                  "colour": "#b54708"}
    assert holder["zones"] == [{"code": "MAIN", "label": "主会场"},
                               {"code": "PRESS", "label": "媒体区"}]
    badge = press_badges.badge_of(camera)
    assert holder["photo_url"] == f"/summits/{press_event.slug}/checkin/photos/{badge.id}"
    assert "phone" not in holder and "email" not in holder

    again = scan(client, auth, press_event, token_of(camera), "press-2").get_json()
    assert again["result"] == "duplicate"
    assert again["first_gate"] == "东门"
    assert again["holder"]["outlet"] == "四川电视台"
    retry = scan(client, auth, press_event, token_of(camera), "press-1").get_json()
    assert retry == body


def test_the_photo_is_for_check_in_staff_of_that_summit_only(client, login, press_event,
                                                             press_staff, application):
    auth = bearer(client, press_staff)
    url = scan(client, auth, press_event, token_of(application.people[0]), "p-1"
               ).get_json()["holder"]["photo_url"]
    assert client.get(url).status_code == 302  # not signed in: to the login page

    other = factories.make_summit("other-summit")
    factories.make_member(other, Role.CHECKIN_STAFF, "elsewhere@example.com")
    login("elsewhere@example.com")
    assert client.get(url).status_code == 403
    client.post("/auth/logout")

    login(press_staff.email)
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.data[:3] == b"\xff\xd8\xff"
    assert "private" in response.headers["Cache-Control"]
    assert client.get(f"/summits/{press_event.slug}/checkin/photos/999999").status_code == 404


def test_a_revoked_press_accreditation_answers_revoked(client, press_event, press_officer,
                                                      press_staff, application):
    tokens = [token_of(person) for person in application.people]
    press_review.decide(press_officer, application, press_review.Decision(
        "revoke", message="违反采访纪律"), now=NOW)
    auth = bearer(client, press_staff)

    answers = [scan(client, auth, press_event, token, f"rv-{i}").get_json()
               for i, token in enumerate(tokens)]

    assert [a["result"] for a in answers] == ["revoked"] * len(tokens)
    assert answers[0]["holder"]["name"] == "李娜"


def manifest(client, auth, summit) -> dict:
    response = client.get(f"/api/v1/summits/{summit.slug}/checkins/manifest", headers=auth)
    assert response.status_code == 200
    return response.get_json()


def test_the_manifest_carries_press_badges_and_refuses_revoked_ones(
        client, press_event, press_officer, press_staff, application):
    factories.make_category(press_event, "delegate", "代表")
    registration = factories.make_registration(press_event, "赵波", "zb@example.com",
                                               approve_as=factories.make_member(
                                                   press_event, Role.ORGANISER, "org@example.com"))
    badges.ensure_badge(registration)
    db.session.commit()
    auth = bearer(client, press_staff)

    body = manifest(client, auth, press_event)

    by_ref = {b["ref"]: b["holder"] for b in body["badges"]}
    camera = press_badges.badge_of(application.people[1])
    assert by_ref[camera.ref]["name"] == "王强"
    assert by_ref[camera.ref]["outlet"] == "四川电视台"
    assert by_ref[camera.ref]["zones"] == [{"code": "MAIN", "label": "主会场"},
                                           {"code": "PRESS", "label": "媒体区"}]
    assert by_ref[camera.ref]["photo_url"].endswith(f"/checkin/photos/{camera.id}")
    assert len(body["badges"]) == 1 + len(application.people)

    press_review.decide(press_officer, application, press_review.Decision(
        "revoke", message="违反采访纪律"), now=NOW)
    body = manifest(client, auth, press_event)
    assert camera.ref in body["revoked"]
    assert body["refused"][camera.ref] == "revoked"
    assert [b["holder"]["name"] for b in body["badges"]] == ["赵波"]


def test_the_manifest_reads_press_badges_in_constant_queries(
        client, press_event, press_officer, press_staff, application, count_queries):
    auth = bearer(client, press_staff)
    badges.private_key(press_event)  # the key exists (badges were printed) and is committed:
    db.session.commit()              # a GET that creates it does not commit, so not cached
    manifest(client, auth, press_event)
    db.session.expire_all()  # each request reads afresh, as in a server
    with count_queries() as few:
        manifest(client, auth, press_event)
    for n in range(3):
        more = submitted(press_event, factories.make_member(press_event, Role.PRESS,
                                                            f"p{n}@example.com"),
                         card=f"51010020170{n:04d}")
        approve(press_officer, more)
    db.session.expire_all()
    with count_queries() as many:
        body = manifest(client, auth, press_event)
    assert len(body["badges"]) == 4 * len(application.people)
    assert len(many) == len(few), "\n\n".join(s[:150] for s in many)


@pytest.mark.postgres_only
def test_a_press_scan_racing_an_offline_arrival_is_a_flagged_duplicate(app, client, press_event,
                                                                        press_staff, application):
    """PostgreSQL: an offline scan elsewhere is being recorded while the gate's statement runs;
    the statement waits for it, finds the holder arrived, and the conflict is settled and
    answered with the press holder (photo address included) without a request context."""

    camera = application.people[1]
    badge = press_badges.badge_of(camera)
    token = token_of(camera)
    auth = bearer(client, press_staff)
    offline_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5)
    other = psycopg.connect(db.engine.url.render_as_string(hide_password=False)
                            .replace("postgresql+psycopg", "postgresql"))
    other.execute(
        "INSERT INTO checkins (summit_id, scan_id, badge_id, gate, device, operator_id, result,"
        " scanned_at, received_at, method, offline) VALUES (%s, 'offline-1', %s, '西门',"
        " 'phone-2', %s, 'ok', %s, %s, 'scan', true)",
        (press_event.id, badge.id, press_staff.id, offline_at, offline_at))
    other.execute(
        "INSERT INTO arrivals (summit_id, badge_id, checkin_id, gate, arrived_at)"
        " SELECT %s, %s, id, '西门', %s FROM checkins WHERE scan_id = 'offline-1'",
        (press_event.id, badge.id, offline_at))
    answers = {}

    def gate_scan():
        answers["body"] = scan(client, auth, press_event, token, "online-1").get_json()

    scanner = threading.Thread(target=gate_scan)
    scanner.start()
    scanner.join(0.5)  # the statement now waits on the uncommitted arrival
    other.commit()
    other.close()
    scanner.join(10)

    body = answers["body"]
    assert body["result"] == "duplicate" and body["conflict"] is True
    assert body["first_gate"] == "西门"
    assert body["holder"]["photo_url"] == f"/summits/{press_event.slug}/checkin/photos/{badge.id}"
    db.session.remove()
    online = db.session.scalar(db.select(CheckIn).where(CheckIn.scan_id == "online-1"))
    offline = db.session.scalar(db.select(CheckIn).where(CheckIn.scan_id == "offline-1"))
    assert online.conflict_with_id == offline.id and offline.conflict_with_id == online.id
    assert db.session.scalar(db.select(Arrival.checkin_id)) == offline.id
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "arrival.conflict")) == 1


def test_the_desk_finds_accredited_press_by_name_pinyin_or_outlet_and_checks_them_in(
        client, press_event, press_staff, application):
    auth = bearer(client, press_staff)

    def look_up(q: str) -> list[dict]:
        response = client.get(f"/api/v1/summits/{press_event.slug}/checkins/lookup",
                              headers=auth, query_string={"q": q})
        assert response.status_code == 200
        return response.get_json()["items"]

    assert [p["name"] for p in look_up("王强")] == ["王强"]
    assert [p["name"] for p in look_up("wangqiang")] == ["王强"]
    assert [p["name"] for p in look_up("Wang Qiang")] == ["王强"]
    by_outlet = look_up("四川电视台")
    assert sorted(p["name"] for p in by_outlet) == ["李娜", "次仁多吉", "王强"]
    assert {p["organisation"] for p in by_outlet} == {"四川电视台"}
    [camera] = look_up("wangqiang")
    assert camera["press_person_id"] == application.people[1].id and camera["id"] is None

    response = client.post(f"/api/v1/summits/{press_event.slug}/checkins/manual",
                           headers=auth, json={"press_person_id": camera["press_person_id"],
                                               "gate": "东门", "scan_id": "desk-press-1"})
    assert response.status_code == 200
    assert response.get_json()["result"] == "ok"
    assert response.get_json()["holder"]["outlet"] == "四川电视台"
    [again] = look_up("wangqiang")
    assert again["arrived_gate"] == "东门"


def test_press_not_accredited_is_not_found_at_the_desk(client, press_event, press_staff):
    submitted(press_event, outlet="甘孜日报")
    auth = bearer(client, press_staff)
    response = client.get(f"/api/v1/summits/{press_event.slug}/checkins/lookup",
                          headers=auth, query_string={"q": "甘孜日报"})
    assert response.get_json()["items"] == []
    missing = client.post(f"/api/v1/summits/{press_event.slug}/checkins/manual", headers=auth,
                          json={"press_person_id": 999999, "gate": "东门", "scan_id": "x-1"})
    assert missing.status_code == 404
