"""The media accreditation part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
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
    query,
    query_choice,
    query_text,
    text,
)
from summit.models import BadgeSize, MediaType, PressRole, PressStatus, ReasonCode
from summit.services.press.queue import SORTS
from summit.services.press.review import DECISIONS

APPLICATION_ID = path_id("application_id")
_TEXT = {"type": "string"}
LOCALES = ["zh_Hans", "zh_Hant", "en"]


def _or_null(schema: dict) -> dict:
    """Null is taken as left out."""
    if "enum" in schema:
        return {**schema, "type": ["string", "null"], "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


ROLE = {"type": "string", "enum": [r.value for r in PressRole]}
REASON = {"type": "string", "enum": [r.value for r in ReasonCode]}
STATUS = {"type": "string", "enum": [s.value for s in PressStatus]}
PERSON_INPUT = {"type": "object", "properties": {
    "name": _or_null(text(100, description="Name as on ID")),
    "name_native": _or_null(text(200)), "role": _or_null(ROLE),
    "photo": _or_null({"type": "string", "description": "Token from POST /press-files (kind "
                                                        "photo); another is a 422"})}}
PERSON = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": _TEXT, "name_native": _TEXT, "name_pinyin": _TEXT,
    "role": ROLE, "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
    "reason_code": {"type": ["string", "null"]}, "has_photo": {"type": "boolean"}}}
APPLICATION_INPUT = closed({
    "outlet_name": _or_null(text(200, description="Required to submit")),
    "media_type": _or_null({"type": "string", "enum": [m.value for m in MediaType]}),
    "region": _or_null(text(100)),
    "website": _or_null(text(200, description="http(s)://…")),
    "press_card_number": _or_null(text(32, description="15 digits; others are accepted with "
                                                       "a warning for the officer")),
    "vehicle_plate": _or_null(text(16, description="Like 川A12345")),
    "applicant": {"$ref": "#/components/schemas/PressPersonInput"},
    "crew": _or_null({"type": "array", "maxItems": 8,
                      "items": {"$ref": "#/components/schemas/PressPersonInput"}}),
    "equipment": _or_null({"type": "array", "maxItems": 20, "items": {
        "type": "object", "properties": {"item": _or_null(text(100)),
                                         "serial_number": _or_null(text(64))}}}),
    "zones": _or_null({"type": "array", "maxItems": 50, "items": {"type": "string"},
                       "description": "Zone codes of the summit (another is a 422)"}),
    "letter": _or_null({"type": "string", "description": "Token from POST /press-files (kind "
                                                         "letter); another is a 422"}),
    "locale": _or_null({"type": "string", "enum": LOCALES,
                        "description": "Language of the emails"}),
    "submit": {"type": "boolean", "default": True,
               "description": "false saves a draft; true requires every part (else 422)"}})
APPLICATION = {"type": "object", "required": ["id", "status"], "properties": {
    "id": {"type": "integer"}, "summit": _TEXT, "status": STATUS, "outlet_name": _TEXT,
    "media_type": _TEXT, "region": _TEXT, "website": _TEXT, "press_card_number": _TEXT,
    "vehicle_plate": _TEXT, "has_letter": {"type": "boolean"},
    "applicant": {"anyOf": [{"$ref": "#/components/schemas/PressPerson"}, {"type": "null"}]},
    "crew": {"type": "array", "items": {"$ref": "#/components/schemas/PressPerson"}},
    "equipment": {"type": "array", "items": {"type": "object"}},
    "zones": {"type": "array", "items": _TEXT},
    "approved_zones": {"type": "array", "items": _TEXT},
    "reason_code": {"type": ["string", "null"]}, "message": {"type": ["string", "null"]},
    "internal_note": {"type": ["string", "null"], "description": "Reviewers only"},
    "card_warning": {"type": "boolean", "description": "Reviewers only"},
    "submitted_at": {"type": ["string", "null"], "format": "date-time"},
    "decided_at": {"type": ["string", "null"], "format": "date-time"}}}
ONE = json_response({"$ref": "#/components/schemas/PressApplication"})
LIST = json_response(list_of({"$ref": "#/components/schemas/PressApplication"}))
BODY = json_body({"$ref": "#/components/schemas/PressApplicationInput"})
SECURITY = [{"bearer": []}]
BODY_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422)

SCHEMAS = {"PressPersonInput": PERSON_INPUT, "PressPerson": PERSON,
                 "PressApplicationInput": APPLICATION_INPUT, "PressApplication": APPLICATION}
PATHS = {
    "/press-files": {"post": {
        "operationId": "uploadPressFile",
        "summary": "Upload a photo (JPEG/PNG, at most 2 MB: decoded, EXIF removed, scaled) or "
                   "an assignment letter (PDF, at most 5 MB: parsed, no JavaScript or "
                   "actions); returns the token to use in an application. A file that is not "
                   "what its kind says is a 422",
        "security": SECURITY,
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": closed({
            "kind": {"type": "string", "enum": ["photo", "letter"]},
            "file": {"type": "string", "format": "binary"}}, ["kind", "file"])}}},
        "responses": {"201": json_response({"type": "object", "properties": {
            "token": _TEXT, "kind": _TEXT, "name": {"type": ["string", "null"]},
            "size": {"type": ["integer", "null"]}}}, "Created"),
            **error_responses(400, 401, 413, 422)}}},
    "/summits/{slug}/press-applications": {
        "post": {
            "operationId": "createPressApplication",
            "summary": "Apply for media accreditation (any account; refused when the summit "
                       "takes no press or after its deadline)",
            "security": SECURITY, "parameters": [SLUG], "requestBody": BODY,
            "responses": {"201": json_response({"$ref": "#/components/schemas/PressApplication"},
                                       "Created"), **BODY_ERRORS}},
        "get": {
            "operationId": "listPressApplications",
            "summary": "The officers' queue (media officers, organisers); drafts are left out "
                       "unless status=draft",
            "security": SECURITY,
            "parameters": [SLUG, query_text("q"),
                           query_choice("status", [s.value for s in PressStatus]),
                           query_choice("media_type", [m.value for m in MediaType]),
                           query_choice("warning", ["0", "1"],
                                        "1: only press cards that look wrong"),
                           query_choice("sort", SORTS), PAGE, PER_PAGE],
            "responses": {"200": json_response(list_of(
                {"$ref": "#/components/schemas/PressApplication"}, paged=True)),
                **error_responses(400, 401, 403, 404, 422)}}},
    "/press-applications": {"get": {
        "operationId": "listMyPressApplications",
        "summary": "The token holder's own applications", "security": SECURITY,
        "responses": {"200": LIST, **error_responses(401)}}},
    "/press-applications/{application_id}": {
        "get": {"operationId": "getPressApplication",
                "summary": "One application (its applicant and the summit's reviewers)",
                "security": SECURITY, "parameters": [APPLICATION_ID],
                "responses": {"200": ONE, **error_responses(401, 403, 404)}},
        "put": {"operationId": "updatePressApplication",
                "summary": "Edit a draft or answer a request for more information "
                           "(submit: true sends it again)",
                "security": SECURITY, "parameters": [APPLICATION_ID], "requestBody": BODY,
                "responses": {"200": ONE, **BODY_ERRORS}}},
    "/press-applications/{application_id}/decision": {"post": {
        "operationId": "decidePressApplication",
        "summary": "Decide (media officers, organisers): approve (optionally fewer zones and "
                   "some people refused), reject, waitlist, needs_info, revoke; emails the "
                   "applicant in their language",
        "security": SECURITY, "parameters": [APPLICATION_ID],
        "requestBody": json_body(closed({
            "decision": {"type": "string", "enum": list(DECISIONS)},
            "reason_code": _or_null({**REASON, "description": "Required to reject (else 422)"}),
            "message": _or_null(text(2000, multiline=True,
                                     description="Sent to the applicant; required for "
                                                 "needs_info and revoke (else 422)")),
            "internal_note": _or_null(text(2000, multiline=True,
                                           description="Never shown to the applicant")),
            "zones": _or_null({"type": "array", "maxItems": 50, "items": _TEXT,
                               "description": "Approve: the zones granted (default: "
                                              "requested; another is a 422)"}),
            "rejected_people": _or_null({"type": "array", "maxItems": 50, "items": ID_SCHEMA,
                                         "description": "Approve: ids of people not "
                                                        "accredited (reason_code required)"})},
            ["decision"])),
        "responses": {"200": ONE, **BODY_ERRORS}}},
    "/press-applications/{application_id}/badge.pdf": {"get": {
        "operationId": "getPressBadge",
        "summary": "An accredited person's press badge (applicant without ?person=)",
        "security": SECURITY, "parameters": [
            APPLICATION_ID, query("person", ID_SCHEMA, "A crew member's id"),
            query_choice("size", [s.value for s in BadgeSize] + [""], "Empty: a6")],
        "responses": {"200": {"description": "PDF", "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
            **error_responses(400, 401, 403, 404, 409, 422)}}},
}
