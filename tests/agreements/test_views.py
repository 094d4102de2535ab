"""Agreement pages: recording, the history form, files, the dashboard, exports and import."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from summit.extensions import db
from summit.models import (
    Agreement,
    AgreementAttachment,
    AgreementStatus,
    AgreementUpdate,
    AuditEntry,
    Role,
    UpdateKind,
)
from summit.services.agreements import (
    edits as agreement_edits,
    files as agreement_files,
    followup as agreement_followup,
    imports as agreement_import,
    signing as agreement_signing,
)
from summit.services.agreements.signing import UpdateDetails
from tests.support import factories, press_factories, uploads as u
from tests.support.agreements import form_values, funds
from tests.support.pages import field_errors, flashes, text

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only

S = AgreementStatus
PDF = press_factories.letter_pdf("签约文本")
PNG = press_factories.photo_png()


@pytest.fixture
def official(summit):
    return factories.make_member(summit, Role.OFFICIAL, "official@example.com")


def test_an_officer_records_an_agreement_with_its_signed_scan(client, login, summit,
                                                              agreements_officer):
    login(agreements_officer.email)
    data = form_values(scan=(io.BytesIO(PDF), "签约文本.pdf"))

    response = client.post(f"/summits/{summit.slug}/agreements/new", data=data,
                           content_type="multipart/form-data")

    assert response.status_code == 302
    agreement = db.session.scalar(db.select(Agreement))
    assert response.headers["Location"].endswith(f"/agreements/{agreement.id}")
    assert agreement.amount == Decimal("50000000.00")
    # 10:30 in Kangding is 02:30 UTC.
    assert agreement.signed_at == datetime(2017, 8, 3, 2, 30, tzinfo=UTC)
    assert [a.filename for a in agreement.attachments] == ["签约文本.pdf"]
    page = text(client.get(f"/agreements/{agreement.id}"))
    assert "¥50.00 million" in page and "50,000,000.00" in page and "赵波、杨春轩" in page


@pytest.mark.parametrize("amount, message", [
    ("-100", "The amount cannot be negative."), ("五千万", "Write the amount as a number"),
    ("1.234", "An amount has at most two decimals (fen).")])
def test_a_bad_amount_is_shown_on_the_field_and_nothing_is_saved(client, login, summit,
                                                                 agreements_officer, amount,
                                                                 message):
    login(agreements_officer.email)
    response = client.post(f"/summits/{summit.slug}/agreements/new",
                           data=form_values(amount=amount))

    assert response.status_code == 422
    assert any(message in error for error in field_errors(text(response))["amount"])
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0


def test_a_scan_that_is_not_a_pdf_is_refused(client, login, summit, agreements_officer):
    login(agreements_officer.email)
    response = client.post(f"/summits/{summit.slug}/agreements/new",
                           data=form_values(scan=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "x.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(text(response))["scan"] == ["The signed copy must be a PDF file."]
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0


@pytest.mark.parametrize("make", [
    press_factories.javascript_pdf, press_factories.open_action_pdf,
    lambda: u.padded_javascript_pdf(60_000)], ids=["names", "open-action", "behind-60000"])
def test_a_scan_with_javascript_is_refused(client, login, summit, agreements_officer, make):
    login(agreements_officer.email)
    response = client.post(f"/summits/{summit.slug}/agreements/new",
                           data=form_values(scan=(io.BytesIO(make()), "签约.pdf")),
                           content_type="multipart/form-data")

    assert response.status_code == 422
    assert "JavaScript" in field_errors(text(response))["scan"][0]
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0
    assert u.stored_tokens("agreements") == set()


@pytest.mark.parametrize("make, name, message", [
    (press_factories.polyglot_jpeg, "现场.jpg", "it is a polyglot file"),
    (lambda: press_factories.HTML_AS_JPG, "现场.jpg",
     "Attach a PDF file or a photo (JPEG or PNG)."),
    (press_factories.javascript_pdf, "进度.pdf", "contains JavaScript"),
    (lambda: u.many_pixel_png(6320, 6320), "现场.png", "at most 16 megapixels"),
], ids=["jpeg-html-polyglot", "html", "javascript-pdf", "many-pixels"])
def test_a_hostile_attachment_is_refused(client, login, summit, agreements_officer, make, name,
                                         message):
    agreement = factories.make_agreement(summit, agreements_officer)
    login(agreements_officer.email)
    response = client.post(f"/agreements/{agreement.id}/updates",
                           data={"kind": "note", "happened_on": "2018-01-05", "note": "现场",
                                 "attachment": (io.BytesIO(make()), name)},
                           content_type="multipart/form-data")

    assert response.status_code == 422
    assert message in field_errors(text(response))["attachment"][0]
    assert db.session.scalar(db.select(db.func.count(AgreementAttachment.id))) == 0
    assert u.stored_tokens("agreements") == set()


def test_a_photo_is_stored_clean_under_the_name_of_what_it_is(client, login, summit,
                                                              agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    login(agreements_officer.email)
    client.post(f"/agreements/{agreement.id}/updates",
                data={"kind": "note", "happened_on": "2018-01-05", "note": "现场",
                      "attachment": (io.BytesIO(press_factories.photo_jpeg()), "现场.html")},
                content_type="multipart/form-data")

    attachment = db.session.scalar(db.select(AgreementAttachment))
    assert (attachment.filename, attachment.content_type) == ("现场.jpg", "image/jpeg")
    served = client.get(f"/agreements/files/{attachment.id}")
    assert served.data.startswith(b"\xff\xd8\xff") and b"SpyCam" not in served.data


def test_a_scan_whose_row_cannot_be_written_leaves_no_file(app, summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    details = agreement_edits.details_of(agreement)
    with u.refusing_inserts("agreement_attachments"), \
            pytest.raises(Exception, match="refused by the test"):
        agreement_signing.record_agreement(agreements_officer, summit, details,
                                           scan=("签约.pdf", PDF))

    assert u.stored_tokens("agreements") == set()
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 1


def test_an_attachment_whose_row_cannot_be_written_leaves_no_file(app, summit,
                                                                  agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    with u.refusing_inserts("agreement_attachments"), \
            pytest.raises(Exception, match="refused by the test"):
        agreement_followup.add_update(
            agreements_officer, agreement,
            UpdateDetails(kind=UpdateKind.NOTE, happened_on=date(2018, 1, 5), note="凭证"),
            attachment=("到位凭证.png", PNG))

    assert u.stored_tokens("agreements") == set()


def test_progress_until_the_agreement_lands_shows_in_the_timeline(client, login, summit,
                                                                  agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    login(agreements_officer.email)
    url = f"/agreements/{agreement.id}/updates"
    for target in ("contracted", "construction_started", "in_production", "landed"):
        response = client.post(url, data={"kind": "status", "happened_on": "2018-01-05",
                                          "status_to": target})
        assert response.status_code == 302, field_errors(text(response))
    response = client.post(url, data={"kind": "funds", "happened_on": "2018-01-06",
                                      "funds_in_place": "50000000",
                                      "attachment": (io.BytesIO(PNG), "到位凭证.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302

    page = text(client.get(f"/agreements/{agreement.id}"))
    assert page.count('class="entry entry-status"') == 4
    assert "In production → <strong>Landed</strong>" in page
    # A photo is stored re-encoded as JPEG, and named for what it is.
    assert "到位凭证.jpg" in page
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).status is S.LANDED


def test_a_disallowed_step_or_termination_without_reason_is_a_form_error(client, login, summit,
                                                                         agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    login(agreements_officer.email)
    url = f"/agreements/{agreement.id}/updates"
    client.post(url, data={"kind": "status", "happened_on": "2018-01-05",
                           "status_to": "contracted"})

    back = client.post(url, data={"kind": "status", "happened_on": "2018-01-05",
                                  "status_to": "signed"})
    no_reason = client.post(url, data={"kind": "status", "happened_on": "2018-01-05",
                                       "status_to": "terminated"})

    assert back.status_code == no_reason.status_code == 422
    assert "cannot go from “Contracted” to “Signed”" in field_errors(text(back))["status_to"][0]
    assert field_errors(text(no_reason))["reason"] == ["Give the reason for the termination."]
    assert db.session.scalar(db.select(db.func.count(AgreementUpdate.id))) == 1


def test_over_funding_needs_the_confirm_box(client, login, summit, agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer, amount="100")
    login(agreements_officer.email)
    url = f"/agreements/{agreement.id}/updates"
    data = {"kind": "funds", "happened_on": "2018-01-05", "funds_in_place": "120"}

    refused = client.post(url, data=data)
    accepted = client.post(url, data=data | {"confirm": "y"})

    assert refused.status_code == 422
    assert "above the agreement amount" in field_errors(text(refused))["funds_in_place"][0]
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Agreement, agreement.id).funds_in_place == Decimal("120.00")


def test_there_is_no_way_to_edit_or_delete_history(app):
    rules = [rule for rule in app.url_map.iter_rules() if "updates" in rule.rule]
    assert [(rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"})) for rule in rules] == [
        ("/agreements/<int:agreement_id>/updates", ["POST"]),
        ("/api/v1/agreements/<int:agreement_id>/updates", ["POST"])]


def test_attachments_are_served_only_to_readers_of_that_summit(client, login, summit,
                                                               agreements_officer, official):
    factories.make_agreement(summit, agreements_officer)
    agreement = db.session.scalar(db.select(Agreement))

    checked = agreement_files.check_upload("签约.pdf", PDF, "scan")
    attachment = agreement_files.attach(agreements_officer, agreement, checked, None,
                                        agreement.created_at)
    db.session.commit()
    url = f"/agreements/files/{attachment.id}"

    login(official.email)
    allowed = client.get(url)
    assert allowed.status_code == 200 and allowed.data == PDF
    assert allowed.headers["X-Content-Type-Options"] == "nosniff"
    other = factories.make_summit("chengdu-2018")
    stranger = factories.make_member(other, Role.OFFICIAL, "stranger@example.com")
    client.post("/auth/logout")
    login(stranger.email)
    assert client.get(url).status_code == 403
    assert client.get("/agreements/files/999999").status_code == 404


def test_the_dashboard_shows_the_api_summary_numbers(client, login, summit, agreements_officer,
                                                     official):
    a = factories.make_agreement(summit, agreements_officer, amount="15000000.50", county="乡城县")
    factories.make_agreement(summit, agreements_officer, "泸定县冷链物流仓储投资协议",
                             amount="120000000", county="泸定县")

    funds(agreements_officer, a, "3000000.25")
    token = client.post("/api/v1/tokens", json={"email": official.email,
                                                 "password": factories.PASSWORD}).get_json()
    summary = client.get(f"/api/v1/summits/{summit.slug}/agreements/summary",
                         headers={"Authorization": f"Bearer {token['token']}"}).get_json()
    login(official.email)

    page = text(client.get(f"/summits/{summit.slug}/agreements/dashboard"))

    assert summary["totals"]["amount"] == "135000000.50"
    assert 'id="total-amount" title="135,000,000.50">¥135.00 million' in page
    assert f'<strong class="rate-value">{summary["rates"]["funds"]}%</strong>' in page
    assert summary["rates"]["funds"] == "2.2"  # 3,000,000.25 / 135,000,000.50
    for key in ("Performance rate", "Construction start rate", "Landing rate",
                "Funds in place rate"):
        assert key in page
    assert "Sum of funds in place ÷ sum of agreement amounts" in page
    assert page.count("<svg") == 3 and "泸定县" in page


def test_the_cross_summit_dashboard_covers_the_readers_summits(client, login, summit,
                                                               agreements_officer):
    other = factories.make_summit("chengdu-2018", title_zh="成都峰会")
    other_officer = factories.make_member(other, Role.AGREEMENTS_OFFICER, "o2@example.com")
    factories.make_agreement(summit, agreements_officer, amount="100")
    factories.make_agreement(other, other_officer, amount="200")
    both = factories.make_member(summit, Role.OFFICIAL, "both@example.com")
    factories.grant(both, other, Role.OFFICIAL)
    only_one = factories.make_member(summit, Role.OFFICIAL, "one@example.com")

    login(both.email)
    everything = text(client.get("/agreements/dashboard"))
    chosen = text(client.get("/agreements/dashboard?summit=chengdu-2018"))
    client.post("/auth/logout")
    login(only_one.email)
    mine = text(client.get("/agreements/dashboard"))

    assert 'id="total-count">2<' in everything and 'title="300.00"' in everything
    assert 'id="total-count">1<' in chosen and 'title="200.00"' in chosen
    assert 'id="total-count">1<' in mine and 'title="100.00"' in mine


def test_the_ledger_list_queries_do_not_grow(client, login, summit, agreements_officer,
                                             count_queries):
    factories.make_agreement(summit, agreements_officer)
    login(agreements_officer.email)
    url = f"/summits/{summit.slug}/agreements?per_page=50"
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    for n in range(49):
        factories.make_agreement(summit, agreements_officer, f"协议 {n}")
    with count_queries() as fifty:
        page = text(client.get(url))
    assert page.count('href="/agreements/') >= 50
    assert len(one) == len(fifty)


def test_ledger_and_dashboard_downloads(client, login, summit, agreements_officer, official):
    factories.make_agreement(summit, agreements_officer, amount="9999999999999999.99")
    login(official.email)

    ledger = load_workbook(io.BytesIO(client.get(
        f"/summits/{summit.slug}/agreements/ledger.xlsx").data))
    dashboard = load_workbook(io.BytesIO(client.get(
        f"/summits/{summit.slug}/agreements/dashboard.xlsx").data))

    sheet = ledger.active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["Amount (yuan)"] == Decimal("9999999999999999.99") or \
        str(row["Amount (yuan)"]) == "1e+16"
    assert row["Amount"] == "¥10,000,000,000.00 million"
    assert row["Side B"] == "四川川藏云商科技有限公司 · 王海（董事长）"
    assert "Definitions" in dashboard.sheetnames and "By county" in dashboard.sheetnames
    assert [c.value for c in dashboard["By county"][2]][:2] == ["康定市", 1]


def test_the_monthly_pdf_report_prints_chinese_and_the_rates(client, login, summit,
                                                             agreements_officer, official,
                                                             tmp_path):
    agreement = factories.make_agreement(summit, agreements_officer, amount="50000000")

    funds(agreements_officer, agreement, "15000000")
    login(official.email)

    response = client.get(f"/summits/{summit.slug}/agreements/report.pdf?month=2018-01")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    printed = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "Monthly report on cooperation agreements" in printed
    assert "农村电商战略合作协议" in printed and "康定市" in printed
    assert "30.0%" in printed  # funds in place rate: 15,000,000 / 50,000,000
    assert "Funds arrived this month" in printed
    sizes = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in sizes or "595.28 x 841.89" in sizes  # A4


def test_the_monthly_report_opens_on_the_last_month_with_entries(client, login, summit,
                                                                 agreements_officer, official):
    agreement = factories.make_agreement(summit, agreements_officer, amount="50000000")
    funds(agreements_officer, agreement, "15000000", day=date(2017, 11, 20))
    funds(agreements_officer, agreement, "25000000", day=date(2018, 2, 3))
    login(official.email)

    page = text(client.get(f"/summits/{summit.slug}/agreements/dashboard?stale_days=60"))

    picker = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>',
                       page[page.index("report-month") - 400:], re.S)
    assert picker.group(1) == f"/summits/{summit.slug}/agreements/report.pdf"
    assert 'type="month" id="report-month" name="month" value="2018-02"' in picker.group(2)
    assert '<input type="hidden" name="stale_days" value="60">' in picker.group(2)
    response = client.get(f"/summits/{summit.slug}/agreements/report.pdf")
    assert response.status_code == 200
    assert "2018-02.pdf" in response.headers["Content-Disposition"]
    chosen = client.get(f"/summits/{summit.slug}/agreements/report.pdf?month=2017-11")
    assert "2017-11.pdf" in chosen.headers["Content-Disposition"]


def _ledger(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([agreement_import.header_text(c) for c in agreement_import.COLUMNS])
    for values in rows:
        sheet.append([values.get(c.key, "") for c in agreement_import.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROW = {"title": "乡城县特色农产品网络销售采购协议", "kind": "purchase", "county": "乡城县",
            "sector": "农产品上行", "amount": "15000000.00", "amount_kind": "purchase_value",
            "signed_at": "2017-08-03 10:30", "on_stage": "是", "party_a": "乡城县人民政府",
            "party_b": "广州南粤鲜达电子商务有限公司", "status": "contracted",
            "funds_in_place": "3000000"}


def test_a_ledger_imports_all_rows_with_their_state(client, login, summit, agreements_officer):
    login(agreements_officer.email)
    data = _ledger([GOOD_ROW, GOOD_ROW | {"title": "第二份", "status": "", "funds_in_place": ""}])

    response = client.post(f"/summits/{summit.slug}/agreements/import",
                           data={"file": (io.BytesIO(data), "ledger.xlsx")},
                           content_type="multipart/form-data")

    assert response.status_code == 302
    rows = db.session.scalars(db.select(Agreement).order_by(Agreement.id)).all()
    assert [(a.title, a.status, a.funds_in_place) for a in rows] == [
        ("乡城县特色农产品网络销售采购协议", S.CONTRACTED, Decimal("3000000.00")),
        ("第二份", S.SIGNED, Decimal("0.00"))]
    assert ("success", "2 agreements imported.") in flashes(text(client.get(
        response.headers["Location"])))


def test_a_ledger_with_broken_rows_imports_nothing_and_names_them(client, login, summit,
                                                                  agreements_officer):
    login(agreements_officer.email)
    data = _ledger([GOOD_ROW, GOOD_ROW | {"amount": "-5"}, GOOD_ROW | {"kind": "合同"},
                    GOOD_ROW | {"status": "terminated"}, GOOD_ROW | {"funds_in_place": "2e8"},
                    GOOD_ROW | {"amount": "1.005"}, GOOD_ROW | {"party_b": ""}])

    response = client.post(f"/summits/{summit.slug}/agreements/import",
                           data={"file": (io.BytesIO(data), "ledger.xlsx")},
                           content_type="multipart/form-data")

    assert response.status_code == 422
    page = text(response)
    problems = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", page)
    assert {(row, column) for row, column, _m in problems} == {
        ("3", "Amount (yuan)"), ("4", "Kind"), ("5", "Termination reason"),
        ("6", "Funds in place (yuan)"), ("7", "Amount (yuan)"), ("8", "Side A: organisation")}
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0
    assert db.session.scalar(db.select(db.func.count(AgreementAttachment.id))) == 0


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."), (b"PK\x03\x04 broken", "damaged or not an Excel workbook"),
    (b"title,kind\n", "damaged or not an Excel workbook")])
def test_a_file_that_is_not_a_ledger_is_a_clear_error(client, login, summit, agreements_officer,
                                                      data, message):
    login(agreements_officer.email)
    response = client.post(f"/summits/{summit.slug}/agreements/import",
                           data={"file": (io.BytesIO(data), "ledger.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert any(message in error for error in field_errors(text(response))["file"])


def test_a_ledger_that_unpacks_to_too_much_is_refused_before_reading(client, login, summit,
                                                                     agreements_officer):
    login(agreements_officer.email)
    bomb = u.padded_xlsx([["title"]], sheet_padding=40 * 1024 * 1024)
    response = client.post(f"/summits/{summit.slug}/agreements/import",
                           data={"file": (io.BytesIO(bomb), "ledger.xlsx")},
                           content_type="multipart/form-data")

    assert response.status_code == 422
    assert field_errors(text(response))["file"] == [
        "Unpacked, this file would take more than 32 MB. Remove what it does not need, or "
        "split it into several files."]


def test_the_import_template_lists_the_columns(client, login, summit, agreements_officer):
    login(agreements_officer.email)
    workbook = load_workbook(io.BytesIO(client.get(
        f"/summits/{summit.slug}/agreements/import/template.xlsx").data))
    header = [cell.value for cell in workbook.active[1]]
    assert header[0] == "Title (title)" and "Amount (yuan) (amount)" in header
    rows = agreement_import.read_ledger(client.get(
        f"/summits/{summit.slug}/agreements/import/template.xlsx").data)
    report = agreement_import.check_ledger(agreements_officer, summit, rows)
    assert report.problems == [] and len(report.prepared) == 1


def test_an_official_of_another_summit_reads_nothing_here(client, login, summit,
                                                          agreements_officer):
    agreement = factories.make_agreement(summit, agreements_officer)
    other = factories.make_summit("chengdu-2018")
    stranger = factories.make_member(other, Role.OFFICIAL, "elsewhere@example.com")
    login(stranger.email)

    statuses = {url: client.get(url).status_code for url in (
        f"/summits/{summit.slug}/agreements", f"/summits/{summit.slug}/agreements/dashboard",
        f"/agreements/{agreement.id}", f"/summits/{summit.slug}/agreements/report.pdf",
        f"/summits/{summit.slug}/agreements/ledger.xlsx")}
    everywhere = text(client.get("/agreements/dashboard?summit=kangding-test"))

    assert set(statuses.values()) == {403}, statuses
    # Asking the cross-summit view for a summit one may not read shows one's own instead.
    assert 'id="total-count">0<' in everywhere


def test_an_officer_corrects_the_signing_record_and_the_audit_keeps_both(client, login, summit,
                                                                         agreements_officer):

    agreement = factories.make_agreement(summit, agreements_officer, amount="50000000")
    funds(agreements_officer, agreement, "1000000")
    login(agreements_officer.email)
    url = f"/agreements/{agreement.id}/edit"
    page = text(client.get(url))
    assert 'value="50000000.00"' in page and 'value="2017-08-03T11:00"' in page

    below = client.post(url, data=form_values(amount="999999"))
    fixed = client.post(url, data=form_values(amount="4500万", title="更正后的协议名称",
                                              signed_at="2017-08-04T09:00"))

    assert below.status_code == 422
    assert "below the funds already in place" in field_errors(text(below))["amount"][0]
    assert fixed.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Agreement, agreement.id)
    assert (stored.title, stored.amount) == ("更正后的协议名称", Decimal("45000000.00"))
    assert stored.funds_in_place == Decimal("1000000.00")  # the history is untouched
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "agreement.correct"))
    assert entry.before["amount"] == "50000000.00" and entry.after["amount"] == "45000000.00"
    assert {u.agreement_signed_at for u in db.session.scalars(db.select(AgreementUpdate))} == {
        datetime(2017, 8, 4, 1, 0, tzinfo=UTC)}


def test_the_form_takes_the_ceremony_for_the_signing_time_not_now(client, login, summit,
                                                                  agreements_officer):
    """Recording after the summit, the time must not default to today (issue 17): with a
    signing ceremony it is chosen and the time left blank; without one the time is asked."""
    login(agreements_officer.email)
    url = f"/summits/{summit.slug}/agreements/new"
    page = text(client.get(url))
    signed_at = re.search(r'<input[^>]*name="signed_at"[^>]*>', page).group(0)
    assert 'value=""' in signed_at or "value=" not in signed_at, signed_at

    item = factories.make_item(summit, "09:50", "10:20", kind="signing_ceremony",
                               title_zh="签约仪式", title_en="Signing ceremony")
    page = text(client.get(url))
    signed_at = re.search(r'<input[^>]*name="signed_at"[^>]*>', page).group(0)
    assert 'value=""' in signed_at or "value=" not in signed_at, signed_at
    assert re.search(rf'<option selected value="{item.id}"|<option value="{item.id}" selected',
                     page), page[page.find('name="ceremony_item_id"'):][:600]


def test_the_pdf_report_sets_chinese_in_simplified_glyph_shapes(client, login, summit,
                                                                agreements_officer, official,
                                                                tmp_path):
    """Noto Sans CJK's collection is Japanese first: a chart label set without the language
    prints 说 or 门 in Japanese shapes. Every CJK font in the report is the simplified one
    (the fast cut, made from the SC face, or Noto Sans CJK SC)."""
    agreement = factories.make_agreement(summit, agreements_officer, amount="50000000")
    funds(agreements_officer, agreement, "15000000")
    login(official.email)

    response = client.get(f"/summits/{summit.slug}/agreements/report.pdf?month=2018-01",
                          headers={"Accept-Language": "zh-CN"})

    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                            check=True).stdout
    names = [line.split()[0] for line in listed.splitlines()[2:]]
    cjk = [n for n in names if "CJK" in n]
    assert cjk and all("CJK-SC" in n or "SummitSansCJK" in n for n in cjk), names
    assert not [n for n in names if "JP" in n or "KR" in n], names
