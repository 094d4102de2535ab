"""Printing one badge at a desk or a kiosk: the job is written at once, the background runner
(``core.jobs``, lane PRINT) picks the pool's first idle printer, renders the badge on that
printer's paper, sends it over IPP and follows it until the printer says it is done.

A badge is marked printed (desk, printer, time, version) only when the printer has completed
the job; a refused or unreachable printer fails the job with the printer's reason, and it can
be sent again to another printer. A printed badge is locked: it is printed again only with a
reason, by an organiser or once an organiser has unlocked it; a lost badge is reissued first,
so the lost print answers ``revoked`` at the gate.
"""
from __future__ import annotations

import logging
import os
import secrets
import time
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    Badge,
    Printer,
    PrinterPool,
    PrintJob,
    PrintReason,
    PrintStatus,
    Registration,
    User,
)
from summit.permissions import Permission, can, require
from summit.services.badges import issuing as badges
from summit.services.core import audit, audit_words, jobs
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.desk import find as desk_find, ipp

log = logging.getLogger(__name__)

STATUS_LABELS = {
    PrintStatus.QUEUED: _l("Waiting for a printer"),
    PrintStatus.PRINTING: _l("Printing"),
    PrintStatus.DONE: _l("Printed"),
    PrintStatus.FAILED: _l("Failed"),
}
REASON_LABELS = {
    PrintReason.FIRST: _l("First print"),
    PrintReason.LOST: _l("Lost (reissued: the old badge no longer opens gates)"),
    PrintReason.DAMAGED: _l("Damaged"),
    PrintReason.WRONG_DATA: _l("Wrong data"),
}
audit_words.name_enums(STATUS_LABELS, REASON_LABELS)
REPRINT_REASONS = (PrintReason.LOST, PrintReason.DAMAGED, PrintReason.WRONG_DATA)
UNFINISHED = (PrintStatus.QUEUED, PrintStatus.PRINTING)
POLL_SECONDS = 0.1
INTERRUPTED = "The server stopped while this badge was printing. Send it again."


def _state(job: PrintJob) -> dict:
    return {"status": job.status.value, "printer": job.printer.name if job.printer else "",
            "error": job.error}


def require_pool(summit_id: int, pool: PrinterPool | None) -> PrinterPool:
    if pool is None or pool.summit_id != summit_id:
        raise ValidationFailed(_l("Choose a desk of this summit."), "pool")
    return pool


def send(actor: User, registration: Registration, pool: PrinterPool | None,
         reason: PrintReason | None = None, *, kiosk: bool = False,
         now: datetime | None = None) -> PrintJob:
    """Queue the registration's badge for the pool's printers (the runner does the rest)."""
    summit = registration.summit
    require(actor, Permission.DESK_PRINT, summit)
    pool = require_pool(summit.id, pool)
    if not pool.printers:
        raise Conflict(_l("The desk %(desk)s has no printer: download the badge as PDF "
                          "instead.", desk=pool.name), "pool")
    badges.require_printable(registration)
    badge = badges.ensure_badge(registration)
    if badge.revoked:
        raise Conflict(_l("This badge is revoked: %(reason)s", reason=badge.revoked_reason),
                       "status")
    if db.session.scalar(select(PrintJob.id).where(PrintJob.badge_id == badge.id,
                                                   PrintJob.status.in_(UNFINISHED))):
        raise Conflict(_l("This badge is already being printed: wait for it or send the "
                          "failed job again."), "status")
    if badge.printed_at is not None:
        if kiosk:
            raise Conflict(_l("This badge has been printed already. Please ask at the "
                              "registration desk."), "status")
        if reason not in REPRINT_REASONS:
            raise ValidationFailed(_l("This badge has been printed already: say why it is "
                                      "printed again (lost, damaged, wrong data)."), "reason")
        if not badge.unlocked and not can(actor, Permission.BADGES_MANAGE, summit):
            raise Conflict(_l("This badge was printed and is locked: an organiser must "
                              "unlock it before it is printed again."), "status")
    else:
        reason = PrintReason.FIRST
    now = now or utcnow()
    if reason is PrintReason.LOST:
        before = {"version": badge.version}
        badge.version += 1
        audit.record(actor, "badge.reissue", badge, summit=summit, now=now, before=before,
                     after={"version": badge.version, "reason": reason.value})
    job = PrintJob(key=secrets.token_urlsafe(12), summit=summit, registration=registration,
                   badge=badge, pool=pool, created_by=actor, reason=reason,
                   badge_version=badge.version, kiosk=kiosk, created_at=now,
                   runner=jobs.new_ticket())
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "badge.print", job, summit=summit, now=now,
                 after={"registration": registration.id, "desk": pool.name,
                        "reason": reason.value, "kiosk": kiosk})
    db.session.commit()
    jobs.enqueue("desk_print", job.id, ticket=job.runner)
    return job


