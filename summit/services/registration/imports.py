"""Import of registrations from Excel (openpyxl) or CSV, all or nothing.

``read_upload`` turns a file into rows with ``core.spreadsheets``, which refuses what is not a
clean table (not Excel, a renamed zip, empty, too many rows, merged cells, formulas).
``check_rows`` validates every
row and flags duplicates, producing a report that names row, column and reason.
``import_rows`` writes either every row or, when the user asks, only the valid ones, in one
transaction under the summit lock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from summit import sealing
from summit.database import utcnow
from summit.extensions import db
from summit.models import (
    HOLDS_PLACE,
    Delegation,
    Diet,
    IdDocumentType,
    Registration,
    RegistrationStatus,
    Summit,
    User,
)
from summit.permissions import Permission, can
from summit.services.core import audit, spreadsheets, uploads
from summit.services.core.errors import (
    Conflict,
    DomainError,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from summit.services.core.spreadsheets import Column, RowProblem
from summit.services.registration import submission as reg
from summit.services.summits import settings as summits

COLUMNS = (
    Column("name", _l("Name as on ID"), True),
    Column("name_native", _l("Name in native script (e.g. Tibetan)")),
    Column("name_pinyin", _l("Name in pinyin")),
    Column("organisation_name", _l("Organisation"), True, 24),
    Column("position", _l("Position"), True),
    Column("category", _l("Category"), True),
    Column("email", _l("Email"), True, 24),
    Column("phone", _l("Mobile phone"), True),
    Column("id_type", _l("ID document")),
    Column("id_number", _l("ID document number"), False, 22),
    Column("diet", _l("Diet")),
    Column("diet_note", _l("Diet details")),
    Column("arrival_date", _l("Arrival date")),
    Column("arrival_time", _l("Arrival time")),
    Column("arrival_transport", _l("Arrival flight or train number")),
    Column("departure_date", _l("Departure date")),
    Column("departure_time", _l("Departure time")),
    Column("departure_transport", _l("Departure flight or train number")),
    Column("hotel", _l("Hotel")),
    Column("room_sharing", _l("Share a room with")),
)
BY_KEY = {column.key: column for column in COLUMNS}
TEXT_KEYS = ("name", "name_native", "name_pinyin", "organisation_name", "position", "email",
             "phone", "id_number", "diet_note", "arrival_transport", "departure_transport",
             "hotel", "room_sharing")


@dataclass
class CheckedRow:
    row: int
    details: reg.RegistrationDetails | None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.details is not None and not self.problems


@dataclass
class ImportReport:
    rows: list[CheckedRow]

    @property
    def valid_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.valid]

    @property
    def problems(self) -> list[RowProblem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if not row.valid)


# --- reading -----------------------------------------------------------------------------

def read_upload(filename: str, data: bytes) -> list[dict[str, str]]:
    """The data rows as {column key: text}; header row matched by key or label."""
    return spreadsheets.read_table(data, COLUMNS)


# --- the checked file, kept until the import is confirmed ---------------------------------
# Staged in ``core.uploads``: no row ever names it, so it is usable for a day and purged
# after, whether or not it was imported (an import discards it at once).

STAGED = "imports"


def stage_upload(actor: User, summit: Summit, delegation: Delegation | None,
                 data: bytes) -> str:
    uploads.purge_now_and_then(STAGED, _never_attached)
    return uploads.store(STAGED, data, {"user_id": actor.id, "summit_id": summit.id,
                                        "delegation_id": delegation.id if delegation else None})


def staged_upload(actor: User, summit: Summit, delegation: Delegation | None,
                  token: str) -> bytes:
    """The file ``actor`` checked for this summit and delegation; NotFound once expired."""
    data, meta = uploads.load(STAGED, token, max_age=uploads.USABLE_FOR)
    if (meta.get("user_id"), meta.get("summit_id"), meta.get("delegation_id")) != (
            actor.id, summit.id, delegation.id if delegation else None):
        raise NotFound(_l("This upload has expired. Upload the file again."), "token")
    return data


def discard_upload(token: str) -> None:
    uploads.discard(STAGED, token)


def _never_attached(tokens: list[str]) -> set[str]:
    return set()


def purge_staged() -> int:
    """Delete checked files older than a day; how many went."""
    return uploads.purge(STAGED, _never_attached)


# --- checking ----------------------------------------------------------------------------

def _parse_date(text: str) -> date | None:
    if not text:
        return None
    return date.fromisoformat(text[:10].replace("/", "-"))


def _parse_time(text: str) -> time | None:
    if not text:
        return None
    return time.fromisoformat(text if len(text) > 5 else text.zfill(5))


def _choice(enum_class, text: str, labels: dict | None = None):
    text = (text or "").strip()
    if not text:
        return None
    for member in enum_class:
        if text.lower() == member.value or (labels and text == str(labels.get(member, ""))):
            return member
    raise ValueError(text)


def _check_row(summit: Summit, number: int, values: dict[str, str],
               locale: str) -> CheckedRow:

    checked = CheckedRow(row=number, details=None)

    def problem(key: str, message: object) -> None:
        checked.problems.append(RowProblem(number, str(BY_KEY[key].label), str(message)))

    for column in COLUMNS:
        text = values.get(column.key, "")
        if column.required and not text:
            problem(column.key, _l("Required."))
        if len(text) > 500:
            problem(column.key, _l("At most %(n)d characters.", n=500))
    parsed: dict = {}
    for key, parse in (("arrival_date", _parse_date), ("departure_date", _parse_date),
                       ("arrival_time", _parse_time), ("departure_time", _parse_time)):
        try:
            parsed[key] = parse(values.get(key, ""))
        except ValueError:
            problem(key, _l("Write dates as YYYY-MM-DD and times as HH:MM."))
    try:
        parsed["diet"] = _choice(Diet, values.get("diet", ""), reg.DIET_LABELS) or Diet.NONE
    except ValueError:
        problem("diet", _l("Use one of: %(values)s", values=", ".join(d.value for d in Diet)))
    try:
        parsed["id_type"] = _choice(IdDocumentType, values.get("id_type", ""),
                                    reg.ID_LABELS)
    except ValueError:
        problem("id_type", _l("Use one of: %(values)s",
                              values=", ".join(t.value for t in IdDocumentType)))
    if values.get("email"):
        try:
            validate_email(values["email"], check_deliverability=False)
        except EmailNotValidError:
            problem("email", _l("Not a valid email address."))
    if values.get("category") and values["category"] not in {c.code for c in summit.categories}:
        problem("category", _l("Use one of: %(values)s",
                               values=", ".join(c.code for c in summit.categories)))
    if checked.problems:
        return checked
    text = {key: values.get(key, "")[:500] for key in TEXT_KEYS}
    details = reg.RegistrationDetails(category=values["category"], locale=locale,
                                      arrival_pickup=False, departure_pickup=False,
                                      **text, **parsed)
    try:
        checked.details = reg.clean_details(details)
    except ValidationFailed as error:
        key = error.field if error.field in BY_KEY else "name"
        problem(key, error.message)
    return checked


def check_rows(summit: Summit, rows: list[dict[str, str]], locale: str = "zh_Hans"
               ) -> ImportReport:
    report = ImportReport([_check_row(summit, number, values, locale)
                           for number, values in enumerate(rows, start=2)])
    # ID numbers are compared by their keyed hash: they are sealed (summit/sealing.py).
    existing = db.session.execute(
        db.select(Registration.email, Registration.id_number_hash, Registration.name,
                  Registration.phone).where(Registration.summit_id == summit.id)).all()
    taken_emails = {row.email for row in existing}
    taken_ids = {row.id_number_hash for row in existing if row.id_number_hash}
    ring = sealing.keyring()
    taken_people = {(row.name, row.phone) for row in existing}
    seen: dict[tuple, int] = {}
    for checked in report.rows:
        details = checked.details
        if details is None:
            continue
        email = details.email.strip().lower()
        keys = [("email", email, _l("Email"))]
        if details.id_number:
            keys.append(("id", details.id_number, _l("ID document number")))
        keys.append(("person", (details.name.strip(), details.phone), _l("Name as on ID")))
        for kind, value, label in keys:
            if (kind, value) in seen:
                checked.problems.append(RowProblem(checked.row, str(label), str(_l(
                    "Duplicate of row %(row)d.", row=seen[(kind, value)]))))
            else:
                seen[(kind, value)] = checked.row
        if email in taken_emails:
            checked.problems.append(RowProblem(checked.row, str(_l("Email")), str(_l(
                "Already registered for this summit."))))
        elif (details.id_number and not taken_ids.isdisjoint(ring.digests(details.id_number))
              or (details.name.strip(), details.phone) in taken_people):
            checked.problems.append(RowProblem(checked.row, str(_l("Name as on ID")), str(_l(
                "The same person (ID number, or name and phone) is already registered."))))
    return report


# --- writing -----------------------------------------------------------------------------

def import_rows(actor: User, summit: Summit, report: ImportReport, *,
                delegation: Delegation | None = None, valid_only: bool = False,
                now: datetime | None = None) -> list[Registration]:
    """Write the rows. With errors and not ``valid_only``, nothing is written."""
    now = now or utcnow()
    staff = can(actor, Permission.REGISTRATIONS_MANAGE, summit)
    if not staff and (delegation is None or delegation.registrar_id != actor.id):
        raise NotAllowed(_l("You do not have permission to do this."))
    if report.error_count and not valid_only:
        raise DomainError(_l("Nothing was imported: %(n)d rows have errors. Fix them, or "
                             "choose to import only the valid rows.", n=report.error_count))
    rows = report.valid_rows
    if not rows:
        raise DomainError(_l("There are no valid rows to import."))
    categories = {c.code: c for c in summit.categories}
    summits.lock_summit(summit)
    holding = Registration.status.in_(HOLDS_PLACE)
    count = db.func.count(Registration.id)
    in_summit = db.session.scalar(db.select(count).where(Registration.summit_id == summit.id,
                                                          holding))
    by_category = dict(db.session.execute(
        db.select(Registration.category_id, count)
        .where(Registration.summit_id == summit.id, holding)
        .group_by(Registration.category_id)).all())
    if delegation is not None:
        used = db.session.scalar(db.select(count).where(
            Registration.delegation_id == delegation.id,
            Registration.status.in_(HOLDS_PLACE + (RegistrationStatus.WAITLISTED,))))
        if used + len(rows) > delegation.quota:
            db.session.rollback()
            raise Conflict(_l("Nothing was imported: %(rows)d rows would exceed the "
                              "delegation's quota of %(quota)d (%(used)d used).",
                              rows=len(rows), quota=delegation.quota, used=used), "file")
    created = []
    for checked in rows:
        details = checked.details
        category = categories[details.category]
        room = (summit.capacity is None or in_summit < summit.capacity) and (
            category.capacity is None or by_category.get(category.id, 0) < category.capacity)
        status = RegistrationStatus.PENDING if room else RegistrationStatus.WAITLISTED
        if room:
            in_summit += 1
            by_category[category.id] = by_category.get(category.id, 0) + 1
        registration = Registration(summit=summit, category=category, delegation=delegation,
                                    status=status, created_at=now, locale=details.locale)
        reg.apply_details(registration, details)
        created.append(registration)
    db.session.add_all(created)
    db.session.flush()
    for registration in created:
        audit.record(actor, "registration.import", registration, summit=summit, now=now,
                     after=audit.snapshot(registration, reg.AUDITED))
    db.session.commit()
    return created
