"""The draft programme: rooms, items, participants, and which clashes refuse or warn."""
from __future__ import annotations

from datetime import date, time

import pytest

from summit.extensions import db
from summit.models import AgendaItemKind, AgendaItemStatus, AuditEntry, ParticipantRole, Role
from summit.services.agenda import conflicts as agenda_conflicts, draft as agenda
from summit.services.agenda.conflicts import NeedsConfirmation
from summit.services.agenda.draft import ItemDetails, ParticipantDetails, RoomDetails
from summit.services.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.support import factories

pytestmark = pytest.mark.usefixtures("english")

DAY1, DAY2 = date(2027, 8, 3), date(2027, 8, 4)


def details(start="09:00", end="09:30", day=DAY1, **values) -> ItemDetails:
    values.setdefault("kind", AgendaItemKind.ADDRESS)
    values.setdefault("title_zh", "欢迎致辞")
    return ItemDetails(day=day, start=time.fromisoformat(start), end=time.fromisoformat(end),
                       **values)


def actions() -> list[str]:
    return [action for action in db.session.scalars(
        db.select(AuditEntry.action).order_by(AuditEntry.id)) if not action.startswith("user.")]


# --- rooms ----------------------------------------------------------------------------------

def test_rooms_are_added_edited_and_deleted_with_audit(summit, organiser):
    room = agenda.add_room(organiser, summit, RoomDetails("主会场", "Main hall", 400, 1))
    agenda.add_room(organiser, summit, RoomDetails("沙龙厅", "Salon", 60, 0))

    assert [r.name_zh for r in agenda.rooms_of(summit)] == ["沙龙厅", "主会场"]
    agenda.update_room(organiser, room, RoomDetails("主会场", "Main hall", 500, 1))
    assert room.capacity == 500
    agenda.delete_room(organiser, room)
    assert [r.name_zh for r in agenda.rooms_of(summit)] == ["沙龙厅"]
    assert actions() == ["room.create", "room.create", "room.update", "room.delete"]


def test_a_room_name_is_unique_per_summit_and_capacity_not_negative(summit, organiser, hall):
    with pytest.raises(Conflict) as taken:
        agenda.add_room(organiser, summit, RoomDetails("主会场"))
    with pytest.raises(ValidationFailed) as negative:
        agenda.add_room(organiser, summit, RoomDetails("沙龙厅", capacity=-1))

    assert taken.value.field == "name_zh"
    assert negative.value.field == "capacity"


def test_a_room_with_scheduled_items_cannot_be_deleted(summit, organiser, hall):
    factories.make_item(summit, room=hall)
    factories.make_item(summit, "10:00", "11:00", room=hall)

    with pytest.raises(Conflict) as refused:
        agenda.delete_room(organiser, hall)

    assert str(refused.value) == "2 scheduled items use this room: move them first."


def test_only_organisers_change_the_programme(summit, hall):
    delegate = factories.make_member(summit, Role.DELEGATE, "delegate@example.com")

    with pytest.raises(NotAllowed):
        agenda.add_room(delegate, summit, RoomDetails("沙龙厅"))
    with pytest.raises(NotAllowed):
        agenda.create_item(delegate, summit, details(room_id=hall.id))


# --- items: hard refusals -------------------------------------------------------------------

@pytest.mark.parametrize("change, field, message", [
    (dict(start="10:00", end="09:30"), "end", "The item must end after it starts."),
    (dict(start="10:00", end="10:00"), "end", "The item must end after it starts."),
    (dict(day=date(2027, 8, 5)), "day",
     "The summit runs from 2027-08-03 to 2027-08-04: choose a day in between."),
    (dict(day=date(2027, 8, 2)), "day",
     "The summit runs from 2027-08-03 to 2027-08-04: choose a day in between."),
    (dict(room_id=999_999), "room_id", "This room does not exist at this summit."),
    (dict(title_zh="  "), "title_zh", "Give the item a Chinese title."),
    (dict(bookable=True), "capacity", "A bookable item needs a capacity of at least 1."),
    (dict(participants=[ParticipantDetails(ParticipantRole.SPEAKER, registration_id=424242)]),
     "participants", "Person 424242 is not registered for this summit."),
    (dict(participants=[ParticipantDetails(ParticipantRole.SPEAKER, guest_name=" ")]),
     "participants", "Pick a registered person or give a guest's name."),
])
def test_bad_items_are_refused_with_the_field(summit, organiser, change, field, message):
    with pytest.raises(ValidationFailed) as refused:
        agenda.create_item(organiser, summit, details(**change))

    assert (refused.value.field, str(refused.value)) == (field, message)
    assert agenda.draft_items(summit) == []


