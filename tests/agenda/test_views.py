"""The programme pages: the organiser's editor and forms, publishing, the public and personal
agenda, exports over HTTP, and query counts that do not grow with the programme."""
from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from jinja2 import ChoiceLoader, DictLoader

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemStatus,
    AgendaVersion,
    BookingStatus,
    Role,
    Room,
    SeatBooking,
)
from summit.services.agenda import draft as agenda, publish as agenda_publish
from tests.support import factories
from tests.support.pages import field_errors, flashes, location, text

# Pages: their HTML is the same on either database, and the services and API behind them
# run on both (tests/<area>/test_*.py); a page test runs once, on SQLite.
pytestmark = pytest.mark.sqlite_only

S = "/summits/kangding-test"


ITEM = {"day": "2027-08-03", "start": "09:00", "end": "09:30", "room": "", "kind": "address",
        "title_zh": "欢迎致辞", "title_en": "Welcome address", "description_zh": "",
        "description_en": "", "submit": "1"}


def test_rooms_are_added_and_listed(client, summit, signed_in_organiser):
    response = client.post(f"{S}/agenda/rooms", data={"name_zh": "主会场", "name_en": "Main hall",
                                                       "capacity": "400", "position": "0"})
    again = client.post(f"{S}/agenda/rooms", data={"name_zh": "主会场", "capacity": "10"})

    assert location(response) == f"{S}/agenda/rooms"
    assert field_errors(text(again)) == {
        "name_zh": ["This summit already has a room with this name."]}
    page = text(client.get(f"{S}/agenda/rooms"))
    assert "Main hall" in page and "400" in page


def test_an_item_is_created_from_the_form_and_a_clash_must_be_confirmed(
        client, summit, signed_in_organiser, hall):
    first = client.post(f"{S}/agenda/items/new", data=ITEM | {"room": str(hall.id)})
    item = db.session.scalars(db.select(AgendaItem)).one()
    assert location(first) == f"{S}/agenda/items/{item.id}/edit"

    clash = client.post(f"{S}/agenda/items/new", data=ITEM | {
        "room": str(hall.id), "start": "09:15", "end": "10:00", "title_zh": "签约仪式"})
    page = text(clash)
    assert clash.status_code == 200
    assert ("The room is used twice at once: “签约仪式” (09:15–10:00) and "
            "“欢迎致辞” (09:00–09:30).") in page
    assert 'name="confirm"' in page  # the box to save anyway
    assert db.session.scalar(db.select(db.func.count(AgendaItem.id))) == 1

    confirmed = client.post(f"{S}/agenda/items/new", data=ITEM | {
        "room": str(hall.id), "start": "09:15", "end": "10:00", "title_zh": "签约仪式",
        "confirm": "y"})
    assert confirmed.status_code == 302
    editor = text(client.get(f"{S}/agenda/edit?day=2027-08-03"))
    assert "Clashes in the programme (1)" in editor
    assert "Blocks publishing" in editor
    assert editor.count("has-conflict") == 2


@pytest.mark.parametrize("change, field, message", [
    ({"end": "08:00"}, "end", "The item must end after it starts."),
    ({"day": "2027-09-01"}, "day",
     "The summit runs from 2027-08-03 to 2027-08-04: choose a day in between."),
    ({"room": "999999"}, "room", "Not a valid choice."),
    ({"start": "25:00"}, "start", "Not a valid time value."),
])
def test_bad_items_are_form_errors(client, summit, signed_in_organiser, change, field, message):
    response = client.post(f"{S}/agenda/items/new", data=ITEM | change)

    assert response.status_code == 200
    assert field_errors(text(response)) == {field: [message]}
    assert db.session.scalar(db.select(db.func.count(AgendaItem.id))) == 0


def test_edit_move_cancel_and_restore_from_the_forms(client, summit, signed_in_organiser, hall):
    item = factories.make_item(summit, "09:00", "09:30", room=hall)
    edit = f"{S}/agenda/items/{item.id}"

    assert "欢迎致辞" in text(client.get(edit + "/edit"))
    saved = client.post(edit + "/edit", data=ITEM | {"room": str(hall.id),
                                                     "title_en": "Opening"})
    moved = client.post(edit + "/move", data={"move-day": "2027-08-04", "move-start": "14:00",
                                              "move-room": ""})
    cancelled = client.post(edit + "/cancel")
    restored = client.post(edit + "/restore")

    assert [r.status_code for r in (saved, moved, cancelled, restored)] == [302] * 4
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert (item.title_en, item.day.isoformat(), item.start, item.end, item.room_id) == (
        "Opening", "2027-08-04", time(14), time(14, 30), None)
    assert item.status is AgendaItemStatus.SCHEDULED
    page = text(client.get(f"{S}/agenda/edit?day=2027-08-04"))
    assert "“欢迎致辞” is back on the programme." in [m for _c, m in flashes(page)]


