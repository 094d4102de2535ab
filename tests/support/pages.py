"""Reading rendered pages in the HTML view tests: flashes, form fields and their errors,
links from emails, and the compiled translations."""
from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from babel.support import Translations

import summit

TRANSLATIONS = Path(summit.__file__).parent / "translations"
FLASH = re.compile(r'<div class="flash flash-([a-z]+)">(.*?)</div>', re.S)
LINK = re.compile(r"https?://\S+")


def text(response) -> str:
    return response.get_data(as_text=True)


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+(")')


def without_tokens(page: str) -> str:
    """The page with every CSRF token blanked: a token is signed with the second it was
    made, so two drawings of one page a second apart differ there only."""
    return CSRF_VALUE.sub(r"\1-\2", page)


def flashes(page: str) -> list[tuple[str, str]]:
    """(category, message) of every flashed message on a page, in order."""
    return [(category, html_lib.unescape(message).strip())
            for category, message in FLASH.findall(page)]


def location(response) -> str:
    """The redirect target as a site path with its query string (test responses keep
    the Location as the view wrote it; make it comparable either way)."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(
        response.headers.get("Location", "")).path == "/auth/login"


def link_in(body: str, path_prefix: str) -> str:
    """The path of the one link in an email body whose path starts with ``path_prefix``."""
    found = [urlsplit(url) for url in LINK.findall(body)]
    paths = [url.path for url in found if url.path.startswith(path_prefix)]
    assert len(paths) == 1, body
    return paths[0]


def translate(locale: str, message: str, context: str | None = None) -> str:
    """``message`` (in ``context``, if given) as the compiled catalog of ``locale`` has it."""
    catalog = Translations.load(str(TRANSLATIONS), [locale])
    return catalog.pgettext(context, message) if context else catalog.gettext(message)


# --- forms --------------------------------------------------------------------------------

@dataclass
class Field:
    """One ``<div class="field">`` block of the form macro."""

    id: str = ""
    has_error: bool = False
    errors: list[str] = field(default_factory=list)
    value: str | None = None
    checked: bool = False
    selected: list[str] = field(default_factory=list)


class _FieldParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, Field] = {}
        self._current: Field | None = None
        self._depth = 0  # open <div>s inside the current field block
        self._in_error = False
        self._in_textarea = False
        self._in_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "div":
            if self._current is None and "field" in classes:
                self._current = Field(has_error="has-error" in classes)
                self._depth = 1
                return
            if self._current is not None:
                self._depth += 1
        if self._current is None:
            return
        if tag == "label" and attributes.get("for") and not self._current.id:
            self._current.id = attributes["for"]
        elif tag == "p" and "error" in classes:
            self._in_error = True
            self._current.errors.append("")
        elif tag == "input" and attributes.get("type") == "checkbox":
            if not self._current.id:
                self._current.id = attributes.get("id") or attributes.get("name") or ""
            if "checked" in attributes:
                self._current.checked = True
                self._current.selected.append(attributes.get("value") or "")
        elif tag == "input":
            self._current.value = attributes.get("value", "")
        elif tag == "textarea":
            self._in_textarea = True
            self._current.value = ""
        elif tag == "option" and "selected" in attributes:
            self._current.selected.append(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if self._current is None:
            return
        if tag == "p":
            self._in_error = False
        elif tag == "textarea":
            self._in_textarea = False
        elif tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self.fields[self._current.id] = self._current
                self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is None:
            return
        if self._in_error:
            self._current.errors[-1] += data
        elif self._in_textarea:
            self._current.value = (self._current.value or "") + data


def form_fields(page: str) -> dict[str, Field]:
    """Every field block on the page, by the id its label points to."""
    parser = _FieldParser()
    parser.feed(page)
    for item in parser.fields.values():
        item.errors = [error.strip() for error in item.errors]
        if item.value is not None and item.value[:1] in ("\r", "\n"):
            # Browsers drop the line break WTForms writes right after <textarea>.
            item.value = item.value.removeprefix("\r").removeprefix("\n")
    return parser.fields


def field_errors(page: str) -> dict[str, list[str]]:
    """Only the fields marked as wrong, with their messages."""
    return {name: item.errors for name, item in form_fields(page).items() if item.has_error}


SCANNER_CONFIG = re.compile(r'<div class="scanner" id="scanner" data-config="([^"]*)"')


def scanner_config(page: str) -> dict:
    """The settings the gate scanner's page hands its script."""
    return json.loads(html_lib.unescape(SCANNER_CONFIG.search(page).group(1)))
