"""Reception benchmarks (issue 19, performance).

2,000 approved delegates arriving over two days at 3 places (Kangding airport, the bus
station, the railway station), 60 vehicles of 7 to 45 seats:

1. proposing every pick-up (``proposal.propose``: one plan for all 2,000), target ≤ 1 s;
2. the arrivals board page for 2,000 arrivals, target ≤ 100 ms, and its SQL statements at
   100 and 2,000 arrivals (must be equal);
3. the staff's pick-ups page for one day, and its statements at both sizes;
4. one meal scan (``POST /api/v1/summits/<slug>/meals/<id>/scans`` through the test client),
   median, as a ratio to ``GET /api/v1/health`` in the same run;
5. 4 hotels with 900 rooms (2 beds, 3 nights), 20 delegations, both genders, one in ten
   asking for a single room: proposing every room, target ≤ 2 s; a hotel's rooming list
   page for a night, target ≤ 100 ms, and its statements before and after (must be equal).

Runs on SQLite in a temporary folder.
"""
from __future__ import annotations

import logging
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench._helpers import median_ms
from summit import create_app
from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Delegation,
    Registration,
    Role,
    TravelMode,
    Trip,
    TripDirection,
    Vehicle,
    VehicleKind,
)
from summit.services.reception import meals, proposal, rooms
from tests.support import factories
from tests.support.agenda_factories import bulk_delegates_with_tokens
from tests.support.checkin import token_of
from tests.support.queries import statements_run

PEOPLE = 2000
PLACES = ("康定机场", "康定汽车站", "康定火车站")


def add_trips(summit, registration_ids: list[int]) -> None:
    start = datetime(2027, 8, 1, 0, 0, tzinfo=UTC)  # 08:00 Beijing time on the first day
    now = utcnow()
    db.session.execute(db.insert(Trip), [
        {"summit_id": summit.id, "registration_id": rid, "direction": TripDirection.ARRIVAL,
         "mode": TravelMode.FLIGHT, "number": f"CA{4400 + n % 50}",
         "place": PLACES[n % 3],
         # spread over two days, 08:00 to 20:00
         "at": start + timedelta(days=n % 2, minutes=(n * 7) % 720),
         "created_at": now, "updated_at": now}
        for n, rid in enumerate(registration_ids)])
    db.session.commit()


