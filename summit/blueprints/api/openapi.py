"""The OpenAPI 3.1 description of /api/v1. A test proves every API route is listed here."""
from flask import jsonify

from summit.blueprints.api import openapi_agenda, openapi_agreements, openapi_press
from summit.blueprints.api.blueprint import bp
from summit.blueprints.api.openapi_parts import SLUG, error_responses, json_response
from summit.config import VERSION

ID = {"name": "registration_id", "in": "path", "required": True, "schema": {"type": "integer"}}

_TEXT = {"type": "string"}
REGISTRATION_INPUT = {
    "type": "object", "required": ["name", "organization", "position", "category", "email",
                                   "phone"],
    "properties": {
        "name": {"type": "string", "maxLength": 100, "description": "Name as on ID"},
        "name_native": {"type": "string", "maxLength": 200},
        "name_pinyin": {"type": "string", "maxLength": 100,
                        "description": "Derived (e.g. ZHAO Bo) when left out"},
        "organization": {"type": "string", "maxLength": 200},
        "position": {"type": "string", "maxLength": 100},
        "category": {"type": "string", "description": "Category code"},
        "email": {"type": "string", "maxLength": 254},
        "phone": {"type": "string", "description": "Chinese mobile or +international"},
        "invitation_code": {"type": "string", "maxLength": 32},
        "id_type": {"type": "string", "enum": ["resident_id", "passport", "hk_macao_permit",
                                               "taiwan_permit", "other"]},
        "id_number": {"type": "string", "maxLength": 32},
        "diet": {"type": "string", "enum": ["none", "vegetarian", "halal", "other"]},
        "locale": {"type": "string", "enum": ["zh_Hans", "zh_Hant", "en"]},
    },
}
REGISTRATION = {
    "type": "object", "required": ["id", "status", "name", "name_pinyin"],
    "properties": {
        "id": {"type": "integer"}, "summit": _TEXT,
        "status": {"type": "string", "enum": ["pending", "approved", "rejected", "cancelled",
                                              "withdrawn", "waitlisted"]},
        "status_reason": _TEXT, "name": _TEXT, "name_native": _TEXT, "name_pinyin": _TEXT,
        "organization": _TEXT, "position": _TEXT, "category": _TEXT,
        "delegation": {"type": ["string", "null"]}, "email": _TEXT,
        "phone": {"type": "string", "description": "Masked"},
        "id_number": {"type": "string", "description": "Masked"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
SCAN_ANSWER = {"type": "object", "required": ["result"], "properties": {
    "result": {"type": "string", "enum": ["ok", "duplicate", "invalid", "revoked",
                                          "not_approved", "wrong_summit"]},
    "first_scanned_at": {"type": "string", "format": "date-time"},
    "first_gate": {"type": "string"},
    "holder": {"type": "object", "description": "name, name_native, pinyin, organisation, "
                                                "category, zones, photo_url (or null); press "
                                                "badges add outlet, and photo_url is the "
                                                "photo for this summit's check-in staff"},
    "conflict": {"type": "boolean", "description": "Let in at two places while offline"}}}


SESSION = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"},
           "description": "The agenda item (session) id"}
BOOKING = {
    "type": "object", "required": ["id", "session_id", "registration_id", "status"],
    "properties": {
        "id": {"type": "integer"}, "session_id": {"type": "integer"},
        "registration_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "offered",
                                              "cancelled", "expired"]},
        "waitlist_position": {"type": ["integer", "null"],
                              "description": "1 for the next in line; null unless waitlisted"},
        "queued_at": {"type": "string", "format": "date-time"},
        "offer_expires_at": {"type": ["string", "null"], "format": "date-time",
                             "description": "Deadline to claim an offered seat"},
        "seats_left": {"type": "integer"}, "capacity": {"type": ["integer", "null"]},
        "registration": {"type": "object", "description": "Organisers' list only; phone "
                                                          "masked"},
    },
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Summit API", "version": VERSION,
             "description": "JSON API of Summit. Errors are {\"error\": {\"code\", \"message\", "
                            "\"fields\"}}; lists are {\"items\", \"total\"}."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message", "fields"], "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
            "RegistrationInput": REGISTRATION_INPUT,
            "Booking": BOOKING,
            "Registration": REGISTRATION,
            "Localised": {"type": "object", "properties": {
                "zh": {"type": "string"}, "en": {"type": "string"}}},
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
        "/tokens": {"post": {
            "summary": "Exchange email and password for a bearer token",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["email", "password"], "properties": {
                    "email": {"type": "string", "maxLength": 254},
                    "password": {"type": "string", "maxLength": 128}}}}}},
            "responses": {"201": json_response({
                "type": "object", "required": ["token"], "properties": {
                    "token": {"type": "string"}, "prefix": {"type": "string"}}}, "Created"),
                **error_responses(400, 401, 403, 415, 422, 429)}}},
        "/me": {"get": {
            "summary": "The account the token belongs to, with its roles",
            "security": [{"bearer": []}],
            "responses": {"200": json_response({"type": "object"}), **error_responses(401)}}},
        "/summits": {"get": {
            "summary": "All summits",
            "responses": {"200": json_response({"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Summit"}},
                "total": {"type": "integer"}}})}}},
        "/summits/{slug}": {"get": {
            "summary": "One summit (public)", "parameters": [SLUG],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Summit"}),
                          **error_responses(404)}}},
        "/summits/{slug}/registrations": {
            "post": {
                "summary": "Register a person (public; invitation code for closed categories)",
                "parameters": [SLUG],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/RegistrationInput"}}}},
                "responses": {"201": json_response({"$ref": "#/components/schemas/Registration"},
                                           "Created"),
                              **error_responses(400, 404, 409, 415, 422)}},
            "get": {
                "summary": "Registrations of a summit (organisers); q matches simplified, "
                           "traditional and pinyin",
                "security": [{"bearer": []}],
                "parameters": [SLUG] + [
                    {"name": name, "in": "query", "required": False,
                     "schema": {"type": kind}} for name, kind in (
                        ("q", "string"), ("status", "string"), ("category", "string"),
                        ("sort", "string"), ("page", "integer"), ("per_page", "integer"))],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array",
                              "items": {"$ref": "#/components/schemas/Registration"}},
                    "total": {"type": "integer"}}}),
                    **error_responses(401, 403, 404, 422)}}},
        "/registrations/{registration_id}/approve": {"post": {
            "summary": "Approve a pending registration (organisers); emails the registrant",
            "security": [{"bearer": []}], "parameters": [ID],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Registration"}),
                          **error_responses(401, 403, 404, 409)}}},
        "/registrations/{registration_id}/reject": {"post": {
            "summary": "Reject a registration with a reason (organisers)",
            "security": [{"bearer": []}], "parameters": [ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"], "properties": {
                    "reason": {"type": "string", "maxLength": 500}}}}}},
            "responses": {"200": json_response({"$ref": "#/components/schemas/Registration"}),
                          **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
        "/summits/{slug}/checkins": {"post": {
            "summary": "Record a badge scan at a gate (check-in staff); a repeated scan_id "
                       "returns the first answer",
            "security": [{"bearer": []}], "parameters": [SLUG],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["token", "gate", "scan_id"], "properties": {
                    "token": {"type": "string", "maxLength": 200},
                    "gate": {"type": "string", "maxLength": 64},
                    "scan_id": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
                    "device": {"type": "string", "maxLength": 64},
                    "scanned_at": {"type": "string", "format": "date-time",
                                   "description": "The device's time of the scan (offline "
                                                  "scans sent later); within 7 days"},
                    "offline": {"type": "boolean", "default": False,
                                "description": "Answered on the device from the manifest"}}}}}},
            "responses": {"200": json_response(SCAN_ANSWER),
                **error_responses(400, 401, 403, 404, 409, 413, 415, 422)}}},
        "/summits/{slug}/checkins/manual": {"post": {
            "summary": "Check in a person found by name or phone, without their badge "
                       "(check-in staff); answered like a scan",
            "security": [{"bearer": []}], "parameters": [SLUG],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["registration_id", "gate", "scan_id"],
                "properties": {
                    "registration_id": {"type": "integer"},
                    "gate": {"type": "string", "maxLength": 64},
                    "scan_id": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
                    "device": {"type": "string", "maxLength": 64},
                    "scanned_at": {"type": "string", "format": "date-time"}}}}}},
            "responses": {"200": json_response(SCAN_ANSWER),
                          **error_responses(400, 401, 403, 404, 409, 413, 415, 422)}}},
        "/summits/{slug}/checkins/lookup": {"get": {
            "summary": "People by name (simplified, traditional, pinyin) or exactly the last "
                       "4 digits of their phone, at most 20, phones masked; other digits are "
                       "a 422 (check-in staff)",
            "security": [{"bearer": []}],
            "parameters": [SLUG, {"name": "q", "in": "query", "required": True,
                                  "schema": {"type": "string", "maxLength": 100}}],
            "responses": {"200": json_response({"type": "object", "properties": {
                "items": {"type": "array", "items": {"type": "object"}},
                "total": {"type": "integer"}}}), **error_responses(401, 403, 404, 422)}}},
        "/summits/{slug}/attendance": {"get": {
            "summary": "The arrivals board: arrived against expected by category, delegation "
                       "and gate, per quarter hour, scans by result, offline conflicts "
                       "(organisers, officials)",
            "security": [{"bearer": []}], "parameters": [SLUG],
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
            "summary": "What offline scanners need: the public key, valid badges with their "
                       "current version and screen fields, and revoked badges",
            "security": [{"bearer": []}], "parameters": [SLUG],
            "responses": {"200": json_response({"type": "object", "properties": {
                "public_key": {"type": "string"}, "key_id": {"type": "string"},
                "badges": {"type": "array", "items": {"type": "object"}},
                "revoked": {"type": "array", "items": {"type": "string"}},
                "refused": {"type": "object", "additionalProperties": {
                    "type": "string", "enum": ["revoked", "not_approved"]}},
                "arrived": {"type": "object", "description": "badge ref -> {at, gate}"},
                "gates": {"type": "array", "items": {"type": "string"}}}}),
                **error_responses(401, 403, 404)}}},
        "/registrations/{registration_id}/badge.pdf": {"get": {
            "summary": "The badge as a print PDF: the holder once approved, organisers any",
            "security": [{"bearer": []}], "parameters": [ID, {
                "name": "size", "in": "query", "required": False,
                "schema": {"type": "string", "enum": ["a6", "cr80", "a4_sheet"],
                           "default": "a6"}}],
            "responses": {"200": {"description": "PDF", "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                **error_responses(401, 403, 404, 409, 422)}}},
        "/sessions/{item_id}/bookings": {
            "post": {
                "summary": "Book a seat at a bookable item: confirmed while seats are left, "
                           "else waitlisted. Approved registrations only; organisers may pass "
                           "registration_id to book for someone",
                "security": [{"bearer": []}], "parameters": [SESSION],
                "requestBody": {"required": False, "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "registration_id": {"type": "integer",
                                            "description": "Organisers only"}}}}}},
                "responses": {"201": json_response({"$ref": "#/components/schemas/Booking"},
                                           "Created"),
                              **error_responses(400, 401, 403, 404, 409, 415, 422)}},
            "get": {
                "summary": "The item's bookings (organisers): seat holders, then the waiting "
                           "list in order, then the history",
                "security": [{"bearer": []}],
                "parameters": [SESSION] + [
                    {"name": name, "in": "query", "required": False,
                     "schema": {"type": kind}} for name, kind in (
                        ("status", "string"), ("q", "string"), ("page", "integer"),
                        ("per_page", "integer"))],
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array",
                              "items": {"$ref": "#/components/schemas/Booking"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "per_page": {"type": "integer"}}}),
                    **error_responses(401, 403, 404, 422)}}},
        "/sessions/{item_id}/bookings/mine": {"delete": {
            "summary": "Cancel one's own booking (seat, offer or waiting-list place); a freed "
                       "seat is offered to the next person",
            "security": [{"bearer": []}], "parameters": [SESSION],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Booking"}),
                          **error_responses(401, 403, 404, 409)}}},
        "/sessions/{item_id}/bookings/mine/claim": {"post": {
            "summary": "Claim an offered seat before its deadline",
            "security": [{"bearer": []}], "parameters": [SESSION],
            "responses": {"200": json_response({"$ref": "#/components/schemas/Booking"}),
                          **error_responses(401, 403, 404, 409)}}},
        "/health": {"get": {"summary": "Liveness probe",
                            "responses": {"200": json_response({"type": "object"})}}},
        "/openapi.json": {"get": {"summary": "This document",
                                  "responses": {"200": json_response({"type": "object"})}}},
    },
}

DOCUMENT["components"]["schemas"].update(openapi_agenda.SCHEMAS)
DOCUMENT["paths"].update(openapi_agenda.PATHS)
DOCUMENT["paths"].update(openapi_press.PRESS_PATHS)
DOCUMENT["components"]["schemas"].update(openapi_press.PRESS_SCHEMAS)
DOCUMENT["components"]["schemas"].update(openapi_agreements.SCHEMAS)
DOCUMENT["paths"].update(openapi_agreements.paths(SLUG))


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
