"""Background jobs on a real Redis: a badge batch is enqueued on RQ's "summit" queue and run by
an RQ worker (in the test's process, as `flask jobs worker --burst` would). A second delivery of
a finished job marks nothing twice; a broken template fails the batch with a message; a batch
whose worker was killed fails when a worker starts again, and runs again; the CLI worker
refuses to start without Redis."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from rq import Queue
from rq.job import Job, JobStatus as RQStatus
from rq.registry import FailedJobRegistry

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Badge,
    BadgeJob,
    BadgeSelection,
    BadgeSize,
    BadgeTemplate,
    JobStatus,
    RegistrationStatus,
    Summit,
    User,
)
from summit.services.badges import batches as badge_batches
from summit.services.core import jobs
from summit.services.core.errors import Conflict
from summit.services.registration import submission as registrations
from summit.services.registration.submission import RegistrationDetails
from tests.support.badges import stored_jobs, wait_for_jobs

NAMES = [("赵波", ""), ("趙雪梅", ""), ("泽仁拉姆", "ཚེ་རིང་ལྷ་མོ")]
PROJECT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"


@pytest.fixture(autouse=True)
def signal_handlers() -> Iterator[None]:
    """An RQ worker takes over SIGINT and SIGTERM; give them back to pytest afterwards."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def rq_queue(app) -> Queue:
    return jobs.queue(app)


# --- data ---------------------------------------------------------------------------------

@pytest.fixture
def approved_delegates(event, organiser) -> list[int]:
    """Three approved delegates (simplified, traditional, Tibetan) and one pending: ids."""
    ids = []
    for number, (name, native) in enumerate(NAMES + [("钱波", "")], start=1):
        details = RegistrationDetails(name=name, name_native=native, category="delegate",
                                      email=f"person{number}@example.com",
                                      organisation_name="甘孜州商务局", position="科长",
                                      locale="en")
        registration = registrations.register_delegate(event, details, actor=organiser,
                                                       notify=False)
        if name != "钱波":
            registration.status = RegistrationStatus.APPROVED
        db.session.commit()
        ids.append(registration.id)
    return ids[:3]


def start_batch(event: Summit, organiser: User, size: BadgeSize = BadgeSize.A6) -> int:
    job = badge_batches.start(organiser, event, BadgeSelection.ALL_APPROVED, size)
    return job.id


