"""Reading the API's agenda item bodies: each field checked for shape, with a 422 naming it."""
from __future__ import annotations

import re
from datetime import date, time

from flask_babel import gettext as _

from summit.blueprints.api.auth import BodyError
from summit.models import AgendaItemKind, ParticipantRole
from summit.services.agenda import draft as agenda
from summit.services.core.validation import has_bad_characters

TEXT_LIMITS = {"title_zh": 200, "title_en": 200, "description_zh": 5000,
               "description_en": 5000}
GUEST_LIMITS = {"guest_name": 200, "guest_title": 200, "guest_organisation": 200}
# Every field of an item's body (POST, and PATCH where only those sent change).
ITEM_FIELDS = ("day", "start", "end", "room_id", "kind", *TEXT_LIMITS, "bookable", "capacity",
               "participants", "confirm")
# What the OpenAPI document allows: 2027-08-03, 09:00.
SHAPES = {"day": re.compile(r"\d{4}-\d{2}-\d{2}\Z"), "start": re.compile(r"\d{2}:\d{2}\Z"),
          "end": re.compile(r"\d{2}:\d{2}\Z")}


def _wrong(name: str, message: str) -> BodyError:
    return BodyError(422, _("Some values are not valid."), {name: message})


def text_value(payload: dict, name: str, limit: int, default: str = "") -> str:
    value = payload.get(name, default)
    if not isinstance(value, str):
        raise _wrong(name, _("Must be a string."))
    if len(value) > limit:
        raise _wrong(name, _("At most %(max)d characters.", max=limit))
    if has_bad_characters(value, multiline=name.startswith("description")):
        raise _wrong(name, _("Remove control characters or line breaks from this field."))
    return value


def _parsed(payload: dict, name: str, parse, example: str):
    value = payload.get(name)
    if not isinstance(value, str):
        raise _wrong(name, _("Required, as a string like %(example)s.", example=example))
    try:
        if not SHAPES[name].match(value):
            raise ValueError(value)
        return parse(value)
    except ValueError:
        raise _wrong(name, _("Write it like %(example)s.", example=example)) from None


def optional_int(payload: dict, name: str) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or abs(value) > 10 ** 9:
        raise _wrong(name, _("Must be a whole number or null."))
    return value


def _choice(payload: dict, name: str, enum_class):
    value = payload.get(name)
    try:
        return enum_class(value)
    except ValueError:
        raise _wrong(name, _("One of: %(choices)s.", choices=", ".join(
            member.value for member in enum_class))) from None


def _participants(value) -> list[agenda.ParticipantDetails]:
    if not isinstance(value, list) or len(value) > 100:
        raise _wrong("participants", _("Must be a list of at most 100 people."))
    wanted = []
    for entry in value:
        if not isinstance(entry, dict):
            raise _wrong("participants", _("Each participant must be an object."))
        role = _choice(entry, "role", ParticipantRole)
        registration_id = optional_int(entry, "registration_id")
        guest = {name: text_value(entry, name, limit) for name, limit in GUEST_LIMITS.items()}
        wanted.append(agenda.ParticipantDetails(role=role, registration_id=registration_id,
                                                **guest))
    return wanted


def flag_value(payload: dict, name: str) -> bool:
    value = payload.get(name, False)
    if not isinstance(value, bool):
        raise _wrong(name, _("Must be true or false."))
    return value


def item_details(payload: dict, base: agenda.ItemDetails | None = None) -> agenda.ItemDetails:
    """Details from a JSON body; with ``base`` (PATCH) only the keys sent change."""
    current = dict(base.__dict__) if base is not None else {}
    values: dict = {}
    for name, parse, example in (("day", date.fromisoformat, "2027-08-03"),
                                 ("start", time.fromisoformat, "09:00"),
                                 ("end", time.fromisoformat, "09:30")):
        values[name] = _parsed(payload, name, parse, example) if (
            base is None or name in payload) else current[name]
    values["kind"] = _choice(payload, "kind", AgendaItemKind) if (
        base is None or "kind" in payload) else current["kind"]
    for name, limit in TEXT_LIMITS.items():
        if base is None or name in payload:
            values[name] = text_value(payload, name, limit)
        else:
            values[name] = current[name]
    values["room_id"] = optional_int(payload, "room_id") if (
        base is None or "room_id" in payload) else current["room_id"]
    values["capacity"] = optional_int(payload, "capacity") if (
        base is None or "capacity" in payload) else current["capacity"]
    values["bookable"] = flag_value(payload, "bookable") if (
        base is None or "bookable" in payload) else current["bookable"]
    values["participants"] = _participants(payload["participants"]) \
        if "participants" in payload else ([] if base is None else None)
    return agenda.ItemDetails(**values)


# --- routes ---------------------------------------------------------------------------------
