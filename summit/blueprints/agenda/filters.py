"""Template helpers for programme pages: localised snapshot text, labels, item URLs."""
from __future__ import annotations

from flask_babel import get_locale

from summit.blueprints.agenda.blueprint import bp
from summit.models import AgendaItemKind, ParticipantRole
from summit.services.agenda.draft import KIND_LABELS, ROLE_LABELS
from summit.services.agenda.publish import CHANGE_LABELS, FIELD_LABELS
from summit.services.core import names


@bp.app_template_filter("loc")
def localised_text(value: dict | None) -> str:
    """``{"zh": …, "en": …}`` in the reader's language; traditional characters for zh_Hant."""
    value = value or {}
    locale = str(get_locale())
    if locale == "en" and value.get("en"):
        return value["en"]
    text = value.get("zh") or value.get("en") or ""
    return names.to_traditional(text) if locale == "zh_Hant" else text


@bp.app_template_filter("kind_label")
def kind_label(value: str) -> str:
    return str(KIND_LABELS[AgendaItemKind(value)])


@bp.app_template_filter("role_label")
def role_label(value: str) -> str:
    return str(ROLE_LABELS[ParticipantRole(value)])


@bp.app_template_filter("change_label")
def change_label(value: str) -> str:
    return str(CHANGE_LABELS.get(value, value))


@bp.app_template_filter("field_label")
def field_label(value: str) -> str:
    return str(FIELD_LABELS.get(value, value))
