"""Printing many badges at once: choose them, render them in the background, hand out the PDF.

A job remembers the badges it chose, so running it again prints the same people; badges are
marked printed once per job, in the same transaction that marks the job done. A job whose
runner was killed is failed by the next process to start (``recover``) and may run again.
"""
from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    BadgeJob,
    BadgeSelection,
    BadgeSize,
    Delegation,
    JobStatus,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.badges import design as badge_design, issuing as badges, render as badge_render
from summit.services.core import audit, jobs, metrics, uploads
from summit.services.core.errors import Conflict, NotFound, ValidationFailed

log = logging.getLogger(__name__)
UPLOAD_KIND = "badge-batches"
SELECTION_LABELS = {
    BadgeSelection.ALL_APPROVED: _l("Everyone approved"),
    BadgeSelection.CATEGORY: _l("One category"),
    BadgeSelection.DELEGATION: _l("One delegation"),
    BadgeSelection.NOT_PRINTED: _l("Not printed yet"),
}
SIZE_LABELS = {
    BadgeSize.A6: _l("A6 (105 × 148 mm), one per page"),
    BadgeSize.CR80: _l("Card CR80 (85.6 × 54 mm)"),
    BadgeSize.A4_SHEET: _l("A4 sheets, four A6 badges with cut marks"),
}
STATUS_LABELS = {
    JobStatus.QUEUED: _l("Waiting"),
    JobStatus.RUNNING: _l("Printing"),
    JobStatus.DONE: _l("Ready"),
    JobStatus.FAILED: _l("Failed"),
}
# Reasons for a failure that are ours to word, kept as a code and shown in the reader's
# language.
INTERRUPTED = "interrupted"
FAILURE_LABELS = {
    INTERRUPTED: _l("The server stopped while this batch was waiting or printing. "
                    "Run it again."),
}
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
# A job still "running" after this long, on a runner this process cannot check (another
# machine), lost it: it may be run again. A runner of this machine is checked at once.
STALE_AFTER_SECONDS = 1800


def _approved(summit: Summit):
    return select(Registration).where(Registration.summit_id == summit.id,
                                      Registration.status == RegistrationStatus.APPROVED)


def choose(summit: Summit, selection: BadgeSelection, category: AttendeeCategory | None = None,
           delegation: Delegation | None = None) -> list[Registration]:
    query = _approved(summit)
    if selection is BadgeSelection.CATEGORY:
        if category is None or category.summit_id != summit.id:
            raise ValidationFailed(_l("Choose a category."), "category")
        query = query.where(Registration.category_id == category.id)
    elif selection is BadgeSelection.DELEGATION:
        if delegation is None or delegation.summit_id != summit.id:
            raise ValidationFailed(_l("Choose a delegation."), "delegation")
        query = query.where(Registration.delegation_id == delegation.id)
    elif selection is BadgeSelection.NOT_PRINTED:
        query = query.outerjoin(Badge, Badge.registration_id == Registration.id).where(or_(
            Badge.id.is_(None), Badge.printed_at.is_(None),
            Badge.printed_version != Badge.version))
    return list(db.session.scalars(query.order_by(Registration.sort_key, Registration.id)))


def start(actor: User, summit: Summit, selection: BadgeSelection, size: BadgeSize, *,
          category: AttendeeCategory | None = None, delegation: Delegation | None = None,
          now: datetime | None = None) -> BadgeJob:
    require(actor, Permission.BADGES_MANAGE, summit)
    people = choose(summit, selection, category, delegation)
    if not people:
        raise Conflict(_l("Nothing to print: no approved registration matches this choice."),
                       "selection")
    existing = {b.registration_id: b for b in db.session.scalars(
        select(Badge).where(Badge.registration_id.in_([p.id for p in people])))}
    chosen = []
    for person in people:
        badge = existing.get(person.id)
        if badge is not None and badge.revoked:
            continue  # a revoked badge is not printed; restore it first
        if badge is None:
            badge = Badge(summit=summit, registration=person, ref=badges.new_ref())
            db.session.add(badge)
        chosen.append(badge)
    if not chosen:
        raise Conflict(_l("Nothing to print: every matching badge is revoked."), "selection")
    db.session.flush()
    job = BadgeJob(key=secrets.token_urlsafe(12), summit=summit, created_by=actor,
                   selection=selection, size=size,
                   category=category if selection is BadgeSelection.CATEGORY else None,
                   delegation=delegation if selection is BadgeSelection.DELEGATION else None,
                   badge_ids=[b.id for b in chosen], total=len(chosen),
                   created_at=now or utcnow(), runner=jobs.new_ticket())
    db.session.add(job)
    audit.record(actor, "badge_batch.start", job, summit=summit, now=now,
                 after={"selection": selection.value, "size": size.value, "total": len(chosen)})
    db.session.commit()
    jobs.enqueue("badge_batch", job.id, ticket=job.runner)
    return job


