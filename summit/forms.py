"""The base of every form: CSRF (Flask-WTF), trimmed text and no control characters.

Forms check shape only; rules that need the database live in services.
"""
from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectField, StringField, TextAreaField

from summit.services.core.validation import has_bad_characters


def strip_text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict) -> Any:
            if issubclass(unbound_field.field_class, (StringField, TextAreaField, SelectField)):
                filters = list(unbound_field.kwargs.get("filters", ()))
                if strip_text not in filters and unbound_field.kwargs.get("strip", True):
                    filters.append(strip_text)
                unbound_field.kwargs["filters"] = filters
            unbound_field.kwargs.pop("strip", None)
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in text_fields(self):
            data = field.data
            if isinstance(field, (StringField, TextAreaField)) and isinstance(data, str):
                if has_bad_characters(data, multiline=isinstance(field, TextAreaField)):
                    field.errors = list(field.errors) + [
                        _l("Remove control characters or line breaks from this field.")]
                    valid = False
        return valid


def text_fields(fields: Any):
    """Every field, also inside sub-forms (FormField) and lists of them (FieldList)."""
    for field in fields:
        if isinstance(field, (FormField, FieldList)):
            yield from text_fields(field)
        else:
            yield field


def apply_domain_error(form: BaseForm, error: Any) -> bool:
    """Attach a service error to the form field it names; False when it names none."""
    attached = False
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [str(message)]
            attached = True
    return attached


def show_domain_error(form: BaseForm, error: Any) -> None:
    """Put a service error next to its field, or flash it when it names none."""
    if not apply_domain_error(form, error):
        flash(str(error), "error")
