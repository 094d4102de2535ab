"""The OpenAPI 3.1 description of /api/v1. A test proves every API route is listed here."""
from flask import jsonify

from summit import __version__
from summit.blueprints.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict:
    return {str(code): {"description": "Error", "content": {"application/json": {
        "schema": ERROR}}} for code in codes}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"}}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Summit API", "version": __version__,
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
            "responses": {"201": _json({"type": "object", "required": ["token"], "properties": {
                "token": {"type": "string"}, "prefix": {"type": "string"}}}, "Created"),
                **_error_responses(400, 401, 403, 415, 422, 429)}}},
        "/me": {"get": {
            "summary": "The account the token belongs to, with its roles",
            "security": [{"bearer": []}],
            "responses": {"200": _json({"type": "object"}), **_error_responses(401)}}},
        "/summits": {"get": {
            "summary": "All summits",
            "responses": {"200": _json({"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Summit"}},
                "total": {"type": "integer"}}})}}},
        "/summits/{slug}": {"get": {
            "summary": "One summit (public)", "parameters": [SLUG],
            "responses": {"200": _json({"$ref": "#/components/schemas/Summit"}),
                          **_error_responses(404)}}},
        "/health": {"get": {"summary": "Liveness probe",
                            "responses": {"200": _json({"type": "object"})}}},
        "/openapi.json": {"get": {"summary": "This document",
                                  "responses": {"200": _json({"type": "object"})}}},
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(DOCUMENT)
