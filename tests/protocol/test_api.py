"""The protocol API: the precedence list and an item's seating, read with a bearer token."""
from summit.extensions import db
from summit.models import AuditEntry, Convention, Rank, Role
from summit.services.accounts import tokens as api_tokens
from summit.services.protocol import precedence, seating
from tests.support import factories
from tests.support.api import bearer


def token_for(summit, role: Role) -> str:
    user = factories.make_member(summit, role, f"{role.value}@example.com")
    return api_tokens.issue_token(user.email, factories.PASSWORD, "127.0.0.1")[0]


def test_precedence_and_seating_over_the_api(client, summit, organiser):
    for name, rank in (("李兴文", Rank.BUREAU), ("王省长", Rank.PROVINCIAL),
                       ("赵县长", Rank.COUNTY)):
        precedence.add_entry(organiser, summit, precedence.EntryDetails(name=name, rank=rank))
    item = factories.make_item(summit)
    headers = bearer(token_for(summit, Role.OFFICIAL))
    assert client.get(f"/api/v1/agenda/items/{item.id}/seating",
                      headers=headers).status_code == 404
    seating.configure(organiser, item, 1, 2, Convention.GOVERNMENT)

    listed = client.get(f"/api/v1/summits/{summit.slug}/precedence", headers=headers).json
    assert [(e["number"], e["name"], e["rank"]) for e in listed["items"]] == [
        (1, "王省长", "provincial"), (2, "李兴文", "bureau"), (3, "赵县长", "county")]

    chart = client.get(f"/api/v1/agenda/items/{item.id}/seating", headers=headers).json
    assert chart["convention"] == "government" and chart["seen_from"] == "stage"
    assert [s["person"]["name"] for s in chart["rows"][0]] == ["王省长", "李兴文"]
    assert [u["name"] for u in chart["unseated"]] == ["赵县长"]

    outsider = bearer(token_for(summit, Role.PRESS))
    assert client.get(f"/api/v1/summits/{summit.slug}/precedence",
                      headers=outsider).status_code == 403
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/agenda/items/{item_id}/seating" in paths
    assert "/summits/{slug}/precedence" in paths


def test_placements_are_put_whole_or_not_at_all(client, summit, organiser):
    for name, rank in (("王省长", Rank.PROVINCIAL), ("李兴文", Rank.BUREAU),
                       ("赵县长", Rank.COUNTY), ("钱县长", Rank.COUNTY)):
        precedence.add_entry(organiser, summit, precedence.EntryDetails(name=name, rank=rank))
    ids = {e.name: e.id for e in precedence.ordered(summit)}
    item = factories.make_item(summit)
    writer = bearer(token_for(summit, Role.PROTOCOL_OFFICER))
    url = f"/api/v1/agenda/items/{item.id}/seating"

    def put(placements, headers=writer):
        return client.put(url, json={"placements": placements}, headers=headers)

    assert put([]).status_code == 409  # no podium yet
    seating.configure(organiser, item, 1, 3, Convention.GOVERNMENT)
    # 赵县长 locked at the left end, the right end kept empty, 李兴文 placed but not locked.
    response = put([{"row": 1, "seat": 1, "entry_id": ids["赵县长"], "locked": True},
                    {"row": 1, "seat": 3, "entry_id": None, "locked": True},
                    {"row": 1, "seat": 2, "entry_id": ids["李兴文"], "locked": False}])
    assert response.status_code == 200, response.json
    row = response.json["rows"][0]
    assert [(s["person"] or {}).get("name") for s in row] == ["赵县长", "李兴文", None]
    assert [s["locked"] for s in row] == [True, False, True]
    assert [u["name"] for u in response.json["unseated"]] == ["王省长", "钱县长"]
    # 李兴文 drops out: his unlocked place lapses and the rule fills it.
    precedence.set_attendance(organiser, precedence.get_entry(ids["李兴文"]), item,
                              precedence.Attendance.ABSENT)
    row = client.get(url, headers=writer).json["rows"][0]
    assert [(s["person"] or {}).get("name") for s in row] == ["赵县长", "王省长", None]

    before = client.get(url, headers=writer).json
    bad = [
        ([{"row": 1, "seat": 1, "entry_id": ids["王省长"]},
          {"row": 1, "seat": 2, "entry_id": ids["王省长"]}], "王省长 is placed twice."),
        ([{"row": 2, "seat": 1, "entry_id": ids["王省长"]}],
         "Row 2 seat 1 is not on this podium (1 rows of 3 seats)."),
        ([{"row": 1, "seat": 4, "entry_id": None}],
         "Row 1 seat 4 is not on this podium (1 rows of 3 seats)."),
        ([{"row": 1, "seat": 1, "entry_id": ids["王省长"]},
          {"row": 1, "seat": 1, "entry_id": ids["钱县长"]}], "Row 1 seat 1 is given twice."),
        ([{"row": 1, "seat": 1, "entry_id": ids["钱县长"]},
          {"row": 1, "seat": 2, "entry_id": ids["李兴文"], "locked": True}],
         "李兴文 is absent from this item: no seat can be held for them."),
        ([{"row": 1, "seat": 1, "entry_id": 999999}],
         "Row 1 seat 1: that leader is not on this summit's precedence list."),
    ]
    for placements, message in bad:
        response = put(placements)
        assert response.status_code == 422, (placements, response.json)
        assert message in str(response.json), response.json
    for body in ({"placements": [{"row": 0, "seat": 1, "entry_id": None}]},
                 {"placements": [{"row": 1, "seat": 1}]},
                 {"placements": [{"row": 1, "seat": 1, "entry_id": None, "locked": "yes"}]},
                 {"placements": "all"}, {"placements": [], "extra": 1}, {}):
        assert client.put(url, json=body, headers=writer).status_code == 422, body
    # Nothing was half-written.
    assert client.get(url, headers=writer).json == before

    reader = bearer(token_for(summit, Role.OFFICIAL))
    assert put([], reader).status_code == 403
    assert put([]).status_code == 200
    assert client.get(url, headers=writer).json["rows"][0][0]["locked"] is False
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "put" in paths["/agenda/items/{item_id}/seating"]
    assert "/agenda/items/{item_id}/run-sheet" in paths
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry))]
    assert actions.count("podium.seating") == 2


def test_the_run_sheet_over_the_api(client, summit, organiser, ceremony):
    precedence.add_entry(organiser, summit, precedence.EntryDetails(name="王省长",
                                                                    rank=Rank.PROVINCIAL))
    officer = factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com")
    agreement = factories.make_agreement(summit, officer, signed_at=None,
                                         ceremony_item_id=ceremony.id)
    headers = bearer(token_for(summit, Role.OFFICIAL))
    sheet = client.get(f"/api/v1/agenda/items/{ceremony.id}/run-sheet", headers=headers).json
    assert sheet["convention"] == "government" and sheet["order_by"] == "amount"
    [signing] = sheet["signings"]
    assert signing["agreement_id"] == agreement.id and signing["amount"] == "50000000.00"
    assert signing["host"][0]["name"] == "李兴文" and signing["guest"][0]["name"] == "王海"
    assert (signing["host_seat"], signing["guest_seat"]) == ("right", "left")
    assert [w["name"] for w in signing["witnesses"]] == ["王省长"]
    other = factories.make_item(summit)
    assert client.get(f"/api/v1/agenda/items/{other.id}/run-sheet",
                      headers=headers).status_code == 409
