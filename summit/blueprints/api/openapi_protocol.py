"""The protocol part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from __future__ import annotations

from summit.blueprints.api.openapi_parts import (
    ID_SCHEMA,
    SLUG,
    closed,
    error_responses,
    json_body,
    json_response,
    path_id,
)
from summit.models import Convention, Rank, SigningOrder

BEARER = [{"bearer": []}]
_TEXT = {"type": "string"}
SCHEMAS = {
    "PrecedenceEntry": {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "integer"}, "name": _TEXT,
        "name_native": _TEXT, "rank": {"type": "string", "enum": [r.value for r in Rank]},
        "organisation": _TEXT, "title": _TEXT}},
    "Seating": {"type": "object", "properties": {
        "item_id": {"type": "integer"},
        "convention": {"type": "string", "enum": [c.value for c in Convention]},
        "seen_from": {"type": "string", "enum": ["stage"],
                      "description": "Seat 1 is the leftmost seen from the stage"},
        "rows": {"type": "array", "description": "Front row first", "items": {
            "type": "array", "items": {"type": "object", "properties": {
                "seat": {"type": "integer"}, "locked": {"type": "boolean"},
                "person": {"type": ["object", "null"], "properties": {
                    "entry_id": {"type": "integer"}, "name": _TEXT,
                    "deputy": {"type": "boolean"}}}}}}},
        "unseated": {"type": "array", "items": {"type": "object"}},
        "warnings": {"type": "array", "items": _TEXT}}},
}
PLACEMENT = closed({
    "row": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "1 = front row"},
    "seat": {"type": "integer", "minimum": 1, "maximum": 1000,
             "description": "1 = leftmost seen from the stage"},
    "entry_id": {"oneOf": [ID_SCHEMA, {"type": "null"}],
                 "description": "A precedence entry, or null for a seat kept empty"},
    "locked": {"type": "boolean", "default": True}}, ["row", "seat", "entry_id"])
_PARTY = {"type": "array", "items": {"type": "object", "properties": {
    "organisation": _TEXT, "name": _TEXT, "title": _TEXT}}}
_SIDE = {"type": "string", "enum": ["left", "right"]}
SCHEMAS["RunSheet"] = {"type": "object", "properties": {
    "item_id": {"type": "integer"},
    "order_by": {"type": "string", "enum": [o.value for o in SigningOrder]},
    "convention": {"type": "string", "enum": [c.value for c in Convention]},
    "seen_from": {"type": "string", "enum": ["stage"]},
    "signings": {"type": "array", "items": {"type": "object", "properties": {
        "number": {"type": "integer"}, "agreement_id": {"type": "integer"}, "title": _TEXT,
        "county": _TEXT, "amount": {"type": "string", "description": "Yuan, two decimals"},
        "host": _PARTY, "guest": _PARTY, "host_seat": _SIDE, "guest_seat": _SIDE,
        "witnesses": {"type": "array", "description": "Most senior first",
                      "items": {"type": "object", "properties": {
                          "entry_id": {"type": "integer"}, "name": _TEXT,
                          "deputy": {"type": "boolean"}}}}}}},
    "warnings": {"type": "array", "items": _TEXT}}}
PATHS = {
    "/summits/{slug}/precedence": {"get": {
        "operationId": "getPrecedence",
        "summary": "The precedence list of leaders (protocol officers, organisers, officials)",
        "security": BEARER, "parameters": [SLUG],
        "responses": {"200": json_response({
            "type": "object", "required": ["items", "total"], "properties": {
                "items": {"type": "array",
                          "items": {"$ref": "#/components/schemas/PrecedenceEntry"}},
                "total": {"type": "integer"}}}),
            **error_responses(401, 403, 404)}}},
    "/agenda/items/{item_id}/seating": {"get": {
        "operationId": "getSeating",
        "summary": "An agenda item's podium: rows of seats with who sits there",
        "security": BEARER, "parameters": [path_id("item_id")],
        "responses": {"200": json_response({"$ref": "#/components/schemas/Seating"}),
                      **error_responses(401, 403, 404)}},
        "put": {
        "operationId": "putSeating",
        "summary": "Set the podium's manual placements and locks (protocol officers, "
                   "organisers): the list replaces every earlier one, or nothing changes",
        "description": "Rows count from the front row, seats from the left seen from the "
                       "stage, both from 1. A locked seat is held for its leader even when "
                       "the leader drops out; an unlocked one lapses and the rule fills it; "
                       "`entry_id` null with `locked` true keeps a seat empty. 409 without a "
                       "podium; 422 for a seat outside the podium, a seat or a person given "
                       "twice, a leader not on the list or absent from the item.",
        "security": BEARER, "parameters": [path_id("item_id")],
        "requestBody": json_body(closed({"placements": {
            "type": "array", "maxItems": 600, "items": PLACEMENT}}, ["placements"])),
        "responses": {"200": json_response({"$ref": "#/components/schemas/Seating"}),
                      **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/agenda/items/{item_id}/run-sheet": {"get": {
        "operationId": "getRunSheet",
        "summary": "A signing ceremony's run-sheet: signings in order with both sides' "
                   "signatories, their seats at the signing table and the witnesses",
        "description": "409 when the item is not a signing ceremony.",
        "security": BEARER, "parameters": [path_id("item_id")],
        "responses": {"200": json_response({"$ref": "#/components/schemas/RunSheet"}),
                      **error_responses(401, 403, 404, 409)}}},
}
