"""Issue 20 in the browser: desk staff find a delegate by pinyin and print the badge with one
key to a real IPP printer; a kiosk prints from the entry code a delegate's phone shows; a
registrar names a substitute for a delegation member."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import Delegation, PrintJob, PrintStatus, Registration, Role
from summit.services.badges import issuing as badges
from tests.support import factories

pytestmark = pytest.mark.e2e


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def printed_job() -> PrintJob:
    """The print job once the server's runner has had the printer finish it."""
    deadline = time.monotonic() + 30
    while True:
        db.session.rollback()
        job = db.session.scalar(db.select(PrintJob))
        if job is not None and job.finished:
            return job
        assert time.monotonic() < deadline, "the badge never printed"
        time.sleep(0.05)


def test_desk_staff_find_by_pinyin_and_print_with_one_key(
        page: Page, live_server, event, desk_staff, desk_a, guest, ipp_printers):
    page.goto(f"/summits/{event.slug}/desks/{desk_a.id}")
    log_in(page, desk_staff.email)
    search = page.get_by_label("Name, pinyin, last four phone digits or scanned entry code")
    search.fill("wang fang")
    search.press("Enter")
    expect(page.locator("#people")).to_contain_text("王芳")
    # The browser moves the focus at its next rendering step, which may come
    # just after the text is there: wait for it, as a person's eyes would.
    expect(page.locator("#people").get_by_role("button", name="Print badge").first).to_be_focused()
    page.keyboard.press("Enter")  # the first person's print button has the focus
    expect(page.get_by_text("is on its way to the printer")).to_be_visible()
    job = printed_job()
    assert job.status is PrintStatus.DONE and job.registration_id == guest.id
    assert ipp_printers["a"].printed(job.ipp_job_id).read_bytes().startswith(b"%PDF-")
    expect(page.locator(f'tr[data-job="{job.key}"] .state')).to_contain_text("Printed")


def test_a_kiosk_prints_from_the_entry_code_on_a_phone(
        page: Page, live_server, event, desk_staff, desk_a, guest, ipp_printers):
    token = badges.token_for(badges.ensure_badge(guest))
    db.session.commit()
    page.goto(f"/summits/{event.slug}/desks")
    log_in(page, desk_staff.email)
    page.get_by_role("button", name="Turn this browser into a kiosk").click()
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.get_by_label("Entry code").fill(token)
    page.get_by_label("Entry code").press("Enter")  # a barcode scanner types, then Enter
    expect(page.get_by_text("Welcome, 王芳")).to_be_visible()
    job = printed_job()
    assert job.kiosk and job.status is PrintStatus.DONE
    expect(page.locator("#kiosk-state")).to_contain_text("Printed")
    page.goto("/registrations/mine")  # nothing else is reachable
    expect(page).to_have_url(f"{live_server.url}/summits/{event.slug}/kiosk/{desk_a.id}")


def test_a_registrar_substitutes_a_delegation_member(page: Page, live_server, event,
                                                     organiser):
    registrar = factories.make_member(event, Role.REGISTRAR, "registrar@example.com")
    delegation = Delegation(summit=event, name="丹巴县代表团", county="丹巴县", quota=3,
                            registrar_id=registrar.id)
    db.session.add(delegation)
    member = factories.make_registration(event, "张伟", approve_as=organiser)
    member.delegation = delegation
    db.session.commit()
    page.goto(f"/delegations/{delegation.id}")
    log_in(page, registrar.email)
    page.get_by_role("link", name="张伟").click()
    page.get_by_text("Send someone else in this place (substitute)").click()
    page.get_by_label("Substitute's name").fill("李强")
    page.get_by_role("button", name="Substitute", exact=True).click()
    expect(page.get_by_text("李强 takes the place of 张伟")).to_be_visible()
    expect(page.get_by_text("Substitute in place of")).to_be_visible()
    db.session.rollback()
    new = db.session.scalar(db.select(Registration).where(Registration.name == "李强"))
    assert new.substitute_for_id == member.id and new.delegation_id == delegation.id
