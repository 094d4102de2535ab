"""Arrivals and departures from Excel or CSV, with the registration import's row report
(its ``ImportReport``, the same page and the same error workbook):
every row checked (row, column, reason), then all written or, when asked, the valid ones.
The file is read by ``core.spreadsheets`` and staged like a registration import's."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.models import Registration, Summit, TravelMode, TripDirection, User
from summit.permissions import Permission, require
from summit.services.core import audit, exports, spreadsheets
from summit.services.core.errors import DomainError, ValidationFailed
from summit.services.core.spreadsheets import Column, RowProblem
from summit.services.reception import trips
from summit.services.registration.imports import ImportReport

COLUMNS = (
    Column("email", _l("Email"), True, 24),
    Column("direction", _l("Arrival or departure"), True),
    Column("mode", _l("By"), True),
    Column("number", _l("Flight or train number")),
    Column("place", _l("Airport or station"), True, 20),
    Column("date", _l("Date"), True),
    Column("time", _l("Time"), True),
)
BY_KEY = {column.key: column for column in COLUMNS}


@dataclass
class CheckedTrip:
    row: int
    registration: Registration | None = None
    details: trips.TripDetails | None = None
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.details is not None and not self.problems


def read_upload(data: bytes) -> list[dict[str, str]]:
    return spreadsheets.read_table(data, COLUMNS)


def _enum(enum_class, text: str, labels: dict):
    for member in enum_class:
        if text.lower() == member.value or text == str(labels[member]):
            return member
    raise ValueError(text)


def check_rows(actor: User, summit: Summit, rows: list[dict[str, str]]) -> ImportReport:
    require(actor, Permission.RECEPTION_MANAGE, summit)
    people = {r.email.lower(): r for r in db.session.scalars(
        db.select(Registration).where(Registration.summit_id == summit.id))}
    seen: set[tuple[int, TripDirection]] = set()
    report = ImportReport(rows=[])
    for number, values in enumerate(rows, start=2):
        checked = CheckedTrip(row=number)
        report.rows.append(checked)

        def problem(key: str, message: object, checked=checked, number=number) -> None:
            checked.problems.append(RowProblem(number, str(BY_KEY[key].label), str(message)))

        for column in COLUMNS:
            if column.required and not values.get(column.key):
                problem(column.key, _l("Required."))
        if checked.problems:
            continue
        checked.registration = people.get(values["email"].lower())
        if checked.registration is None:
            problem("email", _l("No one registered for this summit with this email."))
        try:
            direction = _enum(TripDirection, values["direction"], trips.DIRECTION_LABELS)
        except ValueError:
            problem("direction", _l("Use one of: %(values)s", values="arrival, departure"))
        try:
            mode = _enum(TravelMode, values["mode"], trips.MODE_LABELS)
        except ValueError:
            problem("mode", _l("Use one of: %(values)s", values="flight, train, road"))
        try:
            at = datetime.combine(date.fromisoformat(values["date"][:10].replace("/", "-")),
                                  time.fromisoformat(values["time"].zfill(5)))
        except ValueError:
            problem("date", _l("Write dates as YYYY-MM-DD and times as HH:MM."))
        if checked.problems:
            continue
        key = (checked.registration.id, direction)
        if key in seen:
            problem("email", _l("This person's trip is in the file twice."))
            continue
        seen.add(key)
        try:
            trips.clean_number(mode, values.get("number", ""))
            trips.clean_place(values["place"])
        except ValidationFailed as error:
            problem(error.field if error.field in BY_KEY else "number", error.message)
            continue
        checked.details = trips.TripDetails(direction=direction, mode=mode,
                                            number=values.get("number", ""),
                                            place=values["place"], at=at)
    return report


def import_rows(actor: User, summit: Summit, report: ImportReport, *,
                valid_only: bool = False) -> int:
    """Write the trips, all or (when asked) the valid ones, in one transaction."""
    require(actor, Permission.RECEPTION_MANAGE, summit)
    if report.error_count and not valid_only:
        raise DomainError(_l("Nothing was imported: %(n)d rows have errors. Fix them, or "
                             "choose to import only the valid rows.", n=report.error_count))
    rows = report.valid_rows
    if not rows:
        raise DomainError(_l("There are no valid rows to import."))
    written = []
    try:
        for checked in rows:
            trip, before = trips.apply(checked.registration, checked.details,
                                       trips.trips_of(checked.registration))
            written.append((trip, before))
        db.session.flush()
    except ValidationFailed as error:
        db.session.rollback()
        raise DomainError(_l("Nothing was imported: row %(row)d: %(reason)s",
                             row=checked.row, reason=error.message)) from error
    for trip, before in written:
        audit.record(actor, "trip.import", trip, summit=summit, before=before,
                     after=audit.snapshot(trip, trips.AUDITED))
    db.session.commit()
    return len(written)


def template_xlsx() -> bytes:
    example = {"email": "zhaobo@example.com", "direction": "arrival", "mode": "flight",
               "number": "CA4401", "place": "康定机场", "date": "2027-08-02", "time": "10:30"}
    allowed = {"direction": "arrival, departure", "mode": "flight, train, road",
               "date": "YYYY-MM-DD", "time": "HH:MM"}
    return exports.import_template("trips", COLUMNS, example, allowed)
