"""The programme's part of the OpenAPI document (merged into ``openapi.DOCUMENT``): the agenda,
rooms, draft items, versions and salon seats."""
from summit.blueprints.api.openapi_parts import (
    ID_SCHEMA,
    PAGE,
    PER_PAGE,
    SLUG,
    closed,
    error_responses,
    json_body,
    json_response,
    list_of,
    path_id,
    query_choice,
    query_text,
    text,
)
from summit.models import AgendaItemKind, BookingStatus, ParticipantRole

ITEM_ID = path_id("item_id", "The agenda item (session) id")
_LOCALISED = {"$ref": "#/components/schemas/Localised"}
_STR = {"type": "string"}
WHOLE = {"type": ["integer", "null"], "minimum": -10**9, "maximum": 10**9}
CAPACITY = {"type": ["integer", "null"], "minimum": 0, "maximum": 100_000}
CLOCK = {"type": "string", "pattern": "^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"}
PARTICIPANT_INPUT = {"type": "object", "required": ["role"], "properties": {
    "role": {"type": "string", "enum": [r.value for r in ParticipantRole]},
    "registration_id": {**ID_SCHEMA, "type": ["integer", "null"],
                        "description": "A registration at the summit (else 422)"},
    "guest_name": text(200),
    "guest_title": text(200),
    "guest_organisation": text(200)},
    "description": "A registration or a guest's name"}
ITEM_FIELDS = {
    "day": {"type": "string", "format": "date", "description": "A day of the summit (else 422)"},
    "start": {**CLOCK, "example": "09:00"},
    "end": {**CLOCK, "example": "09:30", "description": "After start (else 422)"},
    "room_id": {**ID_SCHEMA, "type": ["integer", "null"],
                "description": "A room of the summit (else 422)"},
    "kind": {"type": "string", "enum": [k.value for k in AgendaItemKind]},
    "title_zh": text(200, required=True),
    "title_en": text(200),
    "description_zh": text(5000, multiline=True),
    "description_en": text(5000, multiline=True),
    "bookable": {"type": "boolean", "description": "Needs a capacity (else 422)"},
    "capacity": CAPACITY,
    "participants": {"type": "array", "maxItems": 100, "items": PARTICIPANT_INPUT},
    "confirm": {"type": "boolean",
                "description": "Save despite clashes (answered 409 confirmation_required "
                               "otherwise)"}}
ITEM_INPUT = closed(ITEM_FIELDS, ["day", "start", "end", "kind", "title_zh"])
ITEM_CHANGE = closed(ITEM_FIELDS, description="Only the fields sent change")
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
BOOKING = {
    "type": "object", "required": ["id", "session_id", "registration_id", "status"],
    "properties": {
        "id": {"type": "integer"}, "session_id": {"type": "integer"},
        "registration_id": {"type": "integer"},
        "status": {"type": "string", "enum": [s.value for s in BookingStatus]},
        "waitlist_position": {"type": ["integer", "null"],
                              "description": "1 for the next in line; null unless waitlisted"},
        "queued_at": {"type": "string", "format": "date-time"},
        "offer_expires_at": {"type": ["string", "null"], "format": "date-time",
                             "description": "Deadline to claim an offered seat"},
        "seats_left": {"type": ["integer", "null"]}, "capacity": {"type": ["integer", "null"]},
        "registration": {"type": "object", "description": "Organisers' list only; phone "
                                                          "masked"},
    },
}
BEARER = [{"bearer": []}]
BODY_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {"AgendaItemInput": ITEM_INPUT, "AgendaItemChange": ITEM_CHANGE,
           "PublishedAgendaItem": PUBLISHED_ITEM, "DraftAgendaItem": DRAFT_ITEM,
           "AgendaVersion": VERSION, "Room": ROOM, "Booking": BOOKING}
