"""The agreements part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from __future__ import annotations

from summit.blueprints.api.openapi_parts import error_responses, json_response

AMOUNT = {"type": "string", "pattern": r"^\d{1,16}(\.\d{1,2})?$",
          "description": "Yuan as a decimal string with at most two decimals, e.g. "
                         "\"35000000.00\" (never a JSON number)"}
_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
STATUSES = ["signed", "contracted", "construction_started", "in_production", "landed",
            "terminated"]
ID = {"name": "agreement_id", "in": "path", "required": True, "schema": {"type": "integer"}}
PARTY = {"type": "object", "required": ["side", "name"], "properties": {
    "side": {"type": "string", "enum": ["a", "b"]}, "name": {"type": "string", "maxLength": 200},
    "signatory": {"type": "string", "maxLength": 100},
    "signatory_title": {"type": "string", "maxLength": 100}}}
AGREEMENT_INPUT = {
    "type": "object",
    "required": ["title", "kind", "county", "sector", "amount", "parties"],
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "kind": {"type": "string", "enum": ["strategic", "framework", "purchase", "platform",
                                            "investment", "intent"]},
        "county": {"type": "string", "maxLength": 100},
        "sector": {"type": "string", "maxLength": 100},
        "amount": AMOUNT,
        "amount_kind": {"type": "string", "enum": ["agreement", "planned_investment",
                                                   "purchase_value"]},
        "parties": {"type": "array", "items": PARTY, "maxItems": 20,
                    "description": "At least one party on side a and one on side b"},
        "signed_at": {"type": "string", "format": "date-time",
                      "description": "Required unless ceremony_item_id is given (then the "
                                     "ceremony's start). Without an offset: the summit's zone"},
        "on_stage": {"type": "boolean"},
        "witnesses": {"type": "array", "items": {"type": "string"}},
        "expected_jobs": {"type": "integer", "minimum": 0},
        "households_helped": {"type": "integer", "minimum": 0},
        "predecessor_id": {"type": "integer",
                           "description": "The agreement this one upgrades (counted once)"},
        "ceremony_item_id": {"type": "integer",
                             "description": "The summit's signing_ceremony agenda item it was "
                                            "signed at; another summit's item or another kind "
                                            "is a 422"},
        "status": {"type": "string", "enum": STATUSES[:-1] + ["terminated"],
                   "description": "For ledgers brought in further along; default signed"},
        "terminated_reason": {"type": "string", "maxLength": 500},
        "funds_in_place": AMOUNT,
        "confirm": {"type": "boolean",
                    "description": "Required (true) when funds in place exceed the amount"},
    },
}
UPDATE = {"type": "object", "properties": {
    "id": {"type": "integer"},
    "kind": {"type": "string", "enum": ["status", "milestone", "funds", "note"]},
    "happened_on": {"type": "string", "format": "date"},
    "recorded_at": {"type": "string", "format": "date-time"},
    "status_from": _NULLABLE_TEXT, "status_to": _NULLABLE_TEXT, "reason": _TEXT,
    "milestone_title": _TEXT, "milestone_state": _NULLABLE_TEXT,
    "milestone_due_on": _NULLABLE_TEXT, "milestone_met_on": _NULLABLE_TEXT,
    "funds_in_place": _NULLABLE_TEXT, "funds_change": _NULLABLE_TEXT, "note": _TEXT}}
UPDATE_INPUT = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "string", "enum": ["status", "milestone", "funds", "note"]},
    "happened_on": {"type": "string", "format": "date", "description": "Default: today"},
    "status_to": {"type": "string", "enum": STATUSES},
    "correction": {"type": "boolean",
                   "description": "Corrects an earlier status (may go back); needs a reason"},
    "reason": {"type": "string", "maxLength": 500,
               "description": "Required for termination and corrections"},
    "milestone_title": {"type": "string", "maxLength": 200},
    "milestone_state": {"type": "string", "enum": ["scheduled", "met", "not_met",
                                                   "partly_met"]},
    "milestone_due_on": {"type": "string", "format": "date"},
    "milestone_met_on": {"type": "string", "format": "date"},
    "funds_in_place": {**AMOUNT, "description": "Cumulative funds in place, yuan"},
    "confirm": {"type": "boolean",
                "description": "Required (true) when funds in place exceed the amount; "
                               "otherwise 409"},
    "note": {"type": "string", "maxLength": 4000}}}
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


def _query(*names: tuple[str, str]) -> list[dict]:
    return [{"name": name, "in": "query", "required": False, "schema": {"type": kind}}
            for name, kind in names]


SCHEMAS = {"AgreementInput": AGREEMENT_INPUT, "Agreement": AGREEMENT,
           "AgreementUpdate": UPDATE, "AgreementUpdateInput": UPDATE_INPUT,
           "AgreementGroup": GROUP}


def paths(slug: dict) -> dict:
    ref = {"$ref": "#/components/schemas/Agreement"}
    return {
        "/summits/{slug}/agreements": {
            "post": {
                "summary": "Record a signed agreement (agreements officers)",
                "security": [{"bearer": []}], "parameters": [slug],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/AgreementInput"}}}},
                "responses": {"201": json_response(ref, "Created"),
                              **error_responses(400, 401, 403, 404, 409, 415, 422)}},
            "get": {
                "summary": "The ledger of a summit (agreements officers, officials, organisers)",
                "security": [{"bearer": []}],
                "parameters": [slug] + _query(
                    ("q", "string"), ("status", "string"), ("kind", "string"),
                    ("county", "string"), ("sector", "string"), ("signed_from", "string"),
                    ("signed_to", "string"), ("stale_days", "integer"), ("sort", "string"),
                    ("page", "integer"), ("per_page", "integer")),
                "responses": {"200": json_response({"type": "object", "properties": {
                    "items": {"type": "array", "items": ref}, "total": {"type": "integer"},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"}}}),
                    **error_responses(401, 403, 404)}}},
        "/summits/{slug}/agreements/summary": {"get": {
            "summary": "Totals and the four rates by county, sector, kind and status: exact "
                       "decimal strings, the same numbers as the dashboard",
            "security": [{"bearer": []}],
            "parameters": [slug] + _query(("signed_from", "string"), ("signed_to", "string"),
                                          ("stale_days", "integer")),
            "responses": {"200": json_response({"type": "object", "properties": {
                "summit": _TEXT, "filters": {"type": "object"},
                "totals": {"$ref": "#/components/schemas/AgreementGroup"},
                "rates": {"type": "object", "additionalProperties": _NULLABLE_TEXT},
                "definitions": {"type": "object", "additionalProperties": _TEXT},
                **{name: {"type": "array",
                          "items": {"$ref": "#/components/schemas/AgreementGroup"}}
                   for name in ("by_status", "by_county", "by_sector", "by_kind")},
                "funds_by_month": {"type": "array", "items": {"type": "object"}},
                "stale": {"type": "object"}, "superseded": {"type": "integer"}}}),
                **error_responses(401, 403, 404)}}},
        "/agreements/{agreement_id}": {"get": {
            "summary": "One agreement with its history (oldest entry first)",
            "security": [{"bearer": []}], "parameters": [ID],
            "responses": {"200": json_response(ref), **error_responses(401, 403, 404)}}},
        "/agreements/{agreement_id}/updates": {"post": {
            "summary": "Append a follow-up entry (agreements officers): status change, "
                       "milestone, cumulative funds in place or note; the history cannot be "
                       "edited",
            "security": [{"bearer": []}], "parameters": [ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/AgreementUpdateInput"}}}},
            "responses": {"201": json_response({"type": "object", "properties": {
                "update": {"$ref": "#/components/schemas/AgreementUpdate"},
                "agreement": ref}}, "Created"),
                **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    }
