"""Protocol in Debian's Chromium: an organiser opens the demo's podium, prints its table
cards, marks a leader absent, sees the seating refill and what moved since the print, and
prints the changed cards only (the job's PDF holds only those names)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from summit.services.demo import seed as demo
from tests.support.pdf import pdf_text, save, squash

pytestmark = pytest.mark.e2e


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def print_and_download(page: Page, tmp_path, name: str) -> str:
    """On a table-card job's page: wait for the PDF, fetch it, and return its text."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Table cards")
    link = page.get_by_role("link", name="Download PDF", exact=True)
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator("#job-state")).to_contain_text("Ready")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return squash(pdf_text(save(response.body(), tmp_path, name)))


def test_a_leader_drops_out_and_only_the_changed_cards_are_printed(
        app, page: Page, live_server, tmp_path):
    summit = demo.seed_demo()
    log_in(page, "organiser@example.com", demo.DEMO_PASSWORD)
    page.goto(f"/summits/{summit.slug}/protocol")
    page.locator("main").get_by_role("link", name="Welcome address").first.click()
    stage = page.locator("#stage-view")
    # 政务 with 5 seats, seen from the audience: 李兴文 杨春轩 赵波 on the middle seats.
    expect(stage.locator(".stage-seat strong")).to_have_text(["李兴文", "杨春轩", "赵波"])

    # The podium's cards, printed in the background.
    page.get_by_role("link", name="Tables, table cards and changes since the last print").click()
    expect(page.locator("#changes")).to_have_text("No table cards printed yet.")
    page.get_by_label("Which cards").select_option(label="The podium")
    page.get_by_role("button", name="Print table cards").click()
    first = print_and_download(page, tmp_path, "podium.pdf")
    assert first.count("杨春轩") == first.count("赵波") == first.count("李兴文") == 2

    # 赵波 drops out: the seating refills at once.
    page.get_by_role("link", name="Tables and table cards").click()
    page.get_by_role("link", name="Attendance and podium").click()
    row = page.locator("tr", has_text="赵波")
    row.get_by_label("Attendance").select_option(label="Absent")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(".flash").first).to_contain_text("the seating is refilled")
    expect(stage.locator(".stage-seat strong")).to_have_text(["杨春轩", "李兴文"])

    # What moved since the print, and the changed cards only.
    page.get_by_role("link", name="Tables, table cards and changes since the last print").click()
    changes = page.locator("table#changes")
    expect(changes.locator("tbody tr")).to_have_count(2)
    expect(changes.locator("tr", has_text="李兴文").locator("td")).to_have_text(
        ["李兴文", "Podium row 1, seat 4", "Podium row 1, seat 2"])
    expect(changes.locator("tr", has_text="赵波")).to_contain_text("withdraw the card")
    page.get_by_role("button", name="Print changed cards only").click()
    changed = print_and_download(page, tmp_path, "changed.pdf")
    assert changed.count("李兴文") == 2
    assert "杨春轩" not in changed and "赵波" not in changed
    page.get_by_role("link", name="Tables and table cards").click()
    expect(page.locator("#changes")).to_have_text("Nothing moved since the last print.")
    assert not live_server.errors
