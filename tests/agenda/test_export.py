"""Exports of the published programme: iCalendar parsed back, frab JSON, the printed PDF."""
from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from icalendar import Calendar
from jsonschema import Draft6Validator

from summit.extensions import db
from summit.models import Organisation, OrganisationRole, SummitOrganisation
from summit.services.agenda import (
    draft as agenda,
    export as agenda_export,
    pdf as agenda_print,
    public as agenda_public,
    publish as agenda_publish,
)
from tests.support import factories

NOW = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")

DATA = Path(__file__).resolve().parents[1] / "data"


def url(uid: str) -> str:
    return f"http://localhost/summits/kangding-test/agenda/items/{uid}"


@pytest.fixture
def published(summit, organiser, hall):
    factories.make_category(summit)
    zhaxi = factories.make_registration(summit, "扎西德勒", approve_as=organiser)
    zhaxi.name_native = "བཀྲ་ཤིས་བདེ་ལེགས"
    db.session.commit()
    first = factories.make_item(summit, "09:00", "09:30", room=hall, description_zh="州政府致辞",
                                participants=[("speaker", "趙波"), ("host", zhaxi)])
    second = factories.make_item(summit, "14:00", "16:00", kind="salon", title_zh="电商沙龙",
                                 title_en="E-commerce salon", day=summit.ends_on, room=hall)
    third = factories.make_item(summit, "10:00", "10:20", kind="break", title_zh="茶歇")
    agenda_publish.publish_agenda(organiser, summit, now=NOW, notify=False)
    return type("Published", (), dict(organiser=organiser, hall=hall, first=first,
                                      second=second, third=third))


def parse(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_the_summit_ics_parses_back_to_every_item_at_local_times(summit, published):
    view = agenda_public.published_agenda(summit)

    data = agenda_export.agenda_ics(summit, view, view.items, "zh", url)

    events = parse(data)
    assert len(events) == 3
    by_summary = {str(e["SUMMARY"]): e for e in events}
    welcome = by_summary["欢迎致辞"]
    start = welcome.decoded("DTSTART")
    assert start == datetime(2027, 8, 3, 9, 0, tzinfo=SHANGHAI)
    assert start.tzinfo.key == "Asia/Shanghai" or str(welcome["DTSTART"].params["TZID"]) == \
        "Asia/Shanghai"
    assert welcome.decoded("DTEND") == datetime(2027, 8, 3, 9, 30, tzinfo=SHANGHAI)
    assert str(welcome["UID"]) == f"{published.first.uid}@summit.local"
    assert int(welcome["SEQUENCE"]) == 0 and str(welcome["STATUS"]) == "CONFIRMED"
    assert str(welcome["LOCATION"]) == "主会场 · 会议中心 · 康定"
    assert "主持人：扎西德勒（丹巴县人民政府，县长）" in str(welcome["DESCRIPTION"])
    assert "州政府致辞" in str(welcome["DESCRIPTION"])
    assert by_summary["电商沙龙"].decoded("DTSTART") == datetime(2027, 8, 4, 14, tzinfo=SHANGHAI)
    assert str(welcome["URL"]) == url(published.first.uid)
    # The time zone is described in the file itself.
    zones = Calendar.from_ical(data).walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Shanghai"]
    assert b"TZID=Asia/Shanghai:20270803T090000" in data


def test_uids_stay_and_sequence_rises_when_an_item_moves(summit, published):
    before = parse(agenda_export.agenda_ics(summit, agenda_public.published_agenda(summit),
                                            agenda_public.published_agenda(summit).items, "en",
                                            url))
    agenda.move_item(published.organiser, published.first, summit.starts_on, time(11), None)
    agenda.cancel_item(published.organiser, published.third)
    agenda_publish.publish_agenda(published.organiser, summit, notify=False)
    view = agenda_public.published_agenda(summit)

    after = parse(agenda_export.agenda_ics(summit, view, view.items, "en", url))

    assert sorted(str(e["UID"]) for e in before) == sorted(str(e["UID"]) for e in after)
    moved = next(e for e in after if str(e["UID"]).startswith(published.first.uid))
    assert int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == datetime(2027, 8, 3, 11, tzinfo=SHANGHAI)
    assert str(moved["SUMMARY"]) == "Welcome"
    cancelled = next(e for e in after if str(e["UID"]).startswith(published.third.uid))
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 1)
    untouched = next(e for e in after if str(e["UID"]).startswith(published.second.uid))
    assert int(untouched["SEQUENCE"]) == 0


