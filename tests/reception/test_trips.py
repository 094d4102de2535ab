"""Arrivals and departures: entered by the person, their registrar or reception staff,
imported from Excel with a row report, and shown on the arrivals board."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import Workbook

from summit.extensions import db
from summit.models import AuditEntry, Delegation, Trip, TripDirection
from summit.services.reception import trips
from tests.support import factories
from tests.support.pages import field_errors, flashes, text
from tests.support.reception import arriving

pytestmark = pytest.mark.usefixtures("english")


def trip_form(direction="arrival", mode="flight", number="CA4401", place="康定机场",
              at="2027-08-02T10:30"):
    return {"direction": direction, "mode": mode, "number": number, "place": place, "at": at}


def test_the_delegate_enters_their_arrival_and_sees_it_in_my_registrations(
        client, sign_in, event):
    person = factories.make_registration(event, "赵波", "zhaobo@example.com")
    factories.make_user("zhaobo@example.com")
    sign_in("zhaobo@example.com")
    url = f"/summits/{event.slug}/reception/people/{person.id}/trips"

    response = client.post(url, data=trip_form(number="ca 4401"))
    page = text(client.get(response.headers["Location"]))
    mine = text(client.get("/registrations/mine"))

    assert response.status_code == 302
    trip = db.session.scalar(db.select(Trip))
    assert (trip.direction, trip.number, trip.place) == (
        TripDirection.ARRIVAL, "CA4401", "康定机场")
    # 10:30 in Beijing is 02:30 UTC.
    assert trip.at.replace(tzinfo=None) == datetime(2027, 8, 2, 2, 30)
    assert "CA4401" in page and "2027-08-02 10:30" in page
    assert url in mine
    wish = client.post(f"/summits/{event.slug}/reception/people/{person.id}/room-wish",
                       data={"gender": "female", "room_wish": "shared"})
    db.session.refresh(person)
    assert wish.status_code == 302
    assert (person.gender, person.room_wish) == ("female", "shared")
    assert db.session.scalar(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "trips")) == "trip.save"


def test_the_registrar_enters_a_members_trip_and_a_stranger_may_not(client, sign_in, event):
    registrar = factories.make_user("county@example.com")
    delegation = Delegation(summit=event, name="丹巴县", county="丹巴县", quota=5,
                            registrar=registrar)
    db.session.add(delegation)
    person = factories.make_registration(event, "卓玛")
    person.delegation = delegation
    db.session.commit()
    stranger = factories.make_user("stranger@example.com")
    url = f"/summits/{event.slug}/reception/people/{person.id}/trips"

    sign_in("county@example.com")
    saved = client.post(url, data=trip_form(mode="train", number="G8501", place="康定汽车站"))

    assert saved.status_code == 302
    assert not trips.may_edit(stranger, person)
    assert db.session.scalar(db.select(Trip.number)) == "G8501"


@pytest.mark.parametrize(("data", "field", "message"), [
    (trip_form(number="HELLO"), "number", "This is not a flight number (for example CA4401)."),
    (trip_form(mode="train", number="CA4401"), "number",
     "This is not a train number (for example G8501)."),
    (trip_form(direction="departure", at="2027-08-01T09:00"), "at",
     "The arrival must be before the departure."),
])
def test_bad_trips_are_refused_with_a_message_and_nothing_written(
        client, sign_in, event, reception, data, field, message):
    person = arriving(event, reception, "赵波", "2027-08-02 10:30")
    sign_in(reception.email)

    response = client.post(f"/summits/{event.slug}/reception/people/{person.id}/trips",
                           data=data)

    assert response.status_code == 422
    assert message in field_errors(text(response))[field]
    assert db.session.scalar(db.select(db.func.count(Trip.id))) == 1


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["email", "direction", "mode", "number", "place", "date", "time"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_trips_import_reports_broken_rows_and_writes_nothing_until_fixed(
        client, sign_in, event, reception):
    factories.make_registration(event, "赵波", "zhaobo@example.com")
    factories.make_registration(event, "卓玛", "zhuoma@example.com")
    sign_in(reception.email)
    url = f"/summits/{event.slug}/reception/import"
    broken = workbook([
        ["zhaobo@example.com", "arrival", "flight", "CA4401", "康定机场", "2027-08-02", "10:30"],
        ["nobody@example.com", "arrival", "flight", "CA4401", "康定机场", "2027-08-02", "10:30"],
        ["zhuoma@example.com", "arrival", "flight", "XX", "康定机场", "2027-08-02", "10:30"],
        ["zhuoma@example.com", "departure", "train", "G8502", "康定站", "2027-08-40", "10:30"],
    ])

    checked = client.post(url, data={"file": (io.BytesIO(broken), "trips.xlsx")},
                          content_type="multipart/form-data")
    page = text(checked)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    refused = client.post(f"{url}/confirm", data={"token": token})

    assert checked.status_code == 200
    assert "4 rows: 1 valid, 3 with errors." in page
    assert "No one registered for this summit with this email." in page
    assert "This is not a flight number (for example CA4401)." in page
    assert "Write dates as YYYY-MM-DD and times as HH:MM." in page
    assert "Nothing was imported: 3 rows have errors." in flashes(
        text(client.get(refused.headers["Location"])))[0][1]
    assert db.session.scalar(db.select(db.func.count(Trip.id))) == 0

    valid_only = client.post(f"{url}/confirm", data={"token": token, "valid_only": "1"})
    assert valid_only.status_code == 302
    assert db.session.scalar(db.select(Trip.number)) == "CA4401"


def test_the_arrivals_board_groups_by_day_place_and_hour_in_constant_queries(
        client, sign_in, event, reception, count_queries):
    arriving(event, reception, "赵波", "2027-08-02 10:05")
    sign_in(reception.email)
    url = f"/summits/{event.slug}/reception/"
    client.get(url)
    with count_queries() as one:
        page = text(client.get(url))
    for index in range(30):
        arriving(event, reception, f"代表{index}", f"2027-08-02 1{index % 3}:{index:02d}",
                 place="康定汽车站" if index % 2 else "康定机场", mode=trips.TravelMode.ROAD,
                 number="")
    with count_queries() as many:
        full = text(client.get(url))

    assert "赵波 CA4401 10:05" in page
    assert len(many) == len(one)
    board = trips.board(reception, event)
    assert [(row.day, row.place, row.hour, len(row.people)) for row in board][:3] == [
        ("2027-08-02", "康定机场", 10, 6), ("2027-08-02", "康定机场", 11, 5),
        ("2027-08-02", "康定机场", 12, 5)]
    assert "康定汽车站" in full
