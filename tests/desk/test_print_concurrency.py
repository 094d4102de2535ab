"""Several desks printing at once (issue 20's ten-desk p95, issue 23): a printing thread is
free again as soon as its printer has accepted the badge (following the job to the end runs
on the follower lane), and no database lock is held while a badge renders or is sent."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from summit.extensions import db
from summit.models import Badge, BadgeSize, PrintJob, PrintStatus
from summit.services.desk import ipp, printers as desk_printers, printing
from tests.support import factories
from tests.support.desk import finished

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.app_config(JOB_THREADS_PRINT=1)
def test_one_printing_thread_sends_the_next_badge_while_the_first_comes_out(
        event, organiser, desk_staff, guest, ipp_printers):
    slow = desk_printers.save_pool(organiser, event, name="Slow desk")
    desk_printers.add_printer(organiser, slow, name="Slow printer",
                              uri=ipp_printers["slow"].uri, paper=BadgeSize.A6)
    desk_b = desk_printers.save_pool(organiser, event, name="Desk B")
    desk_printers.add_printer(organiser, desk_b, name="B printer", uri=ipp_printers["b"].uri,
                              paper=BadgeSize.A6)
    other = factories.make_registration(event, "李娜", approve_as=organiser)
    first = printing.send(desk_staff, guest, slow)
    second = printing.send(desk_staff, other, desk_b)
    first, second = finished(first), finished(second)
    assert first.status is PrintStatus.DONE and second.status is PrintStatus.DONE
    # The one thread did not wait the 2 s for the first badge to come out before sending
    # the second.
    assert second.accepted_at < first.finished_at
    assert db.session.get(Badge, first.badge_id).printed_current
    assert db.session.get(Badge, second.badge_id).printed_current


def test_the_database_is_free_for_other_desks_while_a_badge_is_sent(
        event, desk_staff, desk_a, guest, monkeypatch):
    """While the printer is being sent the badge, another connection can update the job's own
    row at once (SQLite: the one write lock; PostgreSQL: the row's lock)."""
    engine = db.engine
    seen: list[str] = []
    real_print_job = ipp.print_job

    def sending(uri, document, job_name, **options):
        job_id = int(db.session.scalar(db.select(PrintJob.id).order_by(PrintJob.id.desc())))
        with engine.connect() as other:
            if engine.dialect.name == "sqlite":
                other.exec_driver_sql("PRAGMA busy_timeout = 100")
            else:
                other.exec_driver_sql("SET lock_timeout = '100ms'")
            try:
                other.execute(db.update(PrintJob).where(PrintJob.id == job_id)
                              .values(error=PrintJob.error))
                other.commit()
                seen.append("free")
            except OperationalError as error:
                seen.append(f"locked: {error.orig}")
        return real_print_job(uri, document, job_name, **options)

    monkeypatch.setattr(ipp, "print_job", sending)
    job = finished(printing.send(desk_staff, guest, desk_a))
    assert seen == ["free"]
    assert job.status is PrintStatus.DONE and job.printer.name == "A6 printer"
