"""gunicorn's settings for one Summit app server (used by deploy/systemd/summit.service and
by tests/ops/test_two_nodes.py):

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py

SUMMIT_BIND (default 127.0.0.1:8000; the address nginx's upstream names), SUMMIT_WORKERS
(default 2 per core) and SUMMIT_THREADS (default 8) adjust it. Prometheus counts in
multiprocess mode: each worker writes its figures to files under PROMETHEUS_MULTIPROC_DIR,
emptied when gunicorn starts, and a worker that ends is marked dead (its live gauges
dropped); /metrics on any worker serves the sum.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

wsgi_app = "summit:create_app()"
bind = [os.environ.get("SUMMIT_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = int(os.environ.get("SUMMIT_WORKERS") or 2 * (os.cpu_count() or 1))
threads = int(os.environ.get("SUMMIT_THREADS") or 8)
# A listening socket per worker: the kernel spreads kept-alive connections (README.md).
reuse_port = True
# Longer than nginx's upstream keepalive_timeout (60 s): nginx never sends a request on a
# connection gunicorn has just closed.
keepalive = 75
graceful_timeout = 30
# The app logs each request itself (one JSON line with its request id, SUMMIT_LOG_JSON).
accesslog = None
errorlog = "-"

# Set here, before any worker imports prometheus_client (which reads it at import).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(
    Path(tempfile.gettempdir()) / f"summit-metrics-{bind[0].replace(':', '-')}"))


def on_starting(server) -> None:
    """A fresh folder of counts: the figures of a previous run's workers are not ours."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if folder.is_dir():
        shutil.rmtree(folder)
    folder.mkdir(mode=0o700, parents=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess  # in the master only when a worker ends

    multiprocess.mark_process_dead(worker.pid)
