"""Background jobs: on RQ workers when ``REDIS_URL`` is set, otherwise on threads of the app's
own process. Either way a job is a name and plain arguments, run inside an app context.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from typing import Any

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker

from summit import create_app
from summit.extensions import db

log = logging.getLogger(__name__)

QUEUE = "summit"
# Job name -> "module:function". Functions take plain arguments (ids), never objects.
JOBS = {
    "badge_batch": "summit.services.badges.batches:run",
}


def _function(name: str):
    module, _, attribute = JOBS[name].partition(":")
    return getattr(import_module(module), attribute)


def redis_connection(url: str):
    return Redis.from_url(url)


def queue(app: Flask):
    """The app's queue, on one Redis connection pool kept for the life of the app."""
    found = app.extensions.get("summit_queue")
    if found is None:
        found = app.extensions["summit_queue"] = Queue(
            QUEUE, connection=redis_connection(app.config["REDIS_URL"]))
    return found


def _executor(app: Flask) -> ThreadPoolExecutor:
    executor = app.extensions.get("summit_jobs")
    if executor is None:
        executor = ThreadPoolExecutor(max_workers=app.config.get("JOB_THREADS", 1),
                                      thread_name_prefix="summit-job")
        app.extensions["summit_jobs"] = executor
    return executor


def enqueue(name: str, *args: Any) -> None:
    """Run job ``name`` in the background. Commit what it needs to read first."""
    if name not in JOBS:
        raise KeyError(name)
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        queue(app).enqueue(perform, name, *args, job_timeout=3600, result_ttl=3600,
                           failure_ttl=86400)
    else:
        _executor(app).submit(_run_in_app, app, name, args)


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
    """Serve the queue until stopped (or until it is empty, with ``burst``)."""
    jobs_queue = queue(app)
    worker = SimpleWorker([jobs_queue], connection=jobs_queue.connection)
    worker.work(burst=burst, logging_level="WARNING")


def wait_idle(app: Flask, timeout: float = 60) -> None:
    """Tests and benchmarks: wait until in-process jobs queued so far have finished.

    Exact with one job thread (the default): jobs run in order, so a marker job queued now
    runs after all of them."""
    executor = app.extensions.get("summit_jobs")
    if executor is not None:
        executor.submit(lambda: None).result(timeout=timeout)
