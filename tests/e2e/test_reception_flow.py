"""Reception in Debian's Chromium: staff propose the demo's pick-ups, a driver marks a
passenger picked up on a phone and the staff page shows it without a reload; a meal pass
(the printed badge, filmed by the phone's camera) scanned twice at the banquet's door."""
from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from summit.extensions import db
from summit.models import Hotel, MealScan, MealSession, Registration, TransferPassenger
from summit.services.badges import issuing as badges
from summit.services.demo import seed as demo
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from tests.support.checkin import badge_video
from tests.support.e2e import PHONE

pytestmark = pytest.mark.e2e


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_staff_propose_pick_ups_and_see_the_driver_mark_a_passenger(
        app, page: Page, browser: Browser, live_server):
    summit = demo.seed_demo()
    log_in(page, "reception@example.com", demo.DEMO_PASSWORD)
    page.goto(f"/summits/{summit.slug}")
    page.get_by_role("link", name="Arrivals and departures").first.click()
    expect(page.locator("table.arrivals-board")).to_contain_text("康定机场")
    page.locator("main").get_by_role("link", name="Pick-ups").click()
    page.get_by_role("button", name="Propose trips").click()
    expect(page.locator(".flash")).to_contain_text("trips proposed for 5 people")
    airport = page.locator("section.transfer", has_text="康定机场")
    expect(airport).to_contain_text("趙波")
    page.locator("main").get_by_role("link", name="Vehicles").click()
    link = page.locator("tr", has_text="格桑师傅").locator("a.driver-link").get_attribute("href")
    page.go_back()

    phone = browser.new_context(base_url=live_server.url, locale="en-US",
                                timezone_id="Asia/Shanghai", **PHONE)
    phone.set_default_timeout(TIMEOUT_MS)
    driver = phone.new_page()
    driver.goto(link)
    row = driver.locator("li", has_text="趙波")
    expect(row).to_contain_text("138****8000")
    expect(row.get_by_role("link", name="Call")).to_have_attribute("href", "tel:13800138000")
    row.get_by_role("button", name="Picked up").click()
    expect(driver.locator("li", has_text="趙波")).to_contain_text("Picked up")
    phone.close()

    # The staff page, open all along, shows it at its next refresh.
    passenger = page.locator("li", has_text="趙波").locator(".passenger-status")
    expect(passenger).to_have_text("Picked up", timeout=15_000)
    db.session.rollback()
    assert db.session.scalar(db.select(TransferPassenger.status).join(Registration).where(
        Registration.email == "zhao.bo@example.com")).value == "picked_up"


@pytest.fixture
def camera_phone(playwright, app, live_server, tmp_path) -> Iterator[tuple[Page, Registration]]:
    """A phone whose camera films the badge of an approved delegate; logged in as the demo's
    check-in staff."""
    summit = demo.seed_demo()
    guest = db.session.scalar(db.select(Registration).where(
        Registration.email == "zhao.bo@example.com"))
    badge = badges.ensure_badge(guest)
    db.session.commit()
    video = badge_video(badges.render_badge(badge), tmp_path)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream",
                              "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"])
    context = browser.new_context(base_url=live_server.url, locale="en-US",
                                  timezone_id="Asia/Shanghai", permissions=["camera"], **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log_in(page, "checkin@example.com", demo.DEMO_PASSWORD)
    yield page, summit
    context.close()
    browser.close()


def test_a_meal_pass_scanned_twice_is_served_once(camera_phone):
    phone, summit = camera_phone
    meal = db.session.scalar(db.select(MealSession))
    phone.goto(f"/summits/{summit.slug}/reception/meals/{meal.id}/scanner")
    phone.get_by_role("button", name="欢迎晚宴").click()

    box = phone.locator("#result")
    expect(box).to_have_attribute("data-result", "ok", timeout=20_000)
    expect(phone.locator("#result-name")).to_have_text("趙波")
    phone.get_by_role("button", name="Next scan").click()
    expect(box).to_have_attribute("data-result", "duplicate", timeout=20_000)
    expect(phone.locator("#result-first")).to_contain_text("First served at")

    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(MealScan.id))) == 1
    assert db.session.get(MealSession, meal.id).served == 1


def test_staff_assign_a_guest_to_a_room_and_download_the_rooming_list(
        app, page: Page, live_server):
    summit = demo.seed_demo()
    hotel = db.session.scalars(db.select(Hotel).where(Hotel.summit_id == summit.id)).first()
    guest = db.session.scalar(db.select(Registration).where(
        Registration.email == "zhao.bo@example.com"))
    log_in(page, "reception@example.com", demo.DEMO_PASSWORD)
    page.goto(f"/summits/{summit.slug}/reception/hotels/{hotel.id}/rooming")
    room = page.locator("#assign-room option").first.inner_text().split(" ")[0]
    first_room = page.locator("tr", has=page.locator("td", has_text=room)).first
    expect(first_room).not_to_contain_text(guest.name)
    page.fill("#assign-person", str(guest.id))
    page.locator("#assign-room").select_option(index=0)
    page.press("#assign-person", "Enter")
    row = page.locator("tr", has=page.locator("td", has_text=room)).first
    expect(row).to_contain_text(guest.name)
    with page.expect_download() as info:
        page.locator("a[href*='rooming.xlsx']").click()
    sheet = load_workbook(BytesIO(info.value.path().read_bytes())).active
    rows = [[str(c or "") for c in r] for r in sheet.iter_rows(values_only=True)]
    assert any(room in r and any(guest.name in c for c in r) for r in rows), rows
