"""Badges in the browser: an organiser designs a category's badge with the live preview (which
redraws on each change and shows why broken Jinja cannot be used), saves it, prints a batch of
A4 sheets for everyone approved, watches the progress bar fill and downloads the PDF. Then the
preview's and the batch page's rougher edges: answers arriving out of order, a lost session, a
batch that fails while watched.

Batches run on the app's own job thread (no REDIS_URL), in small chunks; a test holds the job
thread at a chosen step (monkeypatching badge_batches), so what the page shows part-way does not
depend on timing."""
from __future__ import annotations

import base64
import io
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, Response, Route, expect
from pypdf import PdfReader

from summit.extensions import db
from summit.models import BadgeJob, BadgeTemplate, JobStatus, RegistrationStatus, Summit, User
from summit.services.badges import batches as badge_batches
from summit.services.registration import submission as registrations
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories

# Small chunks, so the batch's progress moves in steps (whole A4 sheets: four badges).
pytestmark = [pytest.mark.e2e, pytest.mark.app_config(BADGE_CHUNK_SIZE=2)]

SLUG = "kangding-2027"
BAND = "#8e44ad"
BAND_RGB = (0x8E, 0x44, 0xAD)
TITLE_ZH = "特邀代表"
TITLE_EN = "Honoured delegate"
# Simplified and traditional Chinese, and Tibetans with their names in Tibetan script too.
APPROVED = [("赵波", ""), ("趙雪梅", ""), ("泽仁拉姆", "ཚེ་རིང་ལྷ་མོ"), ("陳志明", ""),
            ("扎西次仁", "བཀྲ་ཤིས་ཚེ་རིང"), ("王芳", "")]
PENDING = "钱多多"
SHEETS = 2  # six badges, four to an A4 sheet
FIRST_CHUNK = 4  # a chunk holds whole sheets, however small BADGE_CHUNK_SIZE is
BROKEN_HTML = ('<div class="band"><span class="title">{{ b.title }}</span>'
               '<span class="title-en">{{ b.title_en }}</span></div>\n'
               '<div class="body"><div class="who"><div class="name">{{ b.name </div></div></div>')
FIXED_HTML = ('<div class="band"><span class="title">{{ b.title }}</span>'
              '<span class="title-en">{{ b.title_en }}</span></div>\n'
              '<div class="body"><div class="who">'
              '{% if b.name_native %}<div class="native">{{ b.name_native }}</div>{% endif %}'
              '<div class="name {{ b.name_class }}">{{ b.name }}</div></div></div>\n'
              '<img class="qr" src="{{ b.qr }}" alt="">')
TEMPLATE_SAVED = "The template is saved; badges print with it from now on."


