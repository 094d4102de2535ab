"""Salon-seat benchmarks (issue 4, points 6 to 8).

1. One booking through ``bookings.book_seat`` (lock, sweep, rules, conditional UPDATE, row,
   audit entry, commit), median, as a ratio to the floor any write pays: one UPDATE of the
   same row and a commit.
2. A burst of 500 parallel booking requests for 50 seats over real HTTP (werkzeug's threaded
   server, 500 client threads, one bearer token each): wall time per booking as a ratio to the
   same burst of GET /api/v1/health, and the outcome, which must be exactly 50 confirmed and
   450 waitlisted (the target; exit 1 otherwise).
3. SQL queries of the organiser's bookings page at 10 and 50 rows (must be equal).

Runs on SQLite in a temporary folder.
"""
from __future__ import annotations

import logging
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from werkzeug.serving import make_server

from bench._helpers import median_ms
from summit import create_app
from summit.extensions import db
from summit.models import AgendaItem, Registration, Role, SeatBooking
from summit.services.bookings import booking as bookings
from tests.support import factories
from tests.support.agenda_factories import bulk_delegates_with_tokens, make_agenda_item
from tests.support.concurrency import call, fire
from tests.support.queries import statements_run

BURST = 500
SEATS = 50


def serve(app):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    server = make_server(*sock.getsockname(), app, threaded=True, fd=sock.fileno())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, sock.getsockname()


def timed_burst(address, requests) -> tuple[float, list]:
    started = time.perf_counter()
    answers = fire(address, requests)
    return time.perf_counter() - started, answers


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 40, "max_overflow": 10,
                                                    "pool_timeout": 120},
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "MAIL_OUTBOX": str(folder / "outbox")})
    failed = False
    with app.app_context():
        db.create_all()
        summit = factories.make_summit("bench")
        organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")

        # 1. one booking against the floor of one write
        people = bulk_delegates_with_tokens(summit, 400)

        item = make_agenda_item(summit, capacity=200)
        registrations = [db.session.get(Registration, rid) for rid, _token in people]

        def floor() -> None:
            db.session.execute(db.update(AgendaItem).where(AgendaItem.id == item.id)
                               .values(seats_taken=AgendaItem.seats_taken))
            db.session.commit()

        base = median_ms(floor, 200, warm=False)
        queue = iter(registrations)
        booking = median_ms(lambda: bookings.book_seat(organiser, item, next(queue)), 300,
                            warm=False)
        print(f"one booking through the service: median {booking:.2f} ms, "
              f"{booking / base:.1f}x one UPDATE and commit of the same row ({base:.2f} ms)")

        # 3. the organiser's list: queries at 10 and 50 rows
        client = app.test_client()
        client.post("/auth/login", data={"email": organiser.email,
                                         "password": factories.PASSWORD})
        counts = {}
        for per_page in (10, 50):
            url = f"/sessions/{item.id}/seats/manage?per_page={per_page}"
            client.get(url)
            db.session.expire_all()
            with statements_run(db.engine) as statements:
                client.get(url)
            counts[per_page] = len(statements)
        ok = counts[10] == counts[50]
        failed |= not ok
        print(f"queries per bookings page: {counts[10]} at 10 rows, {counts[50]} at 50 rows "
              f"({'constant' if ok else 'GROWS'})")

        # 2. the burst
        burst_item = make_agenda_item(summit, "沙龙二", capacity=SEATS)
        burst_id = burst_item.id
        tokens = [token for _rid, token in bulk_delegates_with_tokens(summit, BURST)]
        db.session.close()
        server, address = serve(app)
        try:
            call(address, "GET", "/api/v1/health", tokens[0])
            health, _answers = timed_burst(address, [("GET", "/api/v1/health", t)
                                                     for t in tokens])
            elapsed, answers = timed_burst(
                address, [("POST", f"/api/v1/sessions/{burst_id}/bookings", t) for t in tokens])
        finally:
            server.shutdown()
    outcome = Counter(body.get("status") for _status, body in answers)
    with app.app_context():
        stored = Counter(b.status.value for b in db.session.scalars(
            db.select(SeatBooking).where(SeatBooking.item_id == burst_id)))
        taken = db.session.get(AgendaItem, burst_id).seats_taken
    ok = outcome == stored == {"confirmed": SEATS, "waitlisted": BURST - SEATS} \
        and taken == SEATS
    failed |= not ok
    print(f"{BURST} parallel booking requests for {SEATS} seats over HTTP: "
          f"{dict(stored)}, seats_taken {taken} (target exactly {SEATS} confirmed: "
          f"{'met' if ok else 'MISSED'}); {elapsed:.2f} s, {elapsed / BURST * 1000:.1f} ms per "
          f"booking, {elapsed / health:.1f}x the same burst of GET /api/v1/health "
          f"({health:.2f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
