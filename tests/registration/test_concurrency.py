"""Capacity and uniqueness hold under real parallel transactions, on SQLite and PostgreSQL.

Each worker thread pushes its own application context, so it has its own session and its own
database connection; ORM objects never cross threads. On SQLite the writers queue on the busy
timeout: that is expected, and any "database is locked" error fails the test with its text.
"""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from flask_babel import force_locale

from summit.extensions import db
from summit.models import Registration, RegistrationStatus, Summit
from summit.services.core.errors import Conflict
from summit.services.registration import submission as registrations
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories

S = RegistrationStatus
WORKERS = 16


def attempt(app, summit_id: int, email: str, gate: threading.Event) -> tuple[str, object]:
    """One registration in its own app context: ("ok", status), ("conflict", field) or
    ("error", repr) for anything else."""
    # A locale as a request or CLI command would have: outside a request the app's locale
    # selector reads the session and fails (summit/i18n.py), so error messages need one.
    with app.app_context(), force_locale("en"):
        summit = db.session.get(Summit, summit_id)
        details = RegistrationDetails(name="赵波", email=email, category="delegate",
                                      organisation_name="甘孜州商务局", phone="13812345678")
        gate.wait(timeout=30)
        try:
            registration = registrations.register_delegate(summit, details, notify=False)
            return "ok", registration.status
        except Conflict as error:
            return "conflict", error.field
        except Exception as error:  # reported verbatim by the test
            return "error", f"{type(error).__name__}: {error}"


def run_parallel(app, summit_id: int, emails: list[str], workers: int = WORKERS):
    gate = threading.Event()
    db.session.close()  # the test's own session holds no connection while workers run
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(attempt, app, summit_id, email, gate) for email in emails]
        gate.set()
        return [future.result(timeout=120) for future in futures]


def stored(summit_id: int) -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Registration).where(
        Registration.summit_id == summit_id).order_by(Registration.id)))


def test_200_parallel_registrations_for_50_places_give_exactly_50_places(app):
    summit = factories.make_summit("kangding-rush")
    category = factories.make_category(summit, "delegate")
    category.capacity = 50
    db.session.commit()
    summit_id = summit.id

    outcomes = run_parallel(app, summit_id, [f"rush{i}@example.com" for i in range(200)])

    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert errors == []
    assert Counter(outcomes) == {("ok", S.PENDING): 50, ("ok", S.WAITLISTED): 150}
    rows = stored(summit_id)
    assert len(rows) == 200
    assert Counter(r.status for r in rows) == {S.PENDING: 50, S.WAITLISTED: 150}
    assert len({r.email for r in rows}) == 200
    # Decisions were serialised: the places went to the first 50 rows written.
    assert all(r.status is S.PENDING for r in rows[:50])
    assert all(r.status is S.WAITLISTED for r in rows[50:])


def test_20_parallel_registrations_of_one_email_give_one_row_and_19_conflicts(app):
    summit = factories.make_summit("kangding-twice")
    factories.make_category(summit, "delegate")
    summit_id = summit.id

    outcomes = run_parallel(app, summit_id, ["Same.Person@Example.com"] * 20, workers=20)

    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert errors == []
    assert Counter(outcomes) == {("ok", S.PENDING): 1, ("conflict", "email"): 19}
    rows = stored(summit_id)
    assert [(r.email, r.status) for r in rows] == [("same.person@example.com", S.PENDING)]
