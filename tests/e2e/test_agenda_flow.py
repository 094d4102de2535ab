"""An organiser builds a two-day programme and publishes it as version 1; adds a signing
ceremony that clashes with the welcome address in the main hall, sees the clash (it blocks
publishing), fixes it by moving the item, and publishes version 2 with its changelog, which
the public page then shows."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import AgendaItem, AgendaVersion
from tests.support import factories

pytestmark = pytest.mark.e2e

SLUG = "kangding-2027"


def add_room(page: Page, name_zh: str, name_en: str, seats: str) -> None:
    page.get_by_label("Name (Chinese)", exact=True).fill(name_zh)
    page.get_by_label("Name (English)", exact=True).fill(name_en)
    page.get_by_label("Seats", exact=True).fill(seats)
    page.get_by_role("button", name="Add room", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"Room {name_zh} added.")


def add_item(page: Page, day: str, start: str, end: str, room: str, kind: str, title_zh: str,
             title_en: str) -> None:
    page.get_by_label("Day", exact=True).fill(day)
    page.get_by_label("Starts", exact=True).fill(start)
    page.get_by_label("Ends", exact=True).fill(end)
    page.get_by_label("Room", exact=True).select_option(label=room)
    page.get_by_label("Kind", exact=True).select_option(label=kind)
    page.get_by_label("Title (Chinese)", exact=True).fill(title_zh)
    page.get_by_label("Title (English)", exact=True).fill(title_en)
    # From the keyboard: Enter in a text field sends the form.
    page.get_by_label("Title (English)", exact=True).press("Enter")


def test_organiser_builds_publishes_fixes_a_clash_and_publishes_version_2(page: Page,
                                                                          live_server):
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    factories.make_summit(SLUG, organiser=organiser)
    flashes = page.get_by_role("status")

    page.goto("/auth/login")
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.goto(f"/summits/{SLUG}")
    summit_nav = page.get_by_role("navigation", name="Summit", exact=True)
    summit_nav.get_by_role("link", name="Programme editor", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme editor")

    # Rooms, then one item on each day.
    page.get_by_role("link", name="Add rooms first", exact=True).click()
    add_room(page, "主会场", "Main hall", "400")
    add_room(page, "沙龙厅", "Salon room", "60")
    page.get_by_role("link", name="Programme editor", exact=True).first.click()
    page.get_by_role("link", name="Add an item on Aug 3, 2027").click()
    add_item(page, "2027-08-03", "09:00", "09:30", "Main hall", "Address", "欢迎致辞",
             "Welcome address")
    expect(flashes).to_contain_text("“欢迎致辞” added.")
    page.goto(f"/summits/{SLUG}/agenda/items/new?day=2027-08-04")
    add_item(page, "2027-08-04", "14:00", "16:00", "Salon room", "Salon", "电商沙龙",
             "E-commerce salon")
    expect(flashes).to_contain_text("“电商沙龙” added.")

    # Version 1.
    page.goto(f"/summits/{SLUG}/agenda/publish")
    expect(page.get_by_role("heading", name="Changes to publish (2)")).to_be_visible()
    page.get_by_role("button", name="Publish version 1", exact=True).click()
    expect(flashes).to_contain_text("Version 1 is published.")

    # A clash: the signing ceremony overlaps the welcome address in the main hall.
    page.goto(f"/summits/{SLUG}/agenda/items/new?day=2027-08-03")
    add_item(page, "2027-08-03", "09:15", "10:00", "Main hall", "Signing ceremony",
             "签约仪式", "Signing ceremony")
    alert = page.get_by_role("alert").filter(has_text="This clashes with the programme")
    expect(alert).to_contain_text("The room is used twice at once: “签约仪式” (09:15–10:00) and "
                                  "“欢迎致辞” (09:00–09:30).")
    page.get_by_label("Save anyway: I have checked the clashes listed above").check()
    page.get_by_role("button", name="Save item", exact=True).click()
    expect(flashes).to_contain_text("“签约仪式” added.")
    page.goto(f"/summits/{SLUG}/agenda/edit?day=2027-08-03")
    conflicts = page.get_by_role("alert").filter(has_text="Clashes in the programme")
    expect(conflicts).to_contain_text("Blocks publishing")
    expect(page.locator(".grid-item.has-conflict")).to_have_count(2)
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_text("Fix the clashes that block publishing first.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish version 2")).to_have_count(0)

    # Fix it: move the ceremony to 09:30, right after the address (it keeps its 45 minutes).
    page.goto(f"/summits/{SLUG}/agenda/edit?day=2027-08-03")
    page.locator(".agenda-grid").get_by_role("link", name="Signing ceremony").click()
    move = page.locator("form", has=page.get_by_role("button", name="Move", exact=True))
    move.get_by_label("Starts", exact=True).fill("09:30")
    move.get_by_role("button", name="Move", exact=True).click()
    expect(flashes).to_contain_text("“签约仪式” moved to 2027-08-03 09:30.")
    expect(page.get_by_role("alert").filter(has_text="Clashes")).to_have_count(0)
    expect(page.locator(".grid-item.has-conflict")).to_have_count(0)

    # Version 2, with its changelog.
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="Changes to publish (1)")).to_be_visible()
    page.get_by_label("Note for this version", exact=True).fill("增加签约仪式")
    page.get_by_role("button", name="Publish version 2", exact=True).click()
    expect(flashes).to_contain_text("Version 2 is published.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Version 2")
    expect(page.locator(".changelog")).to_contain_text("Added")
    expect(page.locator(".changelog")).to_contain_text("Signing ceremony")
    expect(page.locator(".changelog")).to_contain_text("2027-08-03 09:30–10:15 · Main hall")

    page.get_by_role("link", name="Published versions").first.click()
    expect(page.get_by_role("link", name="Version 2", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()

    page.goto(f"/summits/{SLUG}/agenda")
    expect(page.get_by_role("heading", name="Version 2, published", exact=False)).to_be_visible()
    page.get_by_text("What changed since version 1").click()
    expect(page.locator(".changelog")).to_contain_text("Signing ceremony")
    expect(page.locator("#item-" + _uid_of("签约仪式"))).to_contain_text("09:30–10:15")
    db.session.rollback()
    assert [v.number for v in db.session.scalars(
        db.select(AgendaVersion).order_by(AgendaVersion.number))] == [1, 2]


def _uid_of(title_zh: str) -> str:
    db.session.rollback()
    return db.session.scalars(db.select(AgendaItem.uid).where(
        AgendaItem.title_zh == title_zh)).one()


def test_an_item_is_dragged_to_another_room_and_time(page: Page, live_server):
    """The bonus: drag and drop sends the same Move form (the server checks it as typed)."""
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    summit = factories.make_summit(SLUG, organiser=organiser)
    factories.make_room(summit, "主会场", "Main hall", 400, 0)
    salon = factories.make_room(summit, "沙龙厅", "Salon room", 60, 1)
    item = factories.make_item(summit, "09:00", "09:30", title_zh="欢迎致辞",
                               title_en="Welcome address", room=None)
    page.goto("/auth/login")
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    # Tall enough that the grid's 11:00 row is on screen below the staff menu.
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.goto(f"/summits/{SLUG}/agenda/edit?day=2027-08-03")

    grid = page.locator(".agenda-grid")
    grid_box = grid.bounding_box()
    column = page.locator(f".grid-room[data-room-id='{salon.id}']").bounding_box()
    eleven = page.locator(".grid-hour", has_text="11:00").bounding_box()
    page.locator(f".grid-item[data-item-id='{item.id}']").drag_to(
        grid, source_position={"x": 6, "y": 4},
        target_position={"x": column["x"] - grid_box["x"] + column["width"] / 2,
                         "y": eleven["y"] - grid_box["y"] + 4})

    expect(page.get_by_role("status")).to_contain_text("“欢迎致辞” moved to 2027-08-03 11:00.")
    db.session.rollback()

    moved = db.session.get(AgendaItem, item.id)
    assert (moved.start.isoformat(), moved.end.isoformat(), moved.room_id) == (
        "11:00:00", "11:30:00", salon.id)
