"""The programme over the API: the published agenda (public), and rooms, draft items and
publishing for organisers. Paths are added to the OpenAPI document at the bottom."""
from __future__ import annotations

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext as _

from summit.blueprints.api import bp
from summit.blueprints.api.agenda_bodies import flag_value, item_details, optional_int, text_value
from summit.blueprints.api.auth import json_body, token_required
from summit.blueprints.agenda.views import item_url_for, summit_key
from summit.blueprints.api.openapi import DOCUMENT, SLUG, _error_responses, _json
from summit.extensions import db
from summit.models import AgendaItem, AgendaItemKind, AgendaVersion, ParticipantRole
from summit.permissions import require
from summit.services import agenda, agenda_conflicts, agenda_export, agenda_public, \
    agenda_publish, summits
from summit.services.agenda import AGENDA_PERMISSION
from summit.services.errors import NotFound

# --- JSON out -------------------------------------------------------------------------------

def public_item(summit, item: dict) -> dict:
    """A published item without internal ids of people."""
    return {
        **{key: item[key] for key in ("id", "uid", "day", "start", "end", "room", "kind",
                                      "status", "title", "description", "bookable",
                                      "capacity", "sequence")},
        "participants": [{key: p[key] for key in ("role", "name", "name_pinyin", "name_native",
                                                  "title", "organisation")}
                         for p in item["participants"]],
        "url": url_for("agenda.item", slug=summit.slug, uid=item["uid"], _external=True),
    }


def room_json(room) -> dict:
    return {"id": room.id, "name": {"zh": room.name_zh, "en": room.name_en},
            "capacity": room.capacity, "position": room.position}


def draft_item_json(item: AgendaItem, conflicts: list) -> dict:
    return {
        "id": item.id, "uid": item.uid, "day": item.day.isoformat(),
        "start": item.start.strftime("%H:%M"), "end": item.end.strftime("%H:%M"),
        "room_id": item.room_id, "kind": item.kind.value, "status": item.status.value,
        "title": {"zh": item.title_zh, "en": item.title_en},
        "description": {"zh": item.description_zh, "en": item.description_en},
        "bookable": item.bookable, "capacity": item.capacity, "sequence": item.sequence,
        "participants": [{"id": p.id, "role": p.role.value, "registration_id": p.registration_id,
                          "name": p.registration.name if p.registration else p.guest_name,
                          "guest_title": p.guest_title,
                          "guest_organisation": p.guest_organisation}
                         for p in item.participants],
        "conflicts": [{"kind": c.kind, "items": list(c.item_ids), "message": str(c),
                       "blocks_publishing": c.blocks_publishing} for c in conflicts],
    }


def version_json(version: AgendaVersion) -> dict:
    return {"number": version.number, "published_at": version.published_at.isoformat(),
            "note": version.note, "changelog": version.changelog,
            "items": len(version.snapshot.get("items", []))}


# --- JSON in --------------------------------------------------------------------------------

@bp.get("/summits/<slug:slug>/agenda")
def published_agenda(slug: str):
    summit = summits.get_by_slug(slug)
    view = agenda_public.require_published(summit)
    return jsonify({"summit": summit.slug, "timezone": summit.timezone,
                    "version": view.number, "published_at": view.published_at.isoformat(),
                    "note": view.note, "rooms": view.rooms, "changelog": view.changelog,
                    "items": [public_item(summit, item) for item in view.items]})


@bp.get("/summits/<slug:slug>/agenda.ics")
def published_agenda_ics(slug: str):
    summit = summits.get_by_slug(slug)
    view = agenda_public.require_published(summit)
    data = view.export(
        ("ics", "zh", request.host_url, summit_key(summit)),
        lambda: agenda_export.agenda_ics(summit, view, view.items, "zh", item_url_for(summit)))
    return Response(data, content_type="text/calendar; charset=utf-8")


@bp.get("/summits/<slug:slug>/rooms")
@token_required
def list_rooms(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, AGENDA_PERMISSION, summit)
    rooms = agenda.rooms_of(summit)
    return jsonify({"items": [room_json(r) for r in rooms], "total": len(rooms)})


@bp.post("/summits/<slug:slug>/rooms")
@token_required
def create_room(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, AGENDA_PERMISSION, summit)
    payload = json_body()
    capacity = optional_int(payload, "capacity")
    position = optional_int(payload, "position")
    room = agenda.add_room(g.api_user, summit, agenda.RoomDetails(
        name_zh=text_value(payload, "name_zh", 100), name_en=text_value(payload, "name_en", 100),
        capacity=capacity or 0, position=position or 0))
    return jsonify(room_json(room)), 201