def resend(actor: User, job: PrintJob, printer: Printer | None,
           now: datetime | None = None) -> PrintJob:
    """Send a failed job again, to the printer staff chose (or the pool again)."""
    require(actor, Permission.DESK_PRINT, job.summit)
    if job.status is not PrintStatus.FAILED:
        raise Conflict(_l("Only a failed print can be sent again."), "status")
    if printer is not None and printer.summit_id != job.summit_id:
        raise ValidationFailed(_l("Choose a printer of this summit."), "printer")
    badge = job.badge
    if badge.revoked:
        raise Conflict(_l("This badge is revoked: %(reason)s", reason=badge.revoked_reason),
                       "status")
    before = _state(job)
    job.status = PrintStatus.QUEUED
    job.error = ""
    job.printer = printer
    job.ipp_job_id = None
    job.accepted_at = job.finished_at = None
    job.runner = jobs.new_ticket()
    audit.record(actor, "badge.print_resend", job, summit=job.summit, now=now, before=before,
                 after=_state(job))
    db.session.commit()
    jobs.enqueue("desk_print", job.id, ticket=job.runner)
    return job


def unlock(actor: User, registration: Registration, now: datetime | None = None) -> Badge:
    """An organiser lets the desk print a printed badge once more (with a reason)."""
    require(actor, Permission.BADGES_MANAGE, registration.summit)
    badge = badges.badge_of(registration)
    if badge is None or badge.printed_at is None:
        raise Conflict(_l("This badge has not been printed: it is not locked."), "status")
    if badge.unlocked:
        raise Conflict(_l("This badge is already unlocked."), "status")
    badge.unlocked = True
    audit.record(actor, "badge.unlock", badge, summit=registration.summit, now=now,
                 before={"unlocked": False}, after={"unlocked": True})
    db.session.commit()
    return badge


def send_from_entry_code(actor: User, summit, pool: PrinterPool | None, code: str,
                         now: datetime | None = None) -> PrintJob:
    """The kiosk: the delegate's phone shows the entry code, the badge prints (first print
    only; anything else is for the desk)."""
    pool = require_pool(summit.id, pool)
    registration = desk_find.by_entry_code(actor, summit, code)
    return send(actor, registration, pool, kiosk=True, now=now)


def pdf_of(actor: User, registration: Registration) -> bytes:
    """The badge as PDF for a desk without a printer (not marked printed: nobody knows
    whether it came out)."""
    require(actor, Permission.DESK_PRINT, registration.summit)
    badges.require_printable(registration)
    badge = badges.ensure_badge(registration)
    db.session.commit()
    if badge.revoked:
        raise Conflict(_l("This badge is revoked: %(reason)s", reason=badge.revoked_reason),
                       "status")
    return badges.render_badge(badge)


def recent(pool: PrinterPool, limit: int = 15) -> list[PrintJob]:
    return list(db.session.scalars(select(PrintJob).where(PrintJob.pool_id == pool.id)
                                   .order_by(PrintJob.id.desc()).limit(limit)))


def find_job(summit_id: int, key: str) -> PrintJob:
    job = db.session.scalar(select(PrintJob).where(PrintJob.key == key,
                                                   PrintJob.summit_id == summit_id))
    if job is None:
        raise NotFound(_l("No such print job."))
    return job


def job_by_key(actor: User, key: str) -> PrintJob:
    """A print job by its public key, for desk staff of its summit."""
    job = db.session.scalar(select(PrintJob).where(PrintJob.key == key))
    if job is None:
        raise NotFound(_l("No such print job."))
    require(actor, Permission.DESK_PRINT, job.summit)
    return job


def history(registration: Registration) -> list[PrintJob]:
    return list(db.session.scalars(select(PrintJob).where(
        PrintJob.registration_id == registration.id).order_by(PrintJob.id.desc())))


