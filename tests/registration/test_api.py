"""Registrations over the API: public submission, the organiser's list and decisions."""
from __future__ import annotations

import pytest

from summit.extensions import db
from summit.models import AuditEntry, Registration, RegistrationStatus, Role, Summit, User
from summit.services.registration import (
    delegations,
    review as registration_review,
    submission as registrations,
)
from summit.services.registration.submission import RegistrationDetails
from tests.support import factories
from tests.support.api import assert_json_error, assert_no_internals, bearer

S = RegistrationStatus
SLUG = "kangding-test"
URL = f"/api/v1/summits/{SLUG}/registrations"
ITEM_KEYS = {"id", "summit", "status", "status_reason", "name", "name_native", "name_pinyin",
             "organization", "position", "category", "delegation", "email", "phone",
             "id_number", "created_at"}


def token_for(client, user: User) -> str:
    response = client.post("/api/v1/tokens",
                           json={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


@pytest.fixture
def organiser_auth(client, organiser) -> dict[str, str]:
    return bearer(token_for(client, organiser))


def payload(**changes) -> dict:
    body = {"name": "赵波", "organization": "甘孜州商务局", "position": "科长",
            "category": "delegate", "email": "zhaobo@example.com", "phone": "13812345678"}
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def enrol(summit: Summit, name: str, email: str, category: str = "delegate") -> Registration:
    return registrations.register_delegate(summit, RegistrationDetails(
        name=name, email=email, category=category, organisation_name="丹巴县人民政府",
        position="县长", phone="13900001111", locale="en"), notify=False)


def stored() -> list[Registration]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Registration).order_by(Registration.id)))


# --- public submission -------------------------------------------------------------------

def test_a_registration_is_created_pending_with_pinyin_and_a_masked_phone(client, event,
                                                                           mailbox):
    response = client.post(URL, json=payload())

    assert response.status_code == 201
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ITEM_KEYS
    [registration] = stored()
    # An anonymous caller is not told the id: a registered address reads the same.
    assert body["id"] is None
    assert {key: body[key] for key in ("summit", "status", "status_reason", "name",
                                       "name_native", "name_pinyin", "organization",
                                       "position", "category", "delegation", "email",
                                       "phone", "id_number")} == {
        "summit": SLUG, "status": "pending", "status_reason": "", "name": "赵波",
        "name_native": "", "name_pinyin": "ZHAO Bo", "organization": "甘孜州商务局",
        "position": "科长", "category": "delegate", "delegation": None,
        "email": "zhaobo@example.com", "phone": "138****5678", "id_number": ""}
    assert (registration.status, registration.organisation_name, registration.phone,
            registration.name_pinyin) == (S.PENDING, "甘孜州商务局", "13812345678", "ZHAO Bo")
    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhaobo@example.com"
    assert "测试峰会" in message["Subject"]  # no locale given: the default, simplified Chinese


def test_traditional_characters_give_the_same_pinyin_and_the_id_is_masked(client, event):
    response = client.post(URL, json=payload(name="趙波", id_type="resident_id",
                                             id_number="11010519491231002x", locale="en"))

    assert response.status_code == 201
    body = response.get_json()
    assert (body["name"], body["name_pinyin"], body["id_number"]) == (
        "趙波", "ZHAO Bo", "1*************002X")
    assert stored()[0].id_number == "11010519491231002X"


def test_the_same_email_again_reads_as_a_new_registration_and_mails_the_owner(client, event,
                                                                            mailbox):
    first = client.post(URL, json=payload())
    mailbox.wait_for(1)
    mailbox.clear()

    again = client.post(URL, json=payload(name="李娜", email="ZhaoBo@example.com"))
    new = client.post(URL, json=payload(name="李娜", email="lina@example.com"))

    assert first.status_code == again.status_code == new.status_code == 201
    without_time = [{**r.get_json(), "created_at": None} for r in (again, new)]
    assert without_time[0] == {**without_time[1], "email": "zhaobo@example.com"}
    assert again.get_json()["id"] is None and again.get_json()["name_pinyin"] == "LI Na"
    assert [(r.name, r.email) for r in stored()] == [("赵波", "zhaobo@example.com"),
                                                     ("李娜", "lina@example.com")]
    notice, _received = sorted(mailbox.wait_for(2), key=lambda m: m["To"] != "zhaobo@example.com")
    assert notice["To"] == "zhaobo@example.com"
    assert "测试峰会" in notice["Subject"]


def test_staff_learn_of_a_registered_address_with_a_409(client, event, organiser_auth):
    client.post(URL, json=payload())

    response = client.post(URL, json=payload(name="李娜", email="ZhaoBo@example.com"),
                           headers=organiser_auth)

    assert_json_error(response, 409, "conflict", fields={"email"},
                      message="This email address is already registered for this summit.")
    assert [r.name for r in stored()] == ["赵波"]


