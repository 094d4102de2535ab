"""Desk benchmark (issue 20: the on-site desk).

The app (SQLite in a temporary folder, jobs on the app's own PRINT threads) prints badges to
real IPP printers (CUPS's ippeveprinter, as in the tests). Measured from the print key (the
request starts) to the job accepted by the printer (Print-Job answered, ``accepted_at``):

1. one desk, one badge at a time: target p95 <= 1 s;
2. ten desks printing at once on the one server: target p95 <= 1 s;
3. a kiosk scan (the entry code posted) to the job accepted: target p95 <= 1.5 s.

Same-run ratio: each p95 against the median time to render one badge alone (the floor).
Exit code 1 when a target is missed.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from summit import create_app
from summit.extensions import db
from summit.models import BadgeSize, PrintJob, Registration, Role
from summit.services.badges import issuing as badges
from summit.services.core import jobs
from summit.services.desk import printers as desk_printers
from tests.support import factories
from tests.support.desk import Printers

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
DESKS = 10
PER_DESK = 3


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-desk-"))
    printers = Printers()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench-" + "x" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "WTF_CSRF_ENABLED": False, "INSTANCE_PATH": str(folder / "instance"),
                      "JOB_THREADS_PRINT": DESKS, "SERVER_NAME": "localhost"})
    try:
        a, b = printers.start("BenchA"), printers.start("BenchB")
        with app.app_context():
            db.create_all()
            summit = factories.make_summit("bench-desk")
            factories.make_category(summit, "delegate", "代表")
            organiser = factories.make_member(summit, Role.ORGANISER, "org@example.com")
            staff = factories.make_member(summit, Role.DESK_STAFF, "desk@example.com")
            pools = []
            for number in range(DESKS):
                pool = desk_printers.save_pool(organiser, summit, name=f"Desk {number + 1}")
                for printer in (a, b) if number % 2 == 0 else (b, a):
                    desk_printers.add_printer(organiser, pool, name=printer.name,
                                              uri=printer.uri, paper=BadgeSize.A6)
                pools.append(pool.id)
            people = [factories.make_registration(summit, f"赵{n}", approve_as=organiser).id
                      for n in range(ROUNDS * 2 + DESKS * PER_DESK)]
            first = db.session.get(Registration, people[0])
            render = []
            for _ in range(5):
                started = time.perf_counter()
                badges.render_badge(badges.ensure_badge(first))
                render.append(time.perf_counter() - started)
            floor = statistics.median(render)
            tokens = {pid: badges.token_for(badges.ensure_badge(db.session.get(
                Registration, pid))) for pid in people[ROUNDS:2 * ROUNDS]}
            db.session.commit()
            slug, staff_email = summit.slug, staff.email

        def client():
            c = app.test_client()
            c.post("/auth/login", data={"email": staff_email, "password": factories.PASSWORD})
            return c

        def accepted_after(started: datetime, registration_id: int) -> float:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with app.app_context():
                    at = db.session.scalar(db.select(PrintJob.accepted_at).where(
                        PrintJob.registration_id == registration_id))
                    error = db.session.scalar(db.select(PrintJob.error).where(
                        PrintJob.registration_id == registration_id))
                    db.session.remove()
                if at is not None:
                    return (at - started).total_seconds()
                if error:
                    raise RuntimeError(error)
                time.sleep(0.005)
            raise RuntimeError("never accepted")

        def print_one(c, pool_id: int, registration_id: int) -> float:
            started = datetime.now(UTC)
            answer = c.post(f"/summits/{slug}/desks/{pool_id}/print/{registration_id}")
            assert answer.status_code == 302, answer.status_code
            return accepted_after(started, registration_id)

        desk = client()
        single = [print_one(desk, pools[0], pid) for pid in people[:ROUNDS]]

        kiosk = client()
        kiosk_times = []
        for pid in people[ROUNDS:2 * ROUNDS]:
            started = datetime.now(UTC)
            answer = kiosk.post(f"/summits/{slug}/kiosk/{pools[1]}",
                                data={"code": tokens[pid]},
                                headers={"Accept": "application/json"})
            assert answer.status_code == 202, answer.get_json()
            kiosk_times.append(accepted_after(started, pid))

        together: list[float] = []
        lock = threading.Lock()
        rest = people[2 * ROUNDS:]

        def one_desk(number: int) -> None:
            c = client()
            for pid in rest[number * PER_DESK:(number + 1) * PER_DESK]:
                took = print_one(c, pools[number], pid)
                with lock:
                    together.append(took)

        threads = [threading.Thread(target=one_desk, args=(n,)) for n in range(DESKS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        jobs.wait_idle(app)
    finally:
        printers.stop()

    rows = [("one desk, one badge", single, 1.0), ("10 desks at once", together, 1.0),
            ("kiosk scan to print", kiosk_times, 1.5)]
    print(f"render one badge alone (median): {floor * 1000:.0f} ms")
    failed = False
    for label, values, target in rows:
        worst = p95(values)
        ok = worst <= target
        failed |= not ok
        print(f"{label}: p95 {worst * 1000:.0f} ms (median {statistics.median(values) * 1000:.0f}"
              f" ms, n={len(values)}), {worst / floor:.1f}x render; target <= {target:.1f} s: "
              f"{'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