def describe(job: PrintJob) -> dict:
    """The job as the desk's page and the API show it."""
    return {
        "id": job.key, "registration_id": job.registration_id,
        "status": job.status.value, "status_label": str(STATUS_LABELS[job.status]),
        "reason": job.reason.value, "reason_label": str(REASON_LABELS[job.reason]),
        "desk": job.pool.name if job.pool else "",
        "printer": job.printer.name if job.printer else "",
        "printer_id": job.printer_id,
        "error": job.error, "badge_version": job.badge_version,
        "created_at": job.created_at.isoformat(),
        "accepted_at": job.accepted_at.isoformat() if job.accepted_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


# --- the runner -----------------------------------------------------------------------------

def _fail(job: PrintJob, error: str) -> None:
    job.status = PrintStatus.FAILED
    job.error = error[:500]
    job.finished_at = utcnow()
    audit.record(None, "badge.print_failed", job, summit=job.summit,
                 after={"printer": job.printer.name if job.printer else "", "error": job.error})
    db.session.commit()


def choose_printer(job: PrintJob) -> tuple[Printer | None, list[str]]:
    """The first idle printer of the pool (or the one chosen for a resend); failing that, the
    first that accepts jobs at all; with the reasons of the others."""
    candidates = [job.printer] if job.printer is not None else \
        list(job.pool.printers if job.pool else [])
    fallback, problems = None, []
    for printer in candidates:
        try:
            state = ipp.printer_state(printer.uri)
        except ipp.IppError as error:
            problems.append(f"{printer.name}: {error}")
            continue
        if state.idle:
            return printer, problems
        if state.usable and fallback is None:
            fallback = printer
        elif not state.usable:
            problems.append(f"{printer.name}: {state.why_not()}")
    return fallback, problems


def render_processes() -> int:
    """Desk badges draw in the batches' render processes (one per core unless configured):
    ten desks printing at once then use every core."""
    return current_app.config.get("BADGE_RENDER_PROCESSES") or os.cpu_count() or 1


def run(job_id: int) -> None:
    """The background job: never leaves the print "printing" when something unexpected goes
    wrong (a database busy with other desks, say): it fails, and staff send it again."""
    _failing_on_error(job_id, _run)


def _failing_on_error(job_id: int, step) -> None:
    try:
        step(job_id)
    except Exception as error:
        db.session.rollback()
        job = db.session.get(PrintJob, job_id)
        if job is not None and not job.finished:
            _fail(job, f"{type(error).__name__}: {error}")
        raise


def _run(job_id: int) -> None:
    """Choose a printer, render, send; then hand the job to a follower (``follow_job``).

    Short transactions: nothing is left unwritten in the session while the badge renders or
    the printer answers, so no desk's write waits on another desk's render or network (on
    SQLite a pending write holds the database's one write lock until its commit)."""
    job = db.session.get(PrintJob, job_id)
    if job is None or job.status is not PrintStatus.QUEUED:
        return
    job.status = PrintStatus.PRINTING
    job.attempts += 1
    job.runner = jobs.this_process() if not job.runner.startswith(jobs.RQ_PREFIX) \
        else job.runner
    db.session.commit()
    printer, problems = choose_printer(job)
    if printer is None:
        _fail(job, "; ".join(problems) or "no printer")
        return
    job.printer = printer
    db.session.commit()
    badge = job.badge
    version = badge.version
    try:
        document = badges.render_badge(badge, printer.paper, processes=render_processes())
    except Exception as error:  # a template that fails for this person: their words
        db.session.rollback()
        job.badge_version = version
        _fail(job, str(error))
        return
    uri, name = printer.uri, printer.name
    job_name = f"badge-{job.registration_id}-v{version}"
    db.session.commit()  # ends the read transaction before waiting on the network
    try:
        ipp_job_id = ipp.print_job(uri, document, job_name)
    except ipp.IppError as error:
        job.badge_version = version
        _fail(job, f"{name}: {error}")
        return
    job.badge_version = version
    job.ipp_job_id = ipp_job_id
    job.accepted_at = utcnow()
    # The printer has it: this thread is free for the next desk's badge, and the wait for
    # the paper to come out runs on the follower lane (JOB_THREADS_FOLLOW), which becomes
    # the job's runner (``recover``).
    job.runner = jobs.new_ticket()
    db.session.commit()
    jobs.enqueue("desk_follow", job.id, ticket=job.runner)


def follow_job(job_id: int) -> None:
    """The background job after a print was accepted: follow it to the end (``follow``)."""
    _failing_on_error(job_id, _follow_job)


def _follow_job(job_id: int) -> None:
    job = db.session.get(PrintJob, job_id)
    if job is None or job.status is not PrintStatus.PRINTING or job.ipp_job_id is None:
        return
    follow(job)


def follow(job: PrintJob) -> None:
    """Ask the printer about the job until it has finished (or the wait runs out)."""
    deadline = time.monotonic() + current_app.config.get("DESK_PRINT_WAIT_SECONDS", 60)
    state = None
    while time.monotonic() < deadline:
        try:
            state = ipp.job_state(job.printer.uri, job.ipp_job_id)
        except ipp.IppError as error:
            _fail(job, f"{job.printer.name}: {error}")
            return
        if state.finished:
            break
        time.sleep(POLL_SECONDS)
    if state is None or not state.finished:
        _fail(job, f"{job.printer.name}: still not printed after "
                   f"{current_app.config.get('DESK_PRINT_WAIT_SECONDS', 60)} s")
        return
    if not state.completed:
        reasons = ", ".join(r for r in state.reasons if r != "none")
        _fail(job, f"{job.printer.name}: {state.state} ({state.message or reasons})")
        return
    done(job)


def done(job: PrintJob) -> None:
    badge = db.session.get(Badge, job.badge_id)
    now = utcnow()
    job.status = PrintStatus.DONE
    job.finished_at = now
    if badge.version == job.badge_version:
        badge.printed_at = now
        badge.printed_version = job.badge_version
        badge.printed_pool_id = job.pool_id
        badge.printed_printer_id = job.printer_id
        badge.unlocked = False
    audit.record(None, "badge.printed", job, summit=job.summit,
                 after={"printer": job.printer.name, "version": job.badge_version})
    db.session.commit()


def recover() -> None:
    """Fail the print jobs whose runner is gone, so they can be sent again."""
    unfinished = db.session.scalars(select(PrintJob).where(PrintJob.status.in_(UNFINISHED)))
    for job in unfinished:
        if job.runner and jobs.runner_gone(job.runner):
            job.status = PrintStatus.FAILED
            job.error = INTERRUPTED
            job.finished_at = utcnow()
    db.session.commit()