def test_staff_get_the_id_of_the_registration_they_make(client, event, organiser_auth):
    response = client.post(URL, json=payload(), headers=organiser_auth)

    assert response.status_code == 201
    assert response.get_json()["id"] == stored()[0].id


def test_an_invitation_only_category_without_a_code_is_refused(client, event):
    response = client.post(URL, json=payload(category="guest"))

    error = assert_json_error(response, 422, "validation_failed", fields={"category"})
    assert error["fields"]["category"] == ("This category is by invitation only: enter your "
                                           "invitation code.")
    assert stored() == []


def test_an_invitation_code_opens_the_closed_category(client, event, organiser):
    invitation = delegations.create_invitation(organiser, event, category=event.categories[2],
                                               delegation=None, max_uses=1, expires_at=None)

    response = client.post(URL, json=payload(category="guest",
                                             invitation_code=invitation.code.lower()))

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["category"] == "guest"
    again = client.post(URL, json=payload(category="guest", email="other@example.com",
                                          invitation_code=invitation.code))
    assert_json_error(again, 422, fields={"invitation_code"},
                      message="This invitation code has been used up.")


@pytest.mark.parametrize("changes, wrong", [
    ({"name": 123}, {"name"}),
    ({"phone": 13812345678, "email": ["a@example.com"]}, {"phone", "email"}),
    ({"organization": {"name": "甘孜州"}}, {"organization"}),
    ({"category": None, "invitation_code": True}, {"category", "invitation_code"}),
])
def test_values_of_the_wrong_type_are_a_422(client, event, changes, wrong):
    body = payload()
    body.update(changes)

    response = client.post(URL, json=body)

    error = assert_json_error(response, 422, "validation_failed", fields=wrong,
                              message="Some values have the wrong type.")
    assert set(error["fields"].values()) == {"Must be a string."}
    assert_no_internals(response.get_data(as_text=True))
    assert stored() == []


@pytest.mark.parametrize("changes, wrong", [
    ({"phone": "12345"}, {"phone"}),
    ({"email": "not-an-email"}, {"email"}),
    ({"category": "vip"}, {"category"}),
    ({"name": ""}, {"name"}),
    ({"name": "赵" * 10_000}, {"name"}),
    ({"id_type": "resident_id", "id_number": "110105194912310021"}, {"id_number"}),
])
def test_bad_values_are_a_422_naming_the_field(client, event, changes, wrong):
    response = client.post(URL, json=payload(**changes))

    assert_json_error(response, 422, "validation_failed", fields=wrong)
    assert stored() == []


def test_a_body_that_is_not_json_is_refused(client, event):
    response = client.post(URL, data="name=赵波", content_type="text/plain")

    assert_json_error(response, 415)
    assert stored() == []


def test_a_full_category_puts_the_next_on_the_waiting_list(client, event):
    event.categories[0].capacity = 1
    db.session.commit()

    first = client.post(URL, json=payload())
    second = client.post(URL, json=payload(name="李娜", email="lina@example.com"))
    elsewhere = client.post(URL, json=payload(name="王芳", email="wangfang@example.com",
                                              category="expert"))

    assert [r.status_code for r in (first, second, elsewhere)] == [201, 201, 201]
    assert [r.get_json()["status"] for r in (first, second, elsewhere)] == [
        "pending", "waitlisted", "pending"]


def test_an_unknown_summit_is_a_404(client, event):
    assert_json_error(client.post("/api/v1/summits/nowhere/registrations", json=payload()),
                      404)


# --- the organiser's list ----------------------------------------------------------------

def test_the_list_finds_traditional_from_simplified(client, event, organiser_auth):
    zhao = enrol(event, "趙波", "zhaobo@example.com")
    enrol(event, "李娜", "lina@example.com")

    response = client.get(URL, query_string={"q": "赵波"}, headers=organiser_auth)

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == 1
    [item] = body["items"]
    assert set(item) == ITEM_KEYS
    assert (item["id"], item["name"], item["name_pinyin"], item["phone"]) == (
        zhao.id, "趙波", "ZHAO Bo", "139****1111")
    for q in ("zhaobo", "zhao bo", "Zhao"):
        found = client.get(URL, query_string={"q": q}, headers=organiser_auth).get_json()
        assert [i["name"] for i in found["items"]] == ["趙波"], q


def test_the_list_filters_by_status_and_category_and_pages(client, event, organiser,
                                                           organiser_auth):
    approved = enrol(event, "王芳", "wangfang@example.com")
    registration_review.approve_registration(organiser, approved)
    enrol(event, "李娜", "lina@example.com", category="expert")
    enrol(event, "安娜", "anna@example.com")

    def names(**query) -> tuple[list[str], int]:
        body = client.get(URL, query_string=query, headers=organiser_auth).get_json()
        return [item["name"] for item in body["items"]], body["total"]

    assert names() == (["安娜", "李娜", "王芳"], 3)
    assert names(status="approved") == (["王芳"], 1)
    assert names(status="pending") == (["安娜", "李娜"], 2)
    assert names(category="expert") == (["李娜"], 1)
    assert names(status="pending", category="delegate") == (["安娜"], 1)
    assert names(per_page=2, page=2) == (["王芳"], 3)
    assert names(status="rejected") == ([], 0)