def test_the_frab_schedule_has_days_rooms_and_events(summit, published):
    view = agenda_public.published_agenda(summit)

    schedule = agenda_export.frab_schedule(summit, view, "en", "http://localhost/", url)

    conference = schedule["schedule"]["conference"]
    assert schedule["schedule"]["version"] == "1"
    assert (conference["acronym"], conference["title"]) == ("kangding_test", "Test Summit")
    assert (conference["start"], conference["end"], conference["daysCount"]) == (
        "2027-08-03", "2027-08-04", 2)
    assert conference["time_zone_name"] == "Asia/Shanghai"
    assert [r["name"] for r in conference["rooms"]] == ["Main hall", "会议中心"]
    day1 = conference["days"][0]
    assert (day1["index"], day1["date"]) == (1, "2027-08-03")
    assert day1["day_start"] == "2027-08-03T09:00:00+08:00"
    event = day1["rooms"]["Main hall"][0]
    assert event["guid"] == f"{published.first.uid[:8]}-{published.first.uid[8:12]}-" \
                            f"{published.first.uid[12:16]}-{published.first.uid[16:20]}-" \
                            f"{published.first.uid[20:]}"
    assert (event["date"], event["start"], event["duration"]) == (
        "2027-08-03T09:00:00+08:00", "09:00", "00:30")
    assert event["title"] == "Welcome" and event["type"] == "address"
    assert [p["public_name"] for p in event["persons"]] == ["趙波", "扎西德勒"]
    assert all(isinstance(p["id"], int) and p["id"] > 0 and p["guid"] for p in event["persons"])
    assert len({p["id"] for p in event["persons"]}) == 2
    assert day1["rooms"]["会议中心"][0]["title"] == "Tea break" or \
        day1["rooms"]["会议中心"][0]["type"] == "break"
    assert conference["days"][1]["rooms"]["Main hall"][0]["duration"] == "02:00"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "programme.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_info(data: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout


def test_the_printed_programme_is_a4_with_cover_days_and_speakers(summit, published, tmp_path):
    for role, name in ((OrganisationRole.HOST, "四川省商务厅"),
                       (OrganisationRole.SUPPORTER, "广东援川工作组")):
        summit.organisations.append(SummitOrganisation(
            organisation=Organisation(name=name), role=role))
    db.session.commit()
    view = agenda_public.published_agenda(summit)

    chinese = agenda_print.programme_pdf(summit, view, "zh")
    english = agenda_print.programme_pdf(summit, view, "en")

    text = pdf_text(chinese, tmp_path)
    assert chinese.startswith(b"%PDF")
    assert "Page size:" in pdf_info(chinese, tmp_path) and "595.276 x 841.89" in pdf_info(
        chinese, tmp_path)
    for expected in ("测试峰会", "四川省商务厅", "广东援川工作组", "欢迎致辞", "电商沙龙", "趙波",
                     "扎西德勒", "主会场", "09:00–09:30"):
        assert expected in text, expected
    assert "བཀྲ" in text  # the Tibetan name prints (not empty boxes)
    english_text = pdf_text(english, tmp_path)
    assert "Welcome" in english_text and "E-commerce salon" in english_text
    assert "Main hall" in english_text
    with force_locale("en"):
        assert "Host" in english_text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_schedule_json_validates_against_the_c3voc_schema(client, summit, published, lang):
    """The public c3voc schedule schema (vendored in tests/data): what their tools (and
    frab and pretalx importers) check before reading a schedule."""
    schema = json.loads((DATA / "c3voc-schedule-schema.json").read_text(encoding="utf-8"))

    response = client.get(f"/summits/{summit.slug}/agenda/schedule.json?lang={lang}")

    assert response.status_code == 200
    document = response.get_json()
    validator = Draft6Validator(schema, format_checker=Draft6Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(document)]
    assert errors == []
    persons = [p for day in document["schedule"]["conference"]["days"]
               for events in day["rooms"].values() for e in events for p in e["persons"]]
    assert persons and all({"id", "public_name", "guid"} <= set(p) for p in persons)
