"""Table cards (桌签): double-sided folding cards, A4 or A5, printed in the background like
badge batches (``core.jobs``) with progress.

A card is a page folded across the middle: the name is printed upright on the lower half and
again, turned 180°, on the upper half, so it reads from both sides when the card stands. The
name is as large as the half allows and shrinks for a long name (wrapping over lines when
it must), never cut; Tibetan sits above Chinese when a person has both; title and
organisation are smaller, below. The cards a job prints are chosen when it starts and kept
with it; when it finishes, what each card said is remembered (``CardPrint``) so the page can
show what moved since."""
from __future__ import annotations

import logging
import math
import os
import secrets
from collections.abc import Callable
from concurrent.futures import as_completed
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    AgendaItem,
    CardJob,
    CardPrint,
    CardScope,
    CardSize,
    JobStatus,
    Summit,
    User,
)
from summit.permissions import Permission, require
from summit.services.badges import render as badge_render
from summit.services.badges.design import display_width
from summit.services.badges.render import Joiner
from summit.services.core import audit, fonts, jobs, metrics, uploads
from summit.services.core.errors import Conflict, NotFound, ValidationFailed
from summit.services.core.pdf import render_document
from summit.services.protocol import banquet as tables, seating
from summit.services.protocol.banquet import Guest

log = logging.getLogger(__name__)
UPLOAD_KIND = "table-cards"
SCOPE_LABELS = {
    CardScope.PODIUM: _l("The podium"),
    CardScope.TABLE: _l("One table"),
    CardScope.EVERYONE: _l("Everyone seated (podium and tables)"),
    CardScope.CHANGED: _l("Changed cards only"),
    CardScope.CHART: _l("The table chart (a page per room)"),
}
SIZE_LABELS = {CardSize.A4: _l("A4, folded to 210 × 148 mm"),
               CardSize.A5: _l("A5, folded to 148 × 105 mm")}
STATUS_LABELS = {
    JobStatus.QUEUED: _l("Waiting"),
    JobStatus.RUNNING: _l("Printing"),
    JobStatus.DONE: _l("Ready"),
    JobStatus.FAILED: _l("Failed"),
}
INTERRUPTED = "interrupted"
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
CHUNK = 100


# --- which cards ---------------------------------------------------------------------------

def _card(prefix: str, guest: Guest, place: str, label: str) -> dict:
    return {"person": f"{prefix}{guest.person}", "name": guest.name,
            "name_native": guest.name_native, "title": guest.title,
            "organisation": guest.organisation, "place": place, "place_label": label}


def podium_cards(item: AgendaItem) -> list[dict]:
    """The podium's cards, front row first, each row in precedence order."""
    podium = seating.podium_for(item)
    if podium is None:
        return []
    chart = seating.compute(item, podium)
    order = seating.seat_order(podium.seats_per_row, podium.convention)
    cards = []
    for row in chart.rows:
        for index in order:
            seat = row[index]
            if seat.attendee is not None:
                guest = tables.guest_of(seat.attendee)
                cards.append(_card("p", guest, f"P{seat.row + 1}-{seat.seat + 1}",
                                   f"主席台第{seat.row + 1}排 {seat.seat + 1}号座"))
    return cards


def table_cards(item: AgendaItem, number: int | None = None) -> list[dict]:
    """The cards of every table (or of table ``number``), each table host first."""
    banquet = tables.banquet_for(item)
    if banquet is None:
        return []
    cards = []
    for table in tables.compute(item, banquet).tables:
        if number is not None and table.number != number:
            continue
        label = "主桌" if table.main else f"{table.number}号桌"
        for seat in sorted(table.seats, key=lambda s: s.rank):
            if seat.guest is not None:
                cards.append(_card("t", seat.guest, f"T{table.number}-{seat.seat + 1}",
                                   f"{label} {seat.seat + 1}号座"))
    return cards


def current_cards(item: AgendaItem) -> list[dict]:
    return podium_cards(item) + table_cards(item)


