"""Pieces every part of the OpenAPI document uses: error responses, JSON bodies, the slug."""
ERROR = {"$ref": "#/components/schemas/Error"}

SLUG = {"name": "slug", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"}}


def error_responses(*codes: int) -> dict:
    return {str(code): {"description": "Error", "content": {"application/json": {
        "schema": ERROR}}} for code in codes}


def json_response(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}
