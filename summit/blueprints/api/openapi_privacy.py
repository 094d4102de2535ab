"""The personal-data part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from __future__ import annotations

from summit.blueprints.api.openapi_parts import (
    closed,
    error_responses,
    json_body,
    json_response,
    list_of,
    path_id,
    text,
)
from summit.models import RequestKind, RequestStatus
from summit.services.privacy.requests import MAX_TEXT

BEARER = [{"bearer": []}]
_TEXT = {"type": "string"}
REF = {"$ref": "#/components/schemas/DataRequest"}
SCHEMAS = {
    "DataRequest": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string", "enum": [k.value for k in
                                                                       RequestKind]},
        "reason": _TEXT, "status": {"type": "string", "enum": [s.value for s in
                                                               RequestStatus]},
        "answer": _TEXT, "created_at": _TEXT,
        "due_on": {"type": "string", "format": "date",
                   "description": "15 working days after the request"},
        "handled_at": {"type": ["string", "null"]}}},
    "DataRequestInput": closed({
        "kind": {"type": "string", "enum": [k.value for k in RequestKind]},
        "reason": text(MAX_TEXT, required=True, multiline=True)}, ["kind", "reason"]),
    "DataRequestAnswer": closed({
        "status": {"type": "string", "enum": [s.value for s in RequestStatus
                                              if s is not RequestStatus.OPEN]},
        "answer": text(MAX_TEXT, multiline=True, description=(
            "Required (else 422) when the status is refused or partly_kept: why data is "
            "kept, e.g. agreement records kept by law"))}, ["status"]),
}
PATHS = {
    "/me/data": {"get": {
        "operationId": "getMyData",
        "summary": "Everything Summit holds about the caller (audited: full ID numbers)",
        "security": BEARER,
        "responses": {"200": json_response({"type": "object"}),
                      **error_responses(401, 403)}}},
    "/me/data-requests": {"post": {
        "operationId": "createDataRequest",
        "summary": "Ask for a correction or deletion of one's data, with a reason",
        "security": BEARER,
        "requestBody": json_body({"$ref": "#/components/schemas/DataRequestInput"}),
        "responses": {"201": json_response(REF, "Created"),
                      **error_responses(400, 401, 403, 409, 413, 415, 422)}}},
    "/data-requests": {"get": {
        "operationId": "listDataRequests",
        "summary": "The privacy queue, by deadline (privacy officers and organisers)",
        "security": BEARER,
        "responses": {"200": json_response(list_of(REF)), **error_responses(401, 403)}}},
    "/data-requests/{request_id}/answer": {"post": {
        "operationId": "answerDataRequest",
        "summary": "Answer a request; a deletion answered done or partly kept erases the "
                   "person but what the law keeps (privacy officers and organisers)",
        "security": BEARER, "parameters": [path_id("request_id")],
        "requestBody": json_body({"$ref": "#/components/schemas/DataRequestAnswer"}),
        "responses": {"200": json_response(REF),
                      **error_responses(400, 401, 403, 404, 409, 413, 415, 422)}}},
}