def may_run_again(job: BadgeJob, now: datetime | None = None) -> bool:
    if job.status is JobStatus.FAILED:
        return True
    if job.status not in UNFINISHED:
        return False
    if jobs.runner_gone(job.runner):
        return True
    if job.status is JobStatus.RUNNING and job.started_at is not None:
        return ((now or utcnow()) - job.started_at).total_seconds() > STALE_AFTER_SECONDS
    return False


def run_again(actor: User, job: BadgeJob, now: datetime | None = None) -> BadgeJob:
    require(actor, Permission.BADGES_MANAGE, job.summit)
    if not may_run_again(job, now):
        raise Conflict(_l("Only a failed or stalled batch can be run again."), "status")
    job.status = JobStatus.QUEUED
    job.started_at = None
    job.error = ""
    job.failure = ""
    job.done = 0
    job.runner = jobs.new_ticket()
    audit.record(actor, "badge_batch.retry", job, summit=job.summit, now=now)
    db.session.commit()
    jobs.enqueue("badge_batch", job.id, ticket=job.runner)
    return job


def recover(now: datetime | None = None) -> list[int]:
    """Fail the unfinished batches whose runner is gone (killed, crashed, its Redis emptied),
    so they show why and may run again: the ids. Called as a process starts."""
    failed = []
    for job in db.session.scalars(select(BadgeJob).where(BadgeJob.status.in_(UNFINISHED))
                                   .order_by(BadgeJob.id)):
        if not jobs.runner_gone(job.runner):
            continue
        before = {"status": job.status.value, "runner": job.runner}
        # Only if nothing moved meanwhile (another process recovering, a worker taking it).
        changed = db.session.execute(
            update(BadgeJob).where(BadgeJob.id == job.id, BadgeJob.runner == job.runner,
                                   BadgeJob.status == job.status)
            .values(status=JobStatus.FAILED, failure=INTERRUPTED, error="",
                    finished_at=now or utcnow())
            .execution_options(synchronize_session=False)).rowcount
        if changed:
            audit.record(None, "badge_batch.interrupted", job, summit=job.summit, now=now,
                         before=before, after={"status": JobStatus.FAILED.value})
            failed.append(job.id)
    db.session.commit()
    return failed


def _set_progress(job_id: int, done: int) -> None:
    db.session.execute(update(BadgeJob).where(BadgeJob.id == job_id).values(done=done))
    db.session.commit()


def _fail(job_id: int, message: str) -> None:
    metrics.JOBS_FAILED.labels("badge_batch").inc()
    db.session.rollback()
    db.session.execute(update(BadgeJob).where(BadgeJob.id == job_id).values(
        status=JobStatus.FAILED, error=message[:500], finished_at=utcnow()))
    db.session.commit()


def run(job_id: int) -> None:
    """The background part: render every chosen badge into one PDF, then mark them printed."""
    job = db.session.get(BadgeJob, job_id)
    if job is None or job.status is JobStatus.DONE:
        return  # deleted, or a duplicate delivery of a finished job: nothing to do twice
    job.status = JobStatus.RUNNING
    job.started_at = utcnow()
    job.done = 0
    job.failure = ""
    job.runner = jobs.this_process()
    db.session.commit()
    clock = Phases()
    try:
        chosen = list(db.session.scalars(
            select(Badge).where(Badge.id.in_(job.badge_ids)).options(
                selectinload(Badge.registration).selectinload(Registration.category)
                .selectinload(AttendeeCategory.zones))))
        order = {badge_id: index for index, badge_id in enumerate(job.badge_ids)}
        chosen.sort(key=lambda b: order[b.id])
        printable = [b for b in chosen if b.registration is not None and not b.revoked
                     and b.registration.status == RegistrationStatus.APPROVED]
        if not printable:
            _fail(job_id, str(_l("Nothing to print: none of the chosen registrations is "
                                 "approved any more.")))
            return
        templates = {c.id: badges.template_of(c) for c in job.summit.categories}
        faces = [badges.face_of(b, templates[b.registration.category_id]) for b in printable]
        designs = badges.designs_of(job.summit)
        versions = {b.id: b.version for b in printable}
        db.session.commit()  # end the read transaction before the long render
        clock.lap("data")
        pdf = badge_render.render_batch(
            faces, designs, job.size,
            processes=current_app.config.get("BADGE_RENDER_PROCESSES"),
            chunk_size=current_app.config.get("BADGE_CHUNK_SIZE", 50),
            progress=lambda done: _set_progress(job_id, done), phases=clock)
    except badge_design.DesignError as error:
        _fail(job_id, badges.design_error_message(error))
        return
    except Exception as error:
        log.exception("Badge batch %s failed", job_id)
        _fail(job_id, str(_l("Printing failed: %(reason)s", reason=f"{type(error).__name__}: "
                                                                     f"{error}")))
        return
    token = uploads.store_for_commit(UPLOAD_KIND, pdf, {"job": job_id})
    _finish(job_id, token, len(pdf), versions)
    clock.lap("finish")
    log.info("Badge batch %s: %d badges; %s", job_id, len(faces), clock)


