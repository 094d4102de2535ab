"""Check-in pages: the scanner and its service worker, the device token, the arrivals board
(live part and export), and the gates organisers name."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from summit.extensions import db
from summit.models import AuditEntry, Gate, Role
from summit.services.badges import issuing as badges
from summit.services.checkin import gates as checkin_gates, scans as checkins
from tests.support import factories
from tests.support.pages import field_errors, flashes, location, scanner_config, text

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only


def test_check_in_staff_reach_the_scanner_from_the_navigation(client, login, event, organiser):
    checkin_gates.add_gate(organiser, event, "东门")
    staff = factories.make_member(event, Role.CHECKIN_STAFF, "checkin@example.com")
    login(staff.email)

    home = text(client.get("/"))
    summit_page = text(client.get(f"/summits/{event.slug}", follow_redirects=True))
    page = client.get(f"/summits/{event.slug}/checkin/")

    assert f'href="/summits/{event.slug}/checkin/"' in home
    assert f'href="/summits/{event.slug}/checkin/"' in summit_page
    assert f'href="/summits/{event.slug}/checkin/board"' not in summit_page
    assert page.status_code == 200
    config = scanner_config(text(page))
    assert config["gates"] == ["东门"] and config["slug"] == event.slug
    assert config["api"] == f"/api/v1/summits/{event.slug}/checkins"
    assert config["strings"]["duplicate"] == "Already checked in"


def test_the_service_worker_caches_the_page_and_its_files(client, event):
    response = client.get(f"/summits/{event.slug}/checkin/sw.js")

    body = text(response)
    assert response.mimetype == "text/javascript"
    assert f'const PAGE = "/summits/{event.slug}/checkin/";' in body
    for asset in ("/static/js/checkin-scanner.js", "/static/js/checkin-store.js",
                  "/static/vendor/jsqr-1.4.0/jsQR.js", "/static/css/checkin.css"):
        assert asset in body
        asset_response = client.get(asset)
        assert asset_response.status_code == 200
        asset_response.close()
    assert re.search(r'const CACHE = "summit-scanner-[0-9a-f]{12}";', body)


def test_the_scanner_gets_a_working_api_token(client, login, event):
    staff = factories.make_member(event, Role.CHECKIN_STAFF, "checkin@example.com")
    login(staff.email)

    token = client.post(f"/summits/{event.slug}/checkin/device-token").get_json()["token"]

    manifest = client.get(f"/api/v1/summits/{event.slug}/checkins/manifest",
                          headers={"Authorization": f"Bearer {token}"})
    assert manifest.status_code == 200 and manifest.get_json()["summit"] == event.slug
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "api_token.issue"))
    assert entry.after["purpose"] == f"scanner:{event.slug}"


def test_the_board_shows_the_figures_and_refreshes_itself(client, login, event,
                                                                organiser):
    staff = factories.make_member(event, Role.CHECKIN_STAFF, "gate@example.com")
    holder = factories.make_registration(event, "赵波", "zhaobo@example.com",
                                         approve_as=organiser)
    factories.make_registration(event, "王芳", "wangfang@example.com", approve_as=organiser)
    badge = badges.ensure_badge(holder)
    db.session.commit()
    checkins.scan(staff, event, badges.token_for(badge), "东门", "s-1")
    login(organiser.email)

    response = client.get(f"/summits/{event.slug}/checkin/board")
    data = client.get(f"/summits/{event.slug}/checkin/board.json").get_json()

    page = text(response)
    assert 'data-arrived="1" data-expected="2"' in page
    assert '<div id="board" data-live="5">' in page  # summit.js fetches it again
    assert response.headers["Cache-Control"] == "no-store"
    assert "<td>东门</td><td>1</td>" in page and "No conflicts." in page
    assert (data["arrived"], data["expected"]) == (1, 2)


def test_an_empty_board_says_so(client, login, event, organiser):
    login(organiser.email)

    page = text(client.get(f"/summits/{event.slug}/checkin/board"))

    assert "No approved registrations yet." in page and "Nobody has arrived yet." in page


def test_the_board_costs_the_same_queries_at_1_and_50_people(client, login, event,
                                                                  organiser, count_queries):
    staff = factories.make_member(event, Role.CHECKIN_STAFF, "gate@example.com")
    login(organiser.email)

    def add(n):
        for i in range(n):
            person = factories.make_registration(event, f"赵{i}", approve_as=organiser)
            badge = badges.ensure_badge(person)
            db.session.commit()
            checkins.scan(staff, event, badges.token_for(badge), f"门{i % 2}", f"q-{person.id}")

    def measure() -> int:
        with count_queries() as statements:
            assert client.get(f"/summits/{event.slug}/checkin/board").status_code == 200
        return len(statements)

    add(1)
    one = measure()
    add(49)
    assert measure() == one


def test_officials_export_attendance_with_masked_phones(client, login, event, organiser):
    official = factories.make_member(event, Role.OFFICIAL, "official@example.com")
    factories.make_registration(event, "赵波", "zhaobo@example.com", approve_as=organiser)
    login(official.email)

    response = client.get(f"/summits/{event.slug}/checkin/attendance.xlsx")

    assert response.headers["Content-Disposition"].endswith(
        f"attendance-{event.slug}.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[1][0] == "赵波" and rows[1][5] == "139****1111" and rows[1][6] == "No"


def test_organisers_add_and_remove_gates(client, login, event, organiser):
    login(organiser.email)

    added = client.post(f"/summits/{event.slug}/checkin/gates", data={"name": "东门"})
    twice = client.post(f"/summits/{event.slug}/checkin/gates", data={"name": "东门"})
    empty = client.post(f"/summits/{event.slug}/checkin/gates", data={"name": "  "})

    assert location(added) == f"/summits/{event.slug}/checkin/gates"
    assert field_errors(text(twice)) == {"name": ["There is already a gate of that name."]}
    assert "name" in field_errors(text(empty))
    gate = db.session.scalar(db.select(Gate))
    removed = client.post(f"/summits/{event.slug}/checkin/gates/{gate.id}/delete",
                          follow_redirects=True)
    assert ("success", "The gate is removed; scans made there keep its name.") in \
        flashes(text(removed))
    assert "No gates yet" in text(removed)
    missing = client.post(f"/summits/{event.slug}/checkin/gates/999999/delete",
                          follow_redirects=True)
    assert ("error", "No such gate.") in flashes(text(missing))
