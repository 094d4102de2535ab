"""Organisers describe the desks (printer pools) and their printers, and what each desk's
staff may do with walk-ins."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from summit.extensions import db
from summit.models import AttendeeCategory, BadgeSize, Printer, PrinterPool, Summit, User
from summit.permissions import Permission, require
from summit.services.core import audit
from summit.services.core.errors import ValidationFailed
from summit.services.desk import ipp

PAPER_LABELS = {
    BadgeSize.A6: _l("A6 (105 × 148 mm)"),
    BadgeSize.CR80: _l("Card CR80 (85.6 × 54 mm)"),
    BadgeSize.A4_SHEET: _l("A4 sheet"),
}


def pools(summit: Summit) -> list[PrinterPool]:
    return list(db.session.scalars(select(PrinterPool).where(
        PrinterPool.summit_id == summit.id).order_by(PrinterPool.name, PrinterPool.id)))


def all_printers(summit: Summit) -> list[Printer]:
    """The printers of every desk of the summit (a failed job may go to any of them)."""
    return list(db.session.scalars(select(Printer).where(
        Printer.summit_id == summit.id, Printer.pool_id.is_not(None))
        .order_by(Printer.name, Printer.id)))


def _name(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_l("Give a name."), field)
    if len(value) > 80:
        raise ValidationFailed(_l("At most %(count)d characters.", count=80), field)
    return value


def save_pool(actor: User, summit: Summit, *, name: str, kiosk: bool = False,
              walk_in_categories: list[AttendeeCategory] = (), walk_in_approve: bool = False,
              pool: PrinterPool | None = None, now: datetime | None = None) -> PrinterPool:
    require(actor, Permission.BADGES_MANAGE, summit)
    name = _name(name, "name")
    if any(c.summit_id != summit.id for c in walk_in_categories):
        raise ValidationFailed(_l("Choose categories of this summit."), "walk_in_categories")
    before = None
    if pool is None:
        pool = PrinterPool(summit=summit)
        db.session.add(pool)
    else:
        before = {"name": pool.name, "kiosk": pool.kiosk,
                  "walk_in_category_ids": pool.walk_in_category_ids,
                  "walk_in_approve": pool.walk_in_approve}
    pool.name, pool.kiosk = name, kiosk
    pool.walk_in_category_ids = sorted(c.id for c in walk_in_categories)
    pool.walk_in_approve = walk_in_approve
    db.session.flush()
    audit.record(actor, "desk.save", pool, summit=summit, now=now, before=before,
                 after={"name": name, "kiosk": kiosk,
                        "walk_in_category_ids": pool.walk_in_category_ids,
                        "walk_in_approve": walk_in_approve})
    db.session.commit()
    return pool


def check_uri(uri: str) -> str:
    uri = (uri or "").strip()
    parts = urlsplit(uri)
    if parts.scheme not in ("ipp", "ipps") or not parts.hostname or len(uri) > 300:
        raise ValidationFailed(_l("A printer address looks like ipp://192.168.1.20:631/ipp/"
                                  "print (ipp:// or ipps://)."), "uri")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValidationFailed(_l("A printer address looks like ipp://192.168.1.20:631/ipp/"
                                  "print (ipp:// or ipps://)."), "uri") from None
    return uri


def add_printer(actor: User, pool: PrinterPool, *, name: str, uri: str, paper: BadgeSize,
                now: datetime | None = None) -> Printer:
    require(actor, Permission.BADGES_MANAGE, pool.summit)
    name, uri = _name(name, "name"), check_uri(uri)
    position = max((p.position for p in pool.printers), default=-1) + 1
    printer = Printer(summit=pool.summit, pool=pool, name=name, uri=uri, paper=paper,
                      position=position)
    db.session.add(printer)
    db.session.flush()
    audit.record(actor, "printer.add", printer, summit=pool.summit, now=now,
                 after={"desk": pool.name, "name": name, "uri": uri, "paper": paper.value})
    db.session.commit()
    return printer


def remove_printer(actor: User, printer: Printer, now: datetime | None = None) -> None:
    require(actor, Permission.BADGES_MANAGE, printer.summit)
    audit.record(actor, "printer.remove", printer, summit=printer.summit, now=now,
                 before={"name": printer.name, "uri": printer.uri})
    printer.pool = None
    db.session.commit()


def states(pool: PrinterPool) -> dict[int, str]:
    """Each printer's state in the printer's words, asked now (a short wait each)."""
    found = {}
    for printer in pool.printers:
        try:
            state = ipp.printer_state(printer.uri, timeout=1.0)
            found[printer.id] = state.state if state.usable else state.why_not()
        except ipp.IppError as error:
            found[printer.id] = str(error)
    return found
