"""The arrivals board and the attendance export: figures by category, delegation, gate and
quarter hour, conflicts, phones masked for officials; a constant number of queries."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from summit.extensions import db
from summit.models import AuditEntry, Delegation, Registration, Role, Summit
from summit.services.badges import issuing as badges
from summit.services.checkin import board as checkin_board, scans as checkins
from summit.services.core.errors import NotAllowed
from summit.services.registration import review as registration_review
from tests.support import factories

NOW = datetime(2027, 8, 3, 1, 0, tzinfo=UTC)  # 09:00 in Kangding

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def open_event(summit) -> Summit:
    """The test summit where delegates and guests both register openly and enter the main
    hall (no experts)."""
    main = factories.make_zone(summit, "MAIN", "主会场")
    factories.make_category(summit, "delegate", "代表", zones=[main])
    factories.make_category(summit, "guest", "嘉宾", zones=[main])
    return summit


def person(event, organiser, name, category="delegate", delegation=None) -> Registration:
    registration = factories.make_registration(event, name, category=category,
                                               approve_as=organiser)
    if delegation is not None:
        registration.delegation = delegation
        db.session.commit()
    return registration


def arrive(staff, event, registration, gate, minutes, offline=False, device="d"):
    badge = badges.ensure_badge(registration)
    db.session.commit()
    return checkins.scan(staff, event, badges.token_for(badge), gate,
                         f"{registration.id}-{device}-{minutes}", device,
                         (NOW + timedelta(minutes=minutes)).isoformat(), offline,
                         now=NOW + timedelta(minutes=60))


@pytest.fixture
def day(open_event, organiser, staff):
    """Five approved (three delegates of 丹巴县, two guests), one pending; three arrived."""
    danba = Delegation(summit=open_event, name="丹巴县代表团", quota=10)
    db.session.add(danba)
    db.session.commit()
    people = [person(open_event, organiser, name, delegation=danba)
              for name in ("赵波", "王芳", "李娜")]
    people += [person(open_event, organiser, name, "guest") for name in ("陈静", "扎西")]
    factories.make_registration(open_event, "钱多多")  # pending: not expected
    arrive(staff, open_event, people[0], "东门", 5)
    arrive(staff, open_event, people[1], "东门", 20)
    arrive(staff, open_event, people[3], "西门", 22)
    arrive(staff, open_event, people[3], "东门", 25)  # a duplicate
    return people


def test_the_board_counts_arrivals_against_the_expected(organiser, open_event, day):
    board = checkin_board.board(organiser, open_event, now=NOW + timedelta(hours=1))

    assert (board["arrived"], board["expected"]) == (3, 5)
    assert [(r["label"], r["arrived"], r["expected"]) for r in board["by_category"]] == [
        ("代表", 2, 3), ("嘉宾", 1, 2)]
    assert [(r["label"], r["arrived"], r["expected"]) for r in board["by_delegation"]] == [
        ("丹巴县代表团", 2, 3), ("", 1, 2)]
    assert board["by_gate"] == [{"gate": "东门", "arrived": 2}, {"gate": "西门", "arrived": 1}]
    assert [(s["label"], s["arrived"], s["total"]) for s in board["over_time"]] == [
        ("08-03 09:00", 1, 1), ("08-03 09:15", 2, 3)]
    assert board["scans"]["ok"] == 3 and board["scans"]["duplicate"] == 1
    assert board["updated"] == "10:00:00" and board["conflicts"] == []


def test_the_board_lists_offline_conflicts(organiser, staff, open_event, day):
    arrive(staff, open_event, day[4], "西门", 30, offline=True, device="west")
    arrive(staff, open_event, day[4], "东门", 31, offline=True, device="east")

    board = checkin_board.board(organiser, open_event)

    assert board["conflicts"] == [{
        "name": "扎西", "first_gate": "西门", "first_at": "08-03 09:30:00", "first_device": "west",
        "second_gate": "东门", "second_at": "08-03 09:31:00", "second_device": "east"}]
    assert board["offline_scans"] == 2


def test_officials_read_the_board_check_in_staff_do_not(open_event, day):
    official = factories.make_member(open_event, Role.OFFICIAL, "official@example.com")
    staff_only = factories.make_member(open_event, Role.CHECKIN_STAFF, "other-gate@example.com")

    assert checkin_board.board(official, open_event)["arrived"] == 3
    with pytest.raises(NotAllowed):
        checkin_board.board(staff_only, open_event)
    with pytest.raises(NotAllowed):
        checkin_board.export_xlsx(staff_only, open_event)


def rows_of(data: bytes, sheet: int = 0) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return list(workbook.worksheets[sheet].iter_rows(values_only=True))


def test_the_export_has_everyone_expected_with_phones_for_organisers_only(organiser, open_event,
                                                                         day):
    official = factories.make_member(open_event, Role.OFFICIAL, "official@example.com")

    workbook = checkin_board.export_xlsx(organiser, open_event)
    for_organiser = rows_of(workbook)
    for_official = rows_of(checkin_board.export_xlsx(official, open_event))

    header, *rows = for_organiser
    assert header[:7] == ("Name as on ID", "Name in pinyin", "Category", "Delegation",
                          "Organisation", "Mobile phone", "Arrived")
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"赵波", "王芳", "李娜", "陈静", "扎西"}
    assert by_name["赵波"][5] == "13900001111" and by_name["赵波"][6] == "Yes"
    # A real date cell in the summit's time zone, the zone named in the header.
    assert header[7] == "Arrived at (Beijing time)"
    assert by_name["赵波"][7] == datetime(2027, 8, 3, 9, 5) and by_name["赵波"][8] == "东门"
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    cell = sheet.cell(row=2 + [r[0] for r in rows].index("赵波"), column=8)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm"
    assert by_name["李娜"][6] == "No" and by_name["李娜"][7] in ("", None)
    assert {row[0]: row for row in for_official[1:]}["赵波"][5] == "139****1111"
    exports = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "attendance.export").order_by(AuditEntry.id)).all()
    assert [e.after["phones"] for e in exports] == [True, False]


def test_cancelled_people_are_no_longer_expected(organiser, open_event, day):
    registration_review.cancel_registration(organiser, day[2])

    assert checkin_board.board(organiser, open_event)["expected"] == 4


def test_the_board_costs_the_same_queries_at_1_and_50_arrivals(organiser, staff, open_event,
                                                               count_queries):
    def populate(n):
        for i in range(n):
            arrive(staff, open_event, person(open_event, organiser, f"赵{i}"), f"门{i % 3}", i)

    def measure() -> int:
        db.session.expire_all()
        with count_queries() as statements:
            checkin_board.board(organiser, open_event)
        return len(statements)

    populate(1)
    one = measure()
    populate(49)
    fifty = measure()

    assert one == fifty, (one, fifty)
    assert fifty <= 16
