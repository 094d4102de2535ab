"""Issue 17 in the browser, in Simplified Chinese on a phone: an organiser lands on the console
and follows a to-do to decide a registration; a delegate registers with the default category
on the first try, sets a password from the email, and after approval shows the entry code,
which the gate's scan endpoint accepts, and which still opens with the network off."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import Registration, RegistrationStatus, Role
from summit.services.accounts import tokens as api_tokens
from summit.services.registration import review as registration_review
from tests.support import factories
from tests.support.e2e import PHONE, catalog

pytestmark = [pytest.mark.e2e, pytest.mark.browser_locale("zh-CN"),
              pytest.mark.parametrize("device", [PHONE], ids=["phone"])]

_ = catalog("zh_Hans")
SLUG = "kangding-2027"


def stored(**where) -> Registration:
    db.session.rollback()  # see what the server committed
    return db.session.scalars(db.select(Registration).filter_by(**where)).one()


def log_in(page: Page, email: str, password: str = factories.PASSWORD) -> None:
    page.goto("/auth/login")
    page.locator("main").get_by_label(_("Email"), exact=True).fill(email)
    page.locator("main").get_by_label(_("Password"), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=_("Log in"), exact=True).click()


def summit_with_categories():
    summit = factories.make_summit(SLUG)
    main = factories.make_zone(summit, "MAIN", "主会场")
    # The first category is by invitation: the form must still start on an open one.
    factories.make_category(summit, "guest", "嘉宾", public=False)
    factories.make_category(summit, "delegate", "代表", zones=[main])
    return summit


def test_organiser_lands_on_the_console_and_decides_a_registration_from_the_todo(
        page: Page, live_server):
    summit = summit_with_categories()
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    factories.make_registration(summit, "卓玛", "zhuoma@example.com")

    log_in(page, organiser.email)

    expect(page).to_have_url(f"{live_server.url}/summits/{SLUG}/console")
    expect(page.get_by_role("heading", level=1)).to_contain_text(_("Console"))
    # On a phone the grouped staff menu is folded; it opens on a tap.
    menu = page.locator("details.console-menu")
    expect(menu).not_to_have_attribute("open", "")
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name=_("Registrations"), exact=True)).to_be_visible()
    menu.locator("summary").click()

    todo = page.get_by_role("link", name=_("Decide the registration of %(name)s")
                            % {"name": "卓玛"})
    todo.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("卓玛")
    page.get_by_role("button", name=_("Approve"), exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    assert stored(email="zhuoma@example.com").status is RegistrationStatus.APPROVED

    page.goto(f"/summits/{SLUG}/console")
    expect(page.get_by_text(_("Nothing waits for a decision."))).to_be_visible()


def test_delegate_registers_sets_a_password_and_shows_the_entry_code_at_the_gate(
        page: Page, live_server, mailbox):
    summit = summit_with_categories()
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    staff = factories.make_member(summit, Role.CHECKIN_STAFF, "gate@example.com")

    page.goto(f"/summits/{SLUG}/register")
    expect(page.get_by_label(_("Category"), exact=True)).to_have_value("delegate")
    page.get_by_label(_("Name as on ID"), exact=True).fill("泽仁拉姆")
    page.get_by_label(_("Organisation"), exact=True).fill("理塘县人民政府")
    page.get_by_label(_("Position"), exact=True).fill("副县长")
    page.locator("main").get_by_label(_("Email"), exact=True).fill("lhamo@example.com")
    page.get_by_label(_("Mobile phone"), exact=True).fill("13812345678")
    page.locator("main").get_by_label(
        _("I have read the personal-data notice and agree to it.")).check()
    page.locator("main").get_by_role("button", name=_("Register"), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/summits/{SLUG}/register/thanks")

    [message] = mailbox.wait_for(1)
    link = re.search(r"https?://\S+/auth/reset/\S+", mailbox.body(message)).group(0)
    page.goto(link)
    page.get_by_label(_("New password"), exact=True).fill("理塘 高城 2027")
    page.get_by_label(_("Repeat password"), exact=True).fill("理塘 高城 2027")
    page.get_by_role("button", name=_("Set new password"), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/auth/login")

    registration_review.approve_registration(organiser, stored(email="lhamo@example.com"))
    log_in(page, "lhamo@example.com", "理塘 高城 2027")
    page.goto("/registrations/mine")
    page.get_by_role("link", name=_("Show my entry code"), exact=True).click()

    qr = page.get_by_role("img", name=_("Entry code of %(name)s") % {"name": "泽仁拉姆"})
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] > 300  # most of a 390 px wide phone screen
    expect(page.get_by_text(_("Show this code at the gate. Turn your screen brightness up.")))\
        .to_be_visible()
    expect(page.locator(".entry-zones")).to_contain_text("主会场")
    token = qr.get_attribute("data-token")

    # With the network gone, the page still opens from the service worker's copy.
    expect(page.locator("[data-offline-ready=true]")).to_have_count(1)
    page.evaluate("navigator.serviceWorker.ready")
    page.context.set_offline(True)
    page.reload()
    expect(qr).to_be_visible()
    assert qr.get_attribute("data-token") == token
    page.context.set_offline(False)

    # The gate's scanner accepts the same token.
    api_token = api_tokens.issue_token(staff.email, factories.PASSWORD, "127.0.0.1")[0]
    answer = page.request.post(f"/api/v1/summits/{SLUG}/checkins",
                               headers={"Authorization": f"Bearer {api_token}"},
                               data={"token": token, "gate": "东门", "scan_id": "phone-1"})
    assert answer.status == 200
    assert answer.json()["result"] == "ok" and answer.json()["holder"]["name"] == "泽仁拉姆"
