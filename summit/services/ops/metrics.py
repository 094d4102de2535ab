"""/metrics in Prometheus' text format, for the configured addresses or the bearer token only.

The instruments are in services/core/metrics.py. Under gunicorn, each worker counts into
files under PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py clears the folder at start and
marks ended workers) and any worker serves the sum. Background jobs by status are counted
from the database when scraped, so every node gives the same figures.
"""
from __future__ import annotations

import hmac
import ipaddress
import os

from flask import current_app
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from summit.extensions import db
from summit.models import BadgeJob

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def may_read(remote_addr: str | None, authorization: str | None) -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if token and authorization and authorization.startswith("Bearer ") and \
            hmac.compare_digest(authorization[7:].strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    for allowed in current_app.config.get("METRICS_ALLOWED") or ():
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


class JobsByStatus:
    """Badge batch jobs by status, from the database at each scrape."""

    def collect(self):
        family = GaugeMetricFamily("summit_jobs", "Background jobs by status.",
                                   labels=["status"])
        rows = db.session.execute(select(BadgeJob.status, func.count())
                                  .group_by(BadgeJob.status)).all()
        counts = {status.value: count for status, count in rows}
        for status in ("queued", "running", "done", "failed"):
            family.add_metric([status], counts.get(status, 0))
        yield family


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    jobs = CollectorRegistry()
    jobs.register(JobsByStatus())
    return generate_latest(registry) + generate_latest(jobs)