@pytest.fixture
def first_chunk_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold the batch (on its job thread) after each chunk until the test sets the event, so
    the page is sure to show the progress part-way; set again on the way out."""
    release = threading.Event()
    set_progress = badge_batches._set_progress

    def held(job_id: int, done: int) -> None:
        set_progress(job_id, done)  # committed: the status the page polls shows it
        release.wait(timeout=30)

    monkeypatch.setattr(badge_batches, "_set_progress", held)
    yield release
    release.set()


def stored(model, **where):
    db.session.rollback()  # end the test thread's transaction: see what the server committed
    return db.session.scalars(db.select(model).filter_by(**where)).one()


def enrol(summit: Summit, organiser: User) -> None:
    people = [(name, native, RegistrationStatus.APPROVED) for name, native in APPROVED]
    for number, (name, native, status) in enumerate(
            people + [(PENDING, "", RegistrationStatus.PENDING)], start=1):
        details = RegistrationDetails(name=name, name_native=native, category="delegate",
                                      email=f"person{number}@example.com",
                                      organisation_name="甘孜州商务局", position="科长",
                                      locale="en")
        registration = registrations.register_delegate(summit, details, actor=organiser,
                                                       notify=False)
        registration.status = status
        db.session.commit()


def shown_image(image: Locator) -> bytes:
    """The picture the <img> shows, as PNG: drawn onto a canvas, since the page's CSP keeps
    fetch() away from blob: URLs."""
    data_url = image.evaluate("""(img) => {
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        canvas.getContext("2d").drawImage(img, 0, 0);
        return canvas.toDataURL("image/png");
    }""")
    prefix = "data:image/png;base64,"
    assert data_url.startswith(prefix), data_url[:40]
    return base64.b64decode(data_url[len(prefix):])


def has_colour(png: bytes, rgb: tuple[int, int, int], tolerance: int = 6) -> bool:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return any(all(abs(a - b) <= tolerance for a, b in zip(pixel, rgb, strict=True))
               for _count, pixel in image.getcolors(maxcolors=1 << 24))


def pdfinfo_pages(path: Path) -> int:
    output = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                            text=True, timeout=30).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", output, re.M).group(1))


def test_organiser_designs_a_badge_and_prints_a_batch(page: Page, live_server,
                                                     first_chunk_gate: threading.Event):
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    summit = factories.make_summit(SLUG, organiser=organiser)
    delegate = factories.make_category(summit, "delegate", "代表",
                                       zones=[factories.make_zone(summit)])
    factories.make_category(summit, "guest", "嘉宾", public=False)
    enrol(summit, organiser)
    summit_id, delegate_id = summit.id, delegate.id
    db.session.rollback()
    summit_url = f"{live_server.url}/summits/{SLUG}"
    flashes = page.locator(".flashes")

    # Log in and open Badges from the summit's menu.
    page.goto("/")
    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(flashes).to_contain_text("Welcome, Zhao Bo.")
    page.goto(f"/summits/{SLUG}")
    summit_nav = page.get_by_role("navigation", name="Summit", exact=True)
    summit_nav.get_by_role("link", name="Badges", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/badges")
    expect(page.get_by_role("heading", level=1)).to_have_text("Badges")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Approved registrations")
    expect(facts.locator("dd").nth(0)).to_have_text(str(len(APPROVED)))
    expect(facts.locator("dd").nth(2)).to_have_text(str(len(APPROVED)))  # not printed yet

    # The delegates' template: the live preview is drawn as soon as the editor opens.
    templates = page.locator("section").filter(
        has=page.get_by_role("heading", name="Templates", exact=True))
    templates.get_by_role("link", name="Delegate", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/badges/templates/{delegate_id}")
    preview = page.locator("img[data-preview-image]")
    preview_state = page.locator("[data-preview-state]")
    expect(preview).to_be_visible()
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    expect(preview_state).to_have_text("")
    first_src = preview.get_attribute("src")

    # A new band colour and title: the preview is drawn again, from the unsaved form.
    def redrawn_with(response: Response) -> bool:
        body = response.request.post_data or ""
        return (response.url.endswith("/preview") and BAND in body and TITLE_EN in body
                and TITLE_ZH in body)

    with page.expect_response(redrawn_with) as drawn:
        page.get_by_label("Band colour", exact=True).fill(BAND)
        page.get_by_label("Category in words (Chinese)", exact=True).fill(TITLE_ZH)
        page.get_by_label("Category in words (English)", exact=True).fill(TITLE_EN)
    assert drawn.value.status == 200
    assert drawn.value.header_value("content-type") == "image/png"
    expect(preview).not_to_have_attribute("src", first_src)
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    expect(preview).to_be_visible()
    expect(preview_state).to_have_text("")
    png = shown_image(preview)
    assert png.startswith(b"\x89PNG")
    assert has_colour(png, BAND_RGB), "the preview does not show the new band colour"

    # Broken Jinja in the advanced HTML: the preview says why it cannot be used.
    page.get_by_text("Advanced: your own HTML and CSS", exact=True).click()
    html = page.get_by_label("Badge HTML (Jinja, optional)", exact=True)
    html.fill(BROKEN_HTML)
    expect(preview_state).to_contain_text("This template cannot be used: Jinja line 2:")
    expect(preview_state).to_have_class(re.compile(r"\berror\b"))
    broken_src = preview.get_attribute("src")

    # Fixed: the message goes and the preview is drawn again.
    html.fill(FIXED_HTML)
    expect(preview_state).to_have_text("")
    expect(preview_state).not_to_have_class(re.compile(r"\berror\b"))
    expect(preview).not_to_have_attribute("src", broken_src)
    expect(preview).to_be_visible()

    page.get_by_role("button", name="Save template", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/badges/templates/{delegate_id}")
    expect(flashes).to_contain_text(TEMPLATE_SAVED)
    expect(page.get_by_label("Band colour", exact=True)).to_have_value(BAND)
    expect(page.get_by_label("Category in words (English)", exact=True)).to_have_value(TITLE_EN)
    template = stored(BadgeTemplate, category_id=delegate_id)
    # A browser sends a textarea's line breaks as CRLF.
    assert (template.band_colour, template.title_zh, template.title_en,
            template.html.replace("\r\n", "\n")) == (BAND, TITLE_ZH, TITLE_EN, FIXED_HTML)
    db.session.rollback()

    # Print everyone approved on A4 sheets and watch the batch.
    statuses: list[dict] = []

    status_url = re.compile(r"/badges/batches/[^/]+/status$")

    def note_status(route: Route) -> None:
        """Pass the page's polls through, noting each answer (the last one's body would be
        gone once the finished batch reloads the page)."""
        answer = route.fetch()
        statuses.append(answer.json())
        route.fulfill(response=answer)

    page.route(status_url, note_status)
    page.get_by_role("link", name="Cancel", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/badges")
    page.get_by_label("Print for", exact=True).select_option(label="Everyone approved")
    page.get_by_label("Size", exact=True).select_option(
        label="A4 sheets, four A6 badges with cut marks")
    page.get_by_role("button", name="Print", exact=True).click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(summit_url)}/badges/batches/[\w-]+$"))
    expect(flashes).to_contain_text(f"Printing {len(APPROVED)} badges.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Print batch")
    job_box = page.locator(".job")
    progress = job_box.locator("progress")
    expect(progress).to_have_attribute("max", str(len(APPROVED)))
    job_state = page.locator("#job-state")
    download_link = page.get_by_role("link", name="Download PDF", exact=True)
    # The first sheet is done, and the batch is held there: the bar is part-way.
    expect(job_state).to_have_text(f"Printing · {FIRST_CHUNK} / {len(APPROVED)}")
    expect(progress).to_have_attribute("value", str(FIRST_CHUNK))
    expect(download_link).to_be_hidden()

    first_chunk_gate.set()
    expect(download_link).to_be_visible(timeout=60_000)
    expect(progress).to_have_attribute("value", str(len(APPROVED)))
    expect(job_state).to_have_text(f"Ready · {len(APPROVED)} / {len(APPROVED)}")
    expect(job_box.locator("[data-job-error]")).to_be_hidden()
    page.unroute(status_url, note_status)

    # What the page polled: forward only, through the first sheet, to the end.
    done = [status["done"] for status in statuses]
    assert done == sorted(done), statuses
    assert FIRST_CHUNK in done, statuses
    assert all(status["total"] == len(APPROVED) for status in statuses), statuses
    assert {status["status"] for status in statuses[:-1]} <= {"queued", "running"}, statuses
    assert (statuses[-1]["status"], statuses[-1]["percent"]) == ("done", 100), statuses

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert re.fullmatch(rf"badges-{SLUG}-\d+-a4_sheet\.pdf", download.suggested_filename)
    path = download.path()
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdfinfo_pages(path) == SHEETS
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    # The saved template is the one printed (its CSS writes the English title in capitals).
    assert text.count(TITLE_EN.upper()) == len(APPROVED)
    for name, native in APPROVED:
        assert name in text
        assert native in text
    assert PENDING not in text

    job = stored(BadgeJob, summit_id=summit_id)
    assert (job.status, job.done, job.total, job.marked_printed) == (
        JobStatus.DONE, len(APPROVED), len(APPROVED), True)
    db.session.rollback()

    # Back on Badges: everyone approved is printed now, and the batch is listed as ready.
    page.get_by_role("link", name="« Badges", exact=True).click()
    expect(page).to_have_url(f"{summit_url}/badges")
    expect(facts.locator("dd").nth(1)).to_have_text(str(len(APPROVED)))
    expect(facts.locator("dd").nth(2)).to_have_text("0")
    batches = page.locator("section").filter(
        has=page.get_by_role("heading", name="Recent batches", exact=True))
    expect(batches.get_by_role("row")).to_have_count(2)
    expect(batches.get_by_role("row").nth(1)).to_contain_text("Ready")


def test_a_late_answer_to_an_older_preview_does_not_hide_a_newer_error(page: Page,
                                                                       live_server):
    """Previews are drawn on the server and answers may come back out of order: the slow
    drawing of an older, valid form must not replace the error the newer form gave."""
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    summit = factories.make_summit(SLUG, organiser=organiser)
    delegate_id = factories.make_category(summit, "delegate", "代表").id
    db.session.rollback()

    page.goto(f"/summits/{SLUG}/badges/templates/{delegate_id}")
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/summits/{SLUG}/badges/templates/{delegate_id}")
    preview = page.locator("img[data-preview-image]")
    preview_state = page.locator("[data-preview-state]")
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    shown = preview.get_attribute("src")

    # The drawing of the valid form with the new title is held back on its way to the server.
    held: list[Route] = []

    def hold_the_slow_one(route: Route) -> None:
        if TITLE_EN in (route.request.post_data or "") and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/preview$"), hold_the_slow_one)
    page.get_by_label("Category in words (English)", exact=True).fill(TITLE_EN)
    for _tick in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1, "the preview of the new title was not requested"

    # Meanwhile the HTML is broken: that (newer) answer comes back first.
    page.get_by_text("Advanced: your own HTML and CSS", exact=True).click()
    page.get_by_label("Badge HTML (Jinja, optional)", exact=True).fill(BROKEN_HTML)
    expect(preview_state).to_contain_text("This template cannot be used: Jinja line 2:")

    # Now the older drawing arrives, and is let through to the page.
    with page.expect_response(lambda r: r.url.endswith("/preview") and r.status == 200):
        held[0].continue_()
    page.wait_for_timeout(500)  # let the page handle it (make a blob, set the image)

    expect(preview_state).to_contain_text("This template cannot be used: Jinja line 2:")
    expect(preview_state).to_have_class(re.compile(r"\berror\b"))
    expect(preview).to_have_attribute("src", shown)


def test_a_preview_after_the_session_is_lost_says_so(page: Page, live_server):
    """Logged out meanwhile (in another tab, or the session ended), the preview is refused
    with an HTML error page: that is no picture and no JSON, and the editor says something
    went wrong (not a JSON parse error, not a broken image)."""
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    summit = factories.make_summit(SLUG, organiser=organiser)
    delegate_id = factories.make_category(summit, "delegate", "代表").id
    db.session.rollback()

    page.goto(f"/summits/{SLUG}/badges/templates/{delegate_id}")
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    preview = page.locator("img[data-preview-image]")
    preview_state = page.locator("[data-preview-state]")
    expect(preview).to_have_attribute("src", re.compile(r"^blob:"))
    shown = preview.get_attribute("src")

    page.context.clear_cookies()
    with page.expect_response(lambda r: r.url.endswith("/preview")) as answer:
        page.get_by_label("Category in words (English)", exact=True).fill(TITLE_EN)
    assert answer.value.status == 400  # the form's CSRF token went with the session
    assert answer.value.header_value("content-type").startswith("text/html")

    expect(preview_state).to_have_text("Something went wrong.")
    expect(preview_state).to_have_class(re.compile(r"\berror\b"))
    expect(preview).to_have_attribute("src", shown)


@pytest.fixture
def failure_gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold a failing batch (on its job thread) until the test sets the event, so the page is
    sure to watch it fail; set again on the way out."""
    release = threading.Event()
    fail = badge_batches._fail

    def held(job_id: int, message: str) -> None:
        release.wait(timeout=30)
        fail(job_id, message)

    monkeypatch.setattr(badge_batches, "_fail", held)
    yield release
    release.set()


