"""The boundary checks every request passes (issue 16): one id converter for every URL, one
check of every JSON body's values, and the odd values that used to end in a 500."""
from __future__ import annotations

import re

import pytest

from summit.extensions import db
from summit.models import CheckIn, Role
from summit.services.accounts import tokens as api_tokens
from summit.services.core.validation import MAX_ID
from tests.support import factories
from tests.support.api import assert_json_error, bearer
from tests.support.checkin import token_of

HUGE_IDS = (MAX_ID + 1, 2**63, 10**30)


def test_a_huge_id_in_any_url_is_a_404_not_a_500(app, client, admin, login, summit):
    """Every route with an ``<int:...>`` part, web and API, by each of its methods."""
    login(admin.email)
    token = api_tokens.issue_token_for(admin)[0]
    tried = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items()
                if converter.__class__.__name__ == "IdConverter"]
        if not ints:
            continue
        for huge in HUGE_IDS:
            values = {name: huge for name in ints}
            values.update({name: summit.slug for name in rule.arguments if name not in values})
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, v=values: str(v[m.group(1)]),
                          rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method, headers=bearer(token))
                assert response.status_code == 404, (method, path, response.status_code)
                tried += 1
    assert tried > 100


def test_an_id_in_the_query_string_is_bounded(client, signed_in_organiser, event):
    for value in (str(MAX_ID + 1), "²", "1e3"):
        response = client.get(f"/summits/{event.slug}/import/template.xlsx",
                               query_string={"delegation_id": value})
        assert response.status_code in (200, 404), (value, response.status_code)


@pytest.fixture
def organiser_api(client, event, organiser):
    return client, bearer(api_tokens.issue_token_for(organiser)[0]), event


@pytest.mark.parametrize("value", ["\ud800", "a\x00b", "\x1b[31m", "\udfff tail"])
def test_text_no_field_can_take_is_a_422_naming_the_field(organiser_api, value):
    client, headers, event = organiser_api
    for path, body, field in (
            (f"/api/v1/summits/{event.slug}/rooms", {"name_zh": value, "name_en": "Hall"},
             "name_zh"),
            (f"/api/v1/summits/{event.slug}/agenda/items",
             {"day": event.starts_on.isoformat(), "start": "09:00", "end": "09:30",
              "kind": "address", "title_zh": "欢迎", "participants": [
                  {"role": "speaker", "guest_name": value}]}, "participants[0].guest_name"),
            (f"/api/v1/summits/{event.slug}/checkins",
             {"token": "x", "gate": "east", "scan_id": "s1", "device": value}, "device"),
    ):
        response = client.post(path, json=body, headers=headers)
        assert_json_error(response, 422, fields={field})


@pytest.mark.parametrize("value", [MAX_ID + 1, 10**30, 1e30, -(2**63)])
def test_numbers_beyond_any_id_or_count_are_a_422(organiser_api, value):
    client, headers, event = organiser_api
    response = client.post(f"/api/v1/summits/{event.slug}/rooms",
                           json={"name_zh": "会议室", "capacity": value}, headers=headers)
    assert_json_error(response, 422, fields={"capacity"})


def test_nan_and_infinity_are_a_422(organiser_api):
    client, headers, event = organiser_api
    response = client.post(f"/api/v1/summits/{event.slug}/rooms",
                           data='{"name_zh": "会议室", "capacity": NaN}', headers=headers,
                           content_type="application/json")
    assert_json_error(response, 422, fields={"capacity"})


def test_a_signing_time_in_year_one_is_a_422(client, summit, agreements_officer):
    headers = bearer(api_tokens.issue_token_for(agreements_officer)[0])
    body = {"title": "农村电商战略合作协议", "kind": "strategic", "county": "康定市",
            "sector": "农村电商", "amount": "100.00", "parties": [
                {"side": "a", "name": "甘孜州人民政府"}, {"side": "b", "name": "某公司"}]}
    for signed_at, message in (("0001-01-01", "from 1949"), ("0001-01-01T00:00:00+08:00",
                                                              "from 1949"),
                               ("9999-12-31T23:59:59-12:00", "future")):
        response = client.post(f"/api/v1/summits/{summit.slug}/agreements",
                               json={**body, "signed_at": signed_at}, headers=headers)
        error = assert_json_error(response, 422, fields={"signed_at"})
        assert message in error["fields"]["signed_at"], error
    response = client.post(f"/api/v1/summits/{summit.slug}/agreements",
                           json={**body, "signed_at": "2017-08-03T10:30:00+08:00",
                                 "predecessor_id": 10**30}, headers=headers)
    assert_json_error(response, 422, fields={"predecessor_id"})


def test_a_scan_with_a_nul_or_a_year_one_time_is_refused_and_nothing_stored(
        client, event, organiser):
    holder = factories.make_registration(event, "赵波", approve_as=organiser)
    staff = factories.make_member(event, Role.CHECKIN_STAFF, "gate@example.com")
    headers = bearer(api_tokens.issue_token_for(staff)[0])
    url = f"/api/v1/summits/{event.slug}/checkins"
    for body, field in (({"gate": "east\x00"}, "gate"),
                        ({"scanned_at": "0001-01-01T00:00:00+08:00"}, "scanned_at"),
                        ({"scanned_at": "9999-12-31T23:59:59-12:00"}, "scanned_at")):
        scan = {"token": token_of(holder), "gate": "east", "scan_id": "s1", **body}
        response = client.post(url, json=scan, headers=headers)
        assert response.status_code in (400, 422), response.get_data(as_text=True)
        assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(CheckIn)) == 0
