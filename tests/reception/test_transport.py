"""Pick-ups: the proposal, the seat and driver rules (refused with names), changes that free
seats or move a pick-up, the driver's phone page and the staff page's live status."""
from __future__ import annotations

import html
from datetime import datetime

import pytest

from summit.extensions import db
from summit.models import PassengerStatus, Transfer, TransferPassenger, TripDirection
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.reception import drivers, proposal, transport, trips
from summit.services.registration import review
from tests.support import factories
from tests.support.pages import field_errors, flashes, text
from tests.support.reception import arriving, vehicle

pytestmark = pytest.mark.usefixtures("english")
A = TripDirection.ARRIVAL


def layout(summit) -> list[tuple[str, str, str, list[str]]]:
    return [(t.place, trips.local_time(summit, t.at).strftime("%m-%d %H:%M"), t.vehicle.plate,
             sorted(p.registration.name for p in t.passengers))
            for t in transport.transfers_on(summit)]


def test_the_proposal_groups_arrivals_within_the_window_into_free_vehicles_by_seats(
        event, reception):
    for name, at in (("甲", "10:00"), ("乙", "10:15"), ("丙", "10:30"), ("丁", "10:40"),
                     ("戊", "10:40"), ("己", "12:00"), ("庚", "12:10")):
        arriving(event, reception, name, f"2027-08-02 {at}")
    for name in ("子", "丑", "寅"):
        arriving(event, reception, name, "2027-08-02 10:10", place="康定汽车站",
                 mode=trips.TravelMode.ROAD, number="")
    vehicle(event, reception, "川A00007", 7, "王师傅")
    vehicle(event, reception, "川B00004", 4, "李师傅")
    vehicle(event, reception, "川C00004", 4, "张师傅")

    result = proposal.propose(reception, event, A)

    assert (result.transfers, result.placed, result.unplaced) == (3, 10, 0)
    assert layout(event) == [
        # the bus station's group goes to the smallest free vehicle that takes it
        ("康定汽车站", "08-02 10:10", "川B00004", ["丑", "子", "寅"]),
        # five within 45 minutes of 10:00: the 7 seats, leaving when the last one lands
        ("康定机场", "08-02 10:40", "川A00007", ["丁", "丙", "乙", "戊", "甲"]),
        # the 7 seats are back at 12:10; the smallest vehicle that takes two is free too
        ("康定机场", "08-02 12:10", "川B00004", ["己", "庚"]),
    ]
    # Proposing again places nobody twice.
    again = proposal.propose(reception, event, A)
    assert (again.transfers, again.placed) == (0, 0)


def test_a_full_vehicle_and_a_busy_driver_are_refused_with_the_names(event, reception):
    van = vehicle(event, reception, "川A00002", 2, "王师傅", "13900000001")
    other = vehicle(event, reception, "川A00009", 9, "王师傅", "13900000001")
    people = [arriving(event, reception, name, "2027-08-02 10:00")
              for name in ("卓玛", "扎西", "次仁")]
    transfer = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                         at=datetime(2027, 8, 2, 10, 30), vehicle_id=van.id)
    for person in people[:2]:
        transport.add_passenger(reception, event, transfer, person.id)

    with pytest.raises(Conflict) as full:
        transport.add_passenger(reception, event, transfer, people[2].id)
    with pytest.raises(Conflict) as busy:
        transport.create_transfer(reception, event, direction=A, place="康定汽车站",
                                  at=datetime(2027, 8, 2, 11, 0), vehicle_id=other.id)
    with pytest.raises(ValidationFailed) as no_vehicle:
        transport.create_transfer(reception, event, direction=A, place="康定汽车站",
                                  at=datetime(2027, 8, 2, 11, 0), vehicle_id=None)

    assert str(full.value) == "川A00002 has 2 seats and carries 卓玛、扎西."
    assert str(busy.value) == ("王师傅 (川A00002) already drives the trip at 康定机场 "
                               "08-02 10:30–08-02 12:00.")
    assert str(no_vehicle.value) == "Choose a vehicle for the trip."
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Transfer.id))) == 1
    assert db.session.scalar(db.select(db.func.count(TransferPassenger.id))) == 2


def test_staff_pages_refuse_a_vehicle_of_no_seats_and_a_trip_without_vehicle(
        client, sign_in, event, reception):
    sign_in(reception.email)
    seats = client.post(f"/summits/{event.slug}/reception/vehicles", data={
        "plate": "川A1", "seats": "0", "kind": "van", "driver_name": "王", "driver_phone": "139"})
    trip = client.post(f"/summits/{event.slug}/reception/transfers/new", data={
        "direction": "arrival", "place": "康定机场", "at": "2027-08-02T10:00", "minutes": "60",
        "vehicle": ""})

    assert seats.status_code == 422
    assert field_errors(text(seats))["seats"] == ["Number must be between 1 and 100."]
    assert trip.status_code == 422
    assert field_errors(text(trip))["vehicle"] == ["Choose a vehicle for the trip."]
    assert db.session.scalar(db.select(db.func.count(Transfer.id))) == 0


