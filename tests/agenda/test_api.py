"""The programme over the API: the published agenda and .ics (public), and rooms, draft
items and publishing for organisers, with clear errors for bad input."""
from __future__ import annotations

import pytest
from icalendar import Calendar

from summit.extensions import db
from summit.models import AgendaItem, AgendaVersion, Role
from summit.services.agenda import publish as agenda_publish
from tests.support import factories
from tests.support.agenda import token_for
from tests.support.api import assert_json_error

S = "/api/v1/summits/kangding-test"
ITEM = {"day": "2027-08-03", "start": "09:00", "end": "09:30", "kind": "address",
        "title_zh": "欢迎致辞", "title_en": "Welcome"}


def test_the_published_agenda_is_public_json_without_internal_ids(client, summit, organiser,
                                                                   hall):
    assert_json_error(client.get(f"{S}/agenda"), 404, "not_found",
                      message="The programme has not been published yet.")
    factories.make_category(summit)
    zhao = factories.make_registration(summit, "赵波", approve_as=organiser)
    factories.make_item(summit, room=hall, participants=[("speaker", zhao)])
    agenda_publish.publish_agenda(organiser, summit, notify=False)

    body = client.get(f"{S}/agenda").get_json()

    assert (body["version"], body["timezone"]) == (1, "Asia/Shanghai")
    [item] = body["items"]
    assert (item["day"], item["start"], item["end"]) == ("2027-08-03", "09:00", "09:30")
    assert item["room"]["zh"] == "主会场" and item["title"] == {"zh": "欢迎致辞", "en": "Welcome"}
    assert item["participants"] == [{"role": "speaker", "name": "赵波", "name_pinyin": "ZHAO Bo",
                                     "name_native": "", "title": "县长",
                                     "organisation": "丹巴县人民政府"}]
    assert item["url"].endswith(f"/summits/kangding-test/agenda/items/{item['uid']}")
    assert [c["kind"] for c in body["changelog"]] == ["added"]
    ics = client.get(f"{S}/agenda.ics")
    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(Calendar.from_ical(ics.data).walk("VEVENT")) == 1


def test_organisers_build_and_publish_a_programme(client, summit, organiser_headers):
    room = client.post(f"{S}/rooms", json={"name_zh": "主会场", "name_en": "Main hall",
                                           "capacity": 400}, headers=organiser_headers)
    assert room.status_code == 201
    room_id = room.get_json()["id"]
    created = client.post(f"{S}/agenda/items", headers=organiser_headers, json=ITEM | {
        "room_id": room_id, "participants": [
            {"role": "speaker", "guest_name": "杨春轩", "guest_title": "副厅长",
             "guest_organisation": "四川省商务厅"}]})
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert item["participants"][0]["name"] == "杨春轩" and item["room_id"] == room_id

    clash = client.post(f"{S}/agenda/items", headers=organiser_headers,
                        json=ITEM | {"room_id": room_id, "start": "09:15", "end": "10:00"})
    error = assert_json_error(clash, 409, "confirmation_required", fields={"confirm"})
    assert "The room is used twice at once" in error["message"]
    blocked = client.post(f"{S}/agenda/items", headers=organiser_headers, json=ITEM | {
        "room_id": room_id, "start": "09:15", "end": "10:00", "confirm": True})
    assert blocked.status_code == 201
    draft = client.get(f"{S}/agenda/draft", headers=organiser_headers).get_json()
    assert [c["kind"] for c in draft["items"][0]["conflicts"]] == ["room"]
    assert_json_error(client.post(f"{S}/agenda/versions", headers=organiser_headers, json={}), 409,
                      "conflict")

    moved = client.patch(f"/api/v1/agenda/items/{blocked.get_json()['id']}",
                         headers=organiser_headers, json={"start": "10:00", "end": "10:30"})
    assert moved.status_code == 200 and moved.get_json()["start"] == "10:00"
    assert moved.get_json()["title"]["zh"] == "欢迎致辞"  # what was not sent stays
    published = client.post(f"{S}/agenda/versions", headers=organiser_headers, json={"note": "v1"})
    assert published.status_code == 201
    assert published.get_json()["number"] == 1 and published.get_json()["items"] == 2

    cancelled = client.post(f"/api/v1/agenda/items/{item['id']}/cancel", headers=organiser_headers)
    assert cancelled.get_json()["status"] == "cancelled"
    assert client.post(f"{S}/agenda/versions", headers=organiser_headers,
                       json={}).status_code == 201
    versions = client.get(f"{S}/agenda/versions", headers=organiser_headers).get_json()
    assert [v["number"] for v in versions["items"]] == [2, 1]
    assert [c["kind"] for c in versions["items"][0]["changelog"]] == ["cancelled"]


