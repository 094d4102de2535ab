"""Substitutes (换人 / 代参): the delegation's registrar puts someone else in a member's place;
the substitute takes category, delegation, status and seat bookings, the original is kept
(cancelled) and their badge's print answers ``revoked`` at the gate; organisers can refuse a
substitute. Cancelled registrations and other delegations are refused."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import (
    AuditEntry,
    Delegation,
    Registration,
    RegistrationStatus,
    Role,
    SeatBooking,
)
from summit.services.badges import issuing as badges
from summit.services.bookings import booking as bookings
from summit.services.core.errors import Conflict, NotAllowed
from summit.services.desk import substitutes
from summit.services.registration import export as registration_export, review
from tests.support import factories
from tests.support.checkin import post

pytestmark = pytest.mark.usefixtures("english")
S = RegistrationStatus


@pytest.fixture
def delegation_world(event, organiser):
    registrar = factories.make_member(event, Role.REGISTRAR, "registrar@example.com")
    delegation = Delegation(summit=event, name="丹巴县代表团", county="丹巴县", quota=2,
                            registrar_id=registrar.id)
    other = Delegation(summit=event, name="泸定县代表团", county="泸定县", quota=2)
    db.session.add_all([delegation, other])
    db.session.commit()
    member = factories.make_registration(event, "张伟", approve_as=organiser)
    member.delegation = delegation
    db.session.commit()
    return registrar, delegation, other, member


def test_a_registrar_substitutes_a_member_and_the_seat_and_gate_follow(
        client, sign_in, auth, event, organiser, delegation_world, salon):
    registrar, delegation, other, member = delegation_world
    bookings.book_seat(organiser, salon, member)
    old_token = badges.token_for(badges.ensure_badge(member))
    db.session.commit()

    sign_in(registrar.email)
    answer = client.post(f"/registrations/{member.id}/substitute",
                         data={"name": "李强", "position": "副县长"})
    assert answer.status_code == 302
    new = db.session.scalar(db.select(Registration).where(Registration.name == "李强"))
    assert new.substitute_for_id == member.id and new.delegation_id == delegation.id
    assert new.category_id == member.category_id and new.status is S.APPROVED
    db.session.refresh(member)
    assert member.status is S.CANCELLED and member.name == "张伟"  # kept, never overwritten
    seats = db.session.scalars(db.select(SeatBooking)).all()
    assert [(s.registration_id, s.status.value) for s in seats] == [(new.id, "confirmed")]
    assert post(client, auth, event, token=old_token, gate="东门", scan_id="s1"
                ).get_json()["result"] == "revoked"
    assert "registration.substitute" in set(db.session.scalars(db.select(AuditEntry.action)))
    page = client.get(f"/delegations/{delegation.id}").text
    assert "substitute" in page
    header, *rows = registration_export.export_list(organiser, event, fmt="csv").decode(
        "utf-8-sig").splitlines()
    assert "Substitute for (registration)" in header
    assert any(row.startswith("李强") and row.endswith(f",{member.id},") for row in rows)

    # refused by an organiser: the original gets the place, the seat and a valid badge back
    substitutes.refuse(organiser, new, "未经主办单位同意")
    db.session.refresh(member)
    assert member.status is S.APPROVED and new.status is S.REJECTED
    assert db.session.scalar(db.select(SeatBooking.registration_id)) == member.id
    assert not badges.badge_of(member).revoked


def test_cancelled_registrations_other_delegations_and_strangers_are_refused(
        event, organiser, delegation_world):
    registrar, delegation, other, member = delegation_world
    with pytest.raises(Conflict, match="same delegation"):
        substitutes.substitute(registrar, member, name="李强", delegation=other)
    stranger = factories.make_member(event, Role.REGISTRAR, "other@example.com")
    with pytest.raises(NotAllowed):
        substitutes.substitute(stranger, member, name="李强")
    review.cancel_registration(organiser, member)
    with pytest.raises(Conflict, match="cannot be given a substitute"):
        substitutes.substitute(registrar, member, name="李强")
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