def test_a_participant_who_clashes_keeps_the_search_and_can_be_added_anyway(
        client, summit, signed_in_organiser, hall):
    """The warning said "tick the box below" but the search results (and so the box) were
    gone after the post, so the person could never be added (issue 17)."""
    factories.make_category(summit)
    wang = factories.make_registration(summit, "王芳")  # pending: adding her needs a confirm
    item = factories.make_item(summit, room=hall)
    edit = f"{S}/agenda/items/{item.id}"
    search = text(client.get(edit + "/edit?q=wangfang"))
    action = re.search(r'<form method="post" action="([^"]+/participants[^"]*)"', search)
    assert action and "q=wangfang" in action.group(1)

    warned = text(client.post(action.group(1).replace("&amp;", "&"), data={
        "person-role": "panelist", "person-registration_id": str(wang.id)}))

    assert "not approved" in warned and "Add 王芳" in warned
    assert 'name="person-confirm"' in warned
    assert re.search(r'<option value="panelist" selected>', warned)
    added = client.post(action.group(1).replace("&amp;", "&"), data={
        "person-role": "panelist", "person-registration_id": str(wang.id),
        "person-confirm": "y"})
    assert added.status_code == 302
    db.session.expire_all()
    assert [p.registration_id for p in db.session.get(AgendaItem, item.id).participants] == [
        wang.id]


def test_participants_are_found_in_any_script_and_added_or_removed(client, summit,
                                                                   signed_in_organiser, hall):
    factories.make_category(summit)
    zhao = factories.make_registration(summit, "赵波", approve_as=signed_in_organiser)
    pending = factories.make_registration(summit, "王芳")
    item = factories.make_item(summit, room=hall)
    edit = f"{S}/agenda/items/{item.id}"

    found = text(client.get(edit + "/edit?q=趙波"))
    assert "Add 赵波" in found and "Add 王芳" not in found
    assert "Add 赵波" in text(client.get(edit + "/edit?q=zhaobo"))

    added = client.post(edit + "/participants", data={"person-role": "speaker",
                                                      "person-registration_id": str(zhao.id)})
    warned = client.post(edit + "/participants", data={
        "person-role": "panelist", "person-registration_id": str(pending.id)})
    guest = client.post(edit + "/participants", data={
        "person-role": "host", "person-guest_name": "杨春轩", "person-guest_title": "副厅长",
        "person-guest_organisation": "四川省商务厅"})
    nobody = client.post(edit + "/participants", data={"person-role": "host"})

    assert added.status_code == guest.status_code == 302
    assert "王芳 takes part but the registration is not approved (Pending review)." in text(warned)
    assert field_errors(text(nobody)) == {
        "person-guest_name": ["Pick a registered person or give a guest's name."]}
    db.session.expire_all()
    item = db.session.get(AgendaItem, item.id)
    assert [(p.role.value, p.registration_id, p.guest_name) for p in item.participants] == [
        ("speaker", zhao.id, ""), ("host", None, "杨春轩")]
    removed = client.post(f"{edit}/participants/{item.participants[0].id}/remove")
    assert removed.status_code == 302
    db.session.expire_all()
    assert [p.guest_name for p in db.session.get(AgendaItem, item.id).participants] == ["杨春轩"]


def test_publishing_from_the_page_and_the_version_history(client, summit, signed_in_organiser, hall,
                                                          mailbox):
    factories.make_item(summit, room=hall)
    preview = text(client.get(f"{S}/agenda/publish"))
    assert "Changes to publish (1)" in preview and "Publish version 1" in preview

    response = client.post(f"{S}/agenda/publish", data={"note": "首次发布", "submit": "1"})

    assert location(response) == f"{S}/agenda/versions/1"
    version = db.session.scalars(db.select(AgendaVersion)).one()
    assert (version.number, version.note) == (1, "首次发布")
    history = text(client.get(f"{S}/agenda/versions"))
    assert "Version 1" in history and "首次发布" in history and "Added" in history
    assert "The draft is the same as the published version." in text(
        client.get(f"{S}/agenda/publish"))


