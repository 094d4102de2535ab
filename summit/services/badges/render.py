"""Turning badges into print PDFs with WeasyPrint: one badge, a live preview, or a batch.

The HTML comes from ``badges.design``; everything here works on that plain data, never on the
database, so a batch can be split into chunks rendered by worker processes on every core,
then joined. Speed comes from ``core.pdf`` (the small "Summit Sans CJK" font, one WeasyPrint
font configuration and parsed stylesheet kept per thread) and the QR code as a tiny PNG.
"""
from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from summit.models import BadgeSize
from summit.services.badges.design import BADGES_PER_SHEET, BadgeFace, Design, build_body, build_css
from summit.services.core import pdf

# --- rendering -----------------------------------------------------------------------------

def render_pdf(faces: Sequence[BadgeFace], designs: dict[str, Design],
               size: BadgeSize) -> bytes:

    font_config, fetcher = pdf.weasy()
    sheet = pdf.stylesheet(build_css(designs, size, pdf.font_css()))
    document = pdf.lean_html(build_body(faces, designs, size), fetcher,
                             "".join(d.html + d.css for d in designs.values()))
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


PARENT_CHECK_SECONDS = 0.5


def _end_with(parent: int) -> None:
    """Exit as soon as ``parent`` has: a parent killed with -9 cannot stop its workers, and an
    orphan is adopted by another process. (Not prctl's PR_SET_PDEATHSIG: it fires when the
    *thread* that started the worker ends, and a pool may be started by any job thread.)"""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="summit-parent-watch", daemon=True).start()


def _worker_start(cache_dir: str, parent: int) -> None:
    _end_with(parent)
    pdf.configure(cache_dir)


def pool(processes: int) -> Executor:
    """Worker processes kept for the life of the app, so fonts stay loaded between jobs; they
    end with it, however it ends."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                        initializer=_worker_start,
                                        initargs=(pdf.configured_cache_dir(), os.getpid()))
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


class Joiner:
    """The print PDF put together while the chunks are still rendering: each chunk's pages
    are added as soon as it and every chunk before it are back, so at the end only the
    writing is left (issue 23: the whole join after the last chunk was serial work that
    more render processes could not shorten). Pages are added one by one: ``append``'s
    outline and link bookkeeping cost twice as much, and badge PDFs have neither."""

    def __init__(self, count: int) -> None:
        self.waiting: dict[int, bytes] = {}
        self.next = 0
        self.count = count
        self.only: bytes | None = None
        self.writer = PdfWriter()

    def add(self, index: int, part: bytes) -> None:
        self.waiting[index] = part
        while self.next in self.waiting:
            part = self.waiting.pop(self.next)
            if self.count == 1:
                self.only = part
            else:
                for page in PdfReader(io.BytesIO(part)).pages:
                    self.writer.add_page(page)
            self.next += 1

    def result(self) -> bytes:
        if self.only is not None:
            return self.only
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()


def join_pdfs(parts: Sequence[bytes]) -> bytes:
    joiner = Joiner(len(parts))
    for index, part in enumerate(parts):
        joiner.add(index, part)
    return joiner.result()


def render_batch(faces: Sequence[BadgeFace], designs: dict[str, Design], size: BadgeSize, *,
                 processes: int | None = None, chunk_size: int = 50,
                 progress: Callable[[int], None] | None = None, phases=None) -> bytes:
    """One print PDF for many badges, rendered in chunks on every core and joined as they
    come back (``Joiner``).

    ``progress`` is called with the number of badges done after each chunk; ``phases``
    (``batches.Phases``) times the rendering and the joining left after it.
    """
    processes = processes or os.cpu_count() or 1
    parts = chunks(list(faces), size, chunk_size)
    joiner = Joiner(len(parts))
    done = 0
    if processes == 1 or len(parts) == 1:
        for index, part in enumerate(parts):
            joiner.add(index, render_pdf(part, designs, size))
            done += len(part)
            if progress:
                progress(done)
    else:
        executor = pool(processes)
        futures = {executor.submit(render_pdf, part, designs, size): index
                   for index, part in enumerate(parts)}
        try:
            for future in as_completed(futures):
                index = futures[future]
                joiner.add(index, future.result())
                done += len(parts[index])
                if progress:
                    progress(done)
        except BaseException:
            for future in futures:  # a failed batch leaves no work queued behind it
                future.cancel()
            raise
    if phases is not None:
        phases.lap("render")
    joined = joiner.result()
    if phases is not None:
        phases.lap("join")
    return joined
