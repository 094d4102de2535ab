"""The demo's reception: arrivals at Kangding airport and the bus station, two vehicles, two
hotels and the welcome banquet, loaded once; the proposal places every arrival."""
from __future__ import annotations

from summit.extensions import db
from summit.models import MealSession, Role, Trip, Vehicle
from summit.services.accounts import users as accounts
from summit.services.demo import seed as demo
from summit.services.reception import proposal, rooms, transport


def test_the_demo_has_arrivals_vehicles_and_the_welcome_banquet(app):
    summit = demo.seed_demo()
    demo.seed_demo()

    places = sorted({t.place for t in db.session.scalars(db.select(Trip))})
    staff = accounts.find_user("reception@example.com")
    result = proposal.propose(staff, summit, transport.D.ARRIVAL)

    assert places == ["康定机场", "康定汽车站"]
    assert db.session.scalar(db.select(db.func.count(Vehicle.id))) == 2
    assert db.session.scalar(db.select(MealSession.title)) == "欢迎晚宴"
    assert any(m.role is Role.RECEPTION_STAFF for m in staff.memberships)
    assert (result.placed, result.unplaced) == (5, 0)
    assert [h.name for h in rooms.hotels(summit)] == ["康定情歌大酒店", "跑马山宾馆"]