def test_the_public_page_before_and_after_publishing(client, summit, hall):
    assert "The programme has not been published yet." in text(client.get(f"{S}/agenda"))
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    salon = factories.make_room(summit, "沙龙厅", "Salon", 60, 1)
    factories.make_item(summit, room=hall)
    factories.make_item(summit, "14:00", "16:00", room=salon, kind="salon", title_zh="电商沙龙",
                        title_en="E-commerce salon", day=summit.ends_on, bookable=True,
                        capacity=40)
    agenda_publish.publish_agenda(organiser, summit, notify=False)

    page = text(client.get(f"{S}/agenda"))
    by_kind = text(client.get(f"{S}/agenda?kind=salon"))
    by_room = text(client.get(f"{S}/agenda?room={hall.id}"))
    by_day = text(client.get(f"{S}/agenda?day=2027-08-04"))
    odd = client.get(f"{S}/agenda?day=nonsense&room=x&kind=%3Cb%3E")

    assert "Welcome" in page and "E-commerce salon" in page
    assert "Version 1, published" in page
    assert "Welcome" not in by_kind and "E-commerce salon" in by_kind
    assert "Welcome" in by_room and "E-commerce salon" not in by_room
    assert "Welcome" not in by_day and "E-commerce salon" in by_day
    assert odd.status_code == 200 and "E-commerce salon" in text(odd)


def test_the_public_page_in_chinese_shows_traditional_for_zh_hant(bare_client, summit, hall):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    factories.make_item(summit, room=hall, title_zh="欢迎致辞", participants=[("host", "赵波")])
    agenda_publish.publish_agenda(organiser, summit, notify=False)

    simplified = text(bare_client.get(f"{S}/agenda",
                                      headers={"Accept-Language": "zh-CN"}))
    traditional = text(bare_client.get(f"{S}/agenda", headers={"Accept-Language": "zh-TW"}))

    assert "欢迎致辞" in simplified and "歡迎致辭" in traditional


def test_an_item_keeps_its_address_across_versions_and_shows_what_changed(client, summit,
                                                                          hall):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    item = factories.make_item(summit, room=hall)
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    address = f"{S}/agenda/items/{item.uid}"
    assert "09:00–09:30" in text(client.get(address))

    agenda.move_item(organiser, item, summit.starts_on, time(10), hall.id)
    agenda_publish.publish_agenda(organiser, summit, notify=False)

    page = text(client.get(address))
    assert "10:00–10:30" in page and "Changed in version 2" in page and "Moved" in page
    ics = Calendar.from_ical(client.get(address + ".ics").data)
    assert [int(e["SEQUENCE"]) for e in ics.walk("VEVENT")] == [1]
    assert client.get(f"{S}/agenda/items/{'0' * 32}").status_code == 404


def test_exports_over_http(client, summit, hall):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    assert client.get(f"{S}/agenda.ics").status_code == 404
    factories.make_item(summit, room=hall)
    factories.make_item(summit, "10:00", "11:00", room=hall, title_zh="讲话", title_en="Speech")
    agenda_publish.publish_agenda(organiser, summit, notify=False)

    ics = client.get(f"{S}/agenda.ics")
    frab = client.get(f"{S}/agenda/schedule.json?lang=en")
    pdf = client.get(f"{S}/agenda/programme.pdf?lang=zh")

    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(Calendar.from_ical(ics.data).walk("VEVENT")) == 2
    assert frab.get_json()["schedule"]["conference"]["days"][0]["rooms"]["Main hall"][1][
        "title"] == "Speech"
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "programme-v1-zh.pdf" in pdf.headers["Content-Disposition"]


def delegate_with_account(summit):
    """The organiser, and 泽仁拉姆's account and approved registration."""
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    factories.make_category(summit)
    delegate = factories.make_user("lamu@example.com", name="泽仁拉姆")
    registration = factories.make_registration(summit, "泽仁拉姆", "lamu@example.com",
                                               approve_as=organiser)
    return organiser, delegate, registration


def test_the_personal_agenda_shows_own_items_and_booking_status(client, summit, hall, login):
    organiser, delegate, registration = delegate_with_account(summit)
    factories.make_item(summit, room=hall, participants=[("speaker", registration)])
    salon = factories.make_item(summit, "14:00", "16:00", room=hall, kind="salon",
                                title_zh="电商沙龙", title_en="Salon", bookable=True, capacity=40)
    factories.make_item(summit, "16:00", "17:00", room=hall, title_zh="别人的发言",
                        title_en="Someone else's talk")
    db.session.add(SeatBooking(item_id=salon.id, registration_id=registration.id,
                               status=BookingStatus.CONFIRMED))
    db.session.commit()
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    login(delegate.email)

    page = text(client.get(f"{S}/agenda/mine"))
    ics = Calendar.from_ical(client.get(f"{S}/agenda/mine.ics").data)

    assert "Welcome" in page and "Salon" in page and "Someone else" not in page
    assert "Seat booked" in page and "Speaker" in page
    assert sorted(str(e["SUMMARY"]) for e in ics.walk("VEVENT")) == ["Salon", "Welcome"]


