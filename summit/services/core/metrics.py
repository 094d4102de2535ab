"""The app's Prometheus instruments, counted where things happen (any area may count; the
``ops`` area serves them at /metrics). Counting is a few microseconds: an increment of a
value in memory, or, under gunicorn with PROMETHEUS_MULTIPROC_DIR set, of a memory-mapped
file per process that /metrics sums."""
from __future__ import annotations

from prometheus_client import Counter, Histogram

REQUEST_SECONDS = Histogram(
    "summit_request_seconds", "Time to answer a request, by endpoint.", ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
SCANS = Counter("summit_scans_total", "Badge scans recorded, by result and gate.",
                ["result", "gate"])
JOBS_QUEUED = Counter("summit_jobs_queued_total", "Background jobs queued, by job.", ["job"])
JOBS_FAILED = Counter("summit_jobs_failed_total", "Background jobs that failed, by job.",
                      ["job"])
EMAILS_FAILED = Counter("summit_emails_failed_total", "Emails the mail server did not take.")


def count_scan(result: str, gate: str) -> None:
    SCANS.labels(result, gate[:40]).inc()

# Where a request's endpoint is noted in the WSGI environ (by Flask, or the check-in fast
# path that answers before Flask), for REQUEST_SECONDS.
ENDPOINT_KEY = "summit.endpoint"
