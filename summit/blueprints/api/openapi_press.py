"""The media accreditation part of the OpenAPI document (merged into ``openapi.DOCUMENT``)."""
from summit.blueprints.api.openapi_parts import SLUG, error_responses, json_response

APPLICATION_ID = {"name": "application_id", "in": "path", "required": True,
                  "schema": {"type": "integer"}}
_TEXT = {"type": "string"}
ROLE = {"type": "string", "enum": ["reporter", "camera", "sound", "technician", "photographer"]}
REASON = {"type": "string", "enum": ["incomplete", "not_news_outlet", "quota_full",
                                     "after_deadline", "duplicate", "other"]}
STATUS = {"type": "string", "enum": ["draft", "submitted", "needs_info", "approved", "rejected",
                                     "waitlisted", "revoked", "withdrawn"]}
PERSON_INPUT = {"type": "object", "properties": {
    "name": {"type": "string", "maxLength": 100, "description": "Name as on ID"},
    "name_native": {"type": "string", "maxLength": 200}, "role": ROLE,
    "photo": {"type": "string", "description": "Token from POST /press-files (kind photo)"}}}
PERSON = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": _TEXT, "name_native": _TEXT, "name_pinyin": _TEXT,
    "role": ROLE, "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
    "reason_code": {"type": ["string", "null"]}, "has_photo": {"type": "boolean"}}}
APPLICATION_INPUT = {"type": "object", "properties": {
    "outlet_name": {"type": "string", "maxLength": 200},
    "media_type": {"type": "string", "enum": ["print", "photo", "tv", "online", "new_media"]},
    "region": {"type": "string", "maxLength": 100},
    "website": {"type": "string", "maxLength": 200, "description": "http(s)://…"},
    "press_card_number": {"type": "string", "maxLength": 32,
                          "description": "15 digits; others are accepted with a warning for "
                                         "the officer"},
    "vehicle_plate": {"type": "string", "maxLength": 16},
    "applicant": {"$ref": "#/components/schemas/PressPersonInput"},
    "crew": {"type": "array", "maxItems": 8,
             "items": {"$ref": "#/components/schemas/PressPersonInput"}},
    "equipment": {"type": "array", "maxItems": 20, "items": {"type": "object", "properties": {
        "item": {"type": "string", "maxLength": 100},
        "serial_number": {"type": "string", "maxLength": 64}}}},
    "zones": {"type": "array", "items": {"type": "string"}, "description": "Zone codes"},
    "letter": {"type": "string", "description": "Token from POST /press-files (kind letter)"},
    "locale": {"type": "string", "enum": ["zh_Hans", "zh_Hant", "en"],
               "description": "Language of the emails"},
    "submit": {"type": "boolean", "default": True,
               "description": "false saves a draft; true requires every part"}}}
APPLICATION = {"type": "object", "required": ["id", "status"], "properties": {
    "id": {"type": "integer"}, "summit": _TEXT, "status": STATUS, "outlet_name": _TEXT,
    "media_type": _TEXT, "region": _TEXT, "website": _TEXT, "press_card_number": _TEXT,
    "vehicle_plate": _TEXT, "has_letter": {"type": "boolean"},
    "applicant": {"$ref": "#/components/schemas/PressPerson"},
    "crew": {"type": "array", "items": {"$ref": "#/components/schemas/PressPerson"}},
    "equipment": {"type": "array", "items": {"type": "object"}},
    "zones": {"type": "array", "items": _TEXT},
    "approved_zones": {"type": "array", "items": _TEXT},
    "reason_code": {"type": ["string", "null"]}, "message": _TEXT,
    "internal_note": {"type": "string", "description": "Reviewers only"},
    "card_warning": {"type": "boolean", "description": "Reviewers only"},
    "submitted_at": {"type": ["string", "null"], "format": "date-time"},
    "decided_at": {"type": ["string", "null"], "format": "date-time"}}}
ONE = json_response({"$ref": "#/components/schemas/PressApplication"})
LIST = json_response({"type": "object", "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/PressApplication"}},
    "total": {"type": "integer"}}})
BODY = {"required": True, "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/PressApplicationInput"}}}}
SECURITY = [{"bearer": []}]

