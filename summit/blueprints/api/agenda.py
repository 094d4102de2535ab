"""The programme over the API: the published agenda (public), and rooms, draft items and
publishing for organisers. Their OpenAPI part is in
``openapi_agenda``."""
from __future__ import annotations

from flask import Response, g, jsonify, request, url_for
from flask_babel import gettext as _

from summit.blueprints.agenda.views import item_url_for, summit_key
from summit.blueprints.api.agenda_bodies import (
    ITEM_FIELDS,
    flag_value,
    item_details,
    optional_int,
    text_value,
)
from summit.blueprints.api.auth import json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.extensions import db
from summit.models import AgendaItem, AgendaVersion
from summit.permissions import require
from summit.services.agenda import (
    conflicts as agenda_conflicts,
    draft as agenda,
    export as agenda_export,
    public as agenda_public,
    publish as agenda_publish,
)
from summit.services.agenda.draft import AGENDA_PERMISSION
from summit.services.core.errors import NotFound
from summit.services.summits import settings as summits

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
                    "items": [public_item(summit, item) for item in view.items],
                    "total": len(view.items)})


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
    payload = known_fields(json_body(), ["name_zh", "name_en", "capacity", "position"])
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
    payload = known_fields(json_body(), ITEM_FIELDS)
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
    payload = known_fields(json_body(), ITEM_FIELDS)
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
    payload = known_fields(json_body(), ["note", "confirm"])
    version = agenda_publish.publish_agenda(g.api_user, summit,
                                            note=text_value(payload, "note", 500),
                                            confirm=flag_value(payload, "confirm"))
    return jsonify(version_json(version)), 201