def choose(item: AgendaItem, scope: CardScope, table_number: int | None = None,
           persons: list[str] | None = None) -> list[dict]:
    if scope is CardScope.PODIUM:
        if seating.podium_for(item) is None:
            raise Conflict(_l("Set up the podium first."), "scope")
        return podium_cards(item)
    if scope is CardScope.TABLE:
        banquet = tables.banquet_for(item)
        if banquet is None:
            raise Conflict(_l("Set up the tables first."), "scope")
        if table_number is None or table_number not in {t.number for t in banquet.tables}:
            raise ValidationFailed(_l("Choose one of the tables."), "table")
        return table_cards(item, table_number)
    everyone = current_cards(item)
    if scope is CardScope.CHANGED:
        wanted = set(persons or [])
        return [card for card in everyone if card["person"] in wanted]
    return everyone


# --- laying a card out ---------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet:
    width: float   # mm, the page
    height: float
    margin: float
    max_name: float  # mm, the tallest a name's letters get


SHEETS = {CardSize.A4: Sheet(210, 297, 12, 46), CardSize.A5: Sheet(148, 210, 8, 32)}


def fit(text: str, width: float, height: float, largest: float) -> tuple[float, bool]:
    """The font size (mm) at which ``text`` fills a ``width`` × ``height`` box, and whether
    it must wrap: one line when that is at least a third of the box's height, otherwise as
    many lines as fill the box. Never so large that a letter leaves the box."""
    ems = max(_ems(text), 1)
    one_line = min(largest, width / ems * 0.94, height)
    if one_line >= height / 3 or ems <= 1:
        return round(one_line, 2), False
    # Lines of width `width`, each 1.2 em high: ems * size² * 1.2 <= width * height.
    # (Lines break between words, so they are not all full: room is left for that.)
    size = math.sqrt(width * height / (ems * 1.2)) * 0.75
    return round(min(size, largest), 2), True


def layout(card: dict, size: CardSize) -> dict:
    sheet = SHEETS[size]
    width = sheet.width - 2 * sheet.margin
    half = sheet.height / 2 - 2 * sheet.margin
    name_box = half * 0.72
    native = card.get("name_native") or ""
    if native:
        native_size, native_wrap = fit(native, width, name_box * 0.4, sheet.max_name * 0.6)
        name_size, name_wrap = fit(card["name"], width, name_box * 0.6, sheet.max_name * 0.8)
    else:
        native_size, native_wrap = 0, False
        name_size, name_wrap = fit(card["name"], width, name_box, sheet.max_name)
    line = " ".join(part for part in (card.get("organisation"), card.get("title")) if part)
    line_size, _wrap = fit(line, width, half * 0.2, sheet.max_name * 0.18) if line else (0, 0)
    # Centred by a top padding worked out here: cheaper to lay out than flex or absolute
    # boxes, which matters at 600 cards.
    height = (_lines(native, native_size, width) * native_size
              + _lines(card["name"], name_size, width) * name_size) * 1.15 \
        + (_lines(line, line_size, width) * line_size * 1.3 + 3 if line else 0)
    return {**card, "top": round(max(sheet.height / 2 - height, 0) / 2, 2),
            "name_size": name_size, "name_wrap": name_wrap,
            "native_size": native_size, "native_wrap": native_wrap,
            "line": line, "line_size": line_size}


def _ems(text: str) -> float:
    """The width of ``text`` in ems, near enough: a wide (CJK) character is one, a Latin
    letter of the bold sans about 0.62."""
    wide = display_width(text) - len(text)
    return wide + (len(text) - wide) * 0.62


def _lines(text: str, size: float, width: float) -> int:
    if not text or not size:
        return 0
    return max(1, math.ceil(_ems(text) * size / width))


CSS = """
@page { size: %(width)smm %(height)smm; margin: 0; }
html { font-family: %(family)s; color: #111; }
body { margin: 0; }
.card { width: %(width)smm; height: %(height)smm; page-break-after: always; }
.card:last-child { page-break-after: auto; }
.half { box-sizing: border-box; width: %(width)smm; height: %(half)smm;
  padding: 0 %(margin)smm; text-align: center; }
.half.upper { transform: rotate(180deg); border-bottom: 0.3pt dashed #bbb; }
.native, .name { line-height: 1.15; font-weight: bold; max-width: 100%%; }
.wrap { overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
.line { color: #444; margin-top: 3mm; max-width: 100%%; overflow-wrap: anywhere; }
"""


