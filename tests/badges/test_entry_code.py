"""The delegate's phone: after approval 我的报名 links to an entry code page with the badge's
QR, name, category, zones, the day's programme and seat bookings; the same token is accepted
at the gate; a small service worker scoped to that page keeps it for offline use."""
from __future__ import annotations

import html
import re

import pytest

from summit.extensions import db
from summit.models import Badge
from tests.support import factories
from tests.support.pages import location, text

pytestmark = pytest.mark.usefixtures("english")


def entry_token(page: str) -> str:
    return html.unescape(re.search(r'data-token="([^"]+)"', page).group(1))


def test_an_approved_delegate_shows_the_entry_code_and_the_gate_accepts_it(
        client, login, event, holder, auth):
    factories.make_user("zhaobo@example.com")
    login("zhaobo@example.com")

    mine = text(client.get("/registrations/mine"))
    assert f'href="/registrations/{holder.id}/entry"' in mine

    response = client.get(f"/registrations/{holder.id}/entry")
    assert response.status_code == 200
    page = text(response)
    assert "赵波" in page and "ZHAO Bo" in page and "Delegate" in page
    assert '<span class="zone">Main</span>' in page  # the category's zone
    assert "screen brightness" in page
    assert re.search(r'<img src="data:image/png;base64,[^"]+"', page)
    assert f'data-entry-scope="/registrations/{holder.id}/entry"' in page

    token = entry_token(page)
    scan = client.post(f"/api/v1/summits/{event.slug}/checkins", headers=auth,
                       json={"token": token, "gate": "东门", "scan_id": "phone-1"})
    assert scan.status_code == 200
    assert scan.get_json()["result"] == "ok"
    assert scan.get_json()["holder"]["name"] == "赵波"
    # It is the badge's own token: one badge, the same code on every opening.
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 1
    assert entry_token(text(client.get(f"/registrations/{holder.id}/entry"))) == token


def test_the_service_worker_is_served_beside_the_page(client, event, holder):
    response = client.get(f"/registrations/{holder.id}/entry-sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "caches.open" in text(response)


def test_no_entry_code_before_approval_nor_for_someone_else(client, login, event, organiser):
    pending = factories.make_registration(event, "卓玛", "zhuoma@example.com")
    factories.make_user("zhuoma@example.com")
    login("zhuoma@example.com")
    response = client.get(f"/registrations/{pending.id}/entry")
    assert location(response) == f"/registrations/{pending.id}"
    assert "/entry" not in text(client.get("/registrations/mine"))

    other = factories.make_registration(event, "扎西", approve_as=organiser)
    assert client.get(f"/registrations/{other.id}/entry").status_code == 403