class Phases:
    """Wall and CPU time (of the thread running the job) of a batch's phases, for the log
    and bench/badges.py: where the time goes when more render processes do not make a batch
    faster, measured in a way a busy machine does not distort (CPU)."""

    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.last_cpu = time.thread_time()
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now, now_cpu = time.perf_counter(), time.thread_time()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.cpu[name] = self.cpu.get(name, 0.0) + now_cpu - self.last_cpu
        self.last, self.last_cpu = now, now_cpu

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s (CPU {self.cpu[name]:.2f} s)"
                         for name, seconds in self.seconds.items())


def _finish(job_id: int, token: str, size: int, versions: dict[int, int]) -> None:
    now = utcnow()
    # Claim the marking: only one run of a job ever marks its badges printed.
    claimed = db.session.execute(
        update(BadgeJob).where(BadgeJob.id == job_id, BadgeJob.marked_printed.is_(False))
        .values(marked_printed=True)).rowcount == 1
    job = db.session.get(BadgeJob, job_id)
    old_token = job.file_token
    job.status = JobStatus.DONE
    job.done = job.total
    job.file_token = token
    job.file_size = size
    job.finished_at = now
    marked = []
    if claimed:
        for badge in db.session.scalars(select(Badge).where(Badge.id.in_(list(versions)))):
            if badge.version == versions[badge.id]:  # not reissued while printing
                badge.printed_at = now
                badge.printed_version = badge.version
                marked.append(badge.id)
        audit.record(None, "badge_batch.printed", job, summit=job.summit, now=now,
                     after={"badges": marked})
    db.session.commit()
    if old_token and old_token != token:
        uploads.discard(UPLOAD_KIND, old_token)


def get(summit: Summit, key: str) -> BadgeJob:
    job = db.session.scalar(select(BadgeJob).where(BadgeJob.key == key,
                                                   BadgeJob.summit_id == summit.id))
    if job is None:
        raise NotFound(_l("No such print batch."))
    return job


def recent(summit: Summit, limit: int = 20) -> list[BadgeJob]:
    return list(db.session.scalars(select(BadgeJob).where(BadgeJob.summit_id == summit.id)
                                   .order_by(BadgeJob.id.desc()).limit(limit)))


def pdf_of(actor: User, job: BadgeJob) -> bytes:
    require(actor, Permission.BADGES_MANAGE, job.summit)
    if job.status is not JobStatus.DONE or not job.file_token:
        raise Conflict(_l("This batch has no PDF yet."), "status")
    data, _meta = uploads.load(UPLOAD_KIND, job.file_token)
    return data


def _attached(tokens: list[str]) -> set[str]:
    return set(db.session.scalars(select(BadgeJob.file_token).where(
        BadgeJob.file_token.in_(tokens))))


def purge_unattached() -> int:
    """Delete batch PDFs no job names (left by a crash between the file and the job)."""
    return uploads.purge(UPLOAD_KIND, _attached)


def counts(summit: Summit) -> dict[str, int]:
    approved = db.session.scalar(select(db.func.count()).select_from(
        _approved(summit).subquery())) or 0
    printed = db.session.scalar(
        select(db.func.count(Badge.id)).join(Registration, Badge.registration_id == Registration.id)
        .where(Badge.summit_id == summit.id, Registration.status == RegistrationStatus.APPROVED,
               Badge.printed_at.is_not(None), Badge.printed_version == Badge.version)) or 0
    revoked = db.session.scalar(select(db.func.count(Badge.id)).where(
        Badge.summit_id == summit.id, Badge.revoked_at.is_not(None))) or 0
    return {"approved": approved, "printed": printed, "not_printed": approved - printed,
            "revoked": revoked}


def failure_text(job: BadgeJob) -> str:
    """Why the batch failed, for its page ("" while it has not)."""
    label = FAILURE_LABELS.get(job.failure)
    return str(label) if label is not None else job.error


def status_json(job: BadgeJob) -> dict:
    return {"status": job.status.value, "label": str(STATUS_LABELS[job.status]),
            "done": job.done, "total": job.total, "percent": job.percent,
            "error": failure_text(job)}
