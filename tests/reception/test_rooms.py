"""Hotels and rooms: blocks, the proposal by delegation, gender and wish, the refusals (more
people than beds, two rooms a night, a shared room not agreed), the rooming list as a page
(constant queries) and XLSX, and what the delegate sees; also under parallel requests."""
from __future__ import annotations

import io
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from summit.extensions import db
from summit.models import Delegation, Hotel, HotelRoom, RoomAssignment, Summit, User
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.reception import rooms
from tests.support import factories
from tests.support.pages import flashes, text
from tests.support.pdf import pdf_text, save

pytestmark = pytest.mark.usefixtures("english")
N1, N2 = date(2027, 8, 2), date(2027, 8, 3)


def hotel_with(summit, actor, beds=2, count=3) -> Hotel:
    hotel = rooms.add_hotel(actor, summit, "康定情歌大酒店")
    rooms.add_block(actor, summit, hotel, room_type="标准间", beds=beds, count=count,
                    first_night=N1, nights=2, price="380.00")
    return hotel


def person(summit, organiser, name, gender="female", wish="shared", delegation=None):
    registration = factories.make_registration(summit, name, approve_as=organiser)
    registration.gender, registration.room_wish = gender, wish
    registration.delegation = delegation
    db.session.commit()
    return registration


def room(hotel, number) -> HotelRoom:
    return next(r for b in hotel.blocks for r in b.rooms if r.number == number)


def test_a_room_block_of_no_beds_is_refused(event, reception):
    hotel = rooms.add_hotel(reception, event, "跑马山宾馆")
    with pytest.raises(ValidationFailed) as refused:
        rooms.add_block(reception, event, hotel, room_type="单人间", beds=0, count=5,
                        first_night=N1, nights=2, price="300")
    assert str(refused.value) == "A room has 1 to 20 beds."


def test_the_proposal_rooms_by_delegation_gender_and_wish(event, organiser, reception):
    county = Delegation(summit=event, name="丹巴县代表团", county="丹巴县", quota=9)
    db.session.add(county)
    db.session.commit()
    hotel = hotel_with(event, reception, beds=2, count=4)
    person(event, organiser, "卓玛", "female", "shared", county)
    person(event, organiser, "拉姆", "female", "shared", county)
    person(event, organiser, "扎西", "male", "shared", county)
    person(event, organiser, "次仁", "male", "single", county)

    result = rooms.propose(reception, event, hotel)
    listed = {tuple(p[1] for p in row.people)
              for row in rooms.rooming_list(reception, event, hotel, N1) if row.people}

    assert (result.people, result.nights, result.unplaced) == (4, 8, 0)
    # the two women who asked to share are together; each man alone (a man asked for a
    # single room, the other has no one of his delegation and gender to share with)
    assert listed == {("卓玛", "拉姆"), ("扎西",), ("次仁",)} or listed == {
        ("拉姆", "卓玛"), ("扎西",), ("次仁",)}


def test_refusals_name_the_people(event, organiser, reception):
    hotel = hotel_with(event, reception, beds=2)
    a, b, c = (person(event, organiser, name) for name in ("卓玛", "拉姆", "央金"))
    solo = person(event, organiser, "次仁", wish="single")
    r101, r102 = room(hotel, "101"), room(hotel, "102")
    rooms.assign(reception, event, r101.id, a.id, [N1])
    rooms.assign(reception, event, r101.id, b.id, [N1])

    with pytest.raises(Conflict) as full:
        rooms.assign(reception, event, r101.id, c.id, [N1])
    rooms.assign(reception, event, r102.id, c.id, [N1])
    with pytest.raises(Conflict) as not_agreed:
        rooms.assign(reception, event, r102.id, solo.id, [N1])
    confirmed = rooms.assign(reception, event, r102.id, solo.id, [N1], confirm_shared=True)
    # Moving someone takes them out of their other room that night.
    rooms.assign(reception, event, room(hotel, "103").id, c.id, [N1])

    assert str(full.value) == "Room 101 has 2 beds on 2027-08-02: 卓玛、拉姆."
    assert str(not_agreed.value) == ("次仁、央金 did not all ask to share a room: confirm to "
                                     "put them together.")
    assert confirmed[0].confirmed_by_staff
    nights_of_c = db.session.scalars(db.select(RoomAssignment.room_id).where(
        RoomAssignment.registration_id == c.id)).all()
    assert nights_of_c == [room(hotel, "103").id]


def test_parallel_assignments_never_exceed_the_beds(app, event, organiser, reception):
    hotel = hotel_with(event, reception, beds=2, count=1)
    people = [person(event, organiser, f"代表{i}").id for i in range(8)]
    target = room(hotel, "101").id
    ids = (event.id, reception.id)
    gate = threading.Event()
    db.session.close()

    def one(person_id: int) -> str:
        with app.app_context(), force_locale("en"):
            summit = db.session.get(Summit, ids[0])
            actor = db.session.get(User, ids[1])
            gate.wait(timeout=30)
            try:
                rooms.assign(actor, summit, target, person_id, [N1, N2])
                return "ok"
            except Conflict:
                return "conflict"
            except Exception as error:  # reported verbatim by the test
                return f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        futures = [pool.submit(one, p) for p in people]
        gate.set()
        outcomes = Counter(f.result(timeout=120) for f in futures)

    assert outcomes == {"ok": 2, "conflict": 6}
    per_night = Counter(db.session.scalars(db.select(RoomAssignment.night)))
    assert per_night == {N1: 2, N2: 2}


def test_staff_assign_on_the_rooming_page_and_download_it_and_the_delegate_sees_the_room(
        client, sign_in, event, organiser, reception, count_queries, tmp_path):
    hotel = hotel_with(event, reception, beds=2, count=2)
    guest = person(event, organiser, "卓玛")
    guest.email = "zhuoma@example.com"
    db.session.commit()
    factories.make_user("zhuoma@example.com")
    sign_in(reception.email)
    url = f"/summits/{event.slug}/reception/hotels/{hotel.id}/rooming?night=2027-08-02"
    client.get(url)
    with count_queries() as empty:
        client.get(url)

    assigned = client.post(url, data={"person": str(guest.id), "room": str(room(hotel, "102").id)})
    with count_queries() as filled:
        page = text(client.get(url))
    book = load_workbook(io.BytesIO(client.get(
        f"/summits/{event.slug}/reception/hotels/{hotel.id}/rooming.xlsx?night=2027-08-02"
    ).data))
    pdf = client.get(
        f"/summits/{event.slug}/reception/hotels/{hotel.id}/rooming.pdf?night=2027-08-02")
    client.post("/auth/logout")
    sign_in("zhuoma@example.com")
    mine = text(client.get("/registrations/mine"))

    assert assigned.status_code == 302
    assert f"卓玛 ({guest.id})" in page
    assert len(filled) == len(empty)
    rows = list(book.active.iter_rows(values_only=True))
    assert ("102", "标准间", 2, "卓玛") == rows[2][:4]
    assert "康定情歌大酒店 102" in mine
    assert pdf.mimetype == "application/pdf"
    printed = pdf_text(save(pdf.data, tmp_path, "rooming.pdf"))
    assert "卓玛" in printed and "102" in printed
    assert flashes(mine) == []