PRESS_SCHEMAS = {"PressPersonInput": PERSON_INPUT, "PressPerson": PERSON,
                 "PressApplicationInput": APPLICATION_INPUT, "PressApplication": APPLICATION}
PRESS_PATHS = {
    "/press-files": {"post": {
        "summary": "Upload a photo (JPEG/PNG, at most 2 MB: decoded, EXIF removed, scaled) or "
                   "an assignment letter (PDF, at most 5 MB: parsed, no JavaScript or "
                   "actions); returns the token to use in an application",
        "security": SECURITY,
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["kind", "file"], "properties": {
                "kind": {"type": "string", "enum": ["photo", "letter"]},
                "file": {"type": "string", "format": "binary"}}}}}},
        "responses": {"201": json_response({"type": "object", "properties": {
            "token": _TEXT, "kind": _TEXT, "name": _TEXT, "size": {"type": "integer"}}},
            "Created"), **error_responses(401, 413, 422)}}},
    "/summits/{slug}/press-applications": {
        "post": {
            "summary": "Apply for media accreditation (any account; refused when the summit "
                       "takes no press or after its deadline)",
            "security": SECURITY, "parameters": [SLUG], "requestBody": BODY,
            "responses": {"201": json_response({"$ref": "#/components/schemas/PressApplication"},
                                       "Created"),
                          **error_responses(400, 401, 403, 404, 409, 415, 422)}},
        "get": {
            "summary": "The officers' queue (media officers, organisers); drafts are left out "
                       "unless status=draft",
            "security": SECURITY,
            "parameters": [SLUG] + [{"name": name, "in": "query", "required": False,
                                     "schema": {"type": kind}} for name, kind in (
                ("q", "string"), ("status", "string"), ("media_type", "string"),
                ("warning", "string"), ("sort", "string"), ("page", "integer"),
                ("per_page", "integer"))],
            "responses": {"200": LIST, **error_responses(401, 403, 404, 422)}}},
    "/press-applications": {"get": {
        "summary": "The token holder's own applications", "security": SECURITY,
        "responses": {"200": LIST, **error_responses(401)}}},
    "/press-applications/{application_id}": {
        "get": {"summary": "One application (its applicant and the summit's reviewers)",
                "security": SECURITY, "parameters": [APPLICATION_ID],
                "responses": {"200": ONE, **error_responses(401, 403, 404)}},
        "put": {"summary": "Edit a draft or answer a request for more information "
                           "(submit: true sends it again)",
                "security": SECURITY, "parameters": [APPLICATION_ID], "requestBody": BODY,
                "responses": {"200": ONE,
                              **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/press-applications/{application_id}/decision": {"post": {
        "summary": "Decide (media officers, organisers): approve (optionally fewer zones and "
                   "some people refused), reject, waitlist, needs_info, revoke; emails the "
                   "applicant in their language",
        "security": SECURITY, "parameters": [APPLICATION_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["decision"], "properties": {
                "decision": {"type": "string", "enum": ["approve", "reject", "waitlist",
                                                        "needs_info", "revoke"]},
                "reason_code": REASON,
                "message": {"type": "string", "maxLength": 2000,
                            "description": "Sent to the applicant"},
                "internal_note": {"type": "string", "maxLength": 2000,
                                  "description": "Never shown to the applicant"},
                "zones": {"type": "array", "items": _TEXT,
                          "description": "Approve: the zones granted (default: requested)"},
                "rejected_people": {"type": "array", "items": {"type": "integer"},
                                    "description": "Approve: ids of people not accredited "
                                                   "(reason_code required)"}}}}}},
        "responses": {"200": ONE, **error_responses(400, 401, 403, 404, 409, 415, 422)}}},
    "/press-applications/{application_id}/badge.pdf": {"get": {
        "summary": "An accredited person's press badge (applicant without ?person=)",
        "security": SECURITY, "parameters": [APPLICATION_ID, {
            "name": "person", "in": "query", "required": False,
            "schema": {"type": "integer"}, "description": "A crew member's id"}, {
            "name": "size", "in": "query", "required": False,
            "schema": {"type": "string", "enum": ["a6", "cr80", "a4_sheet"], "default": "a6"}}],
        "responses": {"200": {"description": "PDF", "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
            **error_responses(401, 403, 404, 409, 422)}}},
}
