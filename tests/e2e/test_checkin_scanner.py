"""The gate scanner in Debian's Chromium with a fake camera filming a real printed badge.

The badge is rendered to PDF by the badge renderer, rasterised with pdftoppm and written as a
YUV4MPEG2 video that Chromium plays as its camera (``--use-file-for-fake-video-capture``).
The page decodes the QR code with the vendored jsQR, asks the server (or, without network,
its manifest and WebCrypto Ed25519) and shows the answer full screen.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

import pytest
from playwright.sync_api import Browser, Page, expect

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    Arrival,
    BookingStatus,
    CheckIn,
    SeatBooking,
    Summit,
    User,
)
from summit.services.badges import issuing as badges
from summit.services.checkin import gates as checkin_gates, scans as checkins
from tests.support import factories
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, TIMEOUT_MS, screenshot_name
from tests.support.checkin import badge_video
from tests.support.e2e import PHONE

pytestmark = pytest.mark.e2e

GATE = "东门"


@pytest.fixture
def camera_browser(playwright, holder, tmp_path) -> Iterator[Browser]:
    """A Chromium whose camera films the holder's printed badge."""
    badge = badges.ensure_badge(holder)
    db.session.commit()
    video = badge_video(badges.render_badge(badge), tmp_path)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream",
                              "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"])
    yield browser
    browser.close()


