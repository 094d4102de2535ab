"""GET /api/v1/openapi.json describes exactly the routes that exist under /api/v1."""
from __future__ import annotations

import re

import pytest

from summit import __version__
from summit.http import SlugConverter

PREFIX = "/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}  # added to every route by Flask
CONVERTER = re.compile(r"<(?:[a-z_]+(?:\([^)]*\))?:)?([a-z_]+)>")


@pytest.fixture
def document(client, app) -> dict:
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def openapi_path(rule: str) -> str:
    """'/api/v1/summits/<slug:slug>' -> '/summits/{slug}'."""
    return CONVERTER.sub(r"{\1}", rule[len(PREFIX):])


def routes(app) -> dict[str, set[str]]:
    """OpenAPI path -> lower-case methods, for every URL rule under /api/v1."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            methods = {m.lower() for m in rule.methods - IMPLICIT_METHODS}
            found.setdefault(openapi_path(rule.rule), set()).update(methods)
    return found


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def resolve(document: dict, ref: str) -> dict:
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_path_conversion():
    assert openapi_path("/api/v1/summits/<slug:slug>") == "/summits/{slug}"
    assert openapi_path("/api/v1/sessions/<int:session_id>/bookings") == \
        "/sessions/{session_id}/bookings"
    assert openapi_path("/api/v1/x/<name>") == "/x/{name}"


def test_the_document_is_openapi_3_1_in_shape(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Summit API"
    assert document["info"]["version"] == __version__
    assert document["servers"] == [{"url": PREFIX}]
    assert isinstance(document["paths"], dict) and document["paths"]
    for path in document["paths"]:
        assert path.startswith("/") and not path.startswith(PREFIX), path
    for path, method, operation in operations(document):
        assert operation.get("summary"), (path, method)
        assert operation["responses"], (path, method)
        for status, response in operation["responses"].items():
            assert re.fullmatch(r"[1-5]\d\d", status), (path, method, status)
            assert response.get("description"), (path, method, status)


def test_every_api_route_is_documented_with_its_methods(app, document):
    documented = {path: {m for m in item if m in HTTP_METHODS}
                  for path, item in document["paths"].items()}

    assert documented == routes(app)


def test_the_route_list_is_not_empty_and_has_the_skeleton(app):
    assert {"/tokens", "/me", "/summits", "/summits/{slug}", "/openapi.json"} <= set(routes(app))


def test_every_path_parameter_is_declared(document):
    for path, method, operation in operations(document):
        in_path = set(re.findall(r"{([a-z_]+)}", path))
        parameters = operation.get("parameters", []) + \
            document["paths"][path].get("parameters", [])
        parameters = [resolve(document, p["$ref"]) if "$ref" in p else p for p in parameters]
        declared = {p["name"] for p in parameters if p["in"] == "path"}
        assert declared == in_path, (path, method)
        for parameter in parameters:
            if parameter["in"] == "path":
                assert parameter["required"] is True, (path, parameter)


def test_the_slug_pattern_matches_the_url_converter(app, document):
    parameter = document["paths"]["/summits/{slug}"]["get"]["parameters"][0]
    assert parameter["schema"]["pattern"] == f"^{SlugConverter.regex}$"


def test_every_reference_resolves(document):
    for ref in refs(document):
        resolve(document, ref)


def test_error_responses_use_the_error_schema(document):
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(error["properties"]["error"]["required"]) == {"code", "message", "fields"}
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_operations_that_need_a_token_say_so_and_answer_401(client, document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearer"] == {"type": "http", "scheme": "bearer"}
    secured = [(path, method) for path, method, operation in operations(document)
               if operation.get("security")]
    assert ("/me", "get") in secured
    for path, method, operation in operations(document):
        if (path, method) in secured:
            assert {"bearer": []} in operation["security"]
            assert "401" in operation["responses"], (path, method)


def test_the_documented_token_request_matches_the_endpoint(document):
    operation = document["paths"]["/tokens"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["email", "password"]
    assert schema["properties"]["email"]["maxLength"] == 254
    assert schema["properties"]["password"]["maxLength"] == 128
    assert {"201", "400", "401", "403", "415", "422", "429"} <= set(operation["responses"])


def test_the_documented_summit_fields_match_the_endpoint(client, summit, document):
    schema = document["components"]["schemas"]["Summit"]
    body = client.get(f"{PREFIX}/summits/kangding-test").get_json()

    assert set(schema["properties"]) == set(body)
    assert set(schema["required"]) <= set(body)


def test_the_document_passes_the_openapi_validator_when_installed(document):
    validator = pytest.importorskip("openapi_spec_validator")

    validator.validate(document)


def test_every_operation_has_a_unique_operation_id(document):
    ids = [operation.get("operationId") for _path, _method, operation in operations(document)]

    assert all(ids), [(p, m) for p, m, o in operations(document) if not o.get("operationId")]
    assert len(ids) == len(set(ids))


def test_request_bodies_are_closed_and_integer_ids_bounded(document):
    schemas = document["components"]["schemas"]
    for path, method, operation in operations(document):
        body = operation.get("requestBody")
        if body is not None:
            content = body["content"]
            schema = next(iter(content.values()))["schema"]
            if "$ref" in schema:
                schema = resolve(document, schema["$ref"])
            assert schema["additionalProperties"] is False, (path, method)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"]["type"] == "integer":
                assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == \
                    (1, 2**31 - 1), (path, parameter["name"])
    assert schemas["Error"]["required"] == ["error"]


def test_every_list_answer_has_items_and_a_total(document):
    for path, method, operation in operations(document):
        answer = operation["responses"].get("200", {}).get("content", {})
        schema = answer.get("application/json", {}).get("schema", {})
        if "items" in schema.get("properties", {}):
            assert {"items", "total"} <= set(schema["required"]), (path, method)
