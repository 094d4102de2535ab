"""Reports on agreements: the ledger and the dashboard as Excel, and the printable monthly
report as a PDF (WeasyPrint, A4, set in the badge fonts so Chinese prints).

Amounts are written exactly (yuan, two decimals) beside the 万元/亿元 text people read.
"""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import weasyprint
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import func

from summit.extensions import db
from summit.models import Agreement, AgreementUpdate, PartySide, Summit
from summit.services.agreements import signing as agreements, stats as agreement_stats
from summit.services.agreements.stats import Summary
from summit.services.core import exports, fonts, money, pdf

MONEY_FORMAT = "#,##0.00"


def _party_text(agreement: Agreement, side: PartySide) -> str:
    return "；".join(
        p.organisation + (f" · {p.signatory_name}" if p.signatory_name else "")
        + (f"（{p.signatory_title}）" if p.signatory_title else "")
        for p in agreement.parties_on(side))


def _sheet(book: exports.Book, title: str, header: list, rows: list[list],
           money_columns: tuple[int, ...] = ()) -> None:
    sheet = book.sheet(title, header, bold=True, freeze=True)
    sheet.extend(rows)
    for index in money_columns:
        sheet.number_format(index, MONEY_FORMAT)
    sheet.widths([18] * len(header))


LEDGER_HEADER = (
    _l("ID"), _l("Summit"), _p("agreement", "Title"), _l("Kind"), _l("County"), _l("Sector"),
    _l("Amount (yuan)"), _l("Amount"), _l("The amount is"), _l("Side A"), _l("Side B"),
    _l("Witnessed by"), _l("Signed at"), _l("Signed on stage"), _l("Expected jobs"),
    _l("Households helped"), _l("Status"), _l("Termination reason"),
    _l("Funds in place (yuan)"), _l("Funds in place"), _l("Upgrades"), _l("Upgraded by"),
    _l("Last update"),
)


def ledger_xlsx(rows: list[Agreement], language: str, zone: str = "Asia/Shanghai") -> bytes:
    local = ZoneInfo(zone)
    data = [[
        a.id, a.summit.slug, a.title, str(agreements.KIND_LABELS[a.kind]), a.county, a.sector,
        a.amount, money.format_amount(a.amount, language),
        str(agreements.AMOUNT_KIND_LABELS[a.amount_kind]), _party_text(a, PartySide.A),
        _party_text(a, PartySide.B), "、".join(a.witness_list),
        a.signed_at, "✓" if a.on_stage else "",
        a.expected_jobs, a.households_helped, str(agreements.STATUS_LABELS[a.status]),
        a.terminated_reason, a.funds_in_place, money.format_amount(a.funds_in_place, language),
        a.predecessor.title if a.predecessor else "",
        a.successor.title if a.successor else "",
        a.last_activity_at.astimezone(local).date()] for a in rows]
    workbook = exports.Book(zone)
    _sheet(workbook, str(_l("Agreements")), list(LEDGER_HEADER), data, (7, 19))
    return workbook.save()


def _group_rows(groups, label_of=None) -> list[list]:
    rows = []
    for g in groups:
        rates = g.rates
        rows.append([str(label_of[g.key]) if label_of else g.key, g.count, g.amount, g.funds]
                    + [float(rates[k]) if rates[k] is not None else None
                       for k in ("performance", "construction", "landing", "funds")])
    return rows


def dashboard_xlsx(summary: Summary) -> bytes:
    workbook = exports.Book(summary.scope.timezone)
    local = ZoneInfo(summary.scope.timezone)
    header = [_l("Group"), _l("Agreements"), _l("Amount (yuan)"), _l("Funds in place (yuan)"),
              _l("Performance rate (%)"), _l("Construction start rate (%)"),
              _l("Landing rate (%)"), _l("Funds in place rate (%)")]
    _sheet(workbook, str(_l("Totals")), header,
           _group_rows([summary.total], {"total": _l("All counted agreements")}), (3, 4))
    for title, groups, label_of in (
            (_l("By status"), summary.by_status, agreements.STATUS_LABELS),
            (_l("By county"), summary.by_county, None),
            (_l("By sector"), summary.by_sector, None),
            (_l("By kind"), summary.by_kind, agreements.KIND_LABELS)):
        _sheet(workbook, str(title), header, _group_rows(groups, label_of), (3, 4))
    _sheet(workbook, str(_l("Funds by month")),
           [_l("Month"), _l("Arrived (yuan)"), _l("Cumulative (yuan)")],
           [list(row) for row in summary.funds_by_month], (2, 3))
    _sheet(workbook, str(_l("No recent update")),
           [_l("ID"), _p("agreement", "Title"), _l("County"), _l("Status"), _l("Last update")],
           [[a.id, a.title, a.county, str(agreements.STATUS_LABELS[a.status]),
             a.last_activity_at.astimezone(local).date()] for a in summary.stale])
    _sheet(workbook, str(_l("Definitions")), [_l("Rate"), _l("Definition")],
           [[str(label), str(text)] for _k, label, text in agreement_stats.RATE_DEFINITIONS]
           + [["", str(agreement_stats.COUNTED_NOTE)]])
    return workbook.save()


def month_entries(summits: list[Summit], month: date) -> list[AgreementUpdate]:
    """The follow-up entries of a calendar month (by the date they happened), for the report."""
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return list(db.session.scalars(
        db.select(AgreementUpdate).join(Agreement)
        .where(Agreement.summit_id.in_([s.id for s in summits]),
               AgreementUpdate.happened_on >= start, AgreementUpdate.happened_on < end)
        .options(db.contains_eager(AgreementUpdate.agreement))
        .order_by(AgreementUpdate.happened_on, AgreementUpdate.id).limit(500)))


def last_month(summits: list[Summit]) -> date | None:
    """The latest month with a follow-up entry (else with a signing): where the monthly
    report opens, rather than on the current month, which may have nothing yet."""
    ids = [s.id for s in summits]
    month = db.session.scalar(db.select(func.max(AgreementUpdate.happened_month)).join(
        Agreement).where(Agreement.summit_id.in_(ids)))
    if month:
        return date.fromisoformat(month + "-01")
    signed = db.session.scalar(db.select(func.max(Agreement.signed_at)).where(
        Agreement.summit_id.in_(ids)))
    return signed.date().replace(day=1) if signed else None


def pdf_from_html(html: str) -> bytes:
    """A4 PDF of the report page; fonts are the badge fonts (fast CJK cut, then Noto)."""
    css = pdf.font_css() + f"body {{ font-family: {fonts.family_css()}; }}"
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=css)])
