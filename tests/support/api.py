"""Assertions shared by the API tests and the bad-input property tests."""
from __future__ import annotations

from typing import Any

ERROR_KEYS = {"code", "message", "fields"}


def assert_json_error(response: Any, status: int, code: str | None = None, *,
                      fields: set[str] | None = None, message: str | None = None) -> dict:
    """The response is ``status`` with the API's error shape; return ``body["error"]``.

    ``fields`` is the exact set of field names the error must name; ``message`` a part of the
    message it must contain.
    """
    assert response.status_code == status, (response.status_code,
                                             response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert isinstance(error["fields"], dict), error
    for name, text in error["fields"].items():
        assert isinstance(name, str) and isinstance(text, str) and text.strip(), error
    if code is not None:
        assert error["code"] == code, error
    if fields is not None:
        assert set(error["fields"]) == fields, error
    if message is not None:
        assert message in error["message"], error
    return error


def assert_no_internals(text: str) -> None:
    """An error body must not leak a traceback or exception details."""
    for leak in ("Traceback", "File \"", "RuntimeError", "Exception", "sqlalchemy",
                 "werkzeug", ".py"):
        assert leak not in text, leak


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
