"""Batches whose runner died (``kill -9``, a crash, a power cut): the next process to start
marks them failed with a reason and they can be run again; one whose runner lives is left
alone. The in-process case is a real server process killed in the middle of a batch; the RQ
case is in tests/core/test_jobs_redis.py."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from summit import create_app
from summit.database import utcnow
from summit.extensions import db
from summit.models import AuditEntry, BadgeJob, BadgeSelection, BadgeSize, JobStatus
from summit.services.badges import batches as badge_batches
from summit.services.core import jobs
from summit.services.core.errors import Conflict
from tests.support import factories
from tests.support.badges import stored_jobs, wait_for_jobs
from tests.support.pages import text
from tests.support.plugin import english_client_for

PROJECT = Path(__file__).resolve().parents[2]
INTERRUPTED = "The server stopped while this batch was waiting or printing. Run it again."

pytestmark = pytest.mark.usefixtures("english")


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def dead_process() -> str:
    """The runner name of a process that has ended (started, killed and reaped here)."""
    child = subprocess.Popen([sys.executable, "-c",
                              "from summit.services.core import jobs; "
                              "print(jobs.this_process(), flush=True); input()"],
                             cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
    name = child.stdout.readline().strip()
    child.kill()
    child.wait()
    child.stdout.close()
    child.stdin.close()
    return name


def left_by(runner: str, status: JobStatus, event, organiser) -> BadgeJob:
    job = badge_batches.start(organiser, event, BadgeSelection.ALL_APPROVED, BadgeSize.A6)
    job.status = status
    job.runner = runner
    job.started_at = utcnow() if status is JobStatus.RUNNING else None
    db.session.commit()
    return job


# --- who runs a job ----------------------------------------------------------------------------

def test_a_process_is_named_by_its_machine_pid_and_start_and_knows_it_lives(app):
    name = jobs.this_process()

    assert name.startswith("proc:") and f":{os.getpid()}:" in name
    assert jobs.this_process() == name
    assert not jobs.runner_gone(name)


def test_a_process_that_ended_is_gone(app):
    assert jobs.runner_gone(dead_process())


def test_a_reused_pid_is_not_the_process_that_ran_the_job(app):
    """The same pid with another start time is a new process: the job's runner is gone."""
    machine, pid, start = jobs.this_process().rsplit(":", 2)

    assert jobs.runner_gone(f"{machine}:{pid}:{int(start) - 1}")


def test_a_runner_on_another_machine_or_unknown_is_not_taken_for_gone(app):
    _machine, pid, start = jobs.this_process().rsplit(":", 2)

    assert not jobs.runner_gone(f"proc:elsewhere/0000:{pid}:{start}")
    assert not jobs.runner_gone("")


# --- may it run again -------------------------------------------------------------------------

@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_a_job_whose_runner_is_gone_may_run_again_at_once(event, organiser, sixty_approved,
                                                          held, status):
    job = left_by(dead_process(), status, event, organiser)

    assert badge_batches.may_run_again(job)
    badge_batches.run_again(organiser, job)

    assert job.status is JobStatus.QUEUED and job.runner == jobs.this_process()
    assert len(held) == 2


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_a_job_whose_runner_lives_may_not_run_again(event, organiser, sixty_approved, held,
                                                   status):
    job = left_by(jobs.this_process(), status, event, organiser)

    assert not badge_batches.may_run_again(job)
    with pytest.raises(Conflict):
        badge_batches.run_again(organiser, job)


def test_recovery_fails_only_the_jobs_whose_runner_is_gone(app, event, organiser,
                                                           sixty_approved, held):
    gone = dead_process()
    lost_running = left_by(gone, JobStatus.RUNNING, event, organiser)
    lost_queued = left_by(gone, JobStatus.QUEUED, event, organiser)
    alive = left_by(jobs.this_process(), JobStatus.RUNNING, event, organiser)
    elsewhere = left_by("proc:elsewhere/0000:12:34", JobStatus.RUNNING, event, organiser)

    jobs.recover(app)

    by_id = {job.id: job for job in stored_jobs()}
    for job in (lost_running, lost_queued):
        stored = by_id[job.id]
        assert stored.status is JobStatus.FAILED and stored.failure == "interrupted"
        assert stored.finished_at is not None
        assert badge_batches.failure_text(stored) == INTERRUPTED
        assert badge_batches.status_json(stored)["error"] == INTERRUPTED
        assert badge_batches.may_run_again(stored)
    assert by_id[alive.id].status is JobStatus.RUNNING
    assert by_id[elsewhere.id].status is JobStatus.RUNNING
    entries = audit("badge_batch.interrupted")
    assert [(e.object_id, e.actor_id) for e in entries] == [
        (str(lost_running.id), None), (str(lost_queued.id), None)]
    assert entries[0].before == {"status": "running", "runner": gone}

    jobs.recover(app)  # twice is once
    assert len(audit("badge_batch.interrupted")) == 2


def test_a_runner_on_another_machine_still_counts_as_stalled_after_half_an_hour(
        event, organiser, sixty_approved, held):
    job = left_by("proc:elsewhere/0000:12:34", JobStatus.RUNNING, event, organiser)

    assert not badge_batches.may_run_again(job)
    assert badge_batches.may_run_again(job, now=utcnow() + timedelta(hours=1))


# --- a real server killed in the middle of a batch -------------------------------------------

# Processes and their identity, not SQL: SQLite only (the recovery's queries run on both
# databases in the tests above).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_batches_of_a_killed_server_fail_with_a_reason_and_run_again(
        app_config, event, organiser, sixty_approved, tmp_path):
    config = dict(app_config, BADGE_CHUNK_SIZE=1, JOB_THREADS=1)
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.job_runner", json.dumps(config),
         str(organiser.id), str(event.id), "2"], cwd=PROJECT, stdout=log, stderr=log)
    try:
        # One batch printing (a badge or more done), the next one waiting behind it.
        printing, waiting = wait_for_jobs(
            lambda found: len(found) == 2 and found[0].done >= 1 or server.poll() is not None)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
        log.close()
    assert printing.status is JobStatus.RUNNING, (tmp_path / "server.log").read_text()
    assert 0 < printing.done < printing.total == 60
    assert waiting.status is JobStatus.QUEUED
    slug, keys = event.slug, (printing.key, waiting.key)

    again = create_app(config)  # the server starts again
    client = english_client_for(again)
    try:
        response = client.post("/auth/login", data={"email": organiser.email,
                                                      "password": factories.PASSWORD})
        assert response.status_code == 302
        for key in keys:
            page = text(client.get(f"/summits/{slug}/badges/batches/{key}"))
            assert "Failed" in page and INTERRUPTED in page and "Run again" in page
            status = client.get(f"/summits/{slug}/badges/batches/{key}/status").get_json()
            assert (status["status"], status["error"]) == ("failed", INTERRUPTED)

        response = client.post(f"/summits/{slug}/badges/batches/{keys[0]}/retry")
        assert response.status_code == 302
        jobs.wait_idle(again, timeout=300)
        status = client.get(f"/summits/{slug}/badges/batches/{keys[0]}/status").get_json()
        assert (status["status"], status["done"], status["error"]) == ("done", 60, "")
    finally:
        with again.app_context():
            for engine in db.engines.values():
                engine.dispose()

    printed, failed = stored_jobs()
    assert printed.status is JobStatus.DONE and printed.marked_printed
    assert failed.status is JobStatus.FAILED and failed.failure == "interrupted"
    assert [int(e.object_id) for e in audit("badge_batch.interrupted")] == [printed.id,
                                                                          failed.id]