def test_a_room_or_person_of_another_summit_is_unknown(summit, organiser):
    other = factories.make_summit("chengdu-2028", starts_on=DAY1, ends_on=DAY2)
    factories.make_category(other)
    their_room = factories.make_room(other)
    stranger = factories.make_registration(other, "王芳")

    with pytest.raises(ValidationFailed) as room:
        agenda.create_item(organiser, summit, details(room_id=their_room.id))
    with pytest.raises(ValidationFailed) as person:
        agenda.create_item(organiser, summit, details(participants=[
            ParticipantDetails(ParticipantRole.SPEAKER, registration_id=stranger.id)]))

    assert (room.value.field, person.value.field) == ("room_id", "participants")


# --- items: warnings the organiser confirms ---------------------------------------------------

def test_a_room_used_twice_needs_confirmation(summit, organiser, hall):
    first = factories.make_item(summit, "09:00", "10:00", room=hall, title_zh="开幕式")

    with pytest.raises(NeedsConfirmation) as warned:
        agenda.create_item(organiser, summit, details("09:30", "10:30", room_id=hall.id,
                                                      title_zh="签约仪式"))

    assert [c.kind for c in warned.value.conflicts] == ["room"]
    assert str(warned.value.conflicts[0]) == (
        "The room is used twice at once: “签约仪式” (09:30–10:30) and “开幕式” (09:00–10:00).")
    assert warned.value.status == 409 and warned.value.code == "confirmation_required"
    assert [i.id for i in agenda.draft_items(summit)] == [first.id]
    # Back to back is not a clash; confirmed, an overlap is saved and stays visible.
    agenda.create_item(organiser, summit, details("10:00", "10:30", room_id=hall.id))
    agenda.create_item(organiser, summit, details("09:30", "10:30", room_id=hall.id,
                                                  title_zh="签约仪式"), confirm=True)
    found = agenda_conflicts.draft_conflicts(summit, agenda.draft_items(summit))
    assert sorted(c.kind for c in found) == ["room", "room"]
    assert all(c.blocks_publishing for c in found)


def test_a_person_in_two_places_needs_confirmation(summit, organiser, hall):
    factories.make_category(summit)
    zhao = factories.make_registration(summit, "赵波", approve_as=organiser)
    salon = factories.make_room(summit, "沙龙厅", "Salon", 60, 1)
    factories.make_item(summit, "09:00", "10:00", room=hall, title_zh="开幕式",
                        participants=[("host", zhao), ("speaker", "杨春轩")])

    with pytest.raises(NeedsConfirmation) as registered:
        agenda.create_item(organiser, summit, details("09:30", "11:00", room_id=salon.id,
                                                      title_zh="沙龙", participants=[
            ParticipantDetails(ParticipantRole.MODERATOR, registration_id=zhao.id)]))
    # A guest is the same person whether written simplified or traditional.
    with pytest.raises(NeedsConfirmation) as guest:
        agenda.create_item(organiser, summit, details("09:30", "11:00", room_id=salon.id,
                                                      title_zh="沙龙", participants=[
            ParticipantDetails(ParticipantRole.SPEAKER, guest_name="楊春軒")]))

    assert [str(c) for c in registered.value.conflicts] == [
        "赵波 is in two places at once: “沙龙” and “开幕式”."]
    assert [c.kind for c in guest.value.conflicts] == ["person"]
    assert not guest.value.conflicts[0].blocks_publishing


def test_a_participant_not_approved_needs_confirmation(summit, organiser, hall):
    factories.make_category(summit)
    pending = factories.make_registration(summit, "王芳")
    item = factories.make_item(summit, room=hall)

    with pytest.raises(NeedsConfirmation) as warned:
        agenda.add_participant(organiser, item, ParticipantDetails(
            ParticipantRole.SPEAKER, registration_id=pending.id))
    agenda.add_participant(organiser, item, ParticipantDetails(
        ParticipantRole.SPEAKER, registration_id=pending.id), confirm=True)

    assert [str(c) for c in warned.value.conflicts] == [
        "王芳 takes part but the registration is not approved (Pending review)."]
    assert [p.registration_id for p in item.participants] == [pending.id]
    with pytest.raises(Conflict):  # the same person twice on one item
        agenda.add_participant(organiser, item, ParticipantDetails(
            ParticipantRole.HOST, registration_id=pending.id), confirm=True)


