"""Bearer-token authentication, JSON body parsing and error replies for the API."""
from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from summit.blueprints.api.blueprint import bp
from summit.errors import json_error
from summit.services.accounts import tokens as api_tokens
from summit.services.core.validation import has_bad_characters


@bp.before_request
def load_bearer_user():
    """``g.api_user`` and ``g.api_token`` from the bearer token. A scanner's device token
    works only on the check-in endpoints (``token_required(checkin=True)``) of its own
    summit; anywhere else it is refused, so it never lends its user's other rights."""
    g.api_user = g.api_token = None
    view = current_app.view_functions.get(request.endpoint or "")
    raw = api_tokens.bearer_token(request.headers.get("Authorization", ""))
    if raw is None:
        return None
    if getattr(view, "answers_everyone", False):
        # Checked as everywhere, its user not loaded; the summit in the URL read with it.
        token = api_tokens.token_state(raw, wanted=(request.view_args or {}).get("slug"))
        if token is not None and token.wanted is not None:
            g.summit_version = token.wanted
    else:
        token = api_tokens.token_for(raw)
    if token is None:
        return None
    checkin_at = (request.view_args or {}).get("slug") \
        if getattr(view, "accepts_device_tokens", False) else None
    if not api_tokens.permits(token, checkin_at):
        slug = token.summit_slug if isinstance(token, api_tokens.TokenState) else \
            (token.summit.slug if token.summit else None)
        return json_error(403, _("This token only checks people in at %(summit)s.",
                                 summit=slug or "-"))
    if isinstance(token, api_tokens.ApiToken):
        g.api_user, g.api_token = token.user, token
    return None


def answers_everyone(view: Callable) -> Callable:
    """The view answers the same with or without a token and never reads ``g.api_user``: a
    token sent is still checked (a scanner's device token is refused, its use noted), but
    its user and roles are not loaded (issue 23: half an authenticated read's cost)."""
    view.answers_everyone = True  # type: ignore[attr-defined]
    return view


def token_required(view: Callable | None = None, *, checkin: bool = False) -> Callable:
    """The view needs a bearer token; ``checkin=True`` accepts a scanner's device token for
    the summit in the URL as well."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("api_user") is None:
                response, status = json_error(401, _("Send a valid token: Authorization: "
                                                     "Bearer <token>."))
                response.headers["WWW-Authenticate"] = 'Bearer realm="summit"'
                return response, status
            return view(*args, **kwargs)

        wrapped.accepts_device_tokens = checkin  # type: ignore[attr-defined]
        return wrapped

    return decorate(view) if view is not None else decorate


class BodyError(Exception):
    def __init__(self, status: int, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


@bp.errorhandler(BodyError)
def body_error(error: BodyError):
    return json_error(error.status, error.message, fields=error.fields)


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong with it."""
    if not request.is_json:
        raise BodyError(415, _("Send the body as JSON (Content-Type: application/json)."))
    try:
        payload = request.get_json()
    except (BadRequest, RecursionError):
        # RecursionError: deeply nested arrays or objects exhaust the JSON decoder's stack.
        raise BodyError(400, _("The body is not valid JSON in UTF-8.")) from None
    if not isinstance(payload, dict):
        raise BodyError(400, _("The body must be a JSON object."))
    wrong = dict(unusable_values(payload))
    if wrong:
        raise BodyError(422, _("Some values cannot be used."), wrong)
    return whole_numbers(payload)


def whole_numbers(value: Any) -> Any:
    """JSON numbers such as 730.0 as the integers they are (JSON Schema counts them as
    integers, and the API has no fractional numbers: amounts are decimal strings)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [whole_numbers(item) for item in value]
    return value


def unusable_values(value: Any, path: str = ""):
    """(path, reason) for each text no field of ours can take, wherever it is in the body: a
    lone surrogate or a control character other than tab and line breaks (PostgreSQL cannot
    store a NUL, and they break calendars and exports), and NaN or an infinity. Each field's
    own rules (types, lengths, line breaks, ids: ``valid_id``) come after, in its reader."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from unusable_values(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unusable_values(item, f"{path}[{index}]")
    elif isinstance(value, str):
        if has_bad_characters(value, multiline=True):
            yield path, _("Remove control characters or line breaks from this field.")
    elif isinstance(value, float) and not math.isfinite(value):
        yield path, _("Must be a finite number.")


def form_data(payload: dict, names: list[str]) -> MultiDict:
    """Strings for a form's fields; any other JSON type is a 422 naming the field."""
    wrong = {name: _("Must be a string.") for name in names
             if name in payload and not isinstance(payload[name], str)}
    if wrong:
        raise BodyError(422, _("Some values have the wrong type."), wrong)
    return MultiDict({name: payload[name] for name in names if name in payload})


def known_fields(payload: dict, names) -> dict:
    """The payload when every key is one of ``names``; else a 422 naming each unknown field
    (the OpenAPI document says ``additionalProperties: false``)."""
    unknown = sorted(set(payload) - set(names))
    if unknown:
        raise BodyError(422, _("Some values are not valid."),
                        {name[:100]: _("Unknown field.") for name in unknown[:10]})
    return payload


def form_errors(form: Any) -> dict[str, str]:
    return {name: "; ".join(str(e) for e in errors) for name, errors in form.errors.items()}
