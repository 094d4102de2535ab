"""Import of an existing ledger of agreements from Excel, all or nothing.

The sheet is read by ``core.spreadsheets`` (which refuses renamed zips, merged
cells, formulas and oversized files); every row is then checked by the same rules as the
signing form (``agreements.prepare_agreement``). One broken row and nothing is written: the
report names row, column and reason, and can be downloaded like the registration report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

from summit.database import utcnow
from summit.extensions import db
from summit.models import AgreementKind, AgreementStatus, AmountKind, PartySide, Summit, User
from summit.permissions import Permission, require
from summit.services.agreements import signing as agreements
from summit.services.core import exports, spreadsheets
from summit.services.core.errors import DomainError, ValidationFailed
from summit.services.core.spreadsheets import Column, RowProblem

MAX_BYTES = spreadsheets.MAX_BYTES
COLUMNS = (
    Column("title", _p("agreement", "Title"), True, 30),
    Column("kind", _l("Kind"), True),
    Column("county", _l("County"), True),
    Column("sector", _l("Sector"), True),
    Column("amount", _l("Amount (yuan)"), True),
    Column("amount_kind", _l("The amount is")),
    Column("signed_at", _l("Signed at"), True),
    Column("on_stage", _l("Signed on stage")),
    Column("party_a", _l("Side A: organisation"), True, 24),
    Column("party_a_signatory", _l("Side A: signatory")),
    Column("party_a_title", _l("Side A: signatory's title")),
    Column("party_b", _l("Side B: organisation"), True, 24),
    Column("party_b_signatory", _l("Side B: signatory")),
    Column("party_b_title", _l("Side B: signatory's title")),
    Column("witnesses", _l("Witnessing leaders (one per line)")),
    Column("expected_jobs", _l("Expected jobs")),
    Column("households_helped", _l("Households helped")),
    Column("status", _l("Status")),
    Column("terminated_reason", _l("Termination reason")),
    Column("funds_in_place", _l("Funds in place (yuan)")),
)
BY_KEY = {column.key: column for column in COLUMNS}
FIELD_COLUMN = {"parties": "party_a", "reason": "terminated_reason"}
YES = {"1", "y", "yes", "true", "是", "✓", "√", "x"}


@dataclass
class LedgerReport:
    rows: int = 0
    prepared: list = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len({problem.row for problem in self.problems})


def header_text(column: Column) -> str:
    return spreadsheets.header_text(column)


def read_ledger(data: bytes) -> list[dict[str, str]]:
    """The ledger's rows by column key: Excel only (the shared reader checks the rest)."""
    if data and data[:4] != b"PK\x03\x04":
        raise ValidationFailed(_l("This file is damaged or not an Excel workbook."), "file")
    return spreadsheets.read_table(data, COLUMNS)


def _choice(enum_class, labels: dict, text: str, default=None):
    text = (text or "").strip()
    if not text:
        if default is None:
            raise ValueError(text)
        return default
    for member in enum_class:
        if text.lower() == member.value or text == str(labels[member]):
            return member
    raise ValueError(text)


