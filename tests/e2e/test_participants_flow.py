"""On a phone in Chinese, an organiser adds to an item a person who already speaks in another
item at the same time: the clash is shown with the box to add anyway, the search results stay,
and once the box is ticked the person is added."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import AgendaParticipant
from tests.support import factories
from tests.support.e2e import PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.browser_locale("zh-CN"),
              pytest.mark.parametrize("device", [PHONE], ids=["phone"])]

SLUG = "kangding-2027"


def test_a_clashing_participant_is_added_anyway_on_a_phone(page: Page, live_server, device):
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo", locale="zh_Hans")
    summit = factories.make_summit(SLUG, organiser=organiser)
    factories.make_category(summit)
    wang = factories.make_registration(summit, "王芳", approve_as=organiser)
    hall = factories.make_room(summit)
    salon = factories.make_room(summit, "沙龙厅", "Salon", position=1)
    factories.make_item(summit, room=hall, participants=[("panelist", wang)])
    item = factories.make_item(summit, room=salon, title_zh="签约仪式", title_en="Signing")
    db.session.commit()

    page.goto("/auth/login")
    page.fill("input[name=email]", "organiser@example.com")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(f"/summits/{SLUG}/agenda/items/{item.id}/edit")
    page.fill("#person-search", "wangfang")
    page.press("#person-search", "Enter")
    expect(page.locator("main")).not_to_contain_text("欢迎致辞")
    page.locator("form.inline-form", has_text="王芳").locator("button").click()

    row = page.locator("form.inline-form", has_text="王芳")
    expect(row.locator("input[name=person-confirm]")).to_be_visible()  # results stay
    expect(page.locator("main")).to_contain_text("欢迎致辞")  # the clashing item is named
    row.locator("input[name=person-confirm]").check()
    row.locator("button").click()

    listed = page.locator("section[aria-labelledby=participants-heading] table")
    expect(listed).to_contain_text("王芳")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(AgendaParticipant.id)).where(
        AgendaParticipant.item_id == item.id)) == 1
