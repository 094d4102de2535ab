"""Query parameters of the API, read as strictly as the OpenAPI document describes them: a value
the document does not allow is a 422 naming the parameter, never silently replaced. (The web
pages keep their forgiving readers in ``blueprints/common``.)"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from flask import request
from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError
from summit.blueprints.common import MAX_PAGE
from summit.models import BadgeSize
from summit.services.core import validation

MAX_ID = validation.MAX_ID  # ids are 32-bit integers in the database
MAX_PER_PAGE = 200
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _wrong(name: str, message: str) -> BodyError:
    return BodyError(422, _("Some values are not valid."), {name: message})


def whole(name: str, default: int | None, low: int, high: int) -> int | None:
    """``?name=`` as a whole number from ``low`` to ``high``; ``default`` when absent."""
    value = request.args.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 10) or \
            not low <= int(value) <= high:
        raise _wrong(name, _("A whole number from %(low)d to %(high)d.", low=low, high=high))
    return int(value)


def page() -> int:
    return whole("page", 1, 1, MAX_PAGE)


def per_page(default: int = 50) -> int:
    return whole("per_page", default, 1, MAX_PER_PAGE)


def choice(name: str, values: Iterable[str], default: str = "") -> str:
    """``?name=`` as one of ``values``; ``default`` when absent."""
    value = request.args.get(name)
    if value is None:
        return default
    allowed = list(values)
    if value not in allowed:
        raise _wrong(name, _("One of: %(choices)s.", choices=", ".join(allowed)))
    return value


def badge_size() -> str:
    """``?size=`` of a badge PDF: a6 when absent or empty."""
    sizes = [size.value for size in BadgeSize]
    value = request.args.get("size") or sizes[0]
    if value not in sizes:
        raise BodyError(422, _("Unknown badge size."),
                        {"size": _("One of: %(sizes)s.", sizes=", ".join(sizes))})
    return value


def text(name: str, limit: int = 100) -> str:
    """``?name=`` as text of at most ``limit`` characters ("" when absent)."""
    value = request.args.get(name, "")
    if len(value) > limit:
        raise _wrong(name, _("At most %(max)d characters.", max=limit))
    return value


def day(name: str) -> date | None:
    """``?name=`` as a date (YYYY-MM-DD), None when absent."""
    value = request.args.get(name)
    if value is None:
        return None
    try:
        if not ISO_DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise _wrong(name, _("Write dates as YYYY-MM-DD.")) from None
