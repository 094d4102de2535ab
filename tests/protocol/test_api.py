"""The protocol API: the precedence list and an item's seating, read with a bearer token."""
from summit.models import Convention, Rank, Role
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
