"""The desk's pages through the app: find a person by pinyin or phone and print with one
form; the kiosk prints from an entry code and keeps its browser on its page."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Badge, PrintJob, PrintStatus
from summit.services.badges import issuing as badges
from tests.support import factories
from tests.support.desk import finished

pytestmark = pytest.mark.usefixtures("english")


def test_desk_staff_find_by_pinyin_and_phone_and_print(
        client, sign_in, event, desk_staff, desk_a, guest):
    sign_in(desk_staff.email)
    page = client.get(f"/summits/{event.slug}/desks/{desk_a.id}?q=wang+fang")
    assert page.status_code == 200 and "王芳" in page.text and "Print badge" in page.text
    assert "王芳" in client.get(f"/summits/{event.slug}/desks/{desk_a.id}?q=5678").text
    answer = client.post(f"/summits/{event.slug}/desks/{desk_a.id}/print/{guest.id}")
    assert answer.status_code == 302
    job = db.session.scalar(db.select(PrintJob))
    assert finished(job).status is PrintStatus.DONE
    state = client.get(f"/summits/{event.slug}/print-jobs/{job.key}").json
    assert state["status"] == "done" and state["printer"] == "A6 printer"
    # printed: printing again needs a reason, and desk staff need an organiser's unlock
    client.post(f"/summits/{event.slug}/desks/{desk_a.id}/print/{guest.id}",
                data={"reason": "damaged"})
    assert db.session.scalar(db.select(db.func.count(PrintJob.id))) == 1
    assert "is locked" in client.get(f"/summits/{event.slug}/desks/{desk_a.id}").text


def test_the_kiosk_prints_from_an_entry_code_and_nothing_else_is_reachable(
        client, sign_in, event, desk_staff, desk_a, guest):
    token = badges.token_for(badges.ensure_badge(guest))
    db.session.commit()
    sign_in(desk_staff.email)
    assert client.post(f"/summits/{event.slug}/desks/{desk_a.id}/kiosk/start",
                       data={"start": "1"}).status_code == 302
    assert client.get("/registrations/mine").headers["Location"].endswith(
        f"/summits/{event.slug}/kiosk/{desk_a.id}")
    assert client.get(f"/summits/{event.slug}/desks").status_code == 302
    page = client.get(f"/summits/{event.slug}/kiosk/{desk_a.id}")
    assert page.status_code == 200 and "<nav" not in page.text
    answer = client.post(f"/summits/{event.slug}/kiosk/{desk_a.id}", data={"code": token},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 202, answer.json
    job = db.session.scalar(db.select(PrintJob))
    assert job.kiosk and finished(job).status is PrintStatus.DONE
    assert db.session.scalar(db.select(Badge)).printed_at is not None
    again = client.post(f"/summits/{event.slug}/kiosk/{desk_a.id}", data={"code": token},
                        headers={"Accept": "application/json"})
    assert again.status_code == 409 and "ask at the registration desk" in again.json["error"]
    wrong = client.post(f"/summits/{event.slug}/kiosk/{desk_a.id}", data={"code": "x" * 50 + ".y"},
                        headers={"Accept": "application/json"})
    assert wrong.status_code == 409 and "not one of this summit" in wrong.json["error"]


def test_leaving_kiosk_mode_takes_a_staff_sign_in(client, sign_in, event, desk_staff, desk_a):
    sign_in(desk_staff.email)
    client.post(f"/summits/{event.slug}/desks/{desk_a.id}/kiosk/start", data={"start": "1"})
    kiosk = f"/summits/{event.slug}/kiosk/{desk_a.id}"
    page = client.get(kiosk).text
    # The only way out is the staff sign-in; logging out is not reachable either.
    assert f'href="{kiosk}/exit"' in page
    assert client.post("/auth/logout").headers["Location"].endswith(kiosk)
    exit_page = client.get(f"{kiosk}/exit")
    assert exit_page.status_code == 200 and "<nav" not in exit_page.text

    wrong = client.post(f"{kiosk}/exit", data={"email": desk_staff.email, "password": "nope"})
    assert "Wrong email or password." in wrong.text
    delegate = factories.make_user("visitor@example.com")
    not_staff = client.post(f"{kiosk}/exit", data={"email": delegate.email,
                                                   "password": factories.PASSWORD})
    assert "desk staff or organisers can leave kiosk mode." in not_staff.text
    assert client.get(f"/summits/{event.slug}/desks").headers["Location"].endswith(kiosk)

    left = client.post(f"{kiosk}/exit", data={"email": desk_staff.email,
                                              "password": factories.PASSWORD})
    assert left.headers["Location"].endswith(f"/summits/{event.slug}/desks")
    assert client.get(f"/summits/{event.slug}/desks").status_code == 200
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "desk.kiosk_exit"))
    assert (entry.actor_id, entry.after) == (desk_staff.id, {"name": desk_a.name})
