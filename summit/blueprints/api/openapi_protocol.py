"""The protocol part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from __future__ import annotations

from summit.blueprints.api.openapi_parts import SLUG, error_responses, json_response, path_id
from summit.models import Convention, Rank

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
                      **error_responses(401, 403, 404)}}},
}
