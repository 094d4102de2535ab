"""The agreements part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from __future__ import annotations

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
    query_date,
    query_text,
    text,
)
from summit.models import AgreementKind, AgreementStatus, AmountKind, MilestoneState, UpdateKind
from summit.services.agreements.lists import SORTS
from summit.services.agreements.signing import MAX_COUNT

AMOUNT = {"type": "string", "pattern": r"^\d{1,16}(\.\d{1,2})?$",
          "description": "Yuan as a decimal string with at most two decimals, e.g. "
                         "\"35000000.00\" (never a JSON number)"}
_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
STATUSES = [s.value for s in AgreementStatus]
ID = path_id("agreement_id")
COUNT = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT}
PARTY = {"type": "object", "required": ["side", "name"], "properties": {
    "side": {"type": "string", "enum": ["a", "b"]},
    "name": text(200, required=True),
    "signatory": {"anyOf": [text(100), {"type": "null"}]},
    "signatory_title": {"anyOf": [text(100), {"type": "null"}]}}}
AGREEMENT_INPUT = closed({
        "title": text(200, required=True),
        "kind": {"type": "string", "enum": [k.value for k in AgreementKind]},
        "county": text(100, required=True),
        "sector": text(100, required=True),
        "amount": AMOUNT,
        "amount_kind": {"type": ["string", "null"],
                        "enum": [k.value for k in AmountKind] + [None]},
        "parties": {"type": "array", "items": PARTY, "maxItems": 20,
                    "description": "At least one party on side a and one on side b (else "
                                   "422)"},
        "signed_at": {"type": "string", "format": "date-time",
                      "description": "Required unless ceremony_item_id is given (then the "
                                     "ceremony's start). Without an offset: the summit's zone"},
        "on_stage": {"type": "boolean"},
        "witnesses": {"type": "array", "maxItems": 50, "items": text(200)},
        "expected_jobs": COUNT,
        "households_helped": COUNT,
        "predecessor_id": {**ID_SCHEMA, "type": ["integer", "null"],
                           "description": "The agreement this one upgrades (counted once); "
                                          "an unknown one is a 422"},
        "ceremony_item_id": {**ID_SCHEMA, "type": ["integer", "null"],
                             "description": "The summit's signing_ceremony agenda item it was "
                                            "signed at; another summit's item or another kind "
                                            "is a 422"},
        "status": {"type": ["string", "null"], "enum": STATUSES + [None],
                   "description": "For ledgers brought in further along; default signed"},
        "terminated_reason": {"anyOf": [text(500), {"type": "null"}]},
        "funds_in_place": {"anyOf": [AMOUNT, {"type": "null"}]},
        "confirm": {"type": "boolean",
                    "description": "Required (true) when funds in place exceed the amount "
                                   "(else 409)"},
    }, ["title", "kind", "county", "sector", "amount", "parties"])
UPDATE = {"type": "object", "properties": {
    "id": {"type": "integer"},
    "kind": {"type": "string", "enum": ["status", "milestone", "funds", "note"]},
    "happened_on": {"type": "string", "format": "date"},
    "recorded_at": {"type": "string", "format": "date-time"},
    "status_from": _NULLABLE_TEXT, "status_to": _NULLABLE_TEXT, "reason": _TEXT,
    "milestone_title": _TEXT, "milestone_state": _NULLABLE_TEXT,
    "milestone_due_on": _NULLABLE_TEXT, "milestone_met_on": _NULLABLE_TEXT,
    "funds_in_place": _NULLABLE_TEXT, "funds_change": _NULLABLE_TEXT, "note": _TEXT}}
_DAY = {"type": ["string", "null"], "format": "date"}
UPDATE_INPUT = closed({
    "kind": {"type": "string", "enum": [k.value for k in UpdateKind],
             "description": "status needs status_to, milestone a milestone_title, funds "
                            "funds_in_place, note a note (else 422)"},
    "happened_on": {**_DAY, "description": "Default: today; not before the signing (else 422)"},
    "status_to": {"type": ["string", "null"], "enum": STATUSES + [None]},
    "correction": {"type": "boolean",
                   "description": "Corrects an earlier status (may go back); needs a reason"},
    "reason": {"anyOf": [text(500, multiline=True), {"type": "null"}],
               "description": "Required for termination and corrections"},
    "milestone_title": {"anyOf": [text(200), {"type": "null"}]},
    "milestone_state": {"type": ["string", "null"],
                        "enum": [m.value for m in MilestoneState] + [None]},
    "milestone_due_on": _DAY,
    "milestone_met_on": _DAY,
    "funds_in_place": {"anyOf": [AMOUNT, {"type": "null"}],
                       "description": "Cumulative funds in place, yuan"},
    "confirm": {"type": "boolean",
                "description": "Required (true) when funds in place exceed the amount; "
                               "otherwise 409"},
    "note": {"anyOf": [text(4000, multiline=True), {"type": "null"}]}}, ["kind"])
AGREEMENT = {"type": "object", "required": ["id", "title", "amount", "status"], "properties": {
    "id": {"type": "integer"}, "summit": _TEXT, "title": _TEXT, "kind": _TEXT,
    "county": _TEXT, "sector": _TEXT, "amount": AMOUNT, "amount_kind": _TEXT,
    "signed_at": {"type": "string", "format": "date-time"}, "on_stage": {"type": "boolean"},
    "witnesses": {"type": "array", "items": _TEXT},
    "expected_jobs": {"type": ["integer", "null"]},
    "households_helped": {"type": ["integer", "null"]},
    "predecessor_id": {"type": ["integer", "null"]},
    "ceremony_item_id": {"type": ["integer", "null"]},
    "status": {"type": "string", "enum": STATUSES}, "terminated_reason": _TEXT,
    "funds_in_place": AMOUNT, "last_activity_at": {"type": "string", "format": "date-time"},
    "parties": {"type": "array", "items": PARTY},
    "updates": {"type": "array", "items": {"$ref": "#/components/schemas/AgreementUpdate"}}}}
GROUP = {"type": "object", "properties": {
    "key": _TEXT, "count": {"type": "integer"}, "amount": AMOUNT, "funds_in_place": AMOUNT,
    "performing": {"type": "integer"}, "construction_started": {"type": "integer"},
    "landed": {"type": "integer"},
    "rates": {"type": "object", "additionalProperties": _NULLABLE_TEXT}}}


SCHEMAS = {"AgreementInput": AGREEMENT_INPUT, "Agreement": AGREEMENT,
           "AgreementUpdate": UPDATE, "AgreementUpdateInput": UPDATE_INPUT,
           "AgreementGroup": GROUP}


REF = {"$ref": "#/components/schemas/Agreement"}
BEARER = [{"bearer": []}]
PERIOD = [query_date("signed_from"), query_date("signed_to"),
          query("stale_days", {"type": "integer", "minimum": 1, "maximum": 3650},
                "No news for this many days counts as stale")]
PATHS = {
    "/summits/{slug}/agreements": {
        "post": {
            "operationId": "createAgreement",
            "summary": "Record a signed agreement (agreements officers)",
            "security": BEARER, "parameters": [SLUG],
            "requestBody": json_body({"$ref": "#/components/schemas/AgreementInput"}),
            "responses": {"201": json_response(REF, "Created"),
                          **error_responses(400, 401, 403, 404, 409, 413, 415, 422)}},
        "get": {
            "operationId": "listAgreements",
            "summary": "The ledger of a summit (agreements officers, officials, organisers)",
            "security": BEARER,
            "parameters": [SLUG, query_text("q"), query_choice("status", STATUSES),
                           query_choice("kind", [k.value for k in AgreementKind]),
                           query_text("county"), query_text("sector"), *PERIOD,
                           query_choice("sort", SORTS), PAGE, PER_PAGE],
            "responses": {"200": json_response(list_of(REF, paged=True)),
                          **error_responses(400, 401, 403, 404, 422)}}},
    "/summits/{slug}/agreements/summary": {"get": {
        "operationId": "summariseAgreements",
        "summary": "Totals and the four rates by county, sector, kind and status: exact "
                   "decimal strings, the same numbers as the dashboard",
        "security": BEARER, "parameters": [SLUG, *PERIOD],
        "responses": {"200": json_response({"type": "object", "properties": {
            "summit": _TEXT, "filters": {"type": "object"},
            "totals": {"$ref": "#/components/schemas/AgreementGroup"},
            "rates": {"type": "object", "additionalProperties": _NULLABLE_TEXT},
            "definitions": {"type": "object", "additionalProperties": _TEXT},
            **{name: {"type": "array", "items": {"$ref": "#/components/schemas/AgreementGroup"}}
               for name in ("by_status", "by_county", "by_sector", "by_kind")},
            "funds_by_month": {"type": "array", "items": {"type": "object"}},
            "stale": {"type": "object"}, "superseded": {"type": "integer"}}}),
            **error_responses(400, 401, 403, 404, 422)}}},
    "/agreements/{agreement_id}": {"get": {
        "operationId": "getAgreement",
        "summary": "One agreement with its history (oldest entry first)",
        "security": BEARER, "parameters": [ID],
        "responses": {"200": json_response(REF), **error_responses(401, 403, 404)}}},
    "/agreements/{agreement_id}/updates": {"post": {
        "operationId": "createAgreementUpdate",
        "summary": "Append a follow-up entry (agreements officers): status change, "
                   "milestone, cumulative funds in place or note; the history cannot be "
                   "edited",
        "security": BEARER, "parameters": [ID],
        "requestBody": json_body({"$ref": "#/components/schemas/AgreementUpdateInput"}),
        "responses": {"201": json_response({"type": "object", "properties": {
            "update": {"$ref": "#/components/schemas/AgreementUpdate"},
            "agreement": REF}}, "Created"),
            **error_responses(400, 401, 403, 404, 409, 413, 415, 422)}}},
}
