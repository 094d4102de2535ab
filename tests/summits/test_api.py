"""GET /api/v1/summits and GET /api/v1/summits/<slug> (public)."""
from __future__ import annotations

from datetime import date

import pytest

from summit.services.summits import settings as summits
from tests.support import factories
from tests.support.api import assert_json_error, bearer


@pytest.fixture
def kangding_2017(app):
    """The model event: organisations in every role, zones and categories."""
    admin = factories.make_user("admin@example.com", admin=True)
    summit = summits.create_summit(admin, summits.SummitDetails(
        slug="kangding-2017", title_zh="四川藏区电子商务扶贫大会",
        title_en="Sichuan Tibetan Areas E-commerce Conference", theme_zh="融合共享·创新发展",
        theme_en="Sharing and innovation", city="康定", venue="康定情歌大酒店",
        timezone="Asia/Chongqing", starts_on=date(2017, 9, 20), ends_on=date(2017, 9, 21),
        hosts=["四川省商务厅"], organisers=["甘孜州人民政府"],
        supporters=["广东省援川工作组", "四川省电子商务协会"]))
    main = factories.make_zone(summit, "MAIN", "主会场")
    vip = factories.make_zone(summit, "VIP", "贵宾区")
    factories.make_zone(summit, "PRESS", "媒体区")
    factories.make_category(summit, "delegate", "代表", zones=[main])
    factories.make_category(summit, "guest", "嘉宾", zones=[vip, main], public=False)
    return summit


def test_a_summit_is_described_in_full(client, kangding_2017):
    response = client.get("/api/v1/summits/kangding-2017")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "slug": "kangding-2017",
        "title": {"zh": "四川藏区电子商务扶贫大会",
                  "en": "Sichuan Tibetan Areas E-commerce Conference"},
        "theme": {"zh": "融合共享·创新发展", "en": "Sharing and innovation"},
        "city": "康定",
        "venue": "康定情歌大酒店",
        "timezone": "Asia/Chongqing",
        "starts_on": "2017-09-20",
        "ends_on": "2017-09-21",
        "organisations": {
            "host": [{"name": "四川省商务厅", "kind": "government"}],
            "organiser": [{"name": "甘孜州人民政府", "kind": "government"}],
            "supporter": [{"name": "广东省援川工作组", "kind": "other"},
                          {"name": "四川省电子商务协会", "kind": "other"}],
        },
        "zones": [
            {"code": "MAIN", "label": {"zh": "主会场", "en": "Main"}},
            {"code": "PRESS", "label": {"zh": "媒体区", "en": "Press"}},
            {"code": "VIP", "label": {"zh": "贵宾区", "en": "Vip"}},
        ],
        "categories": [
            {"code": "delegate", "label": {"zh": "代表", "en": "Delegate"},
             "colour": "#1f5fbf", "public": True, "zones": ["MAIN"]},
            {"code": "guest", "label": {"zh": "嘉宾", "en": "Guest"},
             "colour": "#1f5fbf", "public": False, "zones": ["MAIN", "VIP"]},
        ],
    }


def test_a_bare_summit_has_empty_lists_and_the_default_time_zone(client, summit):
    body = client.get("/api/v1/summits/kangding-test").get_json()

    assert body["timezone"] == "Asia/Shanghai"
    assert body["organisations"] == {"host": [], "organiser": [], "supporter": []}
    assert body["zones"] == [] and body["categories"] == []
    assert body["theme"] == {"zh": "融合共享", "en": ""}


def test_the_summit_is_public_and_ignores_a_bad_token(client, summit):
    anonymous = client.get("/api/v1/summits/kangding-test")
    with_bogus_token = client.get("/api/v1/summits/kangding-test", headers=bearer("bogus"))

    assert anonymous.status_code == with_bogus_token.status_code == 200
    assert anonymous.get_json() == with_bogus_token.get_json()


def test_an_unknown_slug_is_a_404_in_the_error_shape(client, summit):
    response = client.get("/api/v1/summits/no-such-summit")

    assert_json_error(response, 404, "not_found", fields=set(),
                      message="There is no summit at this address.")


@pytest.mark.parametrize("path", [
    "/api/v1/summits/ABC",
    "/api/v1/summits/Kangding-Test",
    "/api/v1/summits/%00",
    "/api/v1/summits/kangding%00test",
    "/api/v1/summits/-kangding",
    "/api/v1/summits/kangding-",
    "/api/v1/summits/" + "a" * 65,
    "/api/v1/summits/%E5%BA%B7%E5%AE%9A",
    "/api/v1/summits/%FF%FE",
    "/api/v1/summits/kangding_test",
    "/api/v1/summits/kangding-test/extra",
    "/api/v1/summits/..%2F..%2Fetc",
])
def test_a_slug_with_invalid_characters_is_a_json_404(client, summit, path):
    response = client.get(path)

    assert_json_error(response, 404, "not_found", fields=set())


def test_the_list_has_items_and_total_newest_first(client, kangding_2017):
    factories.make_summit("chengdu-2027", title_zh="成都峰会", starts_on=date(2027, 5, 1),
                          ends_on=date(2027, 5, 2))

    response = client.get("/api/v1/summits")

    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total"}
    assert body["total"] == 2
    assert [item["slug"] for item in body["items"]] == ["chengdu-2027", "kangding-2017"]
    # Each item has the same shape as the detail endpoint.
    assert body["items"][1] == client.get("/api/v1/summits/kangding-2017").get_json()


def test_the_list_is_empty_without_summits(client, app):
    assert client.get("/api/v1/summits").get_json() == {"items": [], "total": 0}


def test_health(client, app):
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
