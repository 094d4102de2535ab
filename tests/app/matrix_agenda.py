"""The programme's rows of the role × URL matrix (see matrix.py).

The objects the rows act on are made once per walk, on first use, each row with its own
(an item to move, another to cancel, …), so the order of the rows does not matter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count

from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemStatus,
    AgendaParticipant,
    ParticipantRole,
    Role,
    Room,
)
from summit.services.agenda import publish as agenda_publish
from tests.support import factories


@dataclass
class AgendaWorld:
    room: Room
    room_to_delete: Room
    items: dict[str, AgendaItem]
    participant: AgendaParticipant
    numbers: count

    def change(self, summit) -> None:
        """A new draft item, so that a publication has something to publish."""
        factories.make_item(summit, "17:00", "17:10", title_zh=f"新增{next(self.numbers)}",
                            day=summit.ends_on)


def agenda_world(w) -> AgendaWorld:
    if "agenda" in w.__dict__:
        return w.__dict__["agenda"]
    summit = w.summit
    room = factories.make_room(summit, "主会场", "Main hall", 300, 0)
    room_to_delete = factories.make_room(summit, "备用会议室", "Spare room", 20, 5)
    items = {use: factories.make_item(summit, start, end, room=room, title_zh=title)
             for use, start, end, title in (
                 ("edit", "09:00", "09:30", "欢迎致辞"), ("move", "10:00", "10:30", "讲话"),
                 ("cancel", "11:00", "11:30", "签约仪式"),
                 ("restore", "12:00", "12:30", "午间交流"),
                 ("participants", "13:00", "13:30", "交流发言"),
                 ("api-edit", "14:00", "14:30", "主旨演讲"),
                 ("api-cancel", "15:00", "15:30", "电商沙龙"))}
    participant = AgendaParticipant(role=ParticipantRole.SPEAKER, guest_name="杨春轩")
    items["participants"].participants.append(participant)
    organiser = factories.make_user("agenda-organiser@example.com")
    factories.grant(organiser, summit, Role.ORGANISER)
    agenda_publish.publish_agenda(organiser, summit, notify=False,
                                  now=datetime(2027, 7, 1, tzinfo=UTC))
    items["restore"].status = AgendaItemStatus.CANCELLED
    db.session.commit()
    world = w.__dict__["agenda"] = AgendaWorld(room, room_to_delete, items, participant,
                                               count(1))
    return world


ITEM_FORM = {"day": "2027-08-03", "start": "09:00", "end": "09:40", "room": "",
             "kind": "address", "title_zh": "欢迎致辞", "title_en": "Welcome", "submit": "1"}


def agenda_routes(Route, S, EVERYONE, LOGGED_IN, ORGANISER) -> list:
    def A(w) -> str:
        return f"{S(w)}/agenda"

    def item(w, use: str) -> str:
        return f"{A(w)}/items/{agenda_world(w).items[use].id}"

    def uid(w) -> str:
        return f"{A(w)}/items/{agenda_world(w).items['edit'].uid}"

    def publish_data(w) -> dict:
        agenda_world(w).change(w.summit)
        return {"confirm": "y", "submit": "1"}

    def api_publish_data(w) -> dict:
        agenda_world(w).change(w.summit)
        return {"confirm": True}

    return [
        # the published programme: everyone; one's own agenda: any account
        Route("agenda.public", "GET", lambda w: (agenda_world(w), A(w))[1], EVERYONE),
        Route("agenda.item", "GET", uid, EVERYONE),
        Route("agenda.item_ics", "GET", lambda w: uid(w) + ".ics", EVERYONE),
        Route("agenda.summit_ics", "GET", lambda w: (agenda_world(w), A(w) + ".ics")[1],
              EVERYONE),
        Route("agenda.frab", "GET", lambda w: (agenda_world(w), A(w) + "/schedule.json")[1],
              EVERYONE),
        Route("agenda.programme_pdf", "GET",
              lambda w: (agenda_world(w), A(w) + "/programme.pdf")[1], EVERYONE),
        Route("agenda.mine", "GET", lambda w: (agenda_world(w), A(w) + "/mine")[1], LOGGED_IN),
        Route("agenda.mine_ics", "GET", lambda w: (agenda_world(w), A(w) + "/mine.ics")[1],
              LOGGED_IN),
        # the organiser's editor
        Route("agenda.editor", "GET", lambda w: (agenda_world(w), A(w) + "/edit")[1],
              ORGANISER),
        Route("agenda.rooms", "GET", lambda w: A(w) + "/rooms", ORGANISER),
        Route("agenda.rooms", "POST", lambda w: A(w) + "/rooms", ORGANISER,
              data=lambda w: {"name_zh": "沙龙厅", "name_en": "Salon", "capacity": "60",
                              "position": "1", "submit": "1"}),
        Route("agenda.edit_room", "GET",
              lambda w: f"{A(w)}/rooms/{agenda_world(w).room.id}/edit", ORGANISER),
        Route("agenda.edit_room", "POST",
              lambda w: f"{A(w)}/rooms/{agenda_world(w).room.id}/edit", ORGANISER,
              data=lambda w: {"name_zh": "主会场", "name_en": "Main hall", "capacity": "350",
                              "position": "0"}),
        Route("agenda.delete_room", "POST",
              lambda w: f"{A(w)}/rooms/{agenda_world(w).room_to_delete.id}/delete", ORGANISER),
        Route("agenda.create_item", "GET", lambda w: A(w) + "/items/new", ORGANISER),
        Route("agenda.create_item", "POST", lambda w: A(w) + "/items/new", ORGANISER,
              data=lambda w: ITEM_FORM | {"start": "16:00", "end": "16:30", "confirm": "y"}),
        Route("agenda.edit_item", "GET", lambda w: item(w, "edit") + "/edit", ORGANISER),
        Route("agenda.edit_item", "POST", lambda w: item(w, "edit") + "/edit", ORGANISER,
              data=lambda w: ITEM_FORM | {"confirm": "y"}),
        Route("agenda.move_item", "POST", lambda w: item(w, "move") + "/move", ORGANISER,
              data=lambda w: {"move-day": "2027-08-04", "move-start": "10:00",
                              "move-room": "", "move-confirm": "y"}),
        Route("agenda.cancel_item", "POST", lambda w: item(w, "cancel") + "/cancel", ORGANISER),
        Route("agenda.restore_item", "POST", lambda w: item(w, "restore") + "/restore",
              ORGANISER, data=lambda w: {"confirm": "y"}),
        Route("agenda.add_participant", "POST",
              lambda w: item(w, "participants") + "/participants", ORGANISER,
              data=lambda w: {"person-role": "witness", "person-guest_name": "赵波",
                              "person-confirm": "y"}),
        Route("agenda.remove_participant", "POST",
              lambda w: f"{item(w, 'participants')}/participants/"
                        f"{agenda_world(w).participant.id}/remove", ORGANISER),
        Route("agenda.publish", "GET", lambda w: (agenda_world(w), A(w) + "/publish")[1],
              ORGANISER),
        Route("agenda.publish", "POST", lambda w: (agenda_world(w), A(w) + "/publish")[1],
              ORGANISER, data=publish_data),
        Route("agenda.versions", "GET", lambda w: (agenda_world(w), A(w) + "/versions")[1],
              ORGANISER),
        Route("agenda.version", "GET", lambda w: (agenda_world(w), A(w) + "/versions/1")[1],
              ORGANISER),
        # the API
        Route("api.published_agenda", "GET",
              lambda w: (agenda_world(w), f"/api/v1{A(w)}")[1], EVERYONE),
        Route("api.published_agenda_ics", "GET",
              lambda w: (agenda_world(w), f"/api/v1{A(w)}.ics")[1], EVERYONE),
        Route("api.list_rooms", "GET", lambda w: f"/api/v1{S(w)}/rooms", ORGANISER),
        Route("api.create_room", "POST", lambda w: f"/api/v1{S(w)}/rooms", ORGANISER,
              data=lambda w: {"name_zh": "第二会议室", "name_en": "Room 2", "capacity": 80}),
        Route("api.draft_agenda", "GET", lambda w: f"/api/v1{A(w)}/draft", ORGANISER),
        Route("api.create_agenda_item", "POST", lambda w: f"/api/v1{A(w)}/items", ORGANISER,
              data=lambda w: {"day": "2027-08-04", "start": "08:00", "end": "08:30",
                              "kind": "other", "title_zh": "签到", "confirm": True}),
        Route("api.update_agenda_item", "PATCH",
              lambda w: f"/api/v1/agenda/items/{agenda_world(w).items['api-edit'].id}",
              ORGANISER, data=lambda w: {"title_en": "Keynote", "confirm": True}),
        Route("api.cancel_agenda_item", "POST",
              lambda w: f"/api/v1/agenda/items/{agenda_world(w).items['api-cancel'].id}/cancel",
              ORGANISER),
        Route("api.list_agenda_versions", "GET",
              lambda w: (agenda_world(w), f"/api/v1{A(w)}/versions")[1], ORGANISER),
        Route("api.publish_agenda", "POST",
              lambda w: (agenda_world(w), f"/api/v1{A(w)}/versions")[1], ORGANISER,
              data=api_publish_data),
    ]
