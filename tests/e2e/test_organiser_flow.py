"""An organiser renames the summit and gives it a theme, then adds an access zone and an
invitation-only attendee category; the public summit page shows all of it. On a phone too,
where the header's links hide behind the menu button."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from summit.extensions import db
from summit.models import AttendeeCategory, Summit, Zone
from tests.support import factories
from tests.support.e2e import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

SLUG = "kangding-2027"
TITLE_EN = "Sichuan Tibetan Areas E-commerce Conference"
THEME_EN = "Integration and sharing, innovation and development"


def open_header_menu(page: Page, device: dict) -> None:
    """On a phone the header's links are folded away until the menu button is pressed."""
    nav = page.get_by_role("navigation", name="Main", include_hidden=True)
    menu = page.get_by_role("button", name="Menu", include_hidden=True)
    if device is PHONE:
        expect(nav).to_be_hidden()
        expect(menu).to_have_attribute("aria-expanded", "false")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    else:
        expect(menu).to_be_hidden()
    expect(nav).to_be_visible()


def open_staff_menu(page: Page, device: dict) -> None:
    """The grouped staff menu is folded on a phone, open on a desktop."""
    menu = page.locator("details.console-menu")
    if device is PHONE:
        expect(menu).not_to_have_attribute("open", "")
        menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")


def stored(model, **where):
    db.session.rollback()  # end the test thread's transaction: see what the server committed
    return db.session.scalars(db.select(model).filter_by(**where)).one()


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_organiser_edits_summit_and_adds_zone_and_category(page: Page, live_server,
                                                           browser: Browser, device: dict):
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    summit = factories.make_summit(SLUG, organiser=organiser, title_en="Test Summit")
    summit_url = f"{live_server.url}/summits/{SLUG}"
    flashes = page.get_by_role("status")

    page.goto("/")
    open_header_menu(page, device)
    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(flashes).to_contain_text("Welcome, Zhao Bo.")

    # An organiser lands on the summit's console, from the login and from the home page.
    expect(page).to_have_url(f"{summit_url}/console")
    page.goto("/")
    mine = page.locator("section").filter(
        has=page.get_by_role("heading", name="Your summits", exact=True))
    mine.get_by_role("link", name="Test Summit", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/console")

    # Settings: the English title and theme.
    summit_nav = page.get_by_role("navigation", name="Summit", exact=True)
    open_staff_menu(page, device)
    summit_nav.get_by_role("link", name="Settings", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/edit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Summit settings")
    expect(page.get_by_label("Title (Chinese)", exact=True)).to_have_value("测试峰会")
    page.get_by_label("Title (English)", exact=True).fill(TITLE_EN)
    page.get_by_label("Theme (English)", exact=True).fill(THEME_EN)
    page.get_by_role("button", name="Save summit", exact=True).click()

    expect(page).to_have_url(f"{summit_url}?view=public")
    expect(flashes).to_contain_text("The summit has been saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE_EN)
    expect(page.get_by_text(f"“{THEME_EN}”", exact=True)).to_be_visible()
    saved = stored(Summit, id=summit.id)
    assert (saved.title_zh, saved.title_en, saved.theme_zh, saved.theme_en) == (
        "测试峰会", TITLE_EN, "融合共享", THEME_EN)

    # Zones and categories: a VIP zone, then an invitation-only category with access to it.
    open_staff_menu(page, device)
    summit_nav.get_by_role("link", name="Zones and categories", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/categories")
    expect(page.get_by_text("No categories yet.")).to_be_visible()

    zone_form = page.locator("form").filter(
        has=page.get_by_role("button", name="Add zone", exact=True))
    zone_form.get_by_label("Code", exact=True).fill("VIP")
    zone_form.get_by_label("Name (Chinese)", exact=True).fill("贵宾区")
    zone_form.get_by_label("Name (English)", exact=True).fill("VIP lounge")
    zone_form.get_by_role("button", name="Add zone", exact=True).click()
    expect(flashes).to_contain_text("Zone VIP added.")
    zone_row = page.get_by_role("row").filter(
        has=page.get_by_role("cell", name="VIP", exact=True))
    expect(zone_row).to_contain_text("贵宾区")
    expect(zone_row).to_contain_text("VIP lounge")

    category_form = page.locator("form").filter(
        has=page.get_by_role("button", name="Save category", exact=True))
    category_form.get_by_label("Code", exact=True).fill("guest")
    category_form.get_by_label("Name (Chinese)", exact=True).fill("嘉宾")
    category_form.get_by_label("Name (English)", exact=True).fill("Guest")
    category_form.get_by_label("Colour", exact=True).fill("#c0392b")
    category_form.get_by_label("Open to public registration", exact=True).uncheck()
    category_form.get_by_label("VIP · 贵宾区", exact=True).check()
    category_form.get_by_role("button", name="Save category", exact=True).click()

    expect(page).to_have_url(f"{summit_url}/categories")
    expect(flashes).to_contain_text("Category guest added.")
    category_row = page.get_by_role("row").filter(
        has=page.get_by_role("cell", name="guest", exact=True))
    cells = category_row.get_by_role("cell")
    for index, text in enumerate(["#c0392b", "guest", "嘉宾 / Guest", "VIP", "By invitation"]):
        expect(cells.nth(index)).to_have_text(text)
    category = stored(AttendeeCategory, summit_id=summit.id, code="guest")
    assert (category.label_zh, category.label_en, category.colour, category.public) == (
        "嘉宾", "Guest", "#c0392b", False)
    assert [zone.code for zone in category.zones] == ["VIP"]
    assert stored(Zone, summit_id=summit.id, code="VIP").label_zh == "贵宾区"

    # The public summit page lists the category, in words and in its colour.
    summit_nav.get_by_role("link", name=TITLE_EN, exact=True).click()
    expect(page).to_have_url(f"{summit_url}?view=public")
    guest = page.get_by_role("listitem").filter(has_text="Guest")
    expect(guest).to_have_text("Guest (by invitation)")
    expect(guest.locator(".swatch")).to_have_css("background-color", "rgb(192, 57, 43)")

    # So does a visitor's, in Chinese and not logged in.
    with browser.new_context(base_url=live_server.url, locale="zh-CN", **device) as visitor:
        public = visitor.new_page()
        public.goto(f"/summits/{SLUG}")
        expect(public.get_by_role("heading", level=1)).to_have_text("测试峰会")
        expect(public.get_by_role("listitem").filter(has_text="嘉宾")).to_be_visible()

    # Log out from the header.
    open_header_menu(page, device)
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(flashes).to_contain_text("You have logged out.")
    open_header_menu(page, device)
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
