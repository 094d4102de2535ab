"""Quotas and decisions hold under real parallel transactions, on SQLite and PostgreSQL: each
worker thread has its own application context, session and connection."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from flask_babel import force_locale

from summit.extensions import db
from summit.models import Badge, PersonStatus, PressApplication, PressStatus, Role, User
from summit.services.core.errors import Conflict
from summit.services.press import review as press_review
from tests.support import factories
from tests.support.press_factories import applicant, press_summit, submitted

WORKERS = 8


def attempt(app, officer_id: int, application_id: int, gate: threading.Event):
    with app.app_context(), force_locale("en"):
        officer = db.session.get(User, officer_id)
        application = db.session.get(PressApplication, application_id)
        gate.wait(timeout=30)
        try:
            press_review.decide(officer, application, press_review.Decision("approve"))
            return "ok", None
        except Conflict as error:
            return "conflict", error.field
        except Exception as error:  # reported verbatim by the test
            return "error", f"{type(error).__name__}: {error}"


def run_parallel(app, officer_id: int, application_ids: list[int]):
    gate = threading.Event()
    db.session.close()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(attempt, app, officer_id, i, gate) for i in application_ids]
        gate.set()
        return [future.result(timeout=120) for future in futures]


def test_parallel_approvals_never_pass_a_media_type_quota(app, mailbox):
    summit = press_summit()
    officer = factories.make_member(summit, Role.MEDIA_OFFICER, "officer@example.com")
    press_review.set_quota(officer, summit, "media_type", "tv", 5)
    ids = [submitted(summit, applicant(summit, f"tv{i}@example.com"), outlet=f"电视台{i}",
                     crew=1).id for i in range(WORKERS)]

    outcomes = run_parallel(app, officer.id, ids)

    assert [detail for kind, detail in outcomes if kind == "error"] == []
    assert Counter(outcomes) == {("ok", None): 2, ("conflict", "quota"): 6}
    db.session.expire_all()
    accredited = db.session.scalar(db.select(db.func.count()).select_from(Badge))
    assert accredited == 4
    assert db.session.scalar(db.select(db.func.count(PressApplication.id)).where(
        PressApplication.status == PressStatus.APPROVED)) == 2


def test_two_officers_approving_one_application_at_once_approve_it_once(app, mailbox):
    summit = press_summit()
    officer = factories.make_member(summit, Role.MEDIA_OFFICER, "officer@example.com")
    application = submitted(summit)

    outcomes = run_parallel(app, officer.id, [application.id] * WORKERS)

    assert [detail for kind, detail in outcomes if kind == "error"] == []
    assert Counter(outcomes) == {("ok", None): 1, ("conflict", "status"): WORKERS - 1}
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Badge)) == 3
    stored = db.session.get(PressApplication, application.id)
    assert {p.status for p in stored.people} == {PersonStatus.APPROVED}