def test_an_unknown_status_is_a_422(client, event, organiser_auth):
    response = client.get(URL, query_string={"status": "bogus"}, headers=organiser_auth)

    assert_json_error(response, 422, fields={"status"})


def test_the_list_needs_a_token(client, event):
    enrol(event, "赵波", "zhaobo@example.com")

    response = client.get(URL)

    assert_json_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="summit"'
    assert_json_error(client.get(URL, headers=bearer("smt_not-a-token")), 401)


def test_a_delegate_token_is_forbidden(client, event):
    delegate = factories.make_user("delegate@example.com")
    factories.grant(delegate, event, Role.DELEGATE)
    enrol(event, "赵波", "zhaobo@example.com")

    response = client.get(URL, headers=bearer(token_for(client, delegate)))

    assert_json_error(response, 403, "forbidden")
    assert "赵波" not in response.get_data(as_text=True)


def test_an_organiser_of_another_summit_is_forbidden(client, event):
    other = factories.make_summit("litang-2028")
    stranger = factories.make_user("stranger@example.com")
    factories.grant(stranger, other, Role.ORGANISER)
    registration = enrol(event, "赵波", "zhaobo@example.com")
    auth = bearer(token_for(client, stranger))

    assert_json_error(client.get(URL, headers=auth), 403)
    assert_json_error(client.post(f"/api/v1/registrations/{registration.id}/approve",
                                  headers=auth), 403)
    assert stored()[0].status is S.PENDING


# --- decisions ---------------------------------------------------------------------------

def test_approving_tells_the_registrant_and_twice_is_a_409(client, event, organiser,
                                                           organiser_auth, mailbox):
    registration = enrol(event, "赵波", "zhaobo@example.com")

    response = client.post(f"/api/v1/registrations/{registration.id}/approve",
                           headers=organiser_auth)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["status"]) == (registration.id, "approved")
    assert stored()[0].status is S.APPROVED
    [message] = mailbox.wait_for(1)
    assert message["To"] == "zhaobo@example.com"
    assert message["Subject"] == "Your registration for Test Summit is approved"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{SLUG}.ics"
    assert attachment.get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in attachment.get_content()
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "registration.approve")).all()
    assert [(e.actor_id, e.object_id, e.after["status"]) for e in entries] == [
        (organiser.id, str(registration.id), "approved")]

    again = client.post(f"/api/v1/registrations/{registration.id}/approve",
                        headers=organiser_auth)

    assert_json_error(again, 409, "conflict")
    assert len(mailbox.messages) == 1


def test_rejecting_needs_a_reason_and_tells_the_registrant(client, event, organiser_auth,
                                                           mailbox):
    registration = enrol(event, "赵波", "zhaobo@example.com")
    url = f"/api/v1/registrations/{registration.id}/reject"

    for body in ({}, {"reason": "   "}):
        assert_json_error(client.post(url, json=body, headers=organiser_auth), 422,
                          "validation_failed", fields={"reason"},
                          message="Give a reason: the registrant will read it.")
    assert_json_error(client.post(url, json={"reason": 42}, headers=organiser_auth), 422,
                      fields={"reason"})
    assert stored()[0].status is S.PENDING
    assert mailbox.messages == []

    response = client.post(url, json={"reason": "名额已满"}, headers=organiser_auth)

    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["status_reason"]) == (
        "rejected", "名额已满")
    saved = stored()[0]
    assert (saved.status, saved.status_reason) == (S.REJECTED, "名额已满")
    [message] = mailbox.wait_for(1)
    assert message["Subject"] == "Your registration for Test Summit"
    assert "名额已满" in message.get_body(preferencelist=("plain",)).get_content()
    assert_json_error(client.post(url, json={"reason": "again"}, headers=organiser_auth), 409)


def test_decisions_need_an_organiser_token(client, event):
    registration = enrol(event, "赵波", "zhaobo@example.com")
    delegate = factories.make_user("delegate@example.com")
    factories.grant(delegate, event, Role.DELEGATE)
    auth = bearer(token_for(client, delegate))

    assert_json_error(client.post(f"/api/v1/registrations/{registration.id}/approve"), 401)
    assert_json_error(client.post(f"/api/v1/registrations/{registration.id}/approve",
                                  headers=auth), 403)
    assert_json_error(client.post(f"/api/v1/registrations/{registration.id}/reject",
                                  json={"reason": "no"}, headers=auth), 403)
    assert stored()[0].status is S.PENDING


def test_deciding_an_unknown_registration_is_a_404(client, event, organiser_auth):
    assert_json_error(client.post("/api/v1/registrations/999999/approve",
                                  headers=organiser_auth), 404)