def page_statements(client, url: str) -> int:
    with statements_run(db.engine) as statements:
        client.get(url)
    return len(statements)


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "MAIL_OUTBOX": str(folder / "outbox")})
    failed = False
    with app.app_context():
        db.create_all()
        summit = factories.make_summit("bench")
        factories.make_category(summit, "delegate")
        staff = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
        client = app.test_client()
        client.post("/auth/login", data={"email": staff.email, "password": factories.PASSWORD})
        board_url = f"/summits/{summit.slug}/reception/"
        transfers_url = f"/summits/{summit.slug}/reception/transfers?day=2027-08-01"

        ids = [rid for rid, _token in bulk_delegates_with_tokens(summit, PEOPLE)]
        add_trips(summit, ids[:100])
        client.get(board_url)
        small_board = page_statements(client, board_url)
        add_trips(summit, ids[100:])
        db.session.execute(db.insert(Vehicle), [
            {"summit_id": summit.id, "plate": f"川V{n:05d}", "seats": (7, 14, 33, 45)[n % 4],
             "kind": VehicleKind.BUS, "driver_name": f"司机{n}",
             "driver_phone": f"1390000{n:04d}", "created_at": utcnow()}
            for n in range(60)])
        db.session.commit()

        # 1. every pick-up proposed
        started = time.perf_counter()
        result = proposal.propose(staff, summit, TripDirection.ARRIVAL)
        proposing = time.perf_counter() - started
        ok = proposing <= 1.0
        failed |= not ok
        print(f"proposing pick-ups for {PEOPLE} arrivals, 60 vehicles: {proposing:.2f} s "
              f"(target ≤ 1 s: {'met' if ok else 'MISSED'}); {result.transfers} trips, "
              f"{result.placed} placed, {result.unplaced} without a free vehicle")

        # 2. and 3. the pages
        for name, url, small in (("arrivals board", board_url, small_board),
                                 ("pick-ups of a day", transfers_url, None)):
            client.get(url)
            took = median_ms(lambda url=url: client.get(url), 10)
            big = page_statements(client, url)
            line = f"{name} page at {PEOPLE} arrivals: median {took:.0f} ms"
            if name == "arrivals board":
                ok = took <= 100 and small == big
                failed |= not ok
                line += (f" (target ≤ 100 ms: {'met' if took <= 100 else 'MISSED'}); "
                         f"{small} statements at 100 arrivals, {big} at {PEOPLE} "
                         f"({'constant' if small == big else 'GROWS'})")
            else:
                line += f"; {big} statements"
            print(line)

        # 5. rooms
        db.session.execute(db.update(Registration).where(Registration.id.in_(ids)).values(
            gender=db.case((Registration.id % 2 == 0, "female"), else_="male"),
            room_wish=db.case((Registration.id % 10 == 0, "single"), else_="shared")))
        delegations = [Delegation(summit=summit, name=f"代表团{n}", county=f"县{n}", quota=200)
                       for n in range(20)]
        db.session.add_all(delegations)
        db.session.flush()
        for n, rid in enumerate(ids):
            db.session.execute(db.update(Registration).where(Registration.id == rid)
                               .values(delegation_id=delegations[n % 20].id))
        db.session.commit()
        hotel_list = []
        for n in range(4):
            hotel = rooms.add_hotel(staff, summit, f"酒店{n}")
            rooms.add_block(staff, summit, hotel, room_type="标准间", beds=2, count=225,
                            first_night=date(2027, 8, 1), nights=3, price="380.00",
                            first_number=1000 * (n + 1))
            hotel_list.append(hotel)
        rooming_url = (f"/summits/{summit.slug}/reception/hotels/{hotel_list[0].id}/rooming"
                       "?night=2027-08-02")
        client.get(rooming_url)
        empty = page_statements(client, rooming_url)
        started = time.perf_counter()
        placed = [rooms.propose(staff, summit, hotel) for hotel in hotel_list]
        proposing = time.perf_counter() - started
        ok = proposing <= 2.0
        failed |= not ok
        print(f"proposing rooms for {PEOPLE} people in 4 hotels, 900 rooms, 3 nights: "
              f"{proposing:.2f} s (target ≤ 2 s: {'met' if ok else 'MISSED'}); "
              f"{sum(p.nights for p in placed)} room-nights for "
              f"{sum(p.people for p in placed)} people")
        client.get(rooming_url)
        took = median_ms(lambda: client.get(rooming_url), 10)
        full = page_statements(client, rooming_url)
        ok = took <= 100 and full == empty
        failed |= not ok
        print(f"rooming list page (225 rooms, a night): median {took:.0f} ms (target ≤ 100 ms: "
              f"{'met' if took <= 100 else 'MISSED'}); {empty} statements empty, {full} full "
              f"({'constant' if full == empty else 'GROWS'})")

        # 4. a meal scan against the trivial endpoint
        meal = meals.save_meal(staff, summit, meals.MealDetails(
            kind=meals.MealKind.BANQUET, title="欢迎晚宴", venue="康定情歌大酒店",
            starts_at=datetime(2027, 8, 1, 19, 0), capacity=PEOPLE))
        factories.grant(staff, summit, Role.CHECKIN_STAFF)
        token = client.post("/api/v1/tokens", json={
            "email": staff.email, "password": factories.PASSWORD}).get_json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        badges = iter([token_of(db.session.get(Registration, rid)) for rid in ids[:300]])
        scan_url = f"/api/v1/summits/{summit.slug}/meals/{meal.id}/scans"
        health = median_ms(lambda: client.get("/api/v1/health", headers=auth), 200)
        scan = median_ms(lambda: client.post(scan_url, json={"token": next(badges)},
                                             headers=auth), 250)
        # The same people at the gate, through the same client: "answers like a check-in".
        gate = iter([token_of(db.session.get(Registration, rid)) for rid in ids[300:600]])
        numbers = iter(range(10**6))
        checkin_url = f"/api/v1/summits/{summit.slug}/checkins"
        gate_scan = median_ms(lambda: client.post(checkin_url, json={
            "token": next(gate), "gate": "东门", "scan_id": f"bench-{next(numbers)}"},
            headers=auth), 250)
        print(f"one meal scan: median {scan:.2f} ms, {scan / health:.1f}x GET /api/v1/health "
              f"({health:.2f} ms) in the same run; a check-in scan through the same API "
              f"client {gate_scan:.2f} ms, {gate_scan / health:.1f}x: the meal scan costs "
              f"{scan / gate_scan:.2f}x a check-in scan")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