def test_an_item_outside_the_summits_dates_blocks_publishing(summit, organiser, hall):
    item = factories.make_item(summit, room=hall, day=DAY2)
    summit.ends_on = DAY1  # the summit was shortened after the item was planned
    db.session.commit()

    found = agenda_conflicts.draft_conflicts(summit, agenda.draft_items(summit))

    assert [(c.kind, c.item_ids, c.blocks_publishing) for c in found] == [
        ("outside_dates", (item.id,), True)]


# --- edit, move, cancel, restore ------------------------------------------------------------

def test_update_keeps_participants_unless_given_and_is_audited(summit, organiser, hall):
    item = factories.make_item(summit, room=hall, participants=[("speaker", "杨春轩")])
    changed = agenda.details_of(item)
    changed.title_en, changed.end = "Welcome address", time(9, 40)

    agenda.update_item(organiser, item, changed)

    assert (item.title_en, item.end) == ("Welcome address", time(9, 40))
    assert [p.guest_name for p in item.participants] == ["杨春轩"]
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "agenda_item.update")).one()
    assert (entry.before["end"], entry.after["end"]) == ("09:30:00", "09:40:00")


def test_move_keeps_the_length_and_checks_the_new_place(summit, organiser, hall):
    salon = factories.make_room(summit, "沙龙厅", "Salon", 60, 1)
    item = factories.make_item(summit, "09:00", "09:45", room=hall)
    factories.make_item(summit, "14:00", "15:00", room=salon, day=DAY2, title_zh="沙龙")

    with pytest.raises(NeedsConfirmation):
        agenda.move_item(organiser, item, DAY2, time(14, 30), salon.id)
    agenda.move_item(organiser, item, DAY2, time(15, 0), salon.id)

    assert (item.day, item.start, item.end, item.room_id) == (DAY2, time(15), time(15, 45),
                                                              salon.id)
    with pytest.raises(ValidationFailed) as midnight:
        agenda.move_item(organiser, item, DAY2, time(23, 30), salon.id)
    assert midnight.value.field == "start"


def test_cancelled_items_do_not_clash_and_restoring_checks_again(summit, organiser, hall):
    item = factories.make_item(summit, "09:00", "10:00", room=hall)
    agenda.cancel_item(organiser, item)
    agenda.create_item(organiser, summit, details("09:00", "10:00", room_id=hall.id))

    assert item.status is AgendaItemStatus.CANCELLED
    with pytest.raises(Conflict):
        agenda.cancel_item(organiser, item)
    with pytest.raises(NeedsConfirmation):
        agenda.restore_item(organiser, item)
    agenda.restore_item(organiser, item, confirm=True)
    assert item.status is AgendaItemStatus.SCHEDULED
    assert actions()[-3:] == ["agenda_item.cancel", "agenda_item.create", "agenda_item.restore"]


def test_capacity_cannot_go_below_the_seats_taken(summit, organiser, hall):
    item = factories.make_item(summit, room=hall, kind="salon", bookable=True, capacity=40,
                               seats_taken=30)
    changed = agenda.details_of(item)
    changed.capacity = 20

    with pytest.raises(Conflict) as refused:
        agenda.update_item(organiser, item, changed)

    # The rule and message of the seats page (bookings.check_capacity).
    assert str(refused.value) == ("30 seats are taken (0 confirmed, 0 offered): the capacity "
                                  "cannot be lower than 30.")


def test_people_are_found_by_simplified_traditional_and_pinyin(summit, organiser):
    factories.make_category(summit)
    zhao = factories.make_registration(summit, "赵波")
    factories.make_registration(summit, "王芳")

    for query in ("赵波", "趙波", "zhaobo", "zhao bo", "Zhao"):
        assert [r.id for r in agenda.search_people(summit, query)] == [zhao.id], query
    assert agenda.search_people(summit, "") == []
