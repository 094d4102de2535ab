"""The OpenAPI 3.1 description of /api/v1. A test proves every API route is listed here, and
tests/app/test_schemathesis.py that the server keeps to it."""
from flask import current_app, jsonify

from summit.blueprints.api import (
    openapi_agenda,
    openapi_agreements,
    openapi_checkin,
    openapi_desk,
    openapi_press,
    openapi_privacy,
    openapi_protocol,
    openapi_reception,
)
from summit.blueprints.api.blueprint import bp
from summit.blueprints.api.openapi_parts import (
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
from summit.config import VERSION
from summit.models import BadgeSize, Diet, IdDocumentType, RegistrationStatus
from summit.services.registration.lists import SORTS as REGISTRATION_SORTS

ID = path_id("registration_id")
LOCALES = ["zh_Hans", "zh_Hant", "en"]
_TEXT = {"type": "string"}
PHONE = {"type": "string", "maxLength": 32,
         "pattern": "^(?:(?:\\+86|0086)?1[3-9][0-9]{9}|\\+[1-9][0-9]{6,14})$",
         "description": "Chinese mobile (11 digits) or +international"}
REGISTRATION_INPUT = closed({
    "name": text(100, required=True, description="Name as on ID"),
    "name_native": text(200),
    "name_pinyin": text(100, description="Derived (e.g. ZHAO Bo) when left out"),
    "organization": text(200, required=True),
    "position": text(100, required=True),
    "category": text(32, required=True,
                     description="A category code of the summit (GET /summits/{slug}); an "
                                 "unknown one is a 422"),
    "email": {"type": "string", "format": "email", "maxLength": 254},
    "phone": PHONE,
    "invitation_code": text(32),
    "id_type": {"type": "string", "enum": [t.value for t in IdDocumentType] + [""],
                "description": "Empty: none given"},
    "id_number": text(32, description="Required with id_type; a resident ID's check digit "
                                      "must be right (422)"),
    "diet": {"type": "string", "enum": [d.value for d in Diet]},
    "diet_note": text(200),
    "accessibility": text(500, multiline=True),
    "hotel": text(100),
    "room_sharing": text(100),
    "locale": {"type": "string", "enum": LOCALES, "description": "Language of the emails"},
}, ["name", "organization", "position", "category", "email", "phone"])
REGISTRATION = {
    "type": "object", "required": ["id", "status", "name", "name_pinyin"],
    "properties": {
        "id": {"type": ["integer", "null"],
               "description": "null in the answer to a public submission whose caller has not "
                              "proved the address (no token of the summit's staff or of a "
                              "verified account with that email): a registered address gets "
                              "the same answer as a new one, and its owner an email"},
        "summit": _TEXT,
        "status": {"type": "string", "enum": [s.value for s in RegistrationStatus]},
        "status_reason": {"type": ["string", "null"]}, "name": _TEXT, "name_native": _TEXT,
        "name_pinyin": _TEXT, "organization": _TEXT, "position": _TEXT, "category": _TEXT,
        "delegation": {"type": ["string", "null"]}, "email": _TEXT,
        "phone": {"type": "string", "description": "Masked"},
        "id_number": {"type": ["string", "null"], "description": "Masked"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
BADGE_SIZE = query_choice("size", [s.value for s in BadgeSize] + [""], "Empty: a6")
PDF = {"description": "PDF", "content": {
    "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
BEARER = [{"bearer": []}]
TOKEN_ID = path_id("token_id")
TOKEN = {"type": "object", "required": ["id", "prefix", "scope"], "properties": {
    "id": {"type": "integer"}, "prefix": {"type": "string"},
    "scope": {"type": "string", "enum": ["full", "checkin"],
              "description": "checkin: a scanner's device token, for one summit's check-in"},
    "summit": {"type": ["string", "null"], "description": "The slug a checkin token works at"},
    "created_at": {"type": "string", "format": "date-time"},
    "last_used_at": {"type": ["string", "null"], "format": "date-time"},
    "expires_at": {"type": ["string", "null"], "format": "date-time"},
    "revoked_at": {"type": "string", "format": "date-time",
                   "description": "Only in the answer to revoking"}}}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Summit API", "version": VERSION,
             "description": "JSON API of Summit. Errors are {\"error\": {\"code\", \"message\", "
                            "\"fields\"}}; lists are {\"items\", \"total\"}. A body field or "
                            "query value the document does not allow is refused (422 naming "
                            "it), and so is any field a body does not list."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message", "fields"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
            "RegistrationInput": REGISTRATION_INPUT,
            "Token": TOKEN,
            "Registration": REGISTRATION,
            "Localised": {"type": "object", "properties": {
                "zh": {"type": ["string", "null"]}, "en": {"type": ["string", "null"]}}},
            "Summit": {"type": "object", "required": ["slug", "title", "starts_on", "ends_on"],
                       "properties": {
                           "slug": {"type": "string"},
                           "title": {"$ref": "#/components/schemas/Localised"},
                           "theme": {"$ref": "#/components/schemas/Localised"},
                           "city": {"type": "string"}, "venue": {"type": "string"},
                           "timezone": {"type": "string"},
                           "starts_on": {"type": "string", "format": "date"},
                           "ends_on": {"type": "string", "format": "date"},
                           "organisations": {"type": "object"},
                           "zones": {"type": "array", "items": {"type": "object"}},
                           "categories": {"type": "array", "items": {"type": "object"}}}},
        },
    },
    "paths": {
        "/tokens": {
            "post": {
                "operationId": "createToken",
                "summary": "Exchange email and password for a bearer token (it expires; a new "
                           "password or logging out everywhere revokes it)",
                "requestBody": json_body(closed({
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                    "password": text(128, required=True)}, ["email", "password"])),
                "responses": {"201": json_response({
                    "type": "object", "required": ["token"], "properties": {
                        "token": {"type": "string"}, "id": {"type": "integer"},
                        "prefix": {"type": "string"},
                        "expires_at": {"type": ["string", "null"], "format": "date-time"}}},
                    "Created"),
                    **error_responses(400, 401, 403, 415, 422, 429)}},
            "get": {
                "operationId": "listTokens",
                "summary": "The caller's tokens that still work, API and scanner tokens alike",
                "security": BEARER,
                "responses": {"200": json_response(list_of(
                    {"$ref": "#/components/schemas/Token"})), **error_responses(401, 403)}}},
        "/tokens/{token_id}": {"delete": {
            "operationId": "revokeToken",
            "summary": "Revoke one of the caller's tokens (the one in use too)",
            "security": BEARER, "parameters": [TOKEN_ID],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Token"}),
                          **error_responses(401, 403, 404)}}},
        "/me": {"get": {
            "operationId": "getMe",
            "summary": "The account the token belongs to, with its roles",
            "security": BEARER,
            "responses": {"200": json_response({"type": "object"}), **error_responses(401)}}},
        "/summits": {"get": {
            "operationId": "listSummits",
            "summary": "All summits",
            "responses": {"200": json_response(list_of(
                {"$ref": "#/components/schemas/Summit"}))}}},
        "/summits/{slug}": {"get": {
            "operationId": "getSummit",
            "summary": "One summit (public)", "parameters": [SLUG],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Summit"}),
                          **error_responses(404)}}},
        "/summits/{slug}/registrations": {
            "post": {
                "operationId": "createRegistration",
                "summary": "Register a person (public; invitation code for closed categories). "
                           "An address already registered at the summit is answered as a new "
                           "one (without an id) and its owner emailed; 409 only for staff "
                           "and for the address's own verified account",
                "parameters": [SLUG],
                "requestBody": json_body({"$ref": "#/components/schemas/RegistrationInput"}),
                "responses": {"201": json_response({"$ref": "#/components/schemas/Registration"},
                                           "Created"),
                              **error_responses(400, 403, 404, 409, 413, 415, 422)}},
            "get": {
                "operationId": "listRegistrations",
                "summary": "Registrations of a summit (organisers); q matches simplified, "
                           "traditional and pinyin",
                "security": BEARER,
                "parameters": [SLUG, query_text("q"),
                               query_choice("status", [s.value for s in RegistrationStatus]),
                               query_text("category", 32), query_choice("sort",
                                                                        REGISTRATION_SORTS),
                               PAGE, PER_PAGE],
                "responses": {"200": json_response(list_of(
                    {"$ref": "#/components/schemas/Registration"}, paged=True)),
                    **error_responses(400, 401, 403, 404, 422)}}},
        "/registrations/{registration_id}/approve": {"post": {
            "operationId": "approveRegistration",
            "summary": "Approve a pending registration (organisers); emails the registrant",
            "security": BEARER, "parameters": [ID],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Registration"}),
                          **error_responses(401, 403, 404, 409)}}},
        "/registrations/{registration_id}/reject": {"post": {
            "operationId": "rejectRegistration",
            "summary": "Reject a registration with a reason (organisers)",
            "security": BEARER, "parameters": [ID],
            "requestBody": json_body(closed(
                {"reason": text(500, required=True, multiline=True)}, ["reason"])),
            "responses": {"200": json_response({"$ref": "#/components/schemas/Registration"}),
                          **error_responses(400, 401, 403, 404, 409, 413, 415, 422)}}},
        "/registrations/{registration_id}/badge.pdf": {"get": {
            "operationId": "getRegistrationBadge",
            "summary": "The badge as a print PDF: the holder once approved, organisers any",
            "security": BEARER, "parameters": [ID, BADGE_SIZE],
            "responses": {"200": PDF, **error_responses(400, 401, 403, 404, 409, 422)}}},
        "/health": {"get": {"operationId": "getHealth", "summary": "Liveness probe",
                            "responses": {"200": json_response({"type": "object"})}}},
        "/openapi.json": {"get": {"operationId": "getOpenapi", "summary": "This document",
                                  "responses": {"200": json_response({"type": "object"})}}},
    },
}

for part in (openapi_agenda, openapi_checkin, openapi_press, openapi_agreements, openapi_desk,
             openapi_reception, openapi_privacy, openapi_protocol):
    DOCUMENT["components"]["schemas"].update(part.SCHEMAS)
    DOCUMENT["paths"].update(part.PATHS)


@bp.get("/openapi.json")
def openapi():
    """Encoded once per app: the document never changes while the app runs."""
    body = current_app.extensions.get("summit_openapi_body")
    if body is None:
        body = current_app.extensions["summit_openapi_body"] = jsonify(DOCUMENT).get_data()
    return current_app.response_class(body, mimetype="application/json")
