"""The check-in part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from summit.blueprints.api.openapi_parts import (
    ID_SCHEMA,
    QUERY_TEXT,
    SLUG,
    closed,
    error_responses,
    json_body,
    json_response,
    list_of,
    text,
)
from summit.services.checkin.scans import RESULTS

BEARER = [{"bearer": []}]
SCAN_ANSWER = {"type": "object", "required": ["result"], "properties": {
    "result": {"type": "string", "enum": list(RESULTS)},
    "first_scanned_at": {"type": "string", "format": "date-time"},
    "first_gate": {"type": ["string", "null"]},
    "holder": {"type": "object", "description": "name, name_native, pinyin, organisation, "
                                                "category, zones, photo_url (or null); press "
                                                "badges add outlet, and photo_url is the "
                                                "photo for this summit's check-in staff"},
    "conflict": {"type": "boolean", "description": "Let in at two places while offline"},
    "salon": {"type": "object", "description": "At a salon's door: the salon and the seat"}}}
SCAN_FIELDS = {
    "gate": text(64, required=True),
    "scan_id": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$",
                "description": "Chosen by the device, unique: a repeated one is answered "
                               "like the first"},
    "device": text(64),
    "scanned_at": {"type": ["string", "null"], "format": "date-time",
                   "description": "The device's time of the scan (offline scans sent later), "
                                  "with a time zone, within the last 7 days (else 422)"}}
SCAN_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422)

SCHEMAS: dict = {}
PATHS = {
    "/summits/{slug}/checkins": {"post": {
        "operationId": "createCheckin",
        "summary": "Record a badge scan at a gate (check-in staff); a repeated scan_id "
                   "returns the first answer",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": json_body(closed({
            "token": {"type": "string", "maxLength": 200,
                      "description": "What the QR code holds; any other text is answered "
                                     "invalid"},
            **SCAN_FIELDS,
            "offline": {"type": "boolean", "default": False,
                        "description": "Answered on the device from the manifest"}},
            ["token", "gate", "scan_id"])),
        "responses": {"200": json_response(SCAN_ANSWER), **SCAN_ERRORS}}},
    "/summits/{slug}/checkins/manual": {"post": {
        "operationId": "createManualCheckin",
        "summary": "Check in a person found by name or phone, without their badge "
                   "(check-in staff); answered like a scan",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": json_body(closed({"registration_id": ID_SCHEMA,
                                         "press_person_id": ID_SCHEMA, **SCAN_FIELDS},
                                        ["gate", "scan_id"])),
        "responses": {"200": json_response(SCAN_ANSWER), **SCAN_ERRORS}}},
    "/summits/{slug}/checkins/lookup": {"get": {
        "operationId": "lookUpPeople",
        "summary": "People by name (simplified, traditional, pinyin) or exactly the last "
                   "4 digits of their phone, at most 20, phones masked; other digits are "
                   "a 422 (check-in staff)",
        "security": BEARER,
        "parameters": [SLUG, {"name": "q", "in": "query", "required": True,
                              "schema": {**QUERY_TEXT, "maxLength": 100}}],
        "responses": {"200": json_response(list_of({"type": "object"})),
                      **error_responses(400, 401, 403, 404, 422)}}},
    "/summits/{slug}/attendance": {"get": {
        "operationId": "getAttendance",
        "summary": "The arrivals board: arrived against expected by category, delegation "
                   "and gate, per quarter hour, scans by result, offline conflicts "
                   "(organisers, officials)",
        "security": BEARER, "parameters": [SLUG],
        "responses": {"200": json_response({"type": "object", "properties": {
            "expected": {"type": "integer"}, "arrived": {"type": "integer"},
            "by_category": {"type": "array", "items": {"type": "object"}},
            "by_delegation": {"type": "array", "items": {"type": "object"}},
            "by_gate": {"type": "array", "items": {"type": "object"}},
            "over_time": {"type": "array", "items": {"type": "object"}},
            "scans": {"type": "object"},
            "conflicts": {"type": "array", "items": {"type": "object"}}}}),
            **error_responses(401, 403, 404)}}},
    "/summits/{slug}/checkins/manifest": {"get": {
        "operationId": "getCheckinManifest",
        "summary": "What offline scanners need: the public key, valid badges with their "
                   "current version and screen fields, and revoked badges",
        "security": BEARER, "parameters": [SLUG],
        "responses": {"200": json_response({"type": "object", "properties": {
            "public_key": {"type": "string"}, "key_id": {"type": "string"},
            "badges": {"type": "array", "items": {"type": "object"}},
            "revoked": {"type": "array", "items": {"type": "string"}},
            "refused": {"type": "object", "additionalProperties": {
                "type": "string", "enum": ["revoked", "not_approved"]}},
            "arrived": {"type": "object", "description": "badge ref -> {at, gate}"},
            "gates": {"type": "array", "items": {"type": "string"}}}}),
            **error_responses(401, 403, 404)}}},
}
