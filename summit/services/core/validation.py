"""Checks on personal data shared by registration, import and the API."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l

from summit.services.core.errors import ValidationFailed

# The largest database id: PostgreSQL's integer. A bigger number in a URL, a query or a body
# is no id of ours (and would make the database raise).
MAX_ID = 2**31 - 1

# C0/C1 controls except tab, newline and carriage return (allowed in text areas only).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\r\n]")
_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{6,14}$")
_PHONE_NOISE = re.compile(r"[\s\-().]")
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id(value: object) -> bool:
    """A whole number that can be one of our database ids (a JSON ``true`` is not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def parse_id(text: str | None) -> int | None:
    """An id written in a form value or query string (ASCII digits only), else None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if valid_id(number) else None


def has_bad_characters(value: str, multiline: bool) -> bool:
    """Control characters (line breaks too, unless ``multiline``) or lone surrogates."""
    if _CONTROL.search(value) or (not multiline and _LINE_BREAKS.search(value)):
        return True
    # Lone surrogates come from broken UTF-8 decoded with surrogateescape.
    return any(unicodedata.category(ch) == "Cs" for ch in value)


def required_line(value: str | None, field: str, limit: int = 100) -> str:
    """A required one-line text of at most ``limit`` characters, stripped; no control
    characters or lone surrogates."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_l("This field is required."), field)
    if len(value) > limit or has_bad_characters(value, multiline=False):
        raise ValidationFailed(_l("At most %(n)d characters.", n=limit), field)
    return value


def normalise_phone(raw: str, field: str = "phone") -> str:
    """A Chinese mobile number (11 digits, +86 allowed) or an international +number."""
    phone = _PHONE_NOISE.sub("", raw or "")
    if phone.startswith("0086"):
        phone = "+86" + phone[4:]
    if phone.startswith("+86"):
        phone = phone[3:]
    if _CN_MOBILE.match(phone):
        return phone
    if _INTERNATIONAL.match(phone):
        return phone
    raise ValidationFailed(_l("Enter a Chinese mobile number (11 digits) or an international "
                              "number starting with +."), field)


def resident_id_valid(number: str) -> bool:
    number = (number or "").upper()
    if not _RESIDENT_ID.match(number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17]:
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def normalise_resident_id(raw: str, field: str = "id_number") -> str:
    number = (raw or "").strip().upper()
    if not resident_id_valid(number):
        raise ValidationFailed(_l("This resident ID number is not valid: check the 18 characters "
                                  "and the last check digit."), field)
    return number


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) <= 7:
        return phone[:1] + "*" * (len(phone) - 1)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id(number: str) -> str:
    if not number:
        return ""
    # Five characters or fewer: first + last four would show them all.
    if len(number) <= 5:
        return "*" * len(number)
    return number[:1] + "*" * (len(number) - 5) + number[-4:]
