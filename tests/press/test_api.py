"""Media accreditation over the API: upload, apply, ask for more, resubmit, decide per person,
download badges, revoke, and the gate's answer through POST /summits/<slug>/checkins."""
from __future__ import annotations

import io

from summit.extensions import db
from summit.models import PressPerson, Role
from summit.services.accounts import tokens as api_tokens
from summit.services.badges import issuing as badges
from summit.services.press import badges as press_badges
from tests.support import factories, press_factories as f
from tests.support.api import assert_json_error, bearer

SLUG = "kangding-press"  # the press_event fixture's summit


def token_of(user) -> dict:
    return bearer(api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0])


def upload(client, auth, kind: str, data: bytes, name: str) -> str:
    response = client.post("/api/v1/press-files", headers=auth,
                           data={"kind": kind, "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def test_the_whole_accreditation_over_the_api(client, press_event, mailbox):
    press_user = f.applicant(press_event, "reporter@example.com")
    officer = factories.make_member(press_event, Role.MEDIA_OFFICER, "officer@example.com")
    gate = factories.make_member(press_event, Role.CHECKIN_STAFF, "gate@example.com")
    me, staff = token_of(press_user), token_of(officer)
    photos = [upload(client, me, "photo", f.photo_jpeg(), f"{n}.jpg") for n in range(3)]
    body = {"outlet_name": "四川电视台", "media_type": "tv", "region": "四川省",
            "press_card_number": "12345", "locale": "en",
            "applicant": {"name": "李娜", "role": "reporter", "photo": photos[0]},
            "crew": [{"name": "王强", "role": "camera", "photo": photos[1]},
                     {"name": "次仁多吉", "name_native": "ཚེ་རིང་རྡོ་རྗེ", "role": "sound",
                      "photo": photos[2]}],
            "equipment": [{"item": "摄像机", "serial_number": "SN-1"}],
            "zones": ["MAIN", "PRESS", "VIP"],
            "letter": upload(client, me, "letter", f.letter_pdf(), "letter.pdf")}

    created = client.post(f"/api/v1/summits/{SLUG}/press-applications", json=body, headers=me)
    assert created.status_code == 201
    application = created.get_json()
    assert application["status"] == "submitted" and "internal_note" not in application
    url = f"/api/v1/press-applications/{application['id']}"
    listed = client.get(f"/api/v1/summits/{SLUG}/press-applications", headers=staff).get_json()
    assert listed["total"] == 1 and listed["items"][0]["card_warning"] is True
    assert_json_error(client.get(f"/api/v1/summits/{SLUG}/press-applications", headers=me),
                      403)

    asked = client.post(f"{url}/decision", headers=staff, json={
        "decision": "needs_info", "message": "请补充记者证", "internal_note": "核实中"})
    assert asked.get_json()["status"] == "needs_info"
    assert "internal_note" not in client.get(url, headers=me).get_json()

    body["press_card_number"] = "510100201700123"
    resent = client.put(url, headers=me, json=body)
    assert resent.get_json()["status"] == "submitted"
    people = resent.get_json()
    sound = people["crew"][1]["id"]

    approved = client.post(f"{url}/decision", headers=staff, json={
        "decision": "approve", "zones": ["MAIN", "PRESS"], "rejected_people": [sound],
        "reason_code": "incomplete"}).get_json()
    assert approved["status"] == "approved" and approved["approved_zones"] == ["MAIN", "PRESS"]
    assert [p["status"] for p in [approved["applicant"], *approved["crew"]]] == [
        "approved", "approved", "rejected"]

    badge = client.get(f"{url}/badge.pdf?person={people['crew'][0]['id']}", headers=me)
    assert badge.status_code == 200 and badge.data.startswith(b"%PDF")
    assert_json_error(client.get(f"{url}/badge.pdf?person={sound}", headers=me), 409)
    applicant_badge = client.get(f"{url}/badge.pdf", headers=me)
    assert applicant_badge.status_code == 200

    token = badges.token_for(press_badges.badge_of(db.session.get(
        PressPerson, approved["applicant"]["id"])))
    scan = client.post(f"/api/v1/summits/{SLUG}/checkins", headers=token_of(gate),
                       json={"token": token, "gate": "东门", "scan_id": "press-1"})
    assert scan.get_json()["result"] == "ok"

    revoked = client.post(f"{url}/decision", headers=staff,
                          json={"decision": "revoke", "message": "违反采访纪律"})
    assert revoked.get_json()["status"] == "revoked"
    again = client.post(f"/api/v1/summits/{SLUG}/checkins", headers=token_of(gate),
                        json={"token": token, "gate": "东门", "scan_id": "press-2"})
    assert again.get_json()["result"] == "revoked"
    subjects = [m["Subject"] for m in mailbox.wait_for(5)]
    assert len(subjects) == 5 and "revoked" in subjects[-1]


def test_bad_press_bodies_are_422_naming_the_fields(client, press_event):
    auth = token_of(f.applicant(press_event))

    response = client.post(f"/api/v1/summits/{SLUG}/press-applications", headers=auth, json={
        "outlet_name": 5, "media_type": "radio", "crew": "three", "zones": [1],
        "applicant": {"name": ["x"]}, "submit": "yes"})

    assert_json_error(response, 422, fields={"outlet_name", "media_type", "crew", "zones",
                                             "applicant-name", "submit"})


def test_an_incomplete_submission_names_what_is_missing(client, press_event):
    auth = token_of(f.applicant(press_event))
    response = client.post(f"/api/v1/summits/{SLUG}/press-applications", headers=auth,
                           json={"outlet_name": "四川电视台", "applicant": {"name": "李娜"}})
    assert_json_error(response, 422, fields={"photo"}, message="Add the applicant's photo.")


def test_someone_elses_application_is_403_and_a_missing_one_404(client, press_event):
    application = f.submitted(press_event)
    stranger = token_of(factories.make_user("stranger@example.com"))

    assert_json_error(client.get(f"/api/v1/press-applications/{application.id}",
                                 headers=stranger), 403)
    assert_json_error(client.get("/api/v1/press-applications/999999", headers=stranger), 404)
    assert client.get("/api/v1/press-applications", headers=stranger).get_json() == {
        "items": [], "total": 0}


def test_an_uploaded_letter_named_html_comes_back_named_pdf(client, press_event):
    user = f.applicant(press_event)
    response = client.post("/api/v1/press-files", headers=token_of(user),
                           data={"kind": "letter",
                                 "file": (io.BytesIO(f.letter_pdf()), "letter.html")},
                           content_type="multipart/form-data")

    assert response.status_code == 201
    assert response.get_json()["name"] == "letter.pdf"