def stored_job(job_id: int) -> BadgeJob:
    """Read back what the worker committed (its session was removed at the end of the job)."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(BadgeJob, job_id)


def badges_of(registration_ids: list[int]) -> list[Badge]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Badge).where(
        Badge.registration_id.in_(registration_ids)).order_by(Badge.registration_id)))


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# --- a batch on Redis ---------------------------------------------------------------------

@pytest.mark.redis
def test_a_batch_is_queued_on_redis_and_printed_by_the_worker(
        app, event, organiser, approved_delegates):
    organiser_id = organiser.id

    job_id = start_batch(event, organiser)

    queue = rq_queue(app)
    assert queue.count == 1
    [queued] = queue.get_jobs()
    assert queued.func_name == "summit.services.core.jobs.perform"
    assert queued.args == ("badge_batch", job_id)
    # Nothing runs until a worker takes it: no thread of the app prints it meanwhile.
    assert "summit_jobs" not in app.extensions
    job = stored_job(job_id)
    assert (job.status, job.done, job.total) == (JobStatus.QUEUED, 0, 3)
    assert all(b.printed_at is None for b in badges_of(approved_delegates))

    jobs.work(app, burst=True)

    assert queue.count == 0
    assert Job.fetch(queued.id, connection=queue.connection).get_status() == RQStatus.FINISHED
    job = stored_job(job_id)
    assert job.status is JobStatus.DONE, job.error
    assert (job.done, job.total, job.error) == (3, 3, "")
    assert job.marked_printed
    pdf = badge_batches.pdf_of(db.session.get(User, organiser_id), job)
    assert pdf.startswith(b"%PDF")
    assert job.file_size == len(pdf)
    assert page_count(pdf) == 3
    printed = badges_of(approved_delegates)
    assert sorted(b.id for b in printed) == sorted(job.badge_ids)
    for badge in printed:
        assert badge.printed_at == job.finished_at
        assert badge.printed_version == badge.version
    [entry] = audit("badge_batch.printed")
    assert sorted(entry.after["badges"]) == sorted(job.badge_ids)


@pytest.mark.redis
def test_a_job_queued_under_its_old_path_still_runs(app, event, organiser, approved_delegates):
    """Jobs queued before the services were grouped by area name the entry point
    ``summit.services.jobs.perform``: a worker of the new code still runs them."""
    job_id = start_batch(event, organiser)
    queue = rq_queue(app)
    [queued] = queue.get_jobs()
    queued.delete()
    legacy = queue.enqueue("summit.services.jobs.perform", "badge_batch", job_id)
    assert legacy.func_name == "summit.services.jobs.perform"

    jobs.work(app, burst=True)

    assert Job.fetch(legacy.id, connection=queue.connection).get_status() == RQStatus.FINISHED
    job = stored_job(job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 3, 3), job.error


@pytest.mark.redis
def test_a_job_delivered_twice_marks_nothing_twice(app, event, organiser, approved_delegates):
    job_id = start_batch(event, organiser)
    jobs.work(app, burst=True)
    first = stored_job(job_id)
    assert first.status is JobStatus.DONE, first.error
    file_token, finished_at = first.file_token, first.finished_at
    printed_at = {b.id: b.printed_at for b in badges_of(approved_delegates)}
    assert all(printed_at.values())

    # RQ delivers at least once: the same job again, as a lost acknowledgement would.
    queue = rq_queue(app)
    again = queue.enqueue(jobs.perform, "badge_batch", job_id)
    assert queue.count == 1
    jobs.work(app, burst=True)

    assert queue.count == 0
    assert again.get_status(refresh=True) == RQStatus.FINISHED
    job = stored_job(job_id)
    assert (job.status, job.file_token, job.finished_at) == (JobStatus.DONE, file_token,
                                                            finished_at)
    assert {b.id: b.printed_at for b in badges_of(approved_delegates)} == printed_at
    assert len(audit("badge_batch.printed")) == 1


@pytest.mark.redis
def test_a_broken_template_fails_the_batch_with_a_message(
        app, event, organiser, approved_delegates):
    organiser_id = organiser.id
    delegate = next(c for c in event.categories if c.code == "delegate")
    # A template no organiser could save: written straight to the database.
    db.session.add(BadgeTemplate(category=delegate, band_colour="", text_colour="#ffffff",
                                 title_zh="", title_en="", footer="", html="{{ b.nosuch }}",
                                 css=""))
    db.session.commit()
    job_id = start_batch(event, organiser)
    [queued] = rq_queue(app).get_jobs()

    jobs.work(app, burst=True)

    job = stored_job(job_id)
    assert job.status is JobStatus.FAILED
    assert job.error.endswith("UndefinedError: 'dict object' has no attribute 'nosuch'")
    assert job.finished_at is not None
    assert not job.marked_printed and job.file_token == ""
    assert badge_batches.status_json(job)["status"] == "failed"
    assert badge_batches.may_run_again(job)
    assert all(b.printed_at is None for b in badges_of(approved_delegates))
    assert audit("badge_batch.printed") == []
    # The batch recorded its own failure: for RQ the job ran to its end.
    queue = rq_queue(app)
    assert Job.fetch(queued.id, connection=queue.connection).get_status() == RQStatus.FINISHED
    assert FailedJobRegistry(queue=queue).count == 0
    with pytest.raises(Conflict):
        badge_batches.pdf_of(db.session.get(User, organiser_id), job)


# --- runners that are gone -------------------------------------------------------------------

def worker_environment(app, app_config) -> dict[str, str]:
    """`flask jobs worker` configured by the environment, as an operator runs it, on the test's
    database, Redis and instance folder (where the summit's signing key is)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SUMMIT_", "FLASK_"))}
    env.update(FLASK_APP="summit", SUMMIT_SECRET_KEY="worker-secret",
               SUMMIT_DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
               SUMMIT_REDIS_URL=app_config["REDIS_URL"], SUMMIT_INSTANCE_PATH=app.instance_path,
               SUMMIT_FONT_CACHE_DIR=app_config["FONT_CACHE_DIR"],
               SUMMIT_BADGE_RENDER_PROCESSES="1")
    return env


# Processes and their identity, not SQL: SQLite only (the recovery's queries run on both
# databases in the tests above).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.redis
def test_a_batch_whose_worker_was_killed_fails_when_a_worker_starts_and_runs_again(
        app, app_config, event, organiser, sixty_approved, tmp_path, english):
    organiser_id = organiser.id
    job_id = start_batch(event, organiser)
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen([str(FLASK), "jobs", "worker"], cwd=PROJECT, stdout=log,
                              stderr=log, env=worker_environment(app, app_config))
    try:
        [job] = wait_for_jobs(lambda found: found[0].status is JobStatus.RUNNING
                              or worker.poll() is not None)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        log.close()
    assert job.status is JobStatus.RUNNING, (tmp_path / "worker.log").read_text()
    assert job.runner.split(":")[-2] == str(worker.pid)
    assert job.done < job.total == 60

    # A worker starts (here, in the test's process): the batch is failed, with the reason.
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])

    assert result.exit_code == 0, (result.output, result.exception)
    [job] = stored_jobs()
    assert (job.status, job.failure) == (JobStatus.FAILED, "interrupted")
    assert badge_batches.status_json(job)["error"] == (
        "The server stopped while this batch was waiting or printing. Run it again.")
    assert badge_batches.may_run_again(job)
    [entry] = audit("badge_batch.interrupted")
    assert entry.object_id == str(job_id)

    badge_batches.run_again(db.session.get(User, organiser_id), job)
    jobs.work(app, burst=True)

    job = stored_job(job_id)
    assert job.status is JobStatus.DONE, job.error
    assert (job.done, job.failure, job.error) == (60, "", "")