@bp.get("/summits/<slug:slug>/agenda/draft")
@token_required
def draft_agenda(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, AGENDA_PERMISSION, summit)
    items = agenda.draft_items(summit)
    conflicts = agenda_conflicts.by_item(agenda_conflicts.draft_conflicts(summit, items))
    return jsonify({"items": [draft_item_json(i, conflicts.get(i.id, [])) for i in items],
                    "total": len(items)})


@bp.post("/summits/<slug:slug>/agenda/items")
@token_required
def create_agenda_item(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, AGENDA_PERMISSION, summit)
    payload = json_body()
    item = agenda.create_item(g.api_user, summit, item_details(payload),
                              confirm=flag_value(payload, "confirm"))
    return jsonify(draft_item_json(item, [])), 201


def _item_for_organiser(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("There is no such agenda item."))
    require(g.api_user, AGENDA_PERMISSION, item.summit)
    return item


@bp.patch("/agenda/items/<int:item_id>")
@token_required
def update_agenda_item(item_id: int):
    item = _item_for_organiser(item_id)
    payload = json_body()
    details = item_details(payload, agenda.details_of(item))
    agenda.update_item(g.api_user, item, details, confirm=flag_value(payload, "confirm"))
    return jsonify(draft_item_json(item, []))


@bp.post("/agenda/items/<int:item_id>/cancel")
@token_required
def cancel_agenda_item(item_id: int):
    item = _item_for_organiser(item_id)
    cancelled = agenda.cancel_item(g.api_user, item)
    return jsonify(draft_item_json(item, []) | {"bookings_cancelled": cancelled})


@bp.get("/summits/<slug:slug>/agenda/versions")
@token_required
def list_agenda_versions(slug: str):
    summit = summits.get_by_slug(slug)
    versions = agenda_publish.versions_of(g.api_user, summit)
    return jsonify({"items": [version_json(v) for v in versions], "total": len(versions)})


@bp.post("/summits/<slug:slug>/agenda/versions")
@token_required
def publish_agenda(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, AGENDA_PERMISSION, summit)
    payload = json_body()
    version = agenda_publish.publish_agenda(g.api_user, summit,
                                            note=text_value(payload, "note", 500),
                                            confirm=flag_value(payload, "confirm"))
    return jsonify(version_json(version)), 201


# --- the OpenAPI description ----------------------------------------------------------------

ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_LOCALISED = {"$ref": "#/components/schemas/Localised"}
_STR = {"type": "string"}
PARTICIPANT_INPUT = {"type": "object", "required": ["role"], "properties": {
    "role": {"type": "string", "enum": [r.value for r in ParticipantRole]},
    "registration_id": {"type": ["integer", "null"]},
    "guest_name": {"type": "string", "maxLength": 200},
    "guest_title": {"type": "string", "maxLength": 200},
    "guest_organisation": {"type": "string", "maxLength": 200}}}
ITEM_INPUT = {"type": "object", "required": ["day", "start", "end", "kind", "title_zh"],
              "properties": {
                  "day": {"type": "string", "format": "date"},
                  "start": {"type": "string", "example": "09:00"},
                  "end": {"type": "string", "example": "09:30"},
                  "room_id": {"type": ["integer", "null"]},
                  "kind": {"type": "string", "enum": [k.value for k in AgendaItemKind]},
                  "title_zh": {"type": "string", "maxLength": 200},
                  "title_en": {"type": "string", "maxLength": 200},
                  "description_zh": {"type": "string", "maxLength": 5000},
                  "description_en": {"type": "string", "maxLength": 5000},
                  "bookable": {"type": "boolean"},
                  "capacity": {"type": ["integer", "null"]},
                  "participants": {"type": "array", "items": PARTICIPANT_INPUT},
                  "confirm": {"type": "boolean",
                              "description": "Save despite clashes (answered 409 "
                                             "confirmation_required otherwise)"}}}
PUBLISHED_ITEM = {"type": "object", "properties": {
    "id": {"type": "integer"}, "uid": _STR, "day": {"type": "string", "format": "date"},
    "start": _STR, "end": _STR, "room": {"type": ["object", "null"]}, "kind": _STR,
    "status": {"type": "string", "enum": ["scheduled", "cancelled"]}, "title": _LOCALISED,
    "description": _LOCALISED, "bookable": {"type": "boolean"},
    "capacity": {"type": ["integer", "null"]}, "sequence": {"type": "integer"},
    "participants": {"type": "array", "items": {"type": "object"}}, "url": _STR}}
DRAFT_ITEM = {"type": "object", "properties": {
    "id": {"type": "integer"}, "uid": _STR, "day": {"type": "string", "format": "date"},
    "start": _STR, "end": _STR, "room_id": {"type": ["integer", "null"]}, "kind": _STR,
    "status": _STR, "title": _LOCALISED, "participants": {"type": "array"},
    "conflicts": {"type": "array", "items": {"type": "object"}}}}
