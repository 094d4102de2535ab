"""Turning badges into print PDFs with WeasyPrint: one badge, a live preview, or a batch.

The HTML comes from ``badge_design``; everything here works on that plain data, never on the
database, so a batch can be split into chunks rendered by worker processes on every core,
then joined. Speed comes from the small "Summit Sans CJK" font (see ``fonts``), one WeasyPrint
font configuration and parsed stylesheet kept per thread, and the QR code as a tiny PNG.
"""
from __future__ import annotations

import atexit
import io
import multiprocessing
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path

import weasyprint
from pypdf import PdfWriter
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from summit.models import BadgeSize
from summit.services.badges.design import BADGES_PER_SHEET, BadgeFace, Design, build_body, build_css
from summit.services.core import fonts

# --- rendering -----------------------------------------------------------------------------

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
        """Badges may use data: URIs and our own font files, nothing else."""

        def fetch(self, url, headers=None):
            allowed = {p.resolve().as_uri() for p in fonts.fast_font_paths(
                Path(_font_setup.get("cache_dir", "."))).values()}
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError("badges may not load outside resources")

    return LocalOnly(allowed_protocols=("data", "file"))


def _weasy():
    """Per thread: WeasyPrint's font configuration (fonts loaded once) and URL fetcher."""
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
        _local.fetcher = _fetcher()
    return _local.font_config, _local.fetcher


def _stylesheet(css: str):
    """Parsed once per thread and kept: parsing the styles costs as much as a badge's layout."""

    font_config, fetcher = _weasy()
    cache = _local.__dict__.setdefault("stylesheets", {})
    sheet = cache.get(css)
    if sheet is None:
        if len(cache) >= 32:
            cache.clear()
        sheet = cache[css] = weasyprint.CSS(string=css, font_config=font_config,
                                            url_fetcher=fetcher)
    return sheet


def render_pdf(faces: Sequence[BadgeFace], designs: dict[str, Design],
               size: BadgeSize) -> bytes:

    font_config, fetcher = _weasy()
    sheet = _stylesheet(build_css(designs, size, font_css()))
    document = weasyprint.HTML(string=build_body(faces, designs, size), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[sheet], font_config=font_config)


def render_document(html: str, css: str) -> bytes:
    """Another printed document (the programme) with the badge fonts, font configuration
    and local-only fetcher."""

    font_config, fetcher = _weasy()
    sheet = _stylesheet(font_css() + css)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[sheet], font_config=font_config)


def png_preview(faces: Sequence[BadgeFace], designs: dict[str, Design], size: BadgeSize,
                dpi: int = 110) -> bytes:
    """The first page as PNG, drawn by poppler from the very PDF that would print."""
    pdf = render_pdf(faces, designs, size)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "badge.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "-f", "1",
                        str(source), str(Path(folder) / "page")], check=True, timeout=60)
        return (Path(folder) / "page.png").read_bytes()


# --- batches ------------------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _worker_start(cache_dir: str) -> None:
    configure(cache_dir)


def pool(processes: int) -> Executor:
    """Worker processes kept for the life of the app, so fonts stay loaded between jobs."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                        initializer=_worker_start,
                                        initargs=(_font_setup.get("cache_dir", ""),))
        return _pool


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None


def chunks(faces: Sequence[BadgeFace], size: BadgeSize, chunk_size: int
           ) -> list[Sequence[BadgeFace]]:
    if size is BadgeSize.A4_SHEET:  # whole sheets only
        chunk_size = max(BADGES_PER_SHEET, chunk_size - chunk_size % BADGES_PER_SHEET)
    return [faces[i:i + chunk_size] for i in range(0, len(faces), chunk_size)]


def join_pdfs(parts: Sequence[bytes]) -> bytes:
    if len(parts) == 1:
        return parts[0]

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_batch(faces: Sequence[BadgeFace], designs: dict[str, Design], size: BadgeSize, *,
                 processes: int | None = None, chunk_size: int = 50,
                 progress: Callable[[int], None] | None = None) -> bytes:
    """One print PDF for many badges, rendered in chunks on every core.

    ``progress`` is called with the number of badges done after each chunk.
    """
    processes = processes or os.cpu_count() or 1
    parts = chunks(list(faces), size, chunk_size)
    results: list[bytes | None] = [None] * len(parts)
    done = 0
    if processes == 1 or len(parts) == 1:
        for index, part in enumerate(parts):
            results[index] = render_pdf(part, designs, size)
            done += len(part)
            if progress:
                progress(done)
    else:
        executor = pool(processes)
        futures = {executor.submit(render_pdf, part, designs, size): index
                   for index, part in enumerate(parts)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            done += len(parts[index])
            if progress:
                progress(done)
    return join_pdfs([r for r in results if r is not None])

