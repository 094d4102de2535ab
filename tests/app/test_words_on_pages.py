"""Words on pages follow docs/glossary.md and the page's language: the arrivals board says
实到 / 应到 and shows categories in English on English pages, the scanner's online light
says 在线 (not the media type), zones show as their names (not MAIN, PRESS), the summit's
time zone is 北京时间, and its organisations are 主办单位 / 承办单位 / 支持单位."""
from __future__ import annotations

from dataclasses import replace

from summit.extensions import db
from summit.models import MediaType, Role
from summit.services.badges import issuing as badges
from summit.services.checkin import scans as checkins
from summit.services.summits import settings as summit_settings
from tests.support import factories, press_factories
from tests.support.pages import scanner_config, text

CHINESE = {"Accept-Language": "zh-CN"}


def test_the_board_and_the_scanner_speak_the_page_language(client, login, event, organiser,
                                                           staff):
    guest = factories.make_registration(event, "陈静", "chen@example.com", category="expert",
                                        approve_as=organiser)
    factories.make_registration(event, "王芳", "wang@example.com", approve_as=organiser)
    badge = badges.ensure_badge(guest)
    db.session.commit()
    checkins.scan(staff, event, badges.token_for(badge), "东门", "s-1")
    login(organiser.email)

    english = text(client.get(f"/summits/{event.slug}/checkin/board"))
    chinese = text(client.get(f"/summits/{event.slug}/checkin/board", headers=CHINESE))
    scanner_en = scanner_config(text(client.get(f"/summits/{event.slug}/checkin/")))
    scanner_zh = scanner_config(text(client.get(f"/summits/{event.slug}/checkin/",
                                                headers=CHINESE)))

    assert "Expert</td>" in english and "Delegate</td>" in english
    assert "专家</td>" not in english and "代表</td>" not in english
    assert "<th>实到</th><th>应到</th>" in chinese and "当月到位" not in chinese
    assert "专家</td>" in chinese
    assert scanner_zh["strings"]["online"] == "在线"
    assert scanner_en["strings"]["online"] == "Online"
    assert scanner_zh["zones"] == {"MAIN": "主会场"} and scanner_en["zones"] == {"MAIN": "Main"}
    assert scanner_en["categories"]["guest"] == "Guest"
    assert scanner_zh["categories"]["guest"] == "嘉宾"
    # The camera's trouble is told in words with what to do, never the browser's error name.
    assert "cameraError" not in scanner_zh["strings"]
    assert "允许本网站使用摄像头" in scanner_zh["strings"]["cameraDenied"]


def test_press_pages_name_zones_statuses_and_media_types(client, login, app):
    event = press_factories.press_summit()
    officer = factories.make_member(event, Role.MEDIA_OFFICER, "officer@example.com")
    application = press_factories.submitted(event)
    application.media_type = MediaType.PRINT
    db.session.commit()
    login(officer.email)

    queue = text(client.get(f"/summits/{event.slug}/press", headers=CHINESE))
    detail = text(client.get(f"/press-applications/{application.id}", headers=CHINESE))

    assert "主会场</span>, <span title=\"PRESS\">媒体区" in queue
    assert ">submitted<" not in queue and ">已提交<" in queue.replace("</option>", "<")
    assert "平面媒体" in queue and "平面媒体" in detail and "打印" not in detail
    assert "<b>MAIN</b>" not in detail and "媒体区" in detail
    assert "审核记录" in detail


def test_the_summit_names_its_time_zone_and_organisations_as_people_do(client, summit,
                                                                         organiser):
    summit_settings.update_summit(organiser, summit, replace(
        summit_settings.details_of(summit), hosts=["四川省商务厅"], organisers=["甘孜州人民政府"],
        supporters=["广东援川工作组"]))

    chinese = text(client.get(f"/summits/{summit.slug}", headers=CHINESE))
    english = text(client.get(f"/summits/{summit.slug}"))

    assert "时间均为北京时间。" in chinese and "Asia/Shanghai" not in chinese
    assert "All times are Beijing time." in english and "Asia/Shanghai" not in english
    assert "<dt>主办单位</dt><dd>四川省商务厅</dd>" in chinese
    assert "<dt>承办单位</dt><dd>甘孜州人民政府</dd>" in chinese
    assert "<dt>支持单位</dt><dd>广东援川工作组</dd>" in chinese
    assert "组织者" not in chinese
