"""The programme's part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from summit.blueprints.api.openapi_parts import SLUG, error_responses, json_response
from summit.models import AgendaItemKind, ParticipantRole

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


SCHEMAS = {"AgendaItemInput": ITEM_INPUT, "PublishedAgendaItem": PUBLISHED_ITEM,
     "DraftAgendaItem": DRAFT_ITEM, "AgendaVersion": VERSION, "Room": ROOM}
PATHS = {
    "/summits/{slug}/agenda": {"get": {
        "summary": "The latest published programme (public), with its changelog",
        "parameters": [SLUG], "responses": {"200": json_response({"type": "object", "properties": {
            "version": {"type": "integer"}, "timezone": _STR,
            "items": {"type": "array",
                      "items": {"$ref": "#/components/schemas/PublishedAgendaItem"}},
            "changelog": {"type": "array"}}}), **error_responses(404)}}},
    "/summits/{slug}/agenda.ics": {"get": {
        "summary": "The latest published programme as iCalendar (stable UIDs, SEQUENCE, "
                   "the summit's VTIMEZONE)", "parameters": [SLUG],
        "responses": {"200": {"description": "iCalendar", "content": {
            "text/calendar": {"schema": {"type": "string"}}}}, **error_responses(404)}}},
    "/summits/{slug}/rooms": {
        "get": {"summary": "Rooms of a summit (organisers)", "security": BEARER,
                "parameters": [SLUG], "responses": {
                    "200": json_response(_list_of({"$ref": "#/components/schemas/Room"})),
                    **error_responses(401, 403, 404)}},
        "post": {"summary": "Add a room (organisers)", "security": BEARER,
                 "parameters": [SLUG], "requestBody": _body({
                     "type": "object", "required": ["name_zh"], "properties": {
                         "name_zh": {"type": "string", "maxLength": 100},
                         "name_en": {"type": "string", "maxLength": 100},
                         "capacity": {"type": "integer"}, "position": {"type": "integer"}}}),
                 "responses": {"201": json_response({"$ref": "#/components/schemas/Room"},
                                                    "Created"),
                               **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/summits/{slug}/agenda/draft": {"get": {
        "summary": "The draft programme with every clash (organisers)", "security": BEARER,
        "parameters": [SLUG], "responses": {
            "200": json_response(_list_of({"$ref": "#/components/schemas/DraftAgendaItem"})),
            **error_responses(401, 403, 404)}}},
    "/summits/{slug}/agenda/items": {"post": {
        "summary": "Add a draft item (organisers); clashes need confirm=true",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": _body({"$ref": "#/components/schemas/AgendaItemInput"}),
        "responses": {"201": json_response({"$ref": "#/components/schemas/DraftAgendaItem"},
                                   "Created"),
                      **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/agenda/items/{item_id}": {"patch": {
        "summary": "Change a draft item: only the keys sent change (organisers)",
        "security": BEARER, "parameters": [ITEM_ID],
        "requestBody": _body({"type": "object"}),
        "responses": {"200": json_response({"$ref": "#/components/schemas/DraftAgendaItem"}),
                      **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/agenda/items/{item_id}/cancel": {"post": {
        "summary": "Cancel a draft item (organisers); its live seat bookings are cancelled "
                   "and their holders emailed", "security": BEARER,
        "parameters": [ITEM_ID],
        "responses": {"200": json_response({"allOf": [
            {"$ref": "#/components/schemas/DraftAgendaItem"},
            {"type": "object", "properties": {"bookings_cancelled": {"type": "integer"}}}]}),
                      **error_responses(401, 403, 404, 409)}}},
    "/summits/{slug}/agenda/versions": {
        "get": {"summary": "Published versions with their changelogs (organisers)",
                "security": BEARER, "parameters": [SLUG], "responses": {
                    "200": json_response(_list_of({"$ref": "#/components/schemas/AgendaVersion"})),
                    **error_responses(401, 403, 404)}},
        "post": {"summary": "Publish the draft as the next version (organisers); emails the "
                            "participants of changed items", "security": BEARER,
                 "parameters": [SLUG], "requestBody": _body({"type": "object", "properties": {
                     "note": {"type": "string", "maxLength": 500},
                     "confirm": {"type": "boolean"}}}),
                 "responses": {"201": json_response({"$ref": "#/components/schemas/AgendaVersion"},
                                            "Created"),
                               **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
}