@pytest.fixture
def phone(camera_browser, live_server, staff, request) -> Iterator[Page]:
    context = camera_browser.new_context(base_url=live_server.url, locale="en-US",
                                         timezone_id="Asia/Shanghai",
                                         permissions=["camera"], **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/auth/login")
    page.fill("input[name=email]", staff.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and not page.is_closed():
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SCREENSHOTS / screenshot_name(request.node), full_page=True)
    context.close()


def stored(model, **where) -> list:
    db.session.rollback()  # see what the server committed
    return list(db.session.scalars(db.select(model).filter_by(**where)))


def open_scanner(page: Page, event: Summit) -> None:
    """From the summit page's navigation to the scanner, with the badge list downloaded."""
    page.goto(f"/summits/{event.slug}")
    page.get_by_role("link", name="Scanner").first.click()
    expect(page.locator("#manifest-state")).to_contain_text("Badge list of")


def choose_gate(page: Page) -> None:
    page.fill("#gate-input", GATE)
    page.get_by_role("button", name="Start scanning").click()


def result(page: Page, expected: str) -> None:
    box = page.locator("#result")
    expect(box).to_be_visible(timeout=20_000)
    expect(box).to_have_attribute("data-result", expected, timeout=20_000)


def test_the_scanner_reads_a_printed_badge_then_calls_it_a_duplicate(phone, event, holder):
    open_scanner(phone, event)
    choose_gate(phone)

    result(phone, "ok")
    expect(phone.locator("#result-name")).to_have_text("赵波")
    # The page is in English: the category and zone in English, not 代表 / MAIN 主会场.
    expect(phone.locator("#result-category")).to_have_text("Delegate")
    expect(phone.locator("#result-zones")).to_have_text("Main")
    phone.get_by_role("button", name="Next scan").click()

    result(phone, "duplicate")
    expect(phone.locator("#result-first")).to_contain_text(GATE)
    scans = stored(CheckIn, summit_id=event.id)
    assert sorted(s.result for s in scans) == ["duplicate", "ok"]
    assert {s.gate for s in scans} == {GATE} and not any(s.offline for s in scans)
    assert len(stored(Arrival, summit_id=event.id)) == 1
    # The gate is kept by the phone: the next visit scans at once.
    phone.get_by_role("button", name="Next scan").click()
    phone.reload()
    expect(phone.locator("#gate-name")).to_have_text(GATE)
    expect(phone.locator("#gate-chooser")).to_be_hidden()


def test_without_network_the_scan_is_answered_queued_and_sent_later(phone, event, holder):
    open_scanner(phone, event)
    phone.context.set_offline(True)
    choose_gate(phone)

    result(phone, "ok")
    expect(phone.locator("#result-name")).to_have_text("赵波")
    expect(phone.locator("#result-note")).to_contain_text("without network")
    expect(phone.locator("#queue-state")).to_have_attribute("data-count", "1")
    assert stored(CheckIn, summit_id=event.id) == []

    phone.context.set_offline(False)
    expect(phone.locator("#queue-state")).to_have_attribute("data-count", "0", timeout=20_000)
    scans = stored(CheckIn, summit_id=event.id)
    assert [(s.result, s.offline, s.gate) for s in scans] == [("ok", True, GATE)]
    assert scans[0].scanned_at < scans[0].received_at
    assert len(stored(Arrival, summit_id=event.id)) == 1


def test_a_revoked_badge_is_refused_online_and_offline_after_the_refresh(phone, event, holder):
    organiser = db.session.scalar(db.select(User).filter_by(email="organiser@example.com"))
    badges.revoke(organiser, holder, "证件遗失")
    open_scanner(phone, event)  # downloads the badge list with the revocation
    choose_gate(phone)
    result(phone, "revoked")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Next scan").click()

    result(phone, "revoked")
    expect(phone.locator("#result-note")).to_contain_text("without network")
    phone.context.set_offline(False)
    expect(phone.locator("#queue-state")).to_have_attribute("data-count", "0", timeout=20_000)
    assert sorted((s.result, s.offline) for s in stored(CheckIn, summit_id=event.id)) == [
        ("revoked", False), ("revoked", True)]
    assert stored(Arrival, summit_id=event.id) == []


def test_the_browser_verifier_refuses_every_altered_token(phone, event, holder):
    """The offline check in the page itself: the genuine token passes, each of its bytes
    flipped (in every bit pattern of a sample) and each character replaced fails."""
    open_scanner(phone, event)
    token = badges.token_for(badges.badge_of(holder))

    outcome = phone.evaluate("""async ([slug, token]) => {
      const C = window.SummitCheckin;
      const store = await C.Store.open(slug);
      const manifest = C.indexManifest(await store.manifest());
      const key = await C.importKey(manifest);
      const check = async (t) => (await C.verifyOffline(t, manifest, key, null)).result;
      const raw = Uint8Array.from(atob(token.replace(/-/g, "+").replace(/_/g, "/") + "=="),
                                  (c) => c.charCodeAt(0));
      const encode = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-")
        .replace(/\\//g, "_").replace(/=+$/, "");
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const accepted = [];
      let tried = 0;
      for (let at = 0; at < raw.length; at += 1) {
        for (const mask of [1, 2, 4, 8, 16, 32, 64, 128, 255]) {
          const copy = raw.slice(); copy[at] ^= mask; tried += 1;
          if (await check(encode(copy)) !== "invalid") accepted.push(encode(copy));
        }
      }
      for (let at = 0; at < token.length; at += 1) {
        for (const char of [alphabet[(alphabet.indexOf(token[at]) + 1) % 64], "=", "."]) {
          const altered = token.slice(0, at) + char + token.slice(at + 1); tried += 1;
          if (await check(altered) !== "invalid") accepted.push(altered);
        }
      }
      return { genuine: await check(token), tried, accepted };
    }""", [event.slug, token])

    assert outcome["genuine"] == "ok"
    assert outcome["tried"] > 1000 and outcome["accepted"] == []


def test_a_salon_door_answers_with_the_booking(phone, event, holder):
    salon = AgendaItem(summit_id=event.id, day=date(2027, 8, 3), start=time(14), end=time(16),
                       kind=AgendaItemKind.SALON, title_zh="电商沙龙", bookable=True, capacity=30)
    db.session.add(salon)
    db.session.commit()
    db.session.add(SeatBooking(item_id=salon.id, registration_id=holder.id,
                               status=BookingStatus.CONFIRMED))
    organiser = db.session.scalar(db.select(User).filter_by(email="organiser@example.com"))
    checkin_gates.add_gate(organiser, event, "沙龙厅入口", salon_id=salon.id)
    open_scanner(phone, event)
    phone.get_by_role("button", name="沙龙厅入口").click()

    result(phone, "ok")
    expect(phone.locator("#result-salon")).to_have_text("电商沙龙 · Booked seat")
    phone.get_by_role("button", name="Next scan").click()
    result(phone, "duplicate")
    assert [s.agenda_item_id for s in stored(CheckIn, summit_id=event.id)] == [salon.id] * 2


def test_the_scanner_opens_without_network_from_its_service_worker(phone, event, holder):
    open_scanner(phone, event)
    choose_gate(phone)
    result(phone, "ok")
    assert phone.evaluate("""async () => {
      await navigator.serviceWorker.ready;
      for (let i = 0; i < 50 && !navigator.serviceWorker.controller; i += 1) {
        await new Promise((done) => setTimeout(done, 100));
      }
      return Boolean(navigator.serviceWorker.controller);
    }""")

    phone.context.set_offline(True)
    phone.reload()

    expect(phone.locator("#net-state")).to_have_text("Offline")
    expect(phone.locator("#manifest-state")).to_contain_text("Badge list of")
    expect(phone.locator("#gate-name")).to_have_text(GATE)
    result(phone, "duplicate")  # this phone remembers the arrival it saw
    expect(phone.locator("#result-note")).to_contain_text("without network")


@pytest.mark.app_config(BOARD_REFRESH_SECONDS=1)
def test_the_arrivals_board_follows_the_scans_live(browser, event, organiser, holder, staff,
                                                live_server):
    board = browser.new_context(base_url=live_server.url, locale="en-US")
    page = board.new_page()
    page.goto("/auth/login")
    page.fill("input[name=email]", organiser.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(f"/summits/{event.slug}/checkin/board")
    expect(page.locator("#arrived-total")).to_have_text("0")

    checkins.scan(staff, event, badges.token_for(badges.ensure_badge(holder)), "西门", "live-1")

    expect(page.locator("#arrived-total")).to_have_text("1", timeout=15_000)
    expect(page.locator("#board")).to_contain_text("西门")
    board.close()


@pytest.mark.browser_locale("zh-CN")
def test_a_camera_the_page_cannot_use_is_explained_in_words(page, event, staff):
    """No camera permission (and no camera): the hint says what happened and what to do, in
    the page's language, never the browser's error name (NotAllowedError, NotFoundError)."""
    page.goto("/auth/login")
    page.fill("input[name=email]", staff.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main").get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(f"/summits/{event.slug}/checkin/")
    page.fill("#gate-input", GATE)
    page.locator("#gate-input").press("Enter")

    hint = page.locator("#camera-hint")
    expect(hint).to_contain_text("下方的查找功能")
    words = hint.inner_text()
    assert "摄像头" in words and "Error" not in words, words
