"""A badge's life at the desk: printed, locked, reprinted only with a reason and after an
organiser's unlock; a lost badge is reissued, so its old print answers ``revoked`` at the
gate while the new print opens it; every print and reissue on the registration page."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Badge, PrintReason, PrintStatus
from summit.services.badges import issuing as badges
from summit.services.core.errors import Conflict, ValidationFailed
from summit.services.desk import printing
from tests.support import pdf
from tests.support.checkin import post
from tests.support.desk import finished

pytestmark = pytest.mark.usefixtures("english")


def printed_token(printer, job, tmp_path) -> str:
    data = printer.printed(job.ipp_job_id).read_bytes()
    (token,) = pdf.scan(pdf.to_png(pdf.save(data, tmp_path, f"job{job.id}.pdf"), dpi=300))
    return token


def test_reprints_need_a_reason_and_an_unlock_and_a_lost_badge_is_reissued(
        client, sign_in, auth, event, organiser, desk_staff, desk_a, guest, ipp_printers,
        tmp_path):
    first = finished(printing.send(desk_staff, guest, desk_a))
    assert first.status is PrintStatus.DONE
    old_token = printed_token(ipp_printers["a"], first, tmp_path)

    with pytest.raises(ValidationFailed, match="say why"):
        printing.send(desk_staff, guest, desk_a)
    with pytest.raises(Conflict, match="locked"):
        printing.send(desk_staff, guest, desk_a, PrintReason.DAMAGED)
    printing.unlock(organiser, guest)
    damaged = finished(printing.send(desk_staff, guest, desk_a, PrintReason.DAMAGED))
    assert damaged.status is PrintStatus.DONE and damaged.badge_version == 1
    badge = db.session.scalar(db.select(Badge))
    assert not badge.unlocked  # locked again by the print
    with pytest.raises(Conflict, match="locked"):
        printing.send(desk_staff, guest, desk_a, PrintReason.LOST)

    lost = finished(printing.send(organiser, guest, desk_a, PrintReason.LOST))
    assert lost.status is PrintStatus.DONE and lost.badge_version == 2
    new_token = printed_token(ipp_printers["a"], lost, tmp_path)
    # at the gate: the lost print is refused, the new one lets the delegate in
    assert post(client, auth, event, token=old_token, gate="东门", scan_id="old"
                ).get_json()["result"] == "revoked"
    assert post(client, auth, event, token=new_token, gate="东门", scan_id="new"
                ).get_json()["result"] == "ok"
    assert badges.check_token(event, old_token).result == "revoked"
    actions = list(db.session.scalars(db.select(AuditEntry.action)))
    assert actions.count("badge.print") == 3 and "badge.reissue" in actions
    assert "badge.unlock" in actions

    sign_in(organiser.email)
    page = client.get(f"/registrations/{guest.id}").text
    assert 'id="print-history"' in page
    for words in ("First print", "Damaged", "Lost (reissued", "A6 printer", "Desk A"):
        assert words in page
