"""Changes (issue 19): a substitute takes over the original person's pick-up seat and hotel
nights (meals follow the category), refusing the substitute hands them back, a cancelled
person's seat and bed are free at once, and reception staff see each change on the pick-ups
page."""
from __future__ import annotations

from datetime import date

import pytest

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Delegation,
    HotelRoom,
    Registration,
    RegistrationStatus,
    Role,
    RoomAssignment,
    TransferPassenger,
)
from summit.services.reception import handover, meals, rooms, transport
from summit.services.registration import review
from tests.support import factories
from tests.support.reception import reception_objects

pytestmark = pytest.mark.usefixtures("english")
N1, N2 = date(2027, 8, 2), date(2027, 8, 3)


def holder(model) -> list[str]:
    db.session.expire_all()
    return [row.registration.name for row in db.session.scalars(db.select(model)
                                                                .order_by(model.id))]


def test_a_substitute_takes_the_seat_and_nights_and_staff_see_every_change(
        client, sign_in, event, organiser, reception):
    registrar = factories.make_member(event, Role.REGISTRAR, "registrar@example.com")
    delegation = Delegation(summit=event, name="丹巴县代表团", quota=5,
                            registrar_id=registrar.id)
    db.session.add(delegation)
    member = factories.make_registration(event, "张伟", approve_as=organiser)
    member.delegation = delegation
    db.session.commit()
    meal, transfer, hotel = reception_objects(event, reception)
    transport.add_passenger(reception, event, transfer, member.id)
    room = db.session.scalars(db.select(HotelRoom).order_by(HotelRoom.number)).first()
    rooms.assign(reception, event, room.id, member.id, [N1, N2])
    expected = meals.counts(reception, event)[meal.id].expected

    sign_in(registrar.email)
    assert client.post(f"/registrations/{member.id}/substitute",
                       data={"name": "李强"}).status_code == 302
    new = db.session.scalar(db.select(Registration).where(Registration.name == "李强"))
    assert holder(TransferPassenger) == ["李强"]
    assert holder(RoomAssignment) == ["李强", "李强"]
    assert meals.counts(reception, event)[meal.id].expected == expected  # same category
    substitution = db.session.scalar(db.select(AuditEntry.after).where(
        AuditEntry.action == "registration.substitute"))
    assert (substitution["seats"], substitution["nights"]) == (1, 2)

    client.post("/auth/logout")
    sign_in(organiser.email)
    client.post(f"/registrations/{new.id}/substitute/refuse", data={"reason": "未经批准"})
    assert holder(TransferPassenger) == ["张伟"] and holder(RoomAssignment) == ["张伟"] * 2

    client.post("/auth/logout")
    sign_in(reception.email)
    page = client.get(f"/summits/{event.slug}/reception/transfers").text
    changes = page.split('id="reception-changes"', 1)[1].split("</section>", 1)[0]
    assert "Substitute: 张伟 hands over to 李强 — 1 vehicle seats, 2 room nights" in changes
    assert "Substitute refused: 李强 hands back to 张伟" in changes


def test_a_cancelled_person_frees_the_seat_and_the_bed_at_once(event, organiser, reception):
    meal, transfer, hotel = reception_objects(event, reception)  # rooms of 2 beds
    room = db.session.scalars(db.select(HotelRoom).order_by(HotelRoom.number)).first()
    a, b, c = (factories.make_registration(event, name, approve_as=organiser)
               for name in ("甲", "乙", "丙"))
    for person in (a, b, c):
        person.room_wish = "shared"
    db.session.commit()
    transport.add_passenger(reception, event, transfer, a.id)
    rooms.assign(reception, event, room.id, a.id, [N1])
    rooms.assign(reception, event, room.id, b.id, [N1])
    with pytest.raises(rooms.Conflict, match="has 2 beds"):
        rooms.assign(reception, event, room.id, c.id, [N1])

    review.cancel_registration(organiser, a)
    assert db.session.get(Registration, a.id).status is RegistrationStatus.CANCELLED
    rooms.assign(reception, event, room.id, c.id, [N1])  # 甲's bed is free
    [row] = [r for r in rooms.rooming_list(reception, event, hotel, N1) if r.people]
    assert sorted(p[1] for p in row.people) == ["丙", "乙"]
    assert transport.live_passengers(db.session.get(type(transfer), transfer.id)) == []
    [freed] = handover.changes(reception, event).freed
    assert (freed.name, freed.seats, freed.nights) == ("甲", 1, 1)
