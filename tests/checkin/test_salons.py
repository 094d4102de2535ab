"""Salon attendance: scans at a salon's door count once per salon, against its bookings."""
from __future__ import annotations

import io
from datetime import date, time

import pytest
from openpyxl import load_workbook

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    Arrival,
    BookingStatus,
    CheckIn,
    Registration,
    SalonAttendance,
    SeatBooking,
    Summit,
)
from summit.services.badges import issuing as badges
from summit.services.checkin import (
    board as checkin_board,
    gates as checkin_gates,
    manifest as checkin_manifest,
    scans as checkins,
)
from summit.services.core.errors import ValidationFailed
from tests.support import factories
from tests.support.checkin import token_of

DOOR = "沙龙厅入口"


pytestmark = pytest.mark.usefixtures("english")


def make_item(summit: Summit, title: str, kind=AgendaItemKind.SALON, **values) -> AgendaItem:
    item = AgendaItem(summit_id=summit.id, day=date(2027, 8, 3), start=time(14),
                      end=time(16), kind=kind, title_zh=title, **values)
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def door_salon(event, organiser) -> AgendaItem:
    """A bookable salon of 30 seats with a door of its own, beside the main gate 东门."""
    item = make_item(event, "电商沙龙", bookable=True, capacity=30)
    checkin_gates.add_gate(organiser, event, DOOR, salon_id=item.id)
    checkin_gates.add_gate(organiser, event, "东门")
    return item


def book(item: AgendaItem, registration: Registration,
         status: BookingStatus = BookingStatus.CONFIRMED) -> None:
    db.session.add(SeatBooking(item_id=item.id, registration_id=registration.id, status=status))
    db.session.commit()


@pytest.fixture
def salon_people(event, organiser, door_salon) -> dict[str, Registration]:
    """Four approved delegates: 赵波 and 王芳 booked the salon, 陈静 cancelled, 李娜 did not."""
    found = {name: factories.make_registration(event, name, approve_as=organiser)
             for name in ("赵波", "王芳", "李娜", "陈静")}
    book(door_salon, found["赵波"])
    book(door_salon, found["王芳"])
    book(door_salon, found["陈静"], BookingStatus.CANCELLED)
    return found


def test_a_scan_at_the_salon_door_records_attendance_and_the_booking(staff, event, door_salon,
                                                                     salon_people):
    booked = checkins.scan(staff, event, token_of(salon_people["赵波"]), DOOR, "s-1")
    walk_in = checkins.scan(staff, event, token_of(salon_people["李娜"]), DOOR, "s-2")
    again = checkins.scan(staff, event, token_of(salon_people["赵波"]), DOOR, "s-3")

    assert booked.result == "ok" and booked.salon == {
        "id": door_salon.id, "title": "电商沙龙", "title_en": "", "booked": True}
    assert walk_in.result == "ok" and walk_in.salon["booked"] is False
    assert (again.result, again.first_gate) == ("duplicate", DOOR)
    assert db.session.query(SalonAttendance).count() == 2
    assert {c.agenda_item_id for c in db.session.scalars(db.select(CheckIn))} == {
        door_salon.id}
    # Coming in through the salon door counts as arriving at the summit too, once.
    assert db.session.query(Arrival).count() == 2
    assert checkins.scan(staff, event, token_of(salon_people["赵波"]), "东门", "s-4").result == \
        "duplicate"


def test_arriving_first_at_the_main_gate_does_not_make_the_salon_a_duplicate(
        staff, event, door_salon, salon_people):
    token = token_of(salon_people["王芳"])
    checkins.scan(staff, event, token, "东门", "m-1")

    assert checkins.scan(staff, event, token, DOOR, "s-1").result == "ok"
    assert db.session.query(Arrival).count() == 1


def test_refused_badges_do_not_attend(staff, event, organiser, door_salon, salon_people):
    badges.revoke(organiser, salon_people["赵波"], "证件遗失")

    answer = checkins.scan(staff, event, token_of(salon_people["赵波"]), DOOR, "s-1")

    assert answer.result == "revoked" and answer.salon["booked"] is True
    assert db.session.query(SalonAttendance).count() == 0


def test_the_report_counts_booked_attended_walk_ins_and_no_shows(organiser, staff, event,
                                                                 door_salon, salon_people):
    make_item(event, "欢迎致辞", AgendaItemKind.ADDRESS)  # not a salon: not reported
    checkins.scan(staff, event, token_of(salon_people["赵波"]), DOOR, "s-1")
    checkins.scan(staff, event, token_of(salon_people["李娜"]), DOOR, "s-2")
    checkins.scan(staff, event, token_of(salon_people["陈静"]), DOOR, "s-3")  # cancelled booking

    row, = checkin_board.board(organiser, event)["salons"]

    assert (row["title"], row["doors"], row["capacity"]) == ("电商沙龙", [DOOR], 30)
    assert (row["booked"], row["attended"], row["booked_attended"], row["walk_ins"],
            row["no_shows"]) == (2, 3, 1, 2, 1)
    sheet = load_workbook(io.BytesIO(checkin_board.export_xlsx(organiser, event)))["Salons"]
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert {(r[1], r[2], bool(r[3])) for r in rows} == {
        ("赵波", "Yes", True), ("王芳", "Yes", False), ("李娜", "No (walk-in)", True),
        ("陈静", "No (walk-in)", True)}


def test_the_manifest_tells_offline_doors_who_booked_and_who_is_in(staff, event, door_salon,
                                                                   salon_people):
    checkins.scan(staff, event, token_of(salon_people["赵波"]), DOOR, "s-1")
    token_of(salon_people["王芳"])

    manifest = checkin_manifest.manifest(staff, event)

    refs = {name: badges.badge_of(r).ref for name, r in salon_people.items()
            if badges.badge_of(r) is not None}
    assert manifest["salon_doors"] == {DOOR: str(door_salon.id)}
    part = manifest["salons"][str(door_salon.id)]
    assert sorted(part["booked"]) == sorted([refs["赵波"], refs["王芳"]])
    assert list(part["attended"]) == [refs["赵波"]] and part["attended"][refs["赵波"]][
        "gate"] == DOOR


def test_only_salons_of_this_summit_can_be_bound_to_a_door(organiser, event):
    talk = make_item(event, "主旨演讲", AgendaItemKind.KEYNOTE)
    other = factories.make_summit("other-2027")
    foreign = make_item(other, "别处的沙龙")

    for item in (talk, foreign):
        with pytest.raises(ValidationFailed) as error:
            checkin_gates.add_gate(organiser, event, f"门{item.id}", salon_id=item.id)
        assert error.value.field == "salon"
