"""Pieces every part of the OpenAPI document uses: error responses, JSON bodies, the slug, ids,
text and query parameters. Each says what the server checks, so that a request the document
allows is one the server takes (rules a schema cannot say, such as an unknown id or a date
outside the summit, are answered 404, 409 or 422 as documented per operation)."""
from summit.blueprints.api.params import MAX_ID, MAX_PAGE, MAX_PER_PAGE

ERROR = {"$ref": "#/components/schemas/Error"}

SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"}}

# The characters text fields refuse: C0 and C1 control characters and the two non-characters
# (line breaks and tabs too, except in multi-line fields), as services/core/validation does.
_ONE_LINE = "[^\\x00-\\x1f\\x7f-\\x9f\\ufffe\\uffff]"
_MULTI_LINE = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\ufffe\\uffff]"
_VISIBLE = "[^\\s\\x00-\\x1f\\x7f-\\x9f\\ufffe\\uffff]"
# A query value may hold anything but NUL (refused with a 400 before any view runs).
QUERY_TEXT = {"type": "string", "pattern": "^[^\\x00]*$"}
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def text(max_length: int, *, required: bool = False, multiline: bool = False,
         **extra) -> dict:
    """A text field: at most ``max_length`` characters, no control characters; ``required``:
    something other than spaces."""
    char = _MULTI_LINE if multiline else _ONE_LINE
    pattern = f"^{char}*{_VISIBLE}{char}*$" if required else f"^{char}*$"
    return {"type": "string", "maxLength": max_length, "pattern": pattern, **extra}


def path_id(name: str, description: str = "") -> dict:
    """An integer id in the path: ids are 32-bit, anything larger is a 404."""
    parameter = {"name": name, "in": "path", "required": True, "schema": dict(ID_SCHEMA)}
    if description:
        parameter["description"] = description
    return parameter


def query(name: str, schema: dict, description: str = "") -> dict:
    parameter = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        parameter["description"] = description
    return parameter


def query_text(name: str, max_length: int = 100, description: str = "") -> dict:
    return query(name, {**QUERY_TEXT, "maxLength": max_length}, description)


def query_choice(name: str, values, description: str = "") -> dict:
    return query(name, {"type": "string", "enum": list(values)}, description)


def query_date(name: str, description: str = "") -> dict:
    return query(name, {"type": "string", "format": "date"}, description)


PAGE = query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1})
PER_PAGE = query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                              "default": 50})


def closed(properties: dict, required: list[str] | None = None, **extra) -> dict:
    """A JSON object of exactly these fields: any other is refused (422 naming it)."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False,
              **extra}
    if required:
        schema["required"] = required
    return schema


def error_responses(*codes: int) -> dict:
    return {str(code): {"description": "Error", "content": {"application/json": {
        "schema": ERROR}}} for code in codes}


def json_response(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def list_of(schema: dict, paged: bool = False) -> dict:
    """A list answer: ``{"items": [...], "total": n}``, with ``page`` and ``per_page`` when
    paged."""
    properties = {"items": {"type": "array", "items": schema}, "total": {"type": "integer"}}
    if paged:
        properties.update(page={"type": "integer"}, per_page={"type": "integer"})
    return {"type": "object", "required": list(properties), "properties": properties}


def json_body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}
