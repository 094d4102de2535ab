"""Protocol over the API: a summit's precedence list and an item's podium seating."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError, json_body, known_fields, token_required
from summit.blueprints.api.blueprint import bp
from summit.permissions import Permission, require
from summit.services.core.validation import valid_id
from summit.services.protocol import ceremony, placements, precedence, seating
from summit.services.summits import settings as summits


def entry_json(entry, number: int) -> dict:
    return {"id": entry.id, "number": number, "name": entry.name,
            "name_native": entry.name_native, "rank": entry.rank.value,
            "organisation": entry.organisation, "title": entry.title}


@bp.get("/summits/<slug:slug>/precedence")
@token_required
def get_precedence(slug: str):
    summit = summits.get_by_slug(slug)
    require(g.api_user, Permission.PROTOCOL_READ, summit)
    items = [entry_json(e, n) for n, e in enumerate(precedence.ordered(summit), start=1)]
    return jsonify({"items": items, "total": len(items)})


@bp.get("/agenda/items/<int:item_id>/seating")
@token_required
def get_seating(item_id: int):
    item = seating.get_item(item_id)
    require(g.api_user, Permission.PROTOCOL_READ, item.summit)
    podium = seating.podium_for(item)
    if podium is None:
        raise BodyError(404, _("No podium has been set up for this item."))
    return jsonify(seating_json(item, seating.compute(item, podium)))


def seating_json(item, chart) -> dict:
    def person(seat) -> dict | None:
        if seat.attendee is None:
            return None
        return {"entry_id": seat.attendee.entry.id, "name": seat.attendee.name,
                "deputy": seat.attendee.deputy}

    return {
        "item_id": item.id, "convention": chart.podium.convention.value,
        "seen_from": "stage",
        "rows": [[{"seat": s.seat + 1, "locked": s.locked, "person": person(s)} for s in row]
                 for row in chart.rows],
        "unseated": [{"entry_id": a.entry.id, "name": a.name} for a in chart.unseated],
        "warnings": chart.warnings}


PLACEMENT_FIELDS = ("row", "seat", "entry_id", "locked")
MAX_PLACEMENTS = seating.MAX_ROWS * seating.MAX_SEATS


def _placement(index: int, value) -> placements.Placement:
    """One placement of the body, with its shape checked (the rules are the service's)."""
    field = f"placements[{index}]"
    if not isinstance(value, dict):
        raise BodyError(422, _("Some values are not valid."),
                        {field: _("Each placement is an object with row, seat, entry_id "
                                  "and locked.")})
    unknown = sorted(set(value) - set(PLACEMENT_FIELDS))
    if unknown:
        raise BodyError(422, _("Some values are not valid."),
                        {f"{field}.{unknown[0][:50]}": _("Unknown field.")})
    numbers = {}
    for name in ("row", "seat"):
        number = value.get(name)
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 1000:
            raise BodyError(422, _("Some values are not valid."),
                            {f"{field}.{name}": _("A whole number from 1, counted from the "
                                                  "front row and the stage's left.")})
        numbers[name] = number
    if "entry_id" not in value:
        raise BodyError(422, _("Some values are not valid."),
                        {f"{field}.entry_id": _("A precedence entry's id, or null for a seat "
                                                "kept empty.")})
    entry_id = value["entry_id"]
    if entry_id is not None and (isinstance(entry_id, bool) or not valid_id(entry_id)):
        raise BodyError(422, _("Some values are not valid."),
                        {f"{field}.entry_id": _("A precedence entry's id, or null for a seat "
                                                "kept empty.")})
    locked = value.get("locked", True)
    if not isinstance(locked, bool):
        raise BodyError(422, _("Some values are not valid."),
                        {f"{field}.locked": _("true or false.")})
    return placements.Placement(numbers["row"] - 1, numbers["seat"] - 1, entry_id, locked)


@bp.put("/agenda/items/<int:item_id>/seating")
@token_required
def put_seating(item_id: int):
    item = seating.get_item(item_id)
    require(g.api_user, Permission.PROTOCOL_WRITE, item.summit)
    payload = known_fields(json_body(), ("placements",))
    given = payload.get("placements")
    if not isinstance(given, list) or len(given) > MAX_PLACEMENTS:
        raise BodyError(422, _("Some values are not valid."),
                        {"placements": _("A list of at most %(count)s placements (it may be "
                                         "empty).", count=MAX_PLACEMENTS)})
    wanted = [_placement(index, value) for index, value in enumerate(given)]
    return jsonify(seating_json(item, placements.replace(g.api_user, item, wanted)))


@bp.get("/agenda/items/<int:item_id>/run-sheet")
@token_required
def get_run_sheet(item_id: int):
    item = seating.get_item(item_id)
    require(g.api_user, Permission.PROTOCOL_READ, item.summit)
    sheet = ceremony.compute(item)

    def party(people) -> list[dict]:
        return [{"organisation": p.organisation, "name": p.name, "title": p.title}
                for p in people]

    return jsonify({
        "item_id": item.id, "order_by": sheet.settings.order_by.value,
        "convention": sheet.settings.convention.value, "seen_from": "stage",
        "signings": [{
            "number": s.number, "agreement_id": s.agreement.id, "title": s.agreement.title,
            "county": s.agreement.county, "amount": str(s.agreement.amount),
            "host": party(s.host), "guest": party(s.guest),
            "host_seat": "left" if s.left == "host" else "right",
            "guest_seat": "left" if s.left == "guest" else "right",
            "witnesses": [{"entry_id": w.entry.id, "name": w.name, "deputy": w.deputy}
                          for w in s.witnesses]} for s in sheet.signings],
        "warnings": sheet.warnings})