@pytest.mark.parametrize("change, status, field, message", [
    ({"end": "08:30"}, 422, "end", "The item must end after it starts."),
    ({"day": "2027-09-01"}, 422, "day",
     "The summit runs from 2027-08-03 to 2027-08-04: choose a day in between."),
    ({"room_id": 999999}, 422, "room_id", "This room does not exist at this summit."),
    ({"participants": [{"role": "speaker", "registration_id": 999999}]}, 422, "participants",
     "Person 999999 is not registered for this summit."),
    ({"participants": [{"role": "speaker"}]}, 422, "participants",
     "Pick a registered person or give a guest's name."),
    ({"participants": [{"role": "boss", "guest_name": "x"}]}, 422, "role", None),
    ({"participants": "赵波"}, 422, "participants", None),
    ({"kind": "party"}, 422, "kind", None),
    ({"day": "03/08/2027"}, 422, "day", None),
    ({"start": 900}, 422, "start", None),
    ({"title_zh": ["x"]}, 422, "title_zh", None),
    ({"title_zh": "x" * 201}, 422, "title_zh", None),
    ({"room_id": "1"}, 422, "room_id", None),
    ({"capacity": True}, 422, "capacity", None),
    ({"bookable": True}, 422, "capacity", "A bookable item needs a capacity of at least 1."),
    ({"confirm": "yes"}, 422, "confirm", None),
])
def test_bad_items_are_clear_json_errors(client, summit, organiser_headers, change, status, field,
                                         message):
    response = client.post(f"{S}/agenda/items", headers=organiser_headers, json=ITEM | change)

    error = assert_json_error(response, status, fields={field})
    if message:
        assert error["fields"][field] == message
    assert db.session.scalar(db.select(db.func.count(AgendaItem.id))) == 0


def test_missing_fields_and_non_objects(client, summit, organiser_headers):
    missing = client.post(f"{S}/agenda/items", headers=organiser_headers, json={"title_zh": "x"})
    not_json = client.post(f"{S}/agenda/items", headers=organiser_headers, data="x")
    a_list = client.post(f"{S}/agenda/items", headers=organiser_headers, json=[1])
    unknown = client.patch("/api/v1/agenda/items/999999", headers=organiser_headers, json={})

    assert_json_error(missing, 422, fields={"day"})
    assert_json_error(not_json, 415)
    assert_json_error(a_list, 400, message="The body must be a JSON object.")
    assert_json_error(unknown, 404, "not_found")


def test_delegates_and_anonymous_are_refused(client, summit, hall):
    delegate = factories.make_member(summit, Role.DELEGATE, "delegate@example.com")

    assert_json_error(client.post(f"{S}/agenda/items", json=ITEM), 401, "unauthorized")
    assert_json_error(client.post(f"{S}/agenda/items", json=ITEM, headers=token_for(delegate)),
                      403, "forbidden")
    assert_json_error(client.post(f"{S}/agenda/versions", json={},
                                  headers=token_for(delegate)), 403, "forbidden")
    assert db.session.scalar(db.select(db.func.count(AgendaVersion.id))) == 0