def _whole(text: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _details(values: dict[str, str], zone: str, problem) -> agreements.AgreementDetails | None:
    parsed: dict = {}
    for key, enum_class, labels, default in (
            ("kind", AgreementKind, agreements.KIND_LABELS, None),
            ("amount_kind", AmountKind, agreements.AMOUNT_KIND_LABELS, AmountKind.AGREEMENT),
            ("status", AgreementStatus, agreements.STATUS_LABELS, AgreementStatus.SIGNED)):
        try:
            parsed[key] = _choice(enum_class, labels, values.get(key, ""), default)
        except ValueError:
            problem(key, _l("Use one of: %(values)s", values=", ".join(
                f"{m.value} ({labels[m]})" for m in enum_class)))
    try:
        text = values.get("signed_at", "").strip().replace("/", "-")
        signed = datetime.fromisoformat(text) if text else None
        parsed["signed_at"] = signed.replace(tzinfo=ZoneInfo(zone)) if signed else None
    except ValueError:
        problem("signed_at", _l("Write dates as YYYY-MM-DD and times as HH:MM."))
    for key in ("expected_jobs", "households_helped"):
        try:
            parsed[key] = _whole(values.get(key, ""))
        except ValueError:
            problem(key, _l("Enter a whole number from 0 to %(n)d.", n=agreements.MAX_COUNT))
    if len(parsed) < 6:
        return None
    parties = [agreements.PartyDetails(side, values.get(prefix, ""),
                                       values.get(f"{prefix}_signatory", ""),
                                       values.get(f"{prefix}_title", ""))
               for side, prefix in ((PartySide.A, "party_a"), (PartySide.B, "party_b"))]
    return agreements.AgreementDetails(
        title=values.get("title", ""), county=values.get("county", ""),
        sector=values.get("sector", ""), amount=values.get("amount", ""), parties=parties,
        on_stage=values.get("on_stage", "").strip().lower() in YES,
        witnesses=values.get("witnesses", "").replace("、", "\n"),
        terminated_reason=values.get("terminated_reason", ""),
        funds_in_place=values.get("funds_in_place", "") or None, **parsed)


def check_ledger(actor: User, summit: Summit, rows: list[dict[str, str]], *,
                 confirm: bool = False, now: datetime | None = None) -> LedgerReport:
    require(actor, Permission.AGREEMENTS_WRITE, summit)
    now = now or utcnow()
    report = LedgerReport(rows=len(rows))
    for number, values in enumerate(rows, start=2):
        def problem(key: str, message: object, number: int = number) -> None:
            report.problems.append(RowProblem(number, str(BY_KEY[key].label), str(message)))

        for column in COLUMNS:
            if len(values.get(column.key, "")) > 2000:
                problem(column.key, _l("At most %(n)d characters.", n=2000))
        details = _details(values, summit.timezone, problem)
        if details is None:
            continue
        try:
            report.prepared.append(agreements.prepare_agreement(
                actor, summit, details, confirm=confirm, now=now))
        except DomainError as error:
            key = FIELD_COLUMN.get(error.field, error.field)
            problem(key if key in BY_KEY else "title", error.message)
    return report


def import_ledger(actor: User, summit: Summit, report: LedgerReport,
                  now: datetime | None = None) -> int:
    """Write every row in one transaction, or nothing when any row has a problem."""
    require(actor, Permission.AGREEMENTS_WRITE, summit)
    if report.problems:
        raise DomainError(_l("Nothing was imported: %(n)d rows have errors. Fix them and "
                             "upload the file again.", n=report.error_count), "file")
    now = now or utcnow()
    try:
        for prepared in report.prepared:
            agreements.write_prepared(actor, prepared, now, action="agreement.import")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(report.prepared)


def template_xlsx(summit: Summit) -> bytes:
    example = {"title": "农村电商战略合作协议", "kind": "strategic", "county": "康定市",
               "sector": "农村电商", "amount": "50000000.00", "amount_kind": "agreement",
               "signed_at": f"{min(summit.starts_on, utcnow().date()).isoformat()} 10:30",
               "on_stage": "是",
               "party_a": "甘孜藏族自治州人民政府", "party_a_signatory": "李兴文",
               "party_a_title": "副州长", "party_b": "某电子商务有限公司",
               "party_b_signatory": "", "party_b_title": "董事长", "witnesses": "",
               "expected_jobs": "200", "households_helped": "1000", "status": "signed"}
    allowed = {
        "kind": ", ".join(k.value for k in AgreementKind),
        "amount_kind": ", ".join(k.value for k in AmountKind),
        "status": ", ".join(s.value for s in AgreementStatus),
        "signed_at": "YYYY-MM-DD HH:MM", "amount": str(_l("yuan, at most two decimals")),
        "funds_in_place": str(_l("yuan, at most two decimals")), "on_stage": "是 / 否"}
    return exports.import_template("agreements", COLUMNS, example, allowed)