PATHS = {
    "/summits/{slug}/agenda": {"get": {
        "operationId": "getAgenda",
        "summary": "The latest published programme (public), with its changelog",
        "parameters": [SLUG], "responses": {"200": json_response({
            "type": "object", "required": ["version", "items", "total"], "properties": {
                "summit": _STR, "version": {"type": "integer"}, "timezone": _STR,
                "published_at": {"type": "string", "format": "date-time"},
                "note": _STR, "rooms": {"type": "array", "items": {"type": "object"}},
                "items": {"type": "array", "items": _ref("PublishedAgendaItem")},
                "total": {"type": "integer"}, "changelog": {"type": "array"}}}),
            **error_responses(404)}}},
    "/summits/{slug}/agenda.ics": {"get": {
        "operationId": "getAgendaCalendar",
        "summary": "The latest published programme as iCalendar (stable UIDs, SEQUENCE, "
                   "the summit's VTIMEZONE)", "parameters": [SLUG],
        "responses": {"200": {"description": "iCalendar", "content": {
            "text/calendar": {"schema": {"type": "string"}}}}, **error_responses(404)}}},
    "/summits/{slug}/rooms": {
        "get": {"operationId": "listRooms", "summary": "Rooms of a summit (organisers)",
                "security": BEARER, "parameters": [SLUG], "responses": {
                    "200": json_response(list_of(_ref("Room"))),
                    **error_responses(401, 403, 404)}},
        "post": {"operationId": "createRoom", "summary": "Add a room (organisers)",
                 "security": BEARER, "parameters": [SLUG], "requestBody": json_body(closed({
                     "name_zh": text(100, required=True,
                                     description="Unique at the summit (else 409)"),
                     "name_en": text(100),
                     "capacity": CAPACITY, "position": WHOLE}, ["name_zh"])),
                 "responses": {"201": json_response(_ref("Room"), "Created"),
                               **error_responses(*BODY_ERRORS)}}},
    "/summits/{slug}/agenda/draft": {"get": {
        "operationId": "getDraftAgenda",
        "summary": "The draft programme with every clash (organisers)", "security": BEARER,
        "parameters": [SLUG], "responses": {
            "200": json_response(list_of(_ref("DraftAgendaItem"))),
            **error_responses(401, 403, 404)}}},
    "/summits/{slug}/agenda/items": {"post": {
        "operationId": "createAgendaItem",
        "summary": "Add a draft item (organisers); clashes need confirm=true",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": json_body(_ref("AgendaItemInput")),
        "responses": {"201": json_response(_ref("DraftAgendaItem"), "Created"),
                      **error_responses(*BODY_ERRORS)}}},
    "/agenda/items/{item_id}": {"patch": {
        "operationId": "updateAgendaItem",
        "summary": "Change a draft item: only the keys sent change (organisers)",
        "security": BEARER, "parameters": [ITEM_ID],
        "requestBody": json_body(_ref("AgendaItemChange")),
        "responses": {"200": json_response(_ref("DraftAgendaItem")),
                      **error_responses(*BODY_ERRORS)}}},
    "/agenda/items/{item_id}/cancel": {"post": {
        "operationId": "cancelAgendaItem",
        "summary": "Cancel a draft item (organisers); its live seat bookings are cancelled "
                   "and their holders emailed", "security": BEARER,
        "parameters": [ITEM_ID],
        "responses": {"200": json_response({"allOf": [
            _ref("DraftAgendaItem"),
            {"type": "object", "properties": {"bookings_cancelled": {"type": "integer"}}}]}),
                      **error_responses(401, 403, 404, 409)}}},
    "/summits/{slug}/agenda/versions": {
        "get": {"operationId": "listAgendaVersions",
                "summary": "Published versions with their changelogs (organisers)",
                "security": BEARER, "parameters": [SLUG], "responses": {
                    "200": json_response(list_of(_ref("AgendaVersion"))),
                    **error_responses(401, 403, 404)}},
        "post": {"operationId": "publishAgenda",
                 "summary": "Publish the draft as the next version (organisers); emails the "
                            "participants of changed items", "security": BEARER,
                 "parameters": [SLUG], "requestBody": json_body(closed({
                     "note": text(500), "confirm": {"type": "boolean"}})),
                 "responses": {"201": json_response(_ref("AgendaVersion"), "Created"),
                               **error_responses(*BODY_ERRORS)}}},
    "/sessions/{item_id}/bookings": {
        "post": {
            "operationId": "bookSeat",
            "summary": "Book a seat at a bookable item: confirmed while seats are left, "
                       "else waitlisted. Approved registrations only; organisers may pass "
                       "registration_id to book for someone",
            "security": BEARER, "parameters": [ITEM_ID],
            "requestBody": json_body(closed({"registration_id": {
                **ID_SCHEMA, "description": "Organisers only"}}), required=False),
            "responses": {"201": json_response(_ref("Booking"), "Created"),
                          **error_responses(*BODY_ERRORS)}},
        "get": {
            "operationId": "listBookings",
            "summary": "The item's bookings (organisers): seat holders, then the waiting "
                       "list in order, then the history",
            "security": BEARER,
            "parameters": [ITEM_ID, query_choice("status", [s.value for s in BookingStatus]),
                           query_text("q"), PAGE, PER_PAGE],
            "responses": {"200": json_response(list_of(_ref("Booking"), paged=True)),
                          **error_responses(400, 401, 403, 404, 422)}}},
    "/sessions/{item_id}/bookings/mine": {"delete": {
        "operationId": "cancelMyBooking",
        "summary": "Cancel one's own booking (seat, offer or waiting-list place); a freed "
                   "seat is offered to the next person",
        "security": BEARER, "parameters": [ITEM_ID],
        "responses": {"200": json_response(_ref("Booking")),
                      **error_responses(401, 403, 404, 409)}}},
    "/sessions/{item_id}/bookings/mine/claim": {"post": {
        "operationId": "claimMyOffer",
        "summary": "Claim an offered seat before its deadline",
        "security": BEARER, "parameters": [ITEM_ID],
        "responses": {"200": json_response(_ref("Booking")),
                      **error_responses(401, 403, 404, 409)}}},
}
