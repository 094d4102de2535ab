"""The desk's part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from summit.blueprints.api.openapi_parts import (
    ID_SCHEMA,
    SLUG,
    closed,
    error_responses,
    json_body,
    json_response,
    path_id,
    text,
)
from summit.models import PrintReason, PrintStatus

BEARER = [{"bearer": []}]
REGISTRATION = {"$ref": "#/components/schemas/Registration"}
PRINT_JOB = {"type": "object", "required": ["id", "status"], "properties": {
    "id": {"type": "string", "description": "The job's public key"},
    "registration_id": ID_SCHEMA,
    "status": {"type": "string", "enum": [s.value for s in PrintStatus]},
    "status_label": {"type": "string"},
    "reason": {"type": "string", "enum": [r.value for r in PrintReason]},
    "reason_label": {"type": "string"},
    "desk": {"type": "string"}, "printer": {"type": "string"},
    "printer_id": {"type": ["integer", "null"]},
    "error": {"type": "string", "description": "The printer's reason when it failed"},
    "badge_version": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "accepted_at": {"type": ["string", "null"], "format": "date-time"},
    "finished_at": {"type": ["string", "null"], "format": "date-time"}}}
KEY = {"name": "key", "in": "path", "required": True,
       "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}}
BODY_ERRORS = error_responses(400, 401, 403, 404, 409, 413, 415, 422)

SCHEMAS = {"PrintJob": PRINT_JOB}
PATHS = {
    "/registrations/{registration_id}/prints": {"post": {
        "operationId": "createPrintJob",
        "summary": "Print the registration's badge at a desk (desk staff, organisers): queued "
                   "at once, sent to the desk's first idle printer in the background. A "
                   "printed badge needs a reason, and an organiser's unlock for desk staff",
        "security": BEARER, "parameters": [path_id("registration_id")],
        "requestBody": json_body(closed({
            "pool": {**ID_SCHEMA, "description": "The desk (printer pool)"},
            "reason": {"type": "string", "enum": [r.value for r in PrintReason if
                                                  r is not PrintReason.FIRST]}}, ["pool"])),
        "responses": {"201": json_response({"$ref": "#/components/schemas/PrintJob"}),
                      **BODY_ERRORS}}},
    "/print-jobs/{key}": {"get": {
        "operationId": "getPrintJob",
        "summary": "A print job's state: queued, printing, done, failed with the printer's "
                   "reason",
        "security": BEARER, "parameters": [KEY],
        "responses": {"200": json_response({"$ref": "#/components/schemas/PrintJob"}),
                      **error_responses(400, 401, 403, 404)}}},
    "/registrations/{registration_id}/substitute": {"post": {
        "operationId": "substituteRegistration",
        "summary": "Put another person in this registration's place (the delegation's "
                   "registrar, organisers): category, delegation, status and seat bookings "
                   "pass on, the original is kept and cancelled, its badge revoked",
        "security": BEARER, "parameters": [path_id("registration_id")],
        "requestBody": json_body(closed({
            "name": text(100, required=True), "organisation": text(200),
            "position": text(100), "phone": text(32),
            "delegation_id": {**ID_SCHEMA, "description": "If given, the registration's own "
                                                          "(a place never moves to another "
                                                          "delegation: 409)"}}, ["name"])),
        "responses": {"201": json_response(REGISTRATION), **BODY_ERRORS}}},
    "/summits/{slug}/walk-ins": {"post": {
        "operationId": "createWalkIn",
        "summary": "Register a walk-in at a desk: approved when the desk may, and printed "
                   "when the desk has printers",
        "security": BEARER, "parameters": [SLUG],
        "requestBody": json_body(closed({
            "pool": {**ID_SCHEMA, "description": "The desk (printer pool)"},
            "name": text(100, required=True), "organisation": text(200),
            "category": text(32, required=True, description="A category code of the summit"),
            "phone": text(32)}, ["pool", "name", "category"])),
        "responses": {"201": json_response({"type": "object", "properties": {
            "registration": REGISTRATION,
            "print_job": {"oneOf": [{"$ref": "#/components/schemas/PrintJob"},
                                    {"type": "null"}]}}}), **BODY_ERRORS}}},
}
