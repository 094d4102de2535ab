"""No vehicle is over-assigned and no driver doubly booked under real parallel transactions,
on SQLite and PostgreSQL (each worker has its own app context, session and connection)."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from flask_babel import force_locale

from summit.extensions import db
from summit.models import Summit, Transfer, TransferPassenger, TripDirection, User
from summit.services.core.errors import Conflict
from summit.services.reception import transport
from tests.support import factories
from tests.support.reception import vehicle

A = TripDirection.ARRIVAL


def run_parallel(app, jobs) -> list[str]:
    """Each job (a function of summit and actor) in its own thread and app context; its
    outcome "ok", "conflict" or the error's text."""
    gate = threading.Event()
    db.session.close()

    def one(job, summit_id: int, actor_id: int) -> str:
        with app.app_context(), force_locale("en"):
            summit = db.session.get(Summit, summit_id)
            actor = db.session.get(User, actor_id)
            gate.wait(timeout=30)
            try:
                job(summit, actor)
                return "ok"
            except Conflict:
                return "conflict"
            except Exception as error:  # reported verbatim by the test
                return f"{type(error).__name__}: {error}"

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(one, job, summit_id, actor_id)
                   for job, summit_id, actor_id in jobs]
        gate.set()
        return [future.result(timeout=120) for future in futures]


def test_twelve_people_added_at_once_to_four_seats_give_exactly_four(app, event, reception):
    van = vehicle(event, reception, "川A00004", 4)
    transfer = transport.create_transfer(reception, event, direction=A, place="康定机场",
                                         at=datetime(2027, 8, 2, 10, 30), vehicle_id=van.id)
    people = [factories.make_registration(event, f"代表{i}").id for i in range(12)]
    ids = (transfer.id, event.id, reception.id)

    def add(person_id):
        return lambda summit, actor: transport.add_passenger(
            actor, summit, db.session.get(Transfer, ids[0]), person_id)

    outcomes = run_parallel(app, [(add(p), ids[1], ids[2]) for p in people])

    assert Counter(outcomes) == {"ok": 4, "conflict": 8}
    assert db.session.scalar(db.select(db.func.count(TransferPassenger.id))) == 4


def test_one_driver_booked_for_eight_overlapping_trips_at_once_drives_one(
        app, event, reception):
    fleet = [vehicle(event, reception, f"川A0000{i}", 7, "王师傅", "13900000001").id
             for i in range(8)]

    def create(vehicle_id, minute):
        return lambda summit, actor: transport.create_transfer(
            actor, summit, direction=A, place="康定机场",
            at=datetime(2027, 8, 2, 10, minute), vehicle_id=vehicle_id)

    outcomes = run_parallel(app, [(create(v, 5 * i), event.id, reception.id)
                                  for i, v in enumerate(fleet)])

    assert Counter(outcomes) == {"ok": 1, "conflict": 7}
    assert db.session.scalar(db.select(db.func.count(Transfer.id))) == 1
