"""Printed documents with WeasyPrint (badges, the programme, reports): the fast CJK fonts of
``fonts``, one font configuration and parsed stylesheets kept per thread, and a fetcher that
loads nothing from outside (data: URIs and our font files only)."""
from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

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
        _font_setup["css"] = fonts.font_face_css(fonts.ensure_fast_fonts(Path(cache_dir)))
    return _font_setup["css"]


def _fetcher():
    class LocalOnly(URLFetcher):
        """Printed documents may use data: URIs and our own font files, nothing else."""

        def fetch(self, url, headers=None):
            allowed = {p.resolve().as_uri() for p in fonts.fast_font_paths(
                Path(_font_setup.get("cache_dir", "."))).values()}
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError("badges may not load outside resources")

    return LocalOnly(allowed_protocols=("data", "file"))


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
