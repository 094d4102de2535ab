"""The audit log in words: who did what to whom, and a before/after table of the fields that
changed. People never read an action code (``press.submit``), a table name, a field name or
JSON. ``tests/app/test_audit_words.py`` walks every action the code records and fails on one
without a label (the words themselves are in ``audit_labels``)."""
from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import (
    AgendaItem,
    Agreement,
    AttendeeCategory,
    AuditEntry,
    Delegation,
    Gate,
    PressApplication,
    PressRelease,
    Registration,
    Room,
    Summit,
    User,
    Zone,
)
from summit.permissions import ROLE_LABELS
from summit.services.core.audit_labels import (
    ACTION_LABELS,
    FIELD_LABELS,
    KIND_FIELD_LABELS,
    OBJECT_LABELS,
    VALUE_LABELS,
)

# Each kind of object a person can recognise by its name, and where that name is.
NAMES = {
    "registrations": (Registration, Registration.name),
    "users": (User, User.name),
    "agreements": (Agreement, Agreement.title),
    "press_applications": (PressApplication, PressApplication.outlet_name),
    "press_releases": (PressRelease, PressRelease.title),
    "agenda_items": (AgendaItem, AgendaItem.title_zh),
    "rooms": (Room, Room.name_zh),
    "zones": (Zone, Zone.label_zh),
    "attendee_categories": (AttendeeCategory, AttendeeCategory.label_zh),
    "delegations": (Delegation, Delegation.name),
    "gates": (Gate, Gate.name),
    "summits": (Summit, Summit.title_zh),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    # Never the code: the kind of object it was about, as a change to it.
    kind = OBJECT_LABELS.get(action.split(".", 1)[0] + "s")
    return str(_l("%(kind)s changed", kind=kind)) if kind else str(_l("Change"))


def value_words(value: Any) -> str:
    """A stored value for people: codes in words, lists joined, never JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, enum.Enum):
        label = ENUM_LABELS.get(type(value), {}).get(value)
        if label is not None:
            return str(label)
        value = value.value
    if isinstance(value, (bool, str)) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {value_words(v)}" for k, v in sorted(value.items()))
    if isinstance(value, (list, tuple)):
        return ", ".join(value_words(v) for v in value) or "—"
    return str(value)


def name_values(*labels: dict) -> None:
    """Areas hand in the words for their own codes (kinds of items, agreements...): this
    package imports no area."""
    name_enums(*labels)
    for mapping in labels:
        VALUE_LABELS.update({getattr(k, "value", k): v for k, v in mapping.items()})


# Words for each member of an enumeration, by its class: the same code can mean two things
# ("done": a print finished, a request answered).
ENUM_LABELS: dict[type[enum.Enum], dict[enum.Enum, Any]] = defaultdict(dict)


def name_enums(*labels: dict) -> None:
    """Words for enumeration members, kept apart by class (``value_words`` of a member)."""
    for mapping in labels:
        for member, label in mapping.items():
            if isinstance(member, enum.Enum):
                ENUM_LABELS[type(member)][member] = label


name_enums(ROLE_LABELS)


def field_label(name: str, kind: str = "") -> str:
    label = KIND_FIELD_LABELS.get(kind, {}).get(name) or FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()


# Fields that hold another object's id: shown by that object's name, never the number.
REFERENCES = {
    "category_id": "attendee_categories", "delegation_id": "delegations", "room_id": "rooms",
    "registration_id": "registrations", "agenda_item_id": "agenda_items",
    "item_id": "agenda_items", "ceremony_item_id": "agenda_items", "registrar_id": "users",
    "predecessor_id": "agreements",
}


def changes(before: dict | None, after: dict | None, kind: str = "",
            names: dict[tuple[str, str], str] | None = None) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field that the entry names, in a stable order; ids of
    other objects by their names (``names`` from ``_names``)."""
    before, after = before or {}, after or {}
    names = names or {}

    def words(key: str, value: Any) -> str:
        if key in REFERENCES and value is not None:
            return names.get((REFERENCES[key], str(value))) or "—"
        return value_words(value)

    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        rows.append((field_label(key, kind), words(key, old) if key in before else "",
                     words(key, new) if key in after else ""))
    return rows


def _names(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """The names of the entries' objects: one query per kind of object on the page."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.object_type in NAMES and entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
        for values in (entry.before or {}, entry.after or {}):
            for key, kind in REFERENCES.items():
                if isinstance(values.get(key), int) and not isinstance(values[key], bool):
                    wanted[kind].add(values[key])
    names = {}
    for kind, ids in wanted.items():
        model, column = NAMES[kind]
        for object_id, name in db.session.execute(
                db.select(model.id, column).where(model.id.in_(ids))):
            names[(kind, str(object_id))] = name
    return names


def describe(entries: list[AuditEntry]) -> list[dict]:
    """The page's entries as sentences and tables."""
    names = _names(entries)
    rows = []
    for entry in entries:
        actor = entry.actor
        rows.append({
            "entry": entry,
            "who": (actor.name or actor.email) if actor is not None else str(_l("the system")),
            "who_email": actor.email if actor is not None else "",
            "what": action_label(entry.action),
            "kind": str(OBJECT_LABELS.get(entry.object_type, _l("Record"))),
            "whom": names.get((entry.object_type, entry.object_id), ""),
            "changes": changes(entry.before, entry.after, entry.object_type, names),
        })
    return rows


def object_type_choices(types: Iterable[str]) -> list[tuple[str, str]]:
    return [(t, str(OBJECT_LABELS.get(t, _l("Record")))) for t in types]