def test_the_personal_agenda_has_a_heading_per_day(client, summit, hall, login):
    """Times alone made two days read as one (issue 17): each day has its dated heading."""
    organiser, delegate, registration = delegate_with_account(summit)
    second = summit.starts_on + timedelta(days=1)
    factories.make_item(summit, day=second, room=hall, title_en="Day two",
                        participants=[("speaker", registration)])
    factories.make_item(summit, room=hall, participants=[("speaker", registration)])
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    login(delegate.email)

    page = text(client.get(f"{S}/agenda/mine"))

    headings = re.findall(r'<h2 id="day-([0-9-]+)">([^<]+)</h2>', page)
    assert [day for day, _ in headings] == [summit.starts_on.isoformat(), second.isoformat()]
    assert str(second.year) in headings[1][1] and str(second.day) in headings[1][1]
    assert page.index("Welcome") < page.index(headings[1][1]) < page.index("Day two")


def test_the_personal_agenda_without_a_registration(client, summit, login):
    user = factories.make_user("nobody@example.com")
    login(user.email)

    assert "You are not registered for this summit." in text(client.get(f"{S}/agenda/mine"))


def _programme(summit, rooms: list[Room], count: int) -> None:
    factories.make_category(summit, code=f"c{count}")
    people = [factories.make_registration(summit, name, category=f"c{count}")
              for name in ("赵波", "王芳", "泽仁拉姆")]
    for index in range(count):
        start = 8 * 60 + (index // len(rooms)) * 10
        db.session.add(AgendaItem(
            summit=summit, day=summit.starts_on + (summit.ends_on - summit.starts_on) * (
                index % 2), start=time(start // 60, start % 60),
            end=time((start + 10) // 60, (start + 10) % 60), room=rooms[index % len(rooms)],
            kind=agenda.AgendaItemKind.SPEECH, title_zh=f"发言{index}",
            bookable=index % 7 == 0, capacity=40 if index % 7 == 0 else None))
    db.session.commit()
    for item in db.session.scalars(db.select(AgendaItem)):
        if not item.participants:
            item.participants.append(agenda.AgendaParticipant(
                role=agenda.ParticipantRole.SPEAKER, registration=people[item.id % 3]))
    db.session.commit()


@pytest.mark.parametrize("path", ["/agenda", "/agenda.ics", "/agenda/edit?day=2027-08-03"])
def test_query_counts_do_not_grow_with_the_programme(app, client, summit, login, path,
                                                     count_queries):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    rooms = [factories.make_room(summit, f"会议室{i}", f"Room {i}", 50, i) for i in range(3)]
    login(organiser.email)
    counts = []
    for count in (1, 50):
        db.session.execute(db.delete(AgendaItem))
        db.session.execute(db.delete(AgendaVersion))
        db.session.commit()
        _programme(summit, rooms, count)
        agenda_publish.publish_agenda(organiser, summit, confirm=True, notify=False)
        client.get(S + path)  # the first read of a new version fills the cache
        with count_queries(db.engine) as statements:
            response = client.get(S + path)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_cached_exports_follow_a_new_version_and_a_renamed_summit(client, summit, hall):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    item = factories.make_item(summit, room=hall)
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    first = Calendar.from_ical(client.get(f"{S}/agenda.ics?lang=en").data)

    summit.title_en = "Kangding Conference"
    db.session.commit()
    renamed = Calendar.from_ical(client.get(f"{S}/agenda.ics?lang=en").data)
    agenda.move_item(organiser, item, summit.starts_on, time(11), hall.id)
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    moved = Calendar.from_ical(client.get(f"{S}/agenda.ics?lang=en").data)

    assert (str(first["X-WR-CALNAME"]), str(renamed["X-WR-CALNAME"])) == (
        "Test Summit", "Kangding Conference")
    assert moved.walk("VEVENT")[0].decoded("DTSTART").hour == 11


def test_the_booking_partial_is_shown_for_bookable_items_when_it_exists(app, client, summit,
                                                                       hall):

    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    salon = factories.make_item(summit, "14:00", "16:00", room=hall, kind="salon",
                                title_zh="电商沙龙", bookable=True, capacity=40)
    factories.make_item(summit, room=hall)
    agenda_publish.publish_agenda(organiser, summit, notify=False)
    without = client.get(f"{S}/agenda")  # the seat booking area is not there: no harm

    app.jinja_env.loader = ChoiceLoader([DictLoader({
        "bookings/_agenda_item.html": "<p class=booking-slot>BOOK {{ item_id }}</p>"}),
        app.jinja_env.loader])
    page = text(client.get(f"{S}/agenda"))
    detail = text(client.get(f"{S}/agenda/items/{salon.uid}"))

    assert without.status_code == 200 and "booking-slot" not in text(without)
    assert page.count("booking-slot") == 1 and f"BOOK {salon.id}" in page
    assert f"BOOK {salon.id}" in detail
