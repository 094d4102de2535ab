"""Protocol over the API: a summit's precedence list and an item's podium seating."""
from __future__ import annotations

from flask import g, jsonify
from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError, token_required
from summit.blueprints.api.blueprint import bp
from summit.permissions import Permission, require
from summit.services.protocol import precedence, seating
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
    chart = seating.compute(item, podium)

    def person(seat) -> dict | None:
        if seat.attendee is None:
            return None
        return {"entry_id": seat.attendee.entry.id, "name": seat.attendee.name,
                "deputy": seat.attendee.deputy}

    return jsonify({
        "item_id": item.id, "convention": podium.convention.value,
        "seen_from": "stage",
        "rows": [[{"seat": s.seat + 1, "locked": s.locked, "person": person(s)} for s in row]
                 for row in chart.rows],
        "unseated": [{"entry_id": a.entry.id, "name": a.name} for a in chart.unseated],
        "warnings": chart.warnings})
