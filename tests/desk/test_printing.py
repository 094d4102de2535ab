"""Badges printed at a desk to real IPP printers (ippeveprinter): the printed file is read back
and its QR decoded; a printer that is off or refuses fails the job with its reason, nothing is
marked printed, and the job can be sent to another printer."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Badge, BadgeSize, PrintReason, PrintStatus
from summit.services.badges import issuing as badges
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.desk import printers as desk_printers, printing
from tests.support import pdf
from tests.support.desk import finished
from tests.support.pg import free_port

pytestmark = pytest.mark.usefixtures("english")


def decoded(printer, job, tmp_path) -> list[str]:
    printed = printer.printed(job.ipp_job_id)
    assert printed.read_bytes().startswith(b"%PDF-")
    return pdf.scan(pdf.to_png(pdf.save(printed.read_bytes(), tmp_path, "printed.pdf"),
                               dpi=300))


def test_desk_prints_to_the_pools_printer_and_the_qr_opens_the_gate(
        event, desk_staff, desk_a, guest, ipp_printers, tmp_path):
    job = printing.send(desk_staff, guest, desk_a)
    assert job.status is PrintStatus.QUEUED  # the request only queues it
    job = finished(job)
    assert job.status is PrintStatus.DONE, job.error
    assert job.printer.name == "A6 printer" and job.accepted_at is not None
    (token,) = decoded(ipp_printers["a"], job, tmp_path)
    assert badges.check_token(event, token).result == "ok"
    badge = db.session.get(Badge, job.badge_id)
    assert badge.printed_current and badge.printed_pool_id == desk_a.id
    assert badge.printed_printer_id == job.printer_id
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"badge.print", "badge.printed"} <= actions


@pytest.mark.sqlite_only  # the render processes, not the database, are what is new here
@pytest.mark.app_config(BADGE_RENDER_PROCESSES=2)
def test_a_desk_badge_drawn_in_the_render_processes_prints_and_opens_the_gate(
        event, desk_staff, desk_a, guest, ipp_printers, tmp_path):
    """As in production (one render process per core), so that ten desks printing at once
    draw on every core."""
    job = finished(printing.send(desk_staff, guest, desk_a))
    assert job.status is PrintStatus.DONE, job.error
    (token,) = decoded(ipp_printers["a"], job, tmp_path)
    assert badges.check_token(event, token).result == "ok"


def test_a_printer_that_is_off_fails_the_job_and_another_printer_prints_it(
        event, organiser, desk_staff, guest, ipp_printers, tmp_path):
    pool = desk_printers.save_pool(organiser, event, name="Desk B")
    desk_printers.add_printer(organiser, pool, name="Switched off",
                              uri=f"ipp://127.0.0.1:{free_port()}/ipp/print", paper=BadgeSize.A6)
    job = finished(printing.send(desk_staff, guest, pool))
    assert job.status is PrintStatus.FAILED
    assert "Switched off" in job.error and "unreachable" in job.error
    badge = db.session.get(Badge, job.badge_id)
    assert badge.printed_at is None  # nothing marked printed
    other = desk_printers.add_printer(organiser, pool, name="Spare", uri=ipp_printers["b"].uri,
                                      paper=BadgeSize.CR80)
    job = finished(printing.resend(desk_staff, job, other))
    assert job.status is PrintStatus.DONE and job.printer.name == "Spare"
    (token,) = decoded(ipp_printers["b"], job, tmp_path)
    assert badges.check_token(event, token).result == "ok"
    with pytest.raises(Conflict, match="Only a failed print"):
        printing.resend(desk_staff, job, other)


def test_a_printer_that_refuses_the_document_says_why(
        event, organiser, desk_staff, guest, ipp_printers):
    pool = desk_printers.save_pool(organiser, event, name="Desk R")
    desk_printers.add_printer(organiser, pool, name="Raster only",
                              uri=ipp_printers["raster"].uri, paper=BadgeSize.A6)
    job = finished(printing.send(desk_staff, guest, pool))
    assert job.status is PrintStatus.FAILED
    assert "Raster only" in job.error and "format" in job.error
    assert db.session.get(Badge, job.badge_id).printed_at is None


def test_a_desk_without_printers_and_bad_printer_addresses_are_refused(
        event, organiser, desk_staff, guest):
    pool = desk_printers.save_pool(organiser, event, name="Desk C")
    with pytest.raises(Conflict, match="no printer"):
        printing.send(desk_staff, guest, pool)
    with pytest.raises(ValidationFailed):
        desk_printers.add_printer(organiser, pool, name="x", uri="http://x", paper=BadgeSize.A6)
    assert printing.REASON_LABELS[PrintReason.FIRST]
