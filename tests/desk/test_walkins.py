"""Walk-ins: the desk's short form registers, approves (when the desk may) and prints in one
step; they are counted apart on the arrivals board; a full category and a category the desk
may not use are refused with nothing written."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, PrintJob, PrintStatus, Registration, RegistrationStatus
from summit.services.desk import printers as desk_printers
from tests.support.desk import finished

pytestmark = pytest.mark.usefixtures("english")


def test_a_walk_in_is_registered_approved_and_printed_in_one_step(
        client, sign_in, event, organiser, desk_staff, desk_a, guest, ipp_printers):
    delegate = next(c for c in event.categories if c.code == "delegate")
    desk_printers.save_pool(organiser, event, name="Desk A", pool=desk_a,
                            walk_in_categories=[delegate], walk_in_approve=True)
    sign_in(desk_staff.email)
    answer = client.post(f"/summits/{event.slug}/desks/{desk_a.id}/walk-ins", data={
        "name": "李四", "organisation": "泸定县商务局", "category": str(delegate.id),
        "phone": "13912345678"})
    assert answer.status_code == 302
    person = db.session.scalar(db.select(Registration).where(Registration.name == "李四"))
    assert person.walk_in and person.status is RegistrationStatus.APPROVED
    assert person.name_pinyin == "LI Si"  # found by pinyin like everyone
    job = db.session.scalar(db.select(PrintJob).where(PrintJob.registration_id == person.id))
    assert finished(job).status is PrintStatus.DONE
    assert "registration.walk_in" in set(db.session.scalars(db.select(AuditEntry.action)))

    # the board counts walk-ins apart from the pre-registered
    client.post("/auth/logout")
    sign_in(organiser.email)
    board = client.get(f"/summits/{event.slug}/checkin/board.json").json
    assert board["walk_ins"] == {"expected": 1, "arrived": 0}
    assert board["pre_registered"]["expected"] == 1  # 王芳


def test_walk_ins_over_capacity_or_outside_the_desks_categories_are_refused(
        client, sign_in, event, organiser, desk_staff, desk_a):
    expert = next(c for c in event.categories if c.code == "expert")
    guest_category = next(c for c in event.categories if c.code == "guest")
    expert.capacity = 0
    db.session.commit()
    desk_printers.save_pool(organiser, event, name="Desk A", pool=desk_a,
                            walk_in_categories=[expert])
    sign_in(desk_staff.email)
    full = client.post(f"/summits/{event.slug}/desks/{desk_a.id}/walk-ins", data={
        "name": "李四", "category": str(expert.id)})
    assert full.status_code == 422 and "is full" in full.text
    other = client.post(f"/summits/{event.slug}/desks/{desk_a.id}/walk-ins", data={
        "name": "李四", "category": str(guest_category.id)})
    assert other.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