def test_a_batch_that_fails_while_watched_offers_to_run_again(page: Page, live_server,
                                                              failure_gate: threading.Event):
    organiser = factories.make_user("organiser@example.com", name="Zhao Bo")
    summit = factories.make_summit(SLUG, organiser=organiser)
    delegate = factories.make_category(summit, "delegate", "代表")
    enrol(summit, organiser)
    # A template no organiser could save (the editor refuses it): written to the database.
    db.session.add(BadgeTemplate(category=delegate, band_colour="", text_colour="#ffffff",
                                 title_zh="", title_en="", footer="", html="{{ b.nosuch }}",
                                 css=""))
    db.session.commit()
    delegate_id = delegate.id
    db.session.rollback()

    page.goto(f"/summits/{SLUG}/badges")
    page.get_by_label("Email", exact=True).fill("organiser@example.com")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/summits/{SLUG}/badges")
    page.get_by_label("Print for", exact=True).select_option(label="Everyone approved")
    page.get_by_role("button", name="Print", exact=True).click()

    job_state = page.locator("#job-state")
    error = page.locator("[data-job-error]")
    run_again = page.get_by_role("button", name="Run again", exact=True)
    expect(job_state).to_have_text(f"Printing · 0 / {len(APPROVED)}")
    expect(error).to_be_hidden()
    expect(run_again).to_have_count(0)

    failure_gate.set()
    expect(error).to_be_visible()
    expect(error).to_contain_text("UndefinedError: 'dict object' has no attribute 'nosuch'")
    expect(job_state).to_contain_text(f"Failed · 0 / {len(APPROVED)}")
    expect(run_again).to_be_visible()  # without reloading by hand
    expect(page.get_by_role("link", name="Download PDF", exact=True)).to_be_hidden()

    # The template mended, the batch runs again and prints.
    template = stored(BadgeTemplate, category_id=delegate_id)
    template.html = ""
    db.session.commit()
    run_again.click()
    expect(page.locator(".flashes")).to_contain_text("The batch runs again.")
    download_link = page.get_by_role("link", name="Download PDF", exact=True)
    expect(download_link).to_be_visible(timeout=60_000)
    expect(job_state).to_have_text(f"Ready · {len(APPROVED)} / {len(APPROVED)}")
    expect(error).to_be_hidden()
    expect(run_again).to_have_count(0)
