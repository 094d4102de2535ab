"""Printed documents with WeasyPrint (badges, the programme, reports): the fast CJK fonts of
``fonts``, one font configuration and parsed stylesheets kept per thread, a fetcher that
loads nothing from outside (data: URIs and our font files only), and for badges a lean copy
of WeasyPrint's user-agent stylesheet (``lean_html``)."""
from __future__ import annotations

import atexit
import base64
import os
import re
import threading
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import weasyprint
import weasyprint.css
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from summit.services.core import fonts

_local = threading.local()
_font_setup: dict[str, str] = {}


@atexit.register
def _release_fonts() -> None:
    """Free this thread's WeasyPrint fonts while the libraries are still loaded (otherwise
    their finaliser complains at interpreter exit). Other threads free theirs as they end."""
    _local.__dict__.clear()


def configure(font_cache_dir: str | os.PathLike) -> None:
    """Where the fast font lives; called by the app, and by worker processes on start."""
    _font_setup["cache_dir"] = str(font_cache_dir)


def configured_cache_dir() -> str:
    return _font_setup.get("cache_dir", "")


def font_css() -> str:
    cache_dir = _font_setup.get("cache_dir")
    if not cache_dir:
        return ""
    if "css" not in _font_setup:
        folder = Path(cache_dir)
        _font_setup["css"] = fonts.font_face_css(fonts.ensure_fast_fonts(folder),
                                                 fonts.ensure_tibetan_cut(folder))
    return _font_setup["css"]


@lru_cache(maxsize=8)
def _font_uris(cache_dir: str) -> frozenset[str]:
    folder = Path(cache_dir)
    return frozenset(p.resolve().as_uri() for p in (*fonts.fast_font_paths(folder).values(),
                                                    fonts.tibetan_cut_path(folder)))


# An image as our own code writes it (QR codes, press photos): decoded here, not through
# urllib's opener, which costs more than the decoding (a badge's QR code, issue 23).
IMAGE_URI = re.compile(r"data:(image/(?:png|jpeg));base64,", re.ASCII)


def _fetcher():
    class LocalOnly(URLFetcher):
        """Printed documents may use data: URIs and our own font files, nothing else."""

        def fetch(self, url, headers=None):
            image = IMAGE_URI.match(url)
            if image:
                return URLFetcherResponse(url, base64.b64decode(url[image.end():]),
                                          {"Content-Type": image.group(1)})
            if url.startswith("data:") or url in _font_uris(_font_setup.get("cache_dir", ".")):
                return super().fetch(url, headers)
            raise ValueError("badges may not load outside resources")

    return LocalOnly(allowed_protocols=("data", "file"))


# --- a lean user-agent stylesheet ----------------------------------------------------------
# WeasyPrint's user-agent stylesheet gives every element a style for ::marker and for five
# footnote and note pseudo-elements, and every page sixteen margin-box styles; for a badge
# of 25 elements that is about 2 ms of a 20 ms render (bench/README.md, fourth pass). A badge
# has no footnotes or notes and no page margin boxes (its @page is ours: organisers' CSS may
# not hold at-rules), and only list items have markers unless a design says otherwise.
LEAN_EDITS = (
    (re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}\n]*\}\n", re.M), ""),
    (re.compile(r"^@page \{\n.*?^\}\n", re.M | re.S), "@page { margin: 75px }\n"),
    (re.compile(r"^::marker \{", re.M), "li::marker, summary::marker {"),
)
# A design mentioning any of these may use what the lean sheet leaves out: the full one then.
NOT_LEAN = re.compile(r"list|note|\\", re.IGNORECASE)


def lean_ua_text() -> str | None:
    """WeasyPrint's own user-agent stylesheet with the edits above, or None when one of them
    no longer applies (another WeasyPrint version: its full stylesheet is used then)."""
    text = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    for pattern, replacement in LEAN_EDITS:
        text, count = pattern.subn(replacement, text)
        if not count:
            return None
    return text


@lru_cache(maxsize=1)
def _lean_ua():
    text = lean_ua_text()
    if text is None or not hasattr(weasyprint.HTML, "_ua_stylesheets"):
        return None
    return weasyprint.CSS(string=text, counter_style=CounterStyle())


class _LeanHTML(weasyprint.HTML):
    def _ua_stylesheets(self, forms=False):
        return super()._ua_stylesheets(forms) if forms else [_lean_ua()]


def lean_html(string: str, fetcher, designs_text: str = "") -> weasyprint.HTML:
    """A badge document with the lean user-agent stylesheet, unless ``designs_text`` (the
    organisers' HTML and CSS) mentions lists, notes or CSS escapes."""
    if _lean_ua() is None or NOT_LEAN.search(designs_text):
        return weasyprint.HTML(string=string, url_fetcher=fetcher)
    return _LeanHTML(string=string, url_fetcher=fetcher)


def weasy():
    """Per thread: WeasyPrint's font configuration (fonts loaded once) and URL fetcher."""
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
        _local.fetcher = _fetcher()
    return _local.font_config, _local.fetcher


def stylesheet(css: str):
    """Parsed once per thread and kept: parsing the styles costs as much as a badge's layout."""
    font_config, fetcher = weasy()
    cache = _local.__dict__.setdefault("stylesheets", {})
    sheet = cache.get(css)
    if sheet is None:
        if len(cache) >= 32:
            cache.clear()
        sheet = cache[css] = weasyprint.CSS(string=css, font_config=font_config,
                                            url_fetcher=fetcher)
    return sheet


def render_document(html: str, css: str) -> bytes:
    """A printed document (badges have their own ``render_pdf``) with the fast fonts, the
    thread's font configuration and the local-only fetcher."""
    font_config, fetcher = weasy()
    sheet = stylesheet(font_css() + css)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[sheet], font_config=font_config)