def test_a_cancelled_registration_frees_its_seat_and_staff_see_the_change(
        client, sign_in, event, reception, organiser):
    van = vehicle(event, reception, "川A00001", 1)
    leaving = arriving(event, reception, "卓玛", "2027-08-02 10:00", approve_as=organiser)
    coming = arriving(event, reception, "扎西", "2027-08-02 10:05")
    transfer = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                         at=datetime(2027, 8, 2, 10, 30), vehicle_id=van.id)
    transport.add_passenger(reception, event, transfer, leaving.id)
    with pytest.raises(Conflict):
        transport.add_passenger(reception, event, transfer, coming.id)
    db.session.rollback()

    review.cancel_registration(organiser, leaving)
    transport.add_passenger(reception, event, transfer, coming.id)
    sign_in(reception.email)
    page = text(client.get(f"/summits/{event.slug}/reception/transfers"))

    assert "卓玛" in page and "Registration cancelled: seat freed" in page
    assert "1 of 1 seats" in page


def test_a_later_arrival_moves_the_pick_up(event, reception):
    first = vehicle(event, reception, "川A00001", 4, "王师傅")
    second = vehicle(event, reception, "川A00002", 4, "李师傅")
    person = arriving(event, reception, "卓玛", "2027-08-02 10:00")
    early = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                      at=datetime(2027, 8, 2, 10, 30), vehicle_id=first.id)
    later = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                      at=datetime(2027, 8, 2, 11, 30), vehicle_id=second.id)
    transport.add_passenger(reception, event, early, person.id)

    trips.save_trip(reception, person, trips.TripDetails(
        direction=A, mode=trips.TravelMode.FLIGHT, number="CA4403", place="康定机场",
        at=datetime(2027, 8, 2, 11, 0)))

    moved = db.session.scalar(db.select(TransferPassenger))
    assert moved.transfer_id == later.id


def test_the_driver_marks_a_passenger_picked_up_and_staff_see_it(
        app, client, sign_in, event, reception):
    van = vehicle(event, reception, "川A00001", 4, "王师傅", "13900000001")
    person = arriving(event, reception, "卓玛", "2027-08-02 10:00")
    transfer = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                         at=datetime(2027, 8, 2, 10, 30), vehicle_id=van.id)
    passenger = transport.add_passenger(reception, event, transfer, person.id)
    token = drivers.driver_token(event, van)
    other = factories.make_summit("other-summit")
    foreign = drivers.driver_token(other, van)
    url = f"/summits/{event.slug}/driver/{token}"

    page = text(client.get(url))
    marked = client.post(f"{url}/passengers/{passenger.id}", data={"status": "picked_up"})
    refused = client.get(f"/summits/{event.slug}/driver/{foreign}")
    broken = client.get(f"{url}x")
    sign_in(reception.email)
    live = client.get(f"/summits/{event.slug}/reception/transfers/status.json").get_json()

    assert "卓玛" in page and "139****1111" in page and 'href="tel:13900001111"' in page
    assert marked.status_code == 302
    assert live["statuses"] == {str(passenger.id): "picked_up"}
    assert refused.status_code == 404
    assert "This driver's link is for another summit." in html.unescape(text(refused))
    assert "This driver's link is not valid. Ask reception for a new one." in html.unescape(
        text(broken))
    db.session.expire_all()
    assert db.session.get(TransferPassenger, passenger.id).status is PassengerStatus.PICKED_UP


def test_an_expired_driver_link_says_so(app, event, reception):
    van = vehicle(event, reception, "川A00001", 4)
    token = drivers.driver_token(event, van)

    with pytest.raises(Exception) as expired:
        drivers.driver_from_token(event, token, max_age_days=-1)

    assert str(expired.value) == "This driver's link has expired. Ask reception for a new one."


def test_the_staff_page_lists_trips_in_constant_queries(client, sign_in, event, reception,
                                                        count_queries):
    sign_in(reception.email)
    vehicle(event, reception, "川A00001", 40)
    arriving(event, reception, "卓玛", "2027-08-02 10:00")
    proposal.propose(reception, event, A)
    url = f"/summits/{event.slug}/reception/transfers"
    client.get(url)
    with count_queries() as one:
        client.get(url)
    for index in range(20):
        vehicle(event, reception, f"川B{index:05d}", 4, f"司机{index}")
        arriving(event, reception, f"代表{index}", f"2027-08-02 {8 + index % 10:02d}:{index:02d}")
    proposal.propose(reception, event, A)
    with count_queries() as many:
        page = text(client.get(url))

    assert "代表19" in page
    assert len(many) == len(one)
    assert flashes(page) == []


def test_delegates_get_their_pick_up_by_email_on_change_and_the_day_before(
        event, reception, mailbox, runner):
    van = vehicle(event, reception, "川A00001", 4, "王师傅", "13900000001")
    person = arriving(event, reception, "卓玛", "2027-08-02 10:00")
    transfer = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                         at=datetime(2027, 8, 2, 10, 30), vehicle_id=van.id)

    transport.add_passenger(reception, event, transfer, person.id)
    changed = mailbox.wait_for(1)
    result = runner.invoke(args=["reception", "remind", "--day", "2027-08-02"])
    reminded = mailbox.wait_for(2)

    assert changed[0]["Subject"] == "Your pick-up: 康定机场, 08-02 10:30"
    body = mailbox.body(changed[0])
    assert "川A00001" in body and "王师傅 13900000001" in body
    assert "Pick-up reminders sent: 1" in result.output
    assert reminded[1]["To"] == person.email
