"""The agreements API: create, list, read, follow-up entries and the summary, and bad input."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from summit.extensions import db
from summit.models import Agreement, AgreementUpdate, Role
from summit.services.accounts import tokens as api_tokens
from tests.support import factories
from tests.support.api import assert_json_error, bearer


@pytest.fixture
def officer_token(summit):
    user = factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com")
    return api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0]


@pytest.fixture
def official_token(summit):
    user = factories.make_member(summit, Role.OFFICIAL, "official@example.com")
    return api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0]


def body(**overrides) -> dict:
    values = {"title": "甘孜州农村电商战略合作协议", "kind": "strategic", "county": "康定市",
              "sector": "农村电商", "amount": "50000000.00", "signed_at": "2017-08-03T10:30:00",
              "on_stage": True, "witnesses": ["赵波", "杨春轩"],
              "parties": [{"side": "a", "name": "甘孜藏族自治州人民政府", "signatory": "李兴文"},
                          {"side": "b", "name": "四川川藏云商科技有限公司", "signatory": "王海"}]}
    values.update(overrides)
    return values


def create(client, token, **overrides):
    return client.post("/api/v1/summits/kangding-test/agreements", json=body(**overrides),
                       headers=bearer(token))


def test_create_read_and_list(client, officer_token, official_token):
    created = create(client, officer_token)
    assert created.status_code == 201, created.get_json()
    agreement = created.get_json()
    assert agreement["amount"] == "50000000.00" and agreement["status"] == "signed"
    assert agreement["signed_at"] == "2017-08-03T02:30:00+00:00"  # Kangding time given
    assert [p["side"] for p in agreement["parties"]] == ["a", "b"]

    listed = client.get("/api/v1/summits/kangding-test/agreements?county=康定市",
                        headers=bearer(official_token)).get_json()
    one = client.get(f"/api/v1/agreements/{agreement['id']}",
                     headers=bearer(official_token)).get_json()

    assert listed["total"] == 1 and listed["items"][0]["title"] == "甘孜州农村电商战略合作协议"
    assert one["updates"] == [] and one["witnesses"] == ["赵波", "杨春轩"]


def test_updates_until_landing_and_the_summary(client, officer_token, official_token):
    agreement_id = create(client, officer_token).get_json()["id"]
    url = f"/api/v1/agreements/{agreement_id}/updates"
    for target in ("contracted", "construction_started", "landed"):
        response = client.post(url, json={"kind": "status", "status_to": target,
                                          "happened_on": "2018-01-05"},
                               headers=bearer(officer_token))
        assert response.status_code == 201, response.get_json()
    funds = client.post(url, json={"kind": "funds", "funds_in_place": "12500000.10",
                                   "happened_on": "2018-01-06"}, headers=bearer(officer_token))
    assert funds.get_json()["update"]["funds_change"] == "12500000.10"

    summary = client.get("/api/v1/summits/kangding-test/agreements/summary",
                         headers=bearer(official_token)).get_json()

    assert summary["totals"]["count"] == 1
    assert summary["totals"]["funds_in_place"] == "12500000.10"
    assert summary["rates"] == {"performance": "100.0", "construction": "100.0",
                                "landing": "100.0", "funds": "25.0"}
    assert summary["by_county"][0]["key"] == "康定市"
    assert "÷" in summary["definitions"]["landing"]


def test_officials_read_but_do_not_write(client, official_token, officer_token):
    assert_json_error(create(client, official_token), 403, "forbidden")
    agreement_id = create(client, officer_token).get_json()["id"]
    response = client.post(f"/api/v1/agreements/{agreement_id}/updates",
                           json={"kind": "note", "note": "x"}, headers=bearer(official_token))
    assert_json_error(response, 403, "forbidden")


@pytest.mark.parametrize("overrides, status, field", [
    ({"amount": "-1"}, 422, "amount"),
    ({"amount": "abc"}, 422, "amount"),
    ({"amount": "10.123"}, 422, "amount"),
    ({"amount": 10.5}, 422, "amount"),
    ({"amount": None}, 422, "amount"),
    ({"kind": "contract"}, 422, "kind"),
    ({"parties": [{"side": "a", "name": "甘孜州"}]}, 422, "parties"),
    ({"parties": "甘孜州"}, 422, "parties"),
    ({"signed_at": "03/08/2017"}, 422, "signed_at"),
    ({"title": ""}, 422, "title"),
    ({"expected_jobs": -3}, 422, "expected_jobs"),
    ({"status": "terminated"}, 422, "reason"),
    ({"funds_in_place": "60000000.00"}, 409, "funds_in_place"),
    ({"predecessor_id": 99999}, 422, "predecessor_id"),
])
def test_bad_agreement_input_is_a_clear_error_and_writes_nothing(client, officer_token,
                                                                 overrides, status, field):
    response = create(client, officer_token, **overrides)

    assert_json_error(response, status, fields={field})
    assert db.session.scalar(db.select(db.func.count(Agreement.id))) == 0


def test_over_funding_is_accepted_with_confirm(client, officer_token):
    response = create(client, officer_token, funds_in_place="60000000.00", confirm=True)
    assert response.status_code == 201
    assert response.get_json()["funds_in_place"] == "60000000.00"


@pytest.mark.parametrize("payload, status, field", [
    ({"kind": "status", "status_to": "signed"}, 422, "status_to"),
    ({"kind": "status", "status_to": "terminated"}, 422, "reason"),
    ({"kind": "status", "status_to": "flying"}, 422, "status_to"),
    ({"kind": "funds", "funds_in_place": "50000000.01"}, 409, "funds_in_place"),
    ({"kind": "funds", "funds_in_place": "-2"}, 422, "funds_in_place"),
    ({"kind": "funds", "funds_in_place": 100}, 422, "funds_in_place"),
    ({"kind": "funds", "funds_in_place": "1.001"}, 422, "funds_in_place"),
    ({"kind": "milestone", "milestone_title": "x", "milestone_state": "met"}, 422,
     "milestone_met_on"),
    ({"kind": "note"}, 422, "note"),
    ({"kind": "gossip"}, 422, "kind"),
    ({"kind": "note", "note": "x", "happened_on": "2099-01-01"}, 422, "happened_on"),
    ({"kind": "note", "note": "x", "correction": "yes"}, 422, "correction"),
])
def test_bad_update_input_is_a_clear_error_and_writes_nothing(client, officer_token, payload,
                                                              status, field):
    agreement_id = create(client, officer_token).get_json()["id"]

    response = client.post(f"/api/v1/agreements/{agreement_id}/updates", json=payload,
                           headers=bearer(officer_token))

    assert_json_error(response, status, fields={field})
    assert db.session.scalar(db.select(db.func.count(AgreementUpdate.id))) == 0
    db.session.expire_all()
    stored = db.session.get(Agreement, agreement_id)
    assert (stored.status.value, stored.funds_in_place) == ("signed", Decimal("0.00"))


def test_a_body_that_is_not_an_object_is_400(client, officer_token):
    response = client.post("/api/v1/summits/kangding-test/agreements", json=[1, 2],
                           headers=bearer(officer_token))
    assert_json_error(response, 400)


def test_an_unknown_agreement_is_404(client, official_token):
    assert_json_error(client.get("/api/v1/agreements/424242", headers=bearer(official_token)),
                      404)


# --- the signing ceremony -----------------------------------------------------------------

def test_a_ceremony_item_is_accepted_returned_and_gives_the_signing_time(
        client, summit, officer_token, official_token):
    ceremony = factories.make_item(summit, "09:50", "10:20", day=date(2017, 8, 3),
                                   kind="signing_ceremony", title_zh="签约仪式")
    payload = body(ceremony_item_id=ceremony.id)
    del payload["signed_at"]
    created = client.post("/api/v1/summits/kangding-test/agreements", json=payload,
                          headers=bearer(officer_token))
    assert created.status_code == 201, created.get_json()
    agreement = created.get_json()
    assert agreement["ceremony_item_id"] == ceremony.id
    assert agreement["signed_at"] == "2017-08-03T01:50:00+00:00"  # 09:50 in Kangding

    read = client.get(f"/api/v1/agreements/{agreement['id']}", headers=bearer(official_token))
    assert read.get_json()["ceremony_item_id"] == ceremony.id
    listed = client.get("/api/v1/summits/kangding-test/agreements",
                        headers=bearer(official_token)).get_json()
    assert [a["ceremony_item_id"] for a in listed["items"]] == [ceremony.id]
    plain = create(client, officer_token, title="另一份协议").get_json()
    assert plain["ceremony_item_id"] is None


@pytest.mark.parametrize("case", ["unknown", "other_summit", "wrong_kind", "text", "boolean"])
def test_a_bad_ceremony_item_is_a_422_on_the_field(client, summit, officer_token, case):
    other = factories.make_summit("other-summit")
    value = {"unknown": 999_999,
             "other_summit": factories.make_item(other, day=date(2017, 8, 3),
                                                 kind="signing_ceremony").id,
             "wrong_kind": factories.make_item(summit, day=date(2017, 8, 3), kind="keynote").id,
             "text": "1", "boolean": True}[case]
    response = create(client, officer_token, ceremony_item_id=value)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert "ceremony_item_id" in error["fields"], error
    assert db.session.scalar(db.select(db.func.count()).select_from(Agreement)) == 0


def test_no_signing_time_and_no_ceremony_is_a_422_on_signed_at(client, officer_token):
    payload = body()
    del payload["signed_at"]
    response = client.post("/api/v1/summits/kangding-test/agreements", json=payload,
                           headers=bearer(officer_token))
    assert response.status_code == 422
    assert "signed_at" in response.get_json()["error"]["fields"]
