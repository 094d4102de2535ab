"""Protocol benchmarks (issue 18, performance).

300 leaders on the precedence list (every rank), 300 approved delegates in 20 delegations,
the opening's podium of 3 rows × 40 seats and the banquet's 60 tables × 10:

1. refilling all the seating (podium and the 60 tables) after one leader drops out, target
   ≤ 200 ms; as a ratio to ``GET /api/v1/health`` in the same run;
2. the 60-table chart PDF through the background job, target ≤ 10 s;
3. the table cards of everyone seated at the banquet (600) through the background job,
   with progress, until its PDF is stored, target ≤ 10 s;
4. SQL statements of the tables page and of a refill at 6 and at 60 tables (must be equal).

Runs on SQLite in a temporary folder; the cards job uses ``BADGE_RENDER_PROCESSES`` render
processes (default: every core).
"""
from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from bench._helpers import Verdict, median_ms, repeated
from summit import create_app
from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Attendance,
    CardJob,
    CardScope,
    CardSize,
    Convention,
    Delegation,
    JobStatus,
    PrecedenceEntry,
    Rank,
    Registration,
    Role,
)
from summit.services.core import jobs
from summit.services.protocol import banquet as tables, cards, precedence, seating
from tests.support import factories
from tests.support.agenda_factories import bulk_delegates_with_tokens
from tests.support.queries import statements_run

LEADERS = 300
DELEGATES = 300
RANKS = list(Rank)


def refill(opening, podium, item) -> None:
    """What the pages do after a change: the podium and every table filled again."""
    db.session.expire_all()
    seating.compute(opening, podium)
    tables.compute(item, tables.banquet_for(item))


def statements(fn) -> int:
    with statements_run(db.engine) as found:
        fn()
    return len(found)


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "MAIL_OUTBOX": str(folder / "outbox"),
                      "STORAGE_PATH": str(folder / "files")})
    verdict = Verdict()
    with app.app_context():
        db.create_all()
        summit = factories.make_summit("bench")
        factories.make_category(summit, "delegate")
        organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
        client = app.test_client()
        client.post("/auth/login", data={"email": organiser.email,
                                         "password": factories.PASSWORD})
        now = utcnow()
        db.session.execute(db.insert(PrecedenceEntry), [
            {"summit_id": summit.id, "name": f"领导{n:03d}", "name_native": "",
             "rank": RANKS[n * len(RANKS) // LEADERS], "organisation": f"单位{n % 30}",
             "title": "主任", "position": n, "created_at": now} for n in range(LEADERS)])
        ids = [rid for rid, _token in bulk_delegates_with_tokens(summit, DELEGATES)]
        delegations = [Delegation(summit=summit, name=f"代表团{n:02d}", county=f"县{n}",
                                  quota=100) for n in range(20)]
        db.session.add_all(delegations)
        db.session.flush()
        for n, delegation in enumerate(delegations):
            db.session.execute(db.update(Registration).where(
                Registration.id.in_(ids[n::20])).values(delegation_id=delegation.id))
        db.session.commit()
        opening = factories.make_item(summit, "09:00", "10:00", title_zh="开幕式")
        item = factories.make_item(summit, "18:00", "20:00", title_zh="欢迎晚宴")
        podium = seating.configure(organiser, opening, 3, 40, Convention.GOVERNMENT)
        page = f"/summits/{summit.slug}/protocol/items/{item.id}/tables"

        # 4. statements at 6 tables, then at 60
        tables.configure(organiser, item, 6, 10, Convention.GOVERNMENT, per_row=6)
        client.get(page)
        small_page = statements(lambda: client.get(page))
        small_refill = statements(lambda: refill(opening, podium, item))
        tables.configure(organiser, item, 60, 10, Convention.GOVERNMENT, per_row=6)
        client.get(page)
        big_page = statements(lambda: client.get(page))
        big_refill = statements(lambda: refill(opening, podium, item))
        same = (small_page, small_refill) == (big_page, big_refill)
        print(f"statements: tables page {small_page} at 6 tables, {big_page} at 60; refill "
              f"{small_refill} and {big_refill} ({'constant' if same else 'GROWS'})")

        # 1. one leader drops out, everything refills
        leader = precedence.ordered(summit)[0]
        precedence.set_attendance(organiser, leader, opening, Attendance.ABSENT)
        precedence.set_attendance(organiser, leader, item, Attendance.ABSENT)
        chart = tables.compute(item, tables.banquet_for(item))
        print(f"  seated at the tables: {sum(t.taken for t in chart.tables)}, unseated "
              f"{len(chart.unseated)}")
        health = median_ms(lambda: client.get("/api/v1/health"), 30, label="health")
        took = median_ms(lambda: refill(opening, podium, item), 15, label="refill")
        ok = took <= 200
        print(f"refill after a leader drops out (podium 3×40, 60 tables × 10): median "
              f"{took:.0f} ms, {took / health:.0f}× GET /api/v1/health "
              f"(target ≤ 200 ms: {'met' if ok else 'MISSED'})")
        failed = not ok or not same

        # 2. the chart PDF
        def chart_seconds() -> float:
            started = time.perf_counter()
            job = cards.start(organiser, item, CardScope.CHART, CardSize.A4)
            jobs.wait_idle(app, timeout=600)
            elapsed = time.perf_counter() - started
            db.session.expire_all()
            assert db.session.get(CardJob, job.id).status is JobStatus.DONE
            return elapsed

        series = repeated("60-table chart PDF job", " s", 3, chart_seconds)
        print(f"60-table chart PDF: {verdict.check('chart', series.median <= 10, series)} "
              f"(target ≤ 10 s)")

        # 3. the cards of everyone through the job
        def cards_seconds() -> float:
            started = time.perf_counter()
            job = cards.start(organiser, item, CardScope.EVERYONE, CardSize.A4)
            jobs.wait_idle(app, timeout=600)
            elapsed = time.perf_counter() - started
            db.session.expire_all()
            job = db.session.get(CardJob, job.id)
            assert job.status is JobStatus.DONE and job.done == job.total, job.error
            cards_seconds.total = job.total
            return elapsed

        series = repeated("table cards job", " s", 3, cards_seconds)
        print(f"{cards_seconds.total} table cards through the job "
              f"({os.cpu_count()} cores): "
              f"{verdict.check('cards', series.median <= 10, series)} (target ≤ 10 s)")
    result = verdict.finish()
    return 1 if failed else result


if __name__ == "__main__":
    sys.exit(main())
