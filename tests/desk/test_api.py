"""The desk's API: print a badge to a desk's printer and follow the job, register a walk-in,
name a substitute; bad bodies are clear 4xx answers."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import Delegation, PrintJob, Registration, Role
from summit.services.desk import printers as desk_printers
from tests.support import factories
from tests.support.desk import finished

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def desk_token(client, desk_staff) -> dict:
    answer = client.post("/api/v1/tokens", json={"email": desk_staff.email,
                                                 "password": factories.PASSWORD})
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def test_print_over_the_api_and_follow_the_job(client, desk_token, event, desk_a, guest):
    answer = client.post(f"/api/v1/registrations/{guest.id}/prints", json={"pool": desk_a.id},
                         headers=desk_token)
    assert answer.status_code == 201, answer.json
    key = answer.json["id"]
    job = finished(db.session.scalar(db.select(PrintJob)))
    state = client.get(f"/api/v1/print-jobs/{key}", headers=desk_token).json
    assert state["status"] == "done" == job.status.value and state["printer"] == "A6 printer"
    again = client.post(f"/api/v1/registrations/{guest.id}/prints", json={"pool": desk_a.id},
                        headers=desk_token)
    assert again.status_code == 422 and again.json["error"]["fields"]["reason"]
    assert client.post(f"/api/v1/registrations/{guest.id}/prints", json={"pool": 999},
                       headers=desk_token).status_code == 404
    assert client.post(f"/api/v1/registrations/{guest.id}/prints",
                       json={"pool": desk_a.id, "reason": "bored"},
                       headers=desk_token).status_code == 422
    assert client.get("/api/v1/print-jobs/nope", headers=desk_token).status_code == 404


def test_walk_ins_and_substitutes_over_the_api(client, desk_token, event, organiser, desk_a):
    delegate = next(c for c in event.categories if c.code == "delegate")
    desk_printers.save_pool(organiser, event, name="Desk A", pool=desk_a,
                            walk_in_categories=[delegate])
    answer = client.post(f"/api/v1/summits/{event.slug}/walk-ins", headers=desk_token, json={
        "pool": desk_a.id, "name": "李四", "category": "delegate", "phone": "13912345678"})
    assert answer.status_code == 201, answer.json
    assert answer.json["registration"]["status"] == "pending"  # this desk does not approve
    assert answer.json["print_job"] is None
    assert client.post(f"/api/v1/summits/{event.slug}/walk-ins", headers=desk_token, json={
        "pool": desk_a.id, "name": 5, "category": "delegate"}).status_code == 422

    registrar = factories.make_member(event, Role.REGISTRAR, "reg@example.com")
    delegation = Delegation(summit=event, name="丹巴县代表团", county="丹巴县", quota=3,
                            registrar_id=registrar.id)
    other = Delegation(summit=event, name="泸定县代表团", county="泸定县", quota=3)
    db.session.add_all([delegation, other])
    member = factories.make_registration(event, "张伟", approve_as=organiser)
    member.delegation = delegation
    db.session.commit()
    token = client.post("/api/v1/tokens", json={"email": registrar.email,
                                                "password": factories.PASSWORD}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    across = client.post(f"/api/v1/registrations/{member.id}/substitute", headers=auth,
                         json={"name": "李强", "delegation_id": other.id})
    assert across.status_code == 409
    done = client.post(f"/api/v1/registrations/{member.id}/substitute", headers=auth,
                       json={"name": "李强"})
    assert done.status_code == 201 and done.json["name"] == "李强"
    db.session.expire_all()
    assert db.session.get(Registration, member.id).status.value == "cancelled"
    cancelled = client.post(f"/api/v1/registrations/{member.id}/substitute", headers=auth,
                            json={"name": "王五"})
    assert cancelled.status_code == 409