def document(cards: list[dict], size: CardSize) -> tuple[str, str]:
    """The HTML and the styles of these cards."""
    sheet = SHEETS[size]
    html = render_template("protocol/print/cards.html", cards=[layout(c, size) for c in cards])
    return html, CSS % {
        "width": sheet.width, "height": sheet.height, "half": sheet.height / 2 - 0.05,
        "margin": sheet.margin, "family": fonts.family_css()}


def render(cards: list[dict], size: CardSize, *, processes: int = 1,
           progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF of the cards, rendered a chunk at a time, on the badge render processes when
    there are several (``processes``) and joined as they come back."""
    parts = [cards[i:i + CHUNK] for i in range(0, len(cards), CHUNK)]
    joiner = Joiner(len(parts))
    done = 0
    if processes <= 1 or len(parts) == 1:
        for index, part in enumerate(parts):
            joiner.add(index, render_document(*document(part, size)))
            done += len(part)
            if progress:
                progress(done)
        return joiner.result()
    executor = badge_render.pool(processes)
    futures = {executor.submit(render_document, *document(part, size)): index
               for index, part in enumerate(parts)}
    try:
        for future in as_completed(futures):
            index = futures[future]
            joiner.add(index, future.result())
            done += len(parts[index])
            if progress:
                progress(done)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return joiner.result()


# --- the background job --------------------------------------------------------------------

def start(actor: User, item: AgendaItem, scope: CardScope, size: CardSize, *,
          table_number: int | None = None, persons: list[str] | None = None) -> CardJob:
    require(actor, Permission.PROTOCOL_WRITE, item.summit)
    if scope is CardScope.CHART:
        return _start_chart(actor, item, size)
    cards = choose(item, scope, table_number, persons)
    if not cards:
        raise Conflict(_l("Nothing to print: nobody is seated there.") if scope is not
                       CardScope.CHANGED else _l("Nothing to print: no card changed since "
                                                 "the last print."), "scope")
    job = CardJob(key=secrets.token_urlsafe(12), summit=item.summit, item=item,
                  created_by=actor, scope=scope, size=size,
                  table_number=table_number if scope is CardScope.TABLE else None,
                  cards=cards, total=len(cards), runner=jobs.new_ticket())
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "table_cards.start", job, summit=item.summit,
                 after={"scope": scope.value, "size": size.value, "total": len(cards),
                        "table": job.table_number})
    db.session.commit()
    jobs.enqueue("table_cards", job.id, ticket=job.runner)
    return job


def _start_chart(actor: User, item: AgendaItem, size: CardSize) -> CardJob:
    """The table chart, printed by the same background job (a large banquet's chart takes
    seconds): its progress counts tables."""
    banquet = tables.banquet_for(item)
    if banquet is None:
        raise Conflict(_l("Set up the tables first."), "scope")
    job = CardJob(key=secrets.token_urlsafe(12), summit=item.summit, item=item,
                  created_by=actor, scope=CardScope.CHART, size=size, cards=[],
                  total=len(banquet.tables), runner=jobs.new_ticket())
    db.session.add(job)
    db.session.flush()
    audit.record(actor, "table_cards.start", job, summit=item.summit,
                 after={"scope": CardScope.CHART.value, "total": job.total})
    db.session.commit()
    jobs.enqueue("table_cards", job.id, ticket=job.runner)
    return job


def run_again(actor: User, job: CardJob) -> CardJob:
    require(actor, Permission.PROTOCOL_WRITE, job.summit)
    if job.status is not JobStatus.FAILED:
        raise Conflict(_l("Only a failed print can be run again."), "status")
    job.status, job.error, job.failure, job.done = JobStatus.QUEUED, "", "", 0
    job.runner = jobs.new_ticket()
    audit.record(actor, "table_cards.retry", job, summit=job.summit)
    db.session.commit()
    jobs.enqueue("table_cards", job.id, ticket=job.runner)
    return job


def recover() -> list[int]:
    """Fail the unfinished prints whose runner is gone, so they may run again."""
    failed = []
    for job in db.session.scalars(select(CardJob).where(CardJob.status.in_(UNFINISHED))):
        if not jobs.runner_gone(job.runner):
            continue
        changed = db.session.execute(
            update(CardJob).where(CardJob.id == job.id, CardJob.runner == job.runner,
                                  CardJob.status == job.status)
            .values(status=JobStatus.FAILED, failure=INTERRUPTED, finished_at=utcnow())
            .execution_options(synchronize_session=False)).rowcount
        if changed:
            audit.record(None, "table_cards.interrupted", job, summit=job.summit,
                         after={"status": JobStatus.FAILED.value})
            failed.append(job.id)
    db.session.commit()
    return failed


def _failed(job_id: int, message: str) -> None:
    metrics.JOBS_FAILED.labels("table_cards").inc()
    db.session.rollback()
    db.session.execute(update(CardJob).where(CardJob.id == job_id).values(
        status=JobStatus.FAILED, finished_at=utcnow(), error=message[:500]))
    db.session.commit()


def _progress(job_id: int, done: int) -> None:
    db.session.execute(update(CardJob).where(CardJob.id == job_id).values(done=done))
    db.session.commit()


def run(job_id: int) -> None:
    """The background part: the cards into one PDF, a chunk at a time (progress after each),
    then what each card said is remembered as printed; or the table chart."""
    job = db.session.get(CardJob, job_id)
    if job is None or job.status is JobStatus.DONE:
        return
    job.status, job.started_at, job.done = JobStatus.RUNNING, utcnow(), 0
    job.runner = jobs.this_process()
    cards, size, chart = list(job.cards), job.size, job.scope is CardScope.CHART
    db.session.commit()
    try:
        if chart:
            item = db.session.get(AgendaItem, job.item_id)
            banquet = tables.banquet_for(item)
            if banquet is None:
                raise Conflict(_l("Set up the tables first."), "scope")
            pdf = tables.chart_pdf(item, tables.compute(item, banquet))
        else:
            pdf = render(cards, size,
                         processes=current_app.config.get("BADGE_RENDER_PROCESSES") or
                         os.cpu_count() or 1, progress=lambda done: _progress(job_id, done))
    except Conflict as error:
        _failed(job_id, str(error))
        return
    except Exception as error:
        log.exception("Table cards %s failed", job_id)
        _failed(job_id, str(_l("Printing failed: %(reason)s", reason=type(error).__name__)))
        return
    token = uploads.store_for_commit(UPLOAD_KIND, pdf, {"job": job_id})
    job = db.session.get(CardJob, job_id)
    now = utcnow()
    job.status, job.done, job.file_token, job.file_size, job.finished_at = (
        JobStatus.DONE, job.total, token, len(pdf), now)
    if not chart:
        _remember(job, cards, now)
    audit.record(None, "table_cards.printed", job, summit=job.summit,
                 after={"total": job.total})
    db.session.commit()


def _remember(job: CardJob, cards: list[dict], now) -> None:
    """Each printed card's person, name and place, for "what moved since the last print"."""
    persons = [c["person"] for c in cards]
    known = {p.person: p for p in db.session.scalars(select(CardPrint).where(
        CardPrint.item_id == job.item_id, CardPrint.person.in_(persons)))}
    for card in cards:
        row = known.get(card["person"])
        if row is None:
            row = CardPrint(item_id=job.item_id, person=card["person"])
            db.session.add(row)
        row.name, row.place, row.job_id, row.printed_at = (
            card["name"][:200], card["place"], job.id, now)


def get(summit: Summit, key: str) -> CardJob:
    job = db.session.scalar(select(CardJob).where(CardJob.key == key,
                                                  CardJob.summit_id == summit.id))
    if job is None:
        raise NotFound(_l("No such print of table cards."))
    return job


def recent(item: AgendaItem, limit: int = 10) -> list[CardJob]:
    return list(db.session.scalars(select(CardJob).where(CardJob.item_id == item.id)
                                   .order_by(CardJob.id.desc()).limit(limit)))


def pdf_of(actor: User, job: CardJob) -> bytes:
    require(actor, Permission.PROTOCOL_READ, job.summit)
    if job.status is not JobStatus.DONE or not job.file_token:
        raise Conflict(_l("These cards have no PDF yet."), "status")
    data, _meta = uploads.load(UPLOAD_KIND, job.file_token)
    return data


def status_json(job: CardJob) -> dict:
    error = str(_l("The server stopped while these cards were printing. Run it again.")) \
        if job.failure == INTERRUPTED else job.error
    return {"status": job.status.value, "label": str(STATUS_LABELS[job.status]),
            "done": job.done, "total": job.total, "percent": job.percent, "error": error}
