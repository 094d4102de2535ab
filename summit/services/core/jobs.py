"""Background jobs: on RQ workers when ``REDIS_URL`` is set, otherwise on threads of the app's
own process. Either way a job is a name and plain arguments, run inside an app context.

Each job's row names its *runner*: the process running it (``proc:<machine>:<pid>:<start>``),
or, while it waits on Redis, its RQ job (``rq:<id>``). A process killed with ``-9`` cannot
say that its jobs stopped, so every new server (at its first request) and every worker (as
it starts) looks for unfinished jobs whose runner is gone and has them failed with a reason
(``recover``); they can then be run again at once.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus as RQStatus

from summit import create_app
from summit.extensions import db
from summit.services.core import metrics

log = logging.getLogger(__name__)

QUEUE = "summit"
# Job name -> "module:function". Functions take plain arguments (ids), never objects.
JOBS = {
    "badge_batch": "summit.services.badges.batches:run",
    "desk_print": "summit.services.desk.printing:run",
    "desk_follow": "summit.services.desk.printing:follow_job",
    "table_cards": "summit.services.protocol.cards:run",
}
# Jobs that run on threads of their own (``JOB_THREADS_<LANE>``, default 4) so that a long
# batch does not hold up a badge a desk is waiting for; following a sent badge until it comes
# out has a lane of its own, so it never holds up the next badge's sending. In this order
# (``wait_idle``: a print enqueues its follow).
LANES = {"desk_print": "PRINT", "desk_follow": "FOLLOW"}
# Job name -> "module:function" failing that kind's unfinished jobs whose runner is gone.
RECOVERY = {
    "badge_batch": "summit.services.badges.batches:recover",
    "desk_print": "summit.services.desk.printing:recover",
    "table_cards": "summit.services.protocol.cards:recover",
}
RQ_PREFIX = "rq:"
PROCESS_PREFIX = "proc:"
RECOVERED = "summit_jobs_recovered"


def _function(name: str, table: dict[str, str] = JOBS):
    module, _, attribute = table[name].partition(":")
    return getattr(import_module(module), attribute)


# --- who runs a job ------------------------------------------------------------------------

@cache
def _machine() -> str:
    """This machine: its name and this boot of its kernel (pids start again at each boot)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        boot = ""
    return f"{socket.gethostname()}/{boot}"


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks since boot), "" where /proc cannot tell, and
    None when there is no such process or it has ended (a zombie waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return ""
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (command)", which may hold spaces
    return None if fields[0] in ("Z", "X") else fields[19]


@cache
def _process(pid: int) -> str:
    return f"{PROCESS_PREFIX}{_machine()}:{pid}:{_started(pid) or ''}"


def this_process() -> str:
    """The runner name of this process. With the start time, a pid used again later by
    another process does not pass for this one."""
    return _process(os.getpid())


def new_ticket(app: Flask | None = None) -> str:
    """The runner a job about to be queued gets: this process, or its RQ job on Redis. The
    caller stores it with the job and passes it to ``enqueue``."""
    app = app or current_app._get_current_object()
    return f"{RQ_PREFIX}{uuid.uuid4().hex}" if app.config.get("REDIS_URL") else this_process()


def runner_gone(runner: str, app: Flask | None = None) -> bool:
    """True when the job's runner surely cannot finish it: a process of this machine that has
    ended, or an RQ job Redis no longer holds or has finished with. A process on another
    machine cannot be checked from here: not gone (it is stalled only after a long time)."""
    if runner.startswith(RQ_PREFIX):
        app = app or current_app._get_current_object()
        if not app.config.get("REDIS_URL"):
            return False
        try:
            job = Job.fetch(runner[len(RQ_PREFIX):], connection=queue(app).connection)
        except NoSuchJobError:
            return True
        return job.get_status(refresh=False) in (RQStatus.FINISHED, RQStatus.FAILED,
                                                 RQStatus.STOPPED, RQStatus.CANCELED)
    if not runner.startswith(PROCESS_PREFIX):
        return False  # unknown (a job queued before runners were recorded)
    machine, pid, start = runner[len(PROCESS_PREFIX):].rsplit(":", 2)
    if machine != _machine() or not pid.isdigit():
        return False
    started = _started(int(pid))
    return started is None or (bool(start) and bool(started) and started != start)


def recover(app: Flask) -> None:
    """Fail every unfinished job whose runner is gone (each kind of job does its own)."""
    for name in RECOVERY:
        _function(name, RECOVERY)()


def register(app: Flask) -> None:
    """Recover at the first request each server process serves (the factory itself makes no
    queries). Workers recover as they start (``work``)."""
    @app.before_request
    def recover_once() -> None:
        if app.extensions.get(RECOVERED):
            return
        app.extensions[RECOVERED] = True
        try:
            recover(app)
        except Exception:  # never in the way of the request; the next process tries again
            db.session.rollback()
            log.exception("Could not look for background jobs left by stopped processes")


def redis_connection(url: str):
    return Redis.from_url(url)


def queue(app: Flask):
    """The app's queue, on one Redis connection pool kept for the life of the app."""
    found = app.extensions.get("summit_queue")
    if found is None:
        found = app.extensions["summit_queue"] = Queue(
            QUEUE, connection=redis_connection(app.config["REDIS_URL"]))
    return found


def _executor(app: Flask, lane: str = "") -> ThreadPoolExecutor:
    key = f"summit_jobs_{lane.lower()}" if lane else "summit_jobs"
    executor = app.extensions.get(key)
    if executor is None:
        threads = app.config.get(f"JOB_THREADS_{lane}", 4) if lane else \
            app.config.get("JOB_THREADS", 1)
        executor = ThreadPoolExecutor(max_workers=threads,
                                      thread_name_prefix=f"summit-job{lane.lower()}")
        app.extensions[key] = executor
    return executor


def enqueue(name: str, *args: Any, ticket: str | None = None) -> None:
    """Run job ``name`` in the background. Commit what it needs to read first, with the
    ``ticket`` from ``new_ticket`` stored as its runner."""
    if name not in JOBS:
        raise KeyError(name)
    metrics.JOBS_QUEUED.labels(name).inc()
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        job_id = ticket[len(RQ_PREFIX):] if ticket and ticket.startswith(RQ_PREFIX) else None
        queue(app).enqueue(perform, name, *args, job_timeout=3600, result_ttl=3600,
                           failure_ttl=86400, job_id=job_id)
    else:
        _executor(app, LANES.get(name, "")).submit(_run_in_app, app, name, args)


def _run_in_app(app: Flask, name: str, args: tuple) -> None:
    with app.app_context():
        try:
            _function(name)(*args)
        except Exception:  # the job records its own failure; this is for the log
            log.exception("Background job %s%r failed", name, args)
        finally:
            db.session.remove()


def perform(name: str, *args: Any) -> None:
    """Entry point on an RQ worker (``flask jobs worker``), which provides the app context."""
    if has_app_context():
        try:
            _function(name)(*args)
        finally:
            db.session.remove()
        return
    with create_app().app_context():
        try:
            _function(name)(*args)
        finally:
            db.session.remove()


def work(app: Flask, burst: bool = False) -> None:
    """Serve the queue until stopped (or until it is empty, with ``burst``), after failing the
    jobs that runners stopped by force left unfinished."""
    with app.app_context():
        recover(app)
        db.session.remove()
        jobs_queue = queue(app)
        worker = SimpleWorker([jobs_queue], connection=jobs_queue.connection)
        # Jobs run in this process and this context (``perform``): one app and one pool of
        # database connections for the worker's life, not a new app for every job.
        worker.work(burst=burst, logging_level="WARNING")


def wait_idle(app: Flask, timeout: float = 60) -> None:
    """Tests and benchmarks: wait until in-process jobs queued so far have finished.

    Exact with one job thread (the default): jobs run in order, so a marker job queued now
    runs after all of them."""
    executor = app.extensions.get("summit_jobs")
    if executor is not None:
        executor.submit(lambda: None).result(timeout=timeout)
    for lane in dict.fromkeys(LANES.values()):
        executor = app.extensions.get(f"summit_jobs_{lane.lower()}")
        if executor is not None:  # several threads: wait for each of them
            threads = executor._max_workers
            barrier = threading.Barrier(threads)
            for future in [executor.submit(barrier.wait, timeout) for _ in range(threads)]:
                future.result(timeout=timeout)
