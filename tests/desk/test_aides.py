"""Accompanying persons (随行人员): an organiser adds a driver to a principal, with a category
of fewer zones and a badge of their own; the aide counts against the principal's delegation
and is cancelled with the principal; an aide of an aide and a full delegation are refused."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Delegation, Registration, RegistrationStatus
from summit.services.badges import issuing as badges
from summit.services.core.errors import Conflict
from summit.services.desk import aides
from summit.services.registration import review
from tests.support import factories

pytestmark = pytest.mark.usefixtures("english")
S = RegistrationStatus


def test_an_aide_has_a_badge_counts_against_the_delegation_and_goes_with_the_principal(
        client, sign_in, event, organiser):
    delegation = Delegation(summit=event, name="丹巴县代表团", county="丹巴县", quota=2)
    db.session.add(delegation)
    principal = factories.make_registration(event, "张伟", approve_as=organiser)
    principal.delegation = delegation
    db.session.commit()
    expert = next(c for c in event.categories if c.code == "expert")  # no zones

    sign_in(organiser.email)
    answer = client.post(f"/registrations/{principal.id}/aides", data={
        "name": "王五", "role": "driver", "category": str(expert.id)})
    assert answer.status_code == 302
    driver = db.session.scalar(db.select(Registration).where(Registration.name == "王五"))
    assert driver.principal_id == principal.id and driver.delegation_id == delegation.id
    assert driver.status is S.APPROVED and driver.aide_role == "driver"
    face = badges.face_of(badges.ensure_badge(driver))
    assert face.name == "王五" and face.zones == ()
    page = client.get(f"/registrations/{principal.id}").text
    assert 'id="aides"' in page and "王五" in page

    with pytest.raises(Conflict, match="aide of their own"):
        aides.add_aide(organiser, driver, name="赵六", role="aide", category=expert)
    with pytest.raises(Conflict, match="used all 2"):  # 张伟 and 王五 fill the quota
        aides.add_aide(organiser, principal, name="赵六", role="aide", category=expert)

    review.cancel_registration(organiser, principal)
    db.session.refresh(driver)
    assert driver.status is S.CANCELLED


def test_a_registrar_adds_aides_within_the_organisers_limits_but_no_aide_of_an_aide(
        client, sign_in, event, organiser):
    registrar = factories.make_user("liaison@example.com", name="联络员")
    delegation = Delegation(summit=event, name="丹巴县代表团", quota=10, registrar=registrar)
    db.session.add(delegation)
    principal = factories.make_registration(event, "张伟", approve_as=organiser)
    principal.delegation = delegation
    db.session.commit()
    expert = next(c for c in event.categories if c.code == "expert")
    delegate = next(c for c in event.categories if c.code == "delegate")
    url = f"/registrations/{principal.id}/aides"

    # Until the organisers allow it, the registrar sees no form and is refused.
    sign_in(registrar.email)
    assert 'id="add-aide"' not in client.get(f"/registrations/{principal.id}").text
    assert client.post(url, data={"name": "王五", "role": "aide",
                                  "category": str(delegate.id)}).status_code == 403

    client.post("/auth/logout")
    sign_in(organiser.email)
    assert 'id="aide-limits"' in client.get(f"/summits/{event.slug}/desks").text
    assert client.post(f"/summits/{event.slug}/aide-limits", data={
        "per_principal": "1", "category": str(expert.id)}).status_code == 302
    db.session.refresh(event)
    assert (event.registrar_aides, event.registrar_aide_category_code) == (1, "expert")
    assert db.session.scalar(db.select(AuditEntry.after).where(
        AuditEntry.action == "summit.registrar_aides")) == {
            "registrar_aides": 1, "registrar_aide_category": "expert"}

    client.post("/auth/logout")
    sign_in(registrar.email)
    page = client.get(f"/registrations/{principal.id}").text
    assert 'id="add-aide"' in page and "at most 1 per person" in page
    # The registrar cannot choose the category: the aide gets the organisers' one.
    assert client.post(url, data={"name": "王五", "role": "aide",
                                  "category": str(delegate.id)}).status_code == 302
    aide = db.session.scalar(db.select(Registration).where(Registration.name == "王五"))
    assert (aide.principal_id, aide.category.code, aide.delegation_id) == (
        principal.id, "expert", delegation.id)
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "registration.add_aide"))
    assert entry.actor_id == registrar.id

    client.post(url, data={"name": "赵六", "role": "aide", "category": str(expert.id)})
    assert "already brings 1 accompanying persons" in client.get(
        f"/registrations/{principal.id}").text
    client.post(f"/registrations/{aide.id}/aides", data={"name": "孙七", "role": "aide"})
    assert "An aide cannot bring an aide of their own." in client.get(
        f"/registrations/{aide.id}").text
    assert db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.principal_id.isnot(None))) == 1
