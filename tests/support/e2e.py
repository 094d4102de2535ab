"""Screens and translated strings shared by the browser tests."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from babel.support import Translations

import summit

TRANSLATIONS = Path(summit.__file__).parent / "translations"

DESKTOP: dict = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
               "is_mobile": True, "has_touch": True}


def catalog(locale: str) -> Callable[[str], str]:
    """`gettext` over the compiled catalog the app reads, so a test looks for exactly what the
    page shows; an untranslated string comes back as itself, as it does in the app."""
    return Translations.load(str(TRANSLATIONS), [locale]).gettext


def is_translated(gettext: Callable[[str], str], message: str) -> bool:
    return gettext(message) != message
