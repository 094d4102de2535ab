"""Issue 3's "done when", in the browser: a delegate registers with a Tibetan name and receives
the confirmation email; a county registrar uploads an Excel file with errors, reads the report,
fixes the file and imports it; an organiser searches 赵波, finds 趙波, approves, and the
registrant is emailed the approval with the summit as a calendar file."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import Delegation, Registration, RegistrationStatus
from summit.services.core.spreadsheets import header_text
from summit.services.registration import submission as registrations
from summit.services.registration.imports import COLUMNS
from tests.support import factories

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stored_registrations(**where) -> list[Registration]:
    db.session.rollback()  # end the test thread's transaction: see what the server committed
    return list(db.session.scalars(
        db.select(Registration).filter_by(**where).order_by(Registration.id)))


def log_in(page: Page, email: str) -> None:
    """Fill the login form the page is on (the app sends an anonymous visitor there)."""
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


# --- a delegate registers with a Tibetan name ---------------------------------------------

DELEGATE_NAME = "泽仁拉姆"
DELEGATE_TIBETAN = "ཚེ་རིང་ལྷ་མོ"
DELEGATE_EMAIL = "tsering.lhamo@example.com"


def test_delegate_registers_with_tibetan_name_and_is_emailed(page: Page, live_server, mailbox):
    summit = factories.make_summit("kangding-2027")
    factories.make_category(summit, "delegate")
    factories.make_category(summit, "guest", label_zh="嘉宾", public=False)

    page.goto("/summits/kangding-2027")
    page.get_by_role("navigation", name="Summit", exact=True).get_by_role(
        "link", name="Register", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/summits/kangding-2027/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register for Test Summit")

    page.get_by_label("Name as on ID", exact=True).fill(DELEGATE_NAME)
    native = page.get_by_label("Name in native script (e.g. Tibetan)", exact=True)
    native.fill(DELEGATE_TIBETAN)
    expect(native).to_have_attribute("lang", "bo")
    page.get_by_label("Organisation", exact=True).fill("理塘县人民政府")
    page.get_by_label("Position", exact=True).fill("副县长")
    category = page.get_by_label("Category", exact=True)
    expect(category.locator("option")).to_have_text(["Delegate", "Guest · by invitation"])
    category.select_option(label="Delegate")
    page.get_by_label("Email", exact=True).fill(DELEGATE_EMAIL)
    page.get_by_label("Mobile phone", exact=True).fill("13812345678")
    # The personal-data notice: without consent nothing is registered (docs/privacy.md).
    expect(page.locator("#privacy-notice")).to_contain_text("hotels, drivers and security")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_text("Agree to the personal-data notice to register.").first).to_be_visible()
    page.get_by_label("I have read the personal-data notice and agree to it.").check()
    # The ID number is asked only with its own, separate consent (PIPL: sensitive data).
    id_number = page.get_by_label("ID document number", exact=True)
    expect(id_number).to_be_hidden()
    separate = page.get_by_label("I separately agree that my ID document number and photo "
                                 "are processed for admission and security.")
    separate.check()
    expect(id_number).to_be_visible()
    separate.uncheck()  # she gives none after all: nothing is asked, nothing stored
    expect(id_number).to_be_hidden()
    page.get_by_role("button", name="Register", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/summits/kangding-2027/register/thanks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_role("status")).to_contain_text(
        "Thank you, your registration has been received. We have emailed you a confirmation.")

    [message] = mailbox.wait_for(1)
    assert message["To"] == DELEGATE_EMAIL
    assert message["Subject"] == "We have received your registration for Test Summit"
    body = mailbox.body(message)
    assert f"Hello {DELEGATE_NAME}," in body
    assert f"{DELEGATE_NAME} / {DELEGATE_TIBETAN} (Zeren Lamu)" in body
    assert f"{live_server.url}/registrations/mine" in body

    [registration] = stored_registrations(summit_id=summit.id)
    assert (registration.name, registration.name_native, registration.name_pinyin) == (
        DELEGATE_NAME, DELEGATE_TIBETAN, "Zeren Lamu")
    assert registration.status is RegistrationStatus.PENDING
    assert (registration.email, registration.phone, registration.category.code,
            registration.organisation_name, registration.position, registration.locale) == (
        DELEGATE_EMAIL, "13812345678", "delegate", "理塘县人民政府", "副县长", "en")
    assert registration.delegation_id is None


# --- a registrar imports a delegation from Excel ------------------------------------------

MEMBERS = [
    {"name": "扎西次仁", "organisation_name": "理塘县商务局", "position": "局长",
     "category": "delegate", "email": "zhaxi@example.com", "phone": "13900000001"},
    {"name": "降央卓玛", "organisation_name": "理塘县电商中心", "position": "主任",
     "category": "delegate", "email": "jiangyang@example.com", "phone": "123"},
    {"name": "王芳", "organisation_name": "理塘县农牧局", "position": "科长",
     "category": "delegate", "email": "wangfang-at-example.com", "phone": "13900000003"},
]
FIXES = {1: {"phone": "13900000002"}, 2: {"email": "wangfang@example.com"}}


def workbook_bytes(rows: list[dict[str, str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header_text(column) for column in COLUMNS])
    for row in rows:
        sheet.append([row.get(column.key, "") for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(page: Page, rows: list[dict[str, str]]) -> None:
    page.get_by_label("Excel or CSV file", exact=True).set_input_files(
        {"name": "list.xlsx", "mimeType": XLSX, "buffer": workbook_bytes(rows)})
    page.get_by_role("button", name="Check the file", exact=True).click()


def test_registrar_imports_excel_reads_errors_fixes_and_imports(page: Page, live_server):
    registrar = factories.make_user("litang@example.com", name="Litang Liaison")
    summit = factories.make_summit("kangding-2027")
    factories.make_category(summit, "delegate")
    delegation = Delegation(summit=summit, name="理塘县代表团", county="理塘县", quota=10,
                            registrar_id=registrar.id)
    db.session.add(delegation)
    db.session.commit()
    delegation_url = f"{live_server.url}/delegations/{delegation.id}"
    import_url = (f"{live_server.url}/summits/kangding-2027/import"
                  f"?delegation_id={delegation.id}")

    # The link registrants get by email leads through the login to their delegations.
    page.goto("/registrations/mine")
    expect(page).to_have_url(re.compile(r"/auth/login\?next="))
    log_in(page, "litang@example.com")
    expect(page).to_have_url(f"{live_server.url}/registrations/mine")
    page.get_by_role("link", name="理塘县代表团", exact=True).click()
    expect(page).to_have_url(delegation_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("理塘县代表团")
    expect(page.get_by_text("0 of 10 places used.")).to_be_visible()
    expect(page.get_by_text("No members yet.", exact=True)).to_be_visible()

    page.get_by_role("link", name="Import from Excel", exact=True).click()
    expect(page).to_have_url(import_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import registrations · 理塘县代表团")

    # A file with a bad phone and a bad email: a report, and no way to import every row.
    upload(page, MEMBERS)
    report = page.locator("section.report")
    expect(report.get_by_role("heading", name="Check result")).to_be_visible()
    expect(report).to_contain_text("3 rows: 1 valid, 2 with errors.")
    problems = report.get_by_role("table").get_by_role("row")
    expect(problems).to_have_count(3)  # the header and one problem per bad row
    expect(problems.nth(1).get_by_role("cell")).to_have_text([
        "3", "Mobile phone",
        "Enter a Chinese mobile number (11 digits) or an international number starting "
        "with +."])
    expect(problems.nth(2).get_by_role("cell")).to_have_text(
        ["4", "Email", "Not a valid email address."])
    expect(page.get_by_role("button", name=re.compile(r"^Import \d+ rows$"))).to_have_count(0)
    expect(page.get_by_role("button", name="Import only the 1 valid rows",
                            exact=True)).to_be_visible()
    assert stored_registrations(delegation_id=delegation.id) == []

    with page.expect_download() as download_info:
        report.get_by_role("link", name="Download the error report", exact=True).click()
    download = download_info.value
    assert download.suggested_filename == "import-errors.xlsx"
    data = download.path().read_bytes()
    assert data[:4] == b"PK\x03\x04"
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Row", "Column", "Reason"]
    assert [(row, column) for row, column, _reason in rows[1:]] == [
        (3, "Mobile phone"), (4, "Email")]
    assert rows[2][2] == "Not a valid email address."

    # The fixed file: every row valid, imported in one go.
    fixed = [{**member, **FIXES.get(index, {})} for index, member in enumerate(MEMBERS)]
    upload(page, fixed)
    expect(report).to_contain_text("3 rows: 3 valid, 0 with errors.")
    expect(report.get_by_role("table")).to_have_count(0)
    expect(report.get_by_role("link", name="Download the error report")).to_have_count(0)
    report.get_by_role("button", name="Import 3 rows", exact=True).click()

    expect(page).to_have_url(delegation_url)
    expect(page.get_by_role("status")).to_contain_text("3 registrations imported.")
    expect(page.get_by_text("3 of 10 places used.")).to_be_visible()
    members = page.get_by_role("table").get_by_role("row")
    expect(members).to_have_count(4)
    for member in fixed:
        row = members.filter(has_text=member["name"])
        expect(row).to_have_count(1)
        expect(row).to_contain_text(member["organisation_name"])
        expect(row).to_contain_text("Pending review")

    stored = stored_registrations(delegation_id=delegation.id)
    assert sorted((r.name, r.email, r.phone, r.status) for r in stored) == sorted(
        (m["name"], m["email"], m["phone"], RegistrationStatus.PENDING) for m in fixed)
    assert {r.summit_id for r in stored} == {summit.id}


# --- an organiser finds 趙波 by 赵波 and by pinyin, and approves ----------------------------

def test_organiser_finds_traditional_name_approves_and_delegate_is_told(page: Page,
                                                                        live_server, mailbox):
    organiser = factories.make_user("organiser@example.com", name="Organiser Deji")
    summit = factories.make_summit("kangding-2027", organiser=organiser)
    factories.make_category(summit, "delegate")
    for name, email in (("趙波", "zhaobo@example.com"), ("王芳", "wangfang@example.com")):
        registrations.register_delegate(summit, registrations.RegistrationDetails(
            name=name, email=email, category="delegate", organisation_name="甘孜州商务局",
            position="处长", phone="13900001111" if name == "趙波" else "13900002222",
            locale="en"), notify=False)
    registration = stored_registrations(email="zhaobo@example.com")[0]
    flashes = page.get_by_role("status")

    page.goto("/auth/login")
    log_in(page, "organiser@example.com")
    expect(flashes).to_contain_text("Welcome, Organiser Deji.")
    expect(page).to_have_url(f"{live_server.url}/summits/kangding-2027/console")
    page.get_by_role("navigation", name="Summit", exact=True).get_by_role(
        "link", name="Registrations", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/summits/kangding-2027/registrations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrations")
    found = page.get_by_role("link", name="趙波", exact=True)
    other = page.get_by_role("link", name="王芳", exact=True)
    expect(found).to_be_visible()
    expect(other).to_be_visible()

    search = page.get_by_role("search")
    for query in ("赵波", "zhao bo"):
        search.get_by_label("Search", exact=True).fill(query)
        search.get_by_role("button", name="Filter", exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]q="))
        expect(search.get_by_label("Search", exact=True)).to_have_value(query)
        expect(found).to_be_visible()
        expect(other).to_have_count(0)

    found.click()
    expect(page).to_have_url(f"{live_server.url}/registrations/{registration.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("趙波 ZHAO Bo")
    expect(page.get_by_text("Pending review", exact=True)).to_be_visible()
    assert mailbox.messages == []
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/registrations/{registration.id}")
    expect(flashes).to_contain_text("趙波 is approved and has been told by email.")
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhaobo@example.com"
    assert message["Subject"] == "Your registration for Test Summit is approved"
    assert "Hello 趙波," in mailbox.body(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().endswith(".ics")
    assert attachment.get_content_type() == "text/calendar"
    calendar = attachment.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in calendar

    [approved] = stored_registrations(email="zhaobo@example.com")
    assert approved.status is RegistrationStatus.APPROVED
    assert stored_registrations(email="wangfang@example.com")[0].status is \
        RegistrationStatus.PENDING
