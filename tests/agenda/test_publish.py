"""Publishing: numbered versions, the changelog, SEQUENCE, and the emails to participants."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time

import pytest
from flask_babel import force_locale

from summit.extensions import db
from summit.models import (
    AgendaVersion,
    AuditEntry,
    BookingStatus,
    ParticipantRole,
    Registration,
    Role,
    SeatBooking,
    Summit,
    User,
)
from summit.services.agenda import (
    draft as agenda,
    public as agenda_public,
    publish as agenda_publish,
)
from summit.services.agenda.conflicts import NeedsConfirmation
from summit.services.agenda.draft import ParticipantDetails
from summit.services.core.errors import Conflict, NotAllowed
from tests.support import factories
from tests.support.pages import translate

pytestmark = pytest.mark.usefixtures("english")

NOW = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
LATER = datetime(2027, 7, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def programme(summit, organiser):
    """A draft programme at the test summit: two rooms, an organiser, two approved delegates
    (赵波 reads English, 泽仁拉姆 Chinese) and three items, two with participants."""
    factories.make_category(summit)
    hall = factories.make_room(summit)
    salon = factories.make_room(summit, "沙龙厅", "Salon", 60, 1)
    zhao = factories.make_registration(summit, "赵波", "zhao@example.com", approve_as=organiser)
    lamu = factories.make_registration(summit, "泽仁拉姆", "lamu@example.com",
                                       approve_as=organiser)
    db.session.execute(db.update(Registration).where(Registration.id == lamu.id)
                       .values(locale="zh_Hans"))
    db.session.commit()
    welcome = factories.make_item(summit, "09:00", "09:30", room=hall,
                                  participants=[("speaker", zhao)])
    talk = factories.make_item(summit, "10:00", "11:00", room=hall, kind="exchange_talk",
                               title_zh="交流发言", title_en="Exchange talks",
                               participants=[("speaker", lamu), ("moderator", "李兴文")])
    break_ = factories.make_item(summit, "11:00", "11:20", kind="break", title_zh="茶歇",
                                 title_en="Tea break")
    return type("Programme", (), dict(organiser=organiser, hall=hall, salon=salon, zhao=zhao,
                                      lamu=lamu, welcome=welcome, talk=talk, break_=break_))


def test_the_first_version_lists_every_item_as_added(app, summit, programme, mailbox):
    version = agenda_publish.publish_agenda(programme.organiser, summit, note="首次发布", now=NOW)

    assert (version.number, version.note, version.published_at) == (1, "首次发布", NOW)
    assert [c["kind"] for c in version.changelog] == ["added"] * 3
    snapshot = version.snapshot["items"]
    assert [i["title"]["zh"] for i in snapshot] == ["欢迎致辞", "交流发言", "茶歇"]
    assert snapshot[0]["participants"] == [{
        "role": "speaker", "registration_id": programme.zhao.id, "name": "赵波",
        "name_pinyin": "ZHAO Bo", "name_native": "", "title": "县长",
        "organisation": "丹巴县人民政府"}]
    assert [i["sequence"] for i in snapshot] == [0, 0, 0]
    assert [r["zh"] for r in version.snapshot["rooms"]] == ["主会场", "沙龙厅"]
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "agenda.publish")).one()
    assert entry.after == {"number": 1, "changes": 3, "items": 3}
    # Both registered participants hear about it, each in their language.
    messages = mailbox.wait_for(2)
    by_to = {m["To"]: m for m in messages}
    assert by_to["zhao@example.com"]["Subject"] == "The programme of Test Summit has changed"
    assert "Added: Welcome" in mailbox.body(by_to["zhao@example.com"])
    assert "2027-08-03 09:00–09:30 · Main hall" in mailbox.body(by_to["zhao@example.com"])
    assert by_to["lamu@example.com"]["Subject"] == translate(
        "zh_Hans", "The programme of %(summit)s has changed") % {"summit": "测试峰会"}
    assert "交流发言" in mailbox.body(by_to["lamu@example.com"])


def test_version_two_records_what_changed_and_raises_sequence(app, summit, programme, mailbox):
    agenda_publish.publish_agenda(programme.organiser, summit, now=NOW)
    mailbox.clear()
    agenda.move_item(programme.organiser, programme.talk, summit.starts_on, time(14, 0),
                     programme.salon.id)
    agenda.add_participant(programme.organiser, programme.welcome, ParticipantDetails(
        ParticipantRole.HOST, guest_name="李兴文"))
    agenda.cancel_item(programme.organiser, programme.break_)
    changed = agenda.details_of(programme.welcome)
    changed.title_en = "Welcome address"
    agenda.update_item(programme.organiser, programme.welcome, changed)
    new = agenda.create_item(programme.organiser, summit, agenda.ItemDetails(
        day=date(2027, 8, 4), start=time(9), end=time(10), kind=agenda.AgendaItemKind.SALON,
        title_zh="电商沙龙", room_id=programme.salon.id))

    version = agenda_publish.publish_agenda(programme.organiser, summit, now=LATER)

    assert version.number == 2
    kinds = {(c["kind"], c["title"]["zh"]) for c in version.changelog}
    assert kinds == {("participants", "欢迎致辞"), ("changed", "欢迎致辞"), ("moved", "交流发言"),
                     ("cancelled", "茶歇"), ("added", "电商沙龙")}
    moved = next(c for c in version.changelog if c["kind"] == "moved")
    assert moved["before"] == {"day": "2027-08-03", "start": "10:00", "end": "11:00",
                               "room": {"id": programme.hall.id, "zh": "主会场", "en": "Main hall"}}
    assert moved["after"]["start"] == "14:00" and moved["after"]["room"]["zh"] == "沙龙厅"
    people = next(c for c in version.changelog if c["kind"] == "participants")
    assert (people["added"], people["removed"]) == (["李兴文"], [])
    assert next(c for c in version.changelog if c["kind"] == "changed")["fields"] == ["title"]
    db.session.expire_all()
    sequences = {i["title"]["zh"]: i["sequence"] for i in version.snapshot["items"]}
    assert sequences == {"欢迎致辞": 1, "交流发言": 1, "茶歇": 1, "电商沙龙": 0}
    assert (programme.welcome.sequence, new.sequence) == (1, 0)
    # The cancelled item stays in the version, as cancelled; version 1 is unchanged.
    statuses = {i["title"]["zh"]: i["status"] for i in version.snapshot["items"]}
    assert statuses["茶歇"] == "cancelled"
    first = db.session.scalar(db.select(AgendaVersion).where(AgendaVersion.number == 1))
    assert {i["title"]["zh"]: i["start"] for i in first.snapshot["items"]}["交流发言"] == "10:00"
    # Speakers of the two changed items hear of it; nobody else.
    messages = mailbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["lamu@example.com", "zhao@example.com"]
    zhao = next(m for m in messages if m["To"] == "zhao@example.com")
    assert "Speakers changed: Welcome address" in mailbox.body(zhao)
    lamu = mailbox.body(next(m for m in messages if m["To"] == "lamu@example.com"))
    assert "2027-08-03 14:00–15:00 · 沙龙厅" in lamu and "10:00–11:00 · 主会场" in lamu


def test_publishing_again_without_changes_is_refused(summit, programme):
    agenda_publish.publish_agenda(programme.organiser, summit, now=NOW)

    with pytest.raises(Conflict) as refused:
        agenda_publish.publish_agenda(programme.organiser, summit, now=LATER)

    assert str(refused.value) == "Nothing changed since version 1."
    assert db.session.scalar(db.select(db.func.count(AgendaVersion.id))) == 1


def test_a_room_clash_blocks_publishing_and_warnings_need_confirmation(summit, programme):
    clash = factories.make_item(summit, "09:15", "09:45", room=programme.hall, title_zh="签约仪式")

    with pytest.raises(Conflict) as blocked:
        agenda_publish.publish_agenda(programme.organiser, summit, now=NOW)
    assert str(blocked.value).startswith("Fix these first: The room is used twice at once")

    agenda.move_item(programme.organiser, clash, summit.starts_on, time(9, 15), programme.salon.id)
    agenda.add_participant(programme.organiser, clash, ParticipantDetails(
        ParticipantRole.SIGNATORY, registration_id=programme.zhao.id), confirm=True)
    with pytest.raises(NeedsConfirmation) as warned:
        agenda_publish.publish_agenda(programme.organiser, summit, now=NOW)
    assert [c.kind for c in warned.value.conflicts] == ["person"]
    version = agenda_publish.publish_agenda(programme.organiser, summit, confirm=True, now=NOW,
                                            notify=False)
    assert version.number == 1


def test_an_empty_programme_cannot_be_published_and_delegates_cannot_publish(app, summit):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    delegate = factories.make_member(summit, Role.DELEGATE, "delegate@example.com")

    with pytest.raises(Conflict):
        agenda_publish.publish_agenda(organiser, summit)
    with pytest.raises(NotAllowed):
        agenda_publish.publish_agenda(delegate, summit)


def test_an_item_dropped_before_it_was_ever_published_is_not_in_the_version(summit, programme):
    agenda.cancel_item(programme.organiser, programme.break_)

    version = agenda_publish.publish_agenda(programme.organiser, summit, now=NOW, notify=False)

    assert [i["title"]["zh"] for i in version.snapshot["items"]] == ["欢迎致辞", "交流发言"]


def test_the_public_sees_the_latest_version_and_what_changed(app, summit, programme):
    assert agenda_public.published_agenda(summit) is None
    agenda_publish.publish_agenda(programme.organiser, summit, now=NOW, notify=False)
    agenda.cancel_item(programme.organiser, programme.break_)

    first = agenda_public.published_agenda(summit)
    agenda_publish.publish_agenda(programme.organiser, summit, now=LATER, notify=False)
    latest = agenda_public.published_agenda(summit)

    assert (first.number, latest.number) == (1, 2)
    assert latest.changes == {programme.break_.uid: ["cancelled"]}
    assert [i["status"] for i in latest.select(kind="break")] == ["cancelled"]
    assert [i["title"]["zh"] for i in latest.select(room=programme.hall.id)] == [
        "欢迎致辞", "交流发言"]
    assert latest.select(day="2027-08-04") == []


def test_the_personal_agenda_has_own_items_and_live_bookings(app, summit, programme):
    salon = factories.make_item(summit, "14:00", "16:00", room=programme.salon, kind="salon",
                                title_zh="电商沙龙", bookable=True, capacity=40)
    gone = factories.make_item(summit, "16:00", "17:00", room=programme.salon, kind="salon",
                               title_zh="第二场沙龙", bookable=True, capacity=40)
    user = factories.make_user("zhao@example.com")
    db.session.add_all([
        SeatBooking(item_id=salon.id, registration_id=programme.zhao.id,
                    status=BookingStatus.WAITLISTED),
        SeatBooking(item_id=gone.id, registration_id=programme.zhao.id,
                    status=BookingStatus.CANCELLED)])
    db.session.commit()
    agenda_publish.publish_agenda(programme.organiser, summit, now=NOW, notify=False)

    _agenda, entries = agenda_public.personal_agenda(user, summit)

    assert [(e.item["title"]["zh"], e.roles, e.booking) for e in entries] == [
        ("欢迎致辞", ["speaker"], None), ("电商沙龙", [], "waitlisted")]


def test_parallel_publications_make_one_version(app, summit, programme):
    """Two organisers press Publish at the same moment: one version 1, the other is told
    nothing changed (the summit row is locked first, on both databases)."""
    summit_id, user_id = summit.id, programme.organiser.id
    gate = threading.Event()

    def attempt() -> str:
        with app.app_context(), force_locale("en"):
            gate.wait(timeout=30)
            try:
                version = agenda_publish.publish_agenda(
                    db.session.get(User, user_id), db.session.get(Summit, summit_id),
                    notify=False)
                return f"version {version.number}"
            except Conflict as error:
                return str(error)
            except Exception as error:  # reported verbatim
                return f"error {type(error).__name__}: {error}"

    db.session.close()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(attempt) for _ in range(4)]
        gate.set()
        results = sorted(future.result(timeout=120) for future in futures)

    assert results == ["Nothing changed since version 1."] * 3 + ["version 1"]
    assert db.session.scalar(db.select(db.func.count(AgendaVersion.id))) == 1