@pytest.mark.redis
def test_a_batch_queued_on_redis_outlives_the_server_that_queued_it(
        app, event, organiser, approved_delegates):
    job_id = start_batch(event, organiser)
    [queued] = rq_queue(app).get_jobs()
    assert stored_job(job_id).runner == f"rq:{queued.id}"

    jobs.recover(app)  # what a new server or worker does first

    job = stored_job(job_id)
    assert job.status is JobStatus.QUEUED  # a worker will take it from Redis
    assert not badge_batches.may_run_again(job)

    rq_queue(app).connection.flushdb()  # Redis lost what it held

    assert badge_batches.may_run_again(stored_job(job_id))
    jobs.recover(app)
    job = stored_job(job_id)
    assert (job.status, job.failure) == (JobStatus.FAILED, "interrupted")


# --- the command --------------------------------------------------------------------------

@pytest.mark.redis
def test_flask_jobs_worker_burst_runs_the_queue_and_stops(
        app, event, organiser, approved_delegates):
    job_id = start_batch(event, organiser, BadgeSize.A4_SHEET)
    assert rq_queue(app).count == 1

    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])

    assert result.exit_code == 0, (result.output, result.exception)
    assert rq_queue(app).count == 0
    job = stored_job(job_id)
    assert job.status is JobStatus.DONE, job.error
    assert job.done == job.total == 3
    assert all(b.printed_at == job.finished_at for b in badges_of(approved_delegates))


def test_flask_jobs_worker_without_redis_is_a_clear_error(app, runner):
    assert not app.config.get("REDIS_URL")

    result = runner.invoke(args=["jobs", "worker", "--burst"])

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Error: Set SUMMIT_REDIS_URL: without it, jobs run inside the app." in result.output