VERSION = {"type": "object", "properties": {
    "number": {"type": "integer"}, "published_at": {"type": "string", "format": "date-time"},
    "note": _STR, "changelog": {"type": "array", "items": {"type": "object"}},
    "items": {"type": "integer"}}}
ROOM = {"type": "object", "properties": {"id": {"type": "integer"}, "name": _LOCALISED,
                                         "capacity": {"type": "integer"},
                                         "position": {"type": "integer"}}}
BEARER = [{"bearer": []}]


def _list_of(schema: dict) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": schema},
                                             "total": {"type": "integer"}}}


def _body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


DOCUMENT["components"]["schemas"].update(
    {"AgendaItemInput": ITEM_INPUT, "PublishedAgendaItem": PUBLISHED_ITEM,
     "DraftAgendaItem": DRAFT_ITEM, "AgendaVersion": VERSION, "Room": ROOM})
DOCUMENT["paths"].update({
    "/summits/{slug}/agenda": {"get": {
        "summary": "The latest published programme (public), with its changelog",
        "parameters": [SLUG], "responses": {"200": _json({"type": "object", "properties": {
            "version": {"type": "integer"}, "timezone": _STR,
            "items": {"type": "array",
                      "items": {"$ref": "#/components/schemas/PublishedAgendaItem"}},
            "changelog": {"type": "array"}}}), **_error_responses(404)}}},
    "/summits/{slug}/agenda.ics": {"get": {
        "summary": "The latest published programme as iCalendar (stable UIDs, SEQUENCE, "
                   "the summit's VTIMEZONE)", "parameters": [SLUG],
        "responses": {"200": {"description": "iCalendar", "content": {
            "text/calendar": {"schema": {"type": "string"}}}}, **_error_responses(404)}}},
    "/summits/{slug}/rooms": {
        "get": {"summary": "Rooms of a summit (organisers)", "security": BEARER,
                "parameters": [SLUG], "responses": {
                    "200": _json(_list_of({"$ref": "#/components/schemas/Room"})),
                    **_error_responses(401, 403, 404)}},
        "post": {"summary": "Add a room (organisers)", "security": BEARER,
                 "parameters": [SLUG], "requestBody": _body({
                     "type": "object", "required": ["name_zh"], "properties": {
                         "name_zh": {"type": "string", "maxLength": 100},
                         "name_en": {"type": "string", "maxLength": 100},
                         "capacity": {"type": "integer"}, "position": {"type": "integer"}}}),
                 "responses": {"201": _json({"$ref": "#/components/schemas/Room"}, "Created"),
                               **_error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/summits/{slug}/agenda/draft": {"get": {
        "summary": "The draft programme with every clash (organisers)", "security": BEARER,
        "parameters": [SLUG], "responses": {
            "200": _json(_list_of({"$ref": "#/components/schemas/DraftAgendaItem"})),
            **_error_responses(401, 403, 404)}}},
    "/summits/{slug}/agenda/items": {"post": {
        "summary": "Add a draft item (organisers); clashes need confirm=true",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": _body({"$ref": "#/components/schemas/AgendaItemInput"}),
        "responses": {"201": _json({"$ref": "#/components/schemas/DraftAgendaItem"},
                                   "Created"),
                      **_error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/agenda/items/{item_id}": {"patch": {
        "summary": "Change a draft item: only the keys sent change (organisers)",
        "security": BEARER, "parameters": [ITEM_ID],
        "requestBody": _body({"type": "object"}),
        "responses": {"200": _json({"$ref": "#/components/schemas/DraftAgendaItem"}),
                      **_error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/agenda/items/{item_id}/cancel": {"post": {
        "summary": "Cancel a draft item (organisers); its live seat bookings are cancelled "
                   "and their holders emailed", "security": BEARER,
        "parameters": [ITEM_ID],
        "responses": {"200": _json({"allOf": [
            {"$ref": "#/components/schemas/DraftAgendaItem"},
            {"type": "object", "properties": {"bookings_cancelled": {"type": "integer"}}}]}),
                      **_error_responses(401, 403, 404, 409)}}},
    "/summits/{slug}/agenda/versions": {
        "get": {"summary": "Published versions with their changelogs (organisers)",
                "security": BEARER, "parameters": [SLUG], "responses": {
                    "200": _json(_list_of({"$ref": "#/components/schemas/AgendaVersion"})),
                    **_error_responses(401, 403, 404)}},
        "post": {"summary": "Publish the draft as the next version (organisers); emails the "
                            "participants of changed items", "security": BEARER,
                 "parameters": [SLUG], "requestBody": _body({"type": "object", "properties": {
                     "note": {"type": "string", "maxLength": 500},
                     "confirm": {"type": "boolean"}}}),
                 "responses": {"201": _json({"$ref": "#/components/schemas/AgendaVersion"},
                                            "Created"),
                               **_error_responses(400, 401, 403, 404, 409, 415, 422)}}},
})
