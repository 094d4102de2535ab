"""In the browser: a person downloads their data and asks for deletion on 我的数据; the privacy
officer answers it in the queue, and the person's data is erased."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import DataRequest, Registration, RequestStatus, Role
from summit.services.registration import submission as registrations
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories

pytestmark = pytest.mark.e2e


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def test_a_person_downloads_their_data_and_the_officer_handles_their_deletion(
        page: Page, live_server):
    summit = factories.make_summit("kangding-2027")
    factories.make_category(summit, "delegate")
    person = factories.make_user("zhaobo@example.com", name="赵波")
    registrations.register_delegate(summit, RegistrationDetails(
        name="赵波", email=person.email, category="delegate", phone="13812345678",
        hotel="康定情歌大酒店"), actor=person, notify=False)
    factories.make_member(summit, Role.PRIVACY_OFFICER, "privacy@example.com")

    page.goto(f"{live_server.url}/me/data")
    log_in(page, person.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("My data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["registrations"][0]["hotel"] == "康定情歌大酒店"

    page.get_by_label("What do you ask for?").select_option("deletion")
    page.get_by_label("Reason (what is wrong, or why it should be deleted)").fill("不再参会")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("status")).to_contain_text("within 15 working days")
    expect(page.locator("#own-requests")).to_contain_text("Waiting for an answer")
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{live_server.url}/privacy/requests")
    log_in(page, "privacy@example.com")
    card = page.locator(".data-request").first
    expect(card).to_contain_text("不再参会")
    card.get_by_label("Answer", exact=True).select_option("done")
    card.get_by_role("button", name="Answer").click()
    expect(page.get_by_role("status")).to_contain_text("The request is answered.")
    expect(page.locator(".data-request").first).to_contain_text("Done")

    db.session.rollback()  # see what the server committed
    assert db.session.scalar(db.select(DataRequest.status)) is RequestStatus.DONE
    stored = db.session.scalar(db.select(Registration))
    assert stored.name.startswith("匿名-") and stored.phone == "" and stored.hotel == ""
