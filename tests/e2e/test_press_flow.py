"""Issue 5's "done when", in the browser: a TV crew of three applies with photos and a letter
(a file that is refused first loses nothing else); the media officer asks for more information,
the applicant resubmits, the officer approves two and rejects one with a reason and fewer zones;
the approved download badges showing their zones (read back with pdftotext, the QR code decoded
with zbarimg); the officer revokes, and the gate refuses the badge."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from summit.extensions import db
from summit.models import PressApplication, PressStatus, Role
from summit.services.accounts import tokens as api_tokens
from tests.support import factories, press_factories as f

pytestmark = pytest.mark.e2e

SLUG = "kangding-2027"


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (command, result.stderr)
    return result.stdout


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out", exact=True).click()


def stored() -> PressApplication:
    db.session.rollback()  # see what the server committed
    return db.session.scalar(db.select(PressApplication))


def file_payload(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def scan(page: Page, live_server, token: str, scan_id: str, auth: dict) -> str:
    response = page.request.post(f"{live_server.url}/api/v1/summits/{SLUG}/checkins",
                                 data={"token": token, "gate": "东门", "scan_id": scan_id},
                                 headers=auth)
    assert response.status == 200, response.text()
    return response.json()["result"]


def test_a_tv_crew_is_accredited_in_part_and_a_revoked_badge_fails_at_the_gate(
        page: Page, live_server, mailbox, tmp_path: Path):
    summit = f.press_summit(SLUG)
    journalist = f.applicant(summit, "li.na@example.com")
    officer = factories.make_member(summit, Role.MEDIA_OFFICER, "officer@example.com",
                                    name="宣传部 审核员")
    gate = factories.make_member(summit, Role.CHECKIN_STAFF, "gate@example.com")
    gate_auth = {"Authorization": "Bearer " + api_tokens.issue_token(
        gate.email, factories.PASSWORD, "127.0.0.1")[0]}

    # --- the crew applies; an HTML file posing as a photo is refused, nothing else lost ---
    page.goto(f"/summits/{SLUG}")
    page.goto(f"/summits/{SLUG}/press/apply")
    log_in(page, journalist.email)
    expect(page).to_have_url(f"{live_server.url}/summits/{SLUG}/press/apply")
    page.get_by_label("Outlet", exact=True).fill("四川电视台")
    page.get_by_label("Media type", exact=True).select_option("tv")
    page.get_by_label("Your name as on ID", exact=True).fill("李娜")
    page.get_by_label("I have read the personal-data notice and agree to it.").check()
    # The press card number and photos are asked only once the separate consent is ticked.
    expect(page.get_by_label("National press card number", exact=True)).to_be_hidden()
    page.get_by_label("I separately agree that the press card number").check()
    page.get_by_label("National press card number", exact=True).fill("SC-2017-88")
    page.locator("#photo").set_input_files(file_payload("li.jpg", f.photo_jpeg(), "image/jpeg"))
    page.locator("#letter").set_input_files(file_payload("派遣函.pdf", f.letter_pdf(),
                                                         "application/pdf"))
    page.locator("#crew-0-name").fill("王强")
    page.locator("#crew-0-role").select_option("camera")
    page.locator("#crew-0-photo").set_input_files(file_payload("wang.png", f.photo_png(),
                                                               "image/png"))
    page.locator("#crew-1-name").fill("次仁多吉")
    page.locator("#crew-1-name_native").fill("ཚེ་རིང་རྡོ་རྗེ")
    page.locator("#crew-1-role").select_option("sound")
    page.locator("#crew-1-photo").set_input_files(file_payload("ciren.jpg", f.HTML_AS_JPG,
                                                               "image/jpeg"))
    page.locator("#equipment-0-item").fill("索尼 PXW-Z280")
    page.locator("#equipment-0-serial_number").fill("SN-0451279")
    for zone in ("MAIN", "PRESS", "VIP"):
        page.get_by_label(re.compile(rf"^{zone} ·")).check()
    page.get_by_role("button", name="Submit application", exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text("HTML or SVG text, not a photo")
    expect(page.get_by_label("Outlet", exact=True)).to_have_value("四川电视台")
    expect(page.locator("#crew-1-name_native")).to_have_value("ཚེ་རིང་རྡོ་རྗེ")
    expect(page.locator("[data-kept=photo]")).to_contain_text("Kept: li.jpg")
    expect(page.locator("[data-kept=letter]")).to_contain_text("Kept: 派遣函.pdf")
    # The PNG is kept re-encoded as a JPEG, under the name of what it now is.
    expect(page.locator("[data-kept='crew-0-photo']")).to_contain_text("Kept: wang.jpg")
    assert stored() is None
    page.locator("#crew-1-photo").set_input_files(
        file_payload("ciren.jpg", f.photo_jpeg("#2e7d32"), "image/jpeg"))
    page.get_by_role("button", name="Submit application", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("Your application has been submitted")
    application = stored()
    assert application.status is PressStatus.SUBMITTED
    assert [p.name for p in application.people] == ["李娜", "王强", "次仁多吉"]
    assert all(p.photo_token for p in application.people)

    # --- the officer asks for more information ---------------------------------------------
    log_out(page)
    page.goto(f"/summits/{SLUG}/press")
    log_in(page, officer.email)
    page.get_by_role("link", name="四川电视台").click()
    expect(page.locator("[data-warning=card]")).to_contain_text("SC-2017-88")
    page.get_by_label("Decision", exact=True).select_option("needs_info")
    page.get_by_label("Message to the applicant", exact=True).fill("请提供有效的记者证号。")
    page.get_by_label("Internal note (never shown to the applicant)", exact=True).fill(
        "电话核实过")
    page.get_by_role("button", name="Record decision", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The decision is recorded")

    # --- the applicant edits and resubmits --------------------------------------------------
    log_out(page)
    page.goto("/press/mine")
    log_in(page, journalist.email)
    page.get_by_role("link", name="Details").click()
    expect(page.locator("body")).to_contain_text("请提供有效的记者证号。")
    expect(page.locator("body")).not_to_contain_text("电话核实过")
    page.get_by_role("link", name="Edit and send again").click()
    page.get_by_label("National press card number", exact=True).fill("510100201700123")
    page.get_by_role("button", name="Submit application", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your application has been submitted")
    assert stored().status is PressStatus.SUBMITTED

    # --- the officer approves two with fewer zones and rejects one with a reason -----------
    log_out(page)
    page.goto(f"/press-applications/{application.id}")
    log_in(page, officer.email)
    page.get_by_label("Decision", exact=True).select_option("approve")
    page.get_by_label(re.compile(r"^VIP ·")).uncheck()
    page.locator(".decision").get_by_label("次仁多吉", exact=True).check()
    page.get_by_label("Reason", exact=True).select_option("incomplete")
    page.get_by_role("button", name="Record decision", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The decision is recorded")
    expect(page.locator("[data-zones=approved]")).to_have_text(re.compile(r"Main.*Press"))
    application = stored()
    assert [p.status.value for p in application.people] == ["approved", "approved", "rejected"]

    # --- the approved download badges that show their zones --------------------------------
    log_out(page)
    page.goto("/press/mine")
    log_in(page, journalist.email)
    page.get_by_role("link", name="Details").click()
    rows = page.locator("table.press-people tbody tr")
    expect(rows.nth(2)).to_contain_text("Not accredited")
    expect(rows.nth(2).get_by_role("link", name="Badge (PDF)")).to_have_count(0)
    with page.expect_download() as download_info:
        rows.nth(1).get_by_role("link", name="Badge (PDF)").click()
    pdf = tmp_path / "badge.pdf"
    pdf.write_bytes(download_info.value.path().read_bytes())
    text = re.sub(r"\s+", "", run("pdftotext", "-enc", "UTF-8", str(pdf), "-"))
    assert "MAIN主会场" in text and "PRESS媒体区" in text and "VIP" not in text
    assert "王强" in text and "四川电视台" in text and "媒体" in text
    run("pdftoppm", "-png", "-r", "300", "-singlefile", str(pdf), str(tmp_path / "badge"))
    [token] = run("zbarimg", "--raw", "-q", str(tmp_path / "badge.png")).split()
    assert scan(page, live_server, token, "press-e2e-1", gate_auth) == "ok"

    # --- the officer revokes; the gate refuses the badge -----------------------------------
    log_out(page)
    page.goto(f"/press-applications/{application.id}")
    log_in(page, officer.email)
    page.get_by_label("Decision", exact=True).select_option("revoke")
    page.get_by_label("Message to the applicant", exact=True).fill("违反采访纪律")
    page.get_by_role("button", name="Record decision", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The decision is recorded")
    assert scan(page, live_server, token, "press-e2e-2", gate_auth) == "revoked"
    received = "Your media accreditation request for Test Summit has been received"
    assert [m["Subject"] for m in mailbox.wait_for(5)] == [
        received, "Media accreditation for Test Summit: more information needed", received,
        "Media accreditation for Test Summit: approved",
        "Media accreditation for Test Summit: revoked"]
