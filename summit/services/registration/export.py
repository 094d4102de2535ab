"""Exports of registrations: the filtered list (XLSX or CSV), logistics reports, and the
import template and error report.

ID numbers and phones are masked unless the organiser asks for them; that request is audited.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l

from summit.extensions import db
from summit.i18n import language
from summit.models import HOLDS_PLACE, Diet, IdDocumentType, Registration, Summit, User
from summit.permissions import Permission, require
from summit.services.core import audit, exports
from summit.services.core.validation import mask_id, mask_phone
from summit.services.registration import (
    imports as registration_import,
    lists as registration_lists,
    submission,
)

LIST_COLUMNS = (
    ("name", _l("Name as on ID")), ("name_native", _l("Name in native script (e.g. Tibetan)")),
    ("name_pinyin", _l("Name in pinyin")), ("organisation_name", _l("Organisation")),
    ("position", _l("Position")), ("category", _l("Category")),
    ("delegation", _l("Delegation")), ("status", _l("Status")), ("email", _l("Email")),
    ("phone", _l("Mobile phone")), ("id_type", _l("ID document")),
    ("id_number", _l("ID document number")), ("diet", _l("Diet")),
    ("arrival", _l("Arrival")), ("departure", _l("Departure")), ("hotel", _l("Hotel")),
    ("created_at", _l("Registered at")),
    # The desk: a walk-in, a substitute (the registration it replaces), an aide (whose).
    ("walk_in", _l("Walk-in")), ("substitute_for", _l("Substitute for (registration)")),
    ("principal", _l("Aide of (registration)")),
)


def _row(registration: Registration, include_private: bool) -> list[str]:
    def travel(day, at, transport) -> str:
        return " ".join(str(part) for part in (day, at.strftime("%H:%M") if at else "",
                                                transport) if part)

    return [
        registration.name, registration.name_native, registration.name_pinyin,
        registration.organisation_name, registration.position,
        registration.category.label(language()),
        registration.delegation.name if registration.delegation else "",
        str(submission.STATUS_LABELS[registration.status]), registration.email,
        registration.phone if include_private else mask_phone(registration.phone),
        str(submission.ID_LABELS[registration.id_type]) if registration.id_type else "",
        registration.id_number if include_private else mask_id(registration.id_number),
        str(submission.DIET_LABELS[registration.diet])
        + (f" ({registration.diet_note})" if registration.diet_note else ""),
        travel(registration.arrival_date, registration.arrival_time,
               registration.arrival_transport),
        travel(registration.departure_date, registration.departure_time,
               registration.departure_transport),
        registration.hotel, registration.created_at,
        "✓" if registration.walk_in else "",
        str(registration.substitute_for_id or ""), str(registration.principal_id or ""),
    ]


def export_list(actor: User, summit: Summit, *, fmt: str, include_private: bool = False,
                now: datetime | None = None, **filters) -> bytes:
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    query = registration_lists.search_query(summit, **filters).options(
        db.joinedload(Registration.category), db.joinedload(Registration.delegation))
    rows = db.session.scalars(query).all()
    if include_private:
        audit.record(actor, "registration.export_private", summit, summit=summit, now=now,
                     after={"rows": len(rows), "filters": {k: v for k, v in filters.items()
                                                          if v}})
        db.session.commit()
    header = [str(label) for _key, label in LIST_COLUMNS]
    data = [_row(r, include_private) for r in rows]
    return exports.table_bytes(fmt, "registrations", header, data, zone=summit.timezone)


def logistics_xlsx(actor: User, summit: Summit, *, now: datetime | None = None) -> bytes:
    """Arrivals and departures by day and time, the rooming list and diet counts.

    The drivers need full phone numbers, so the download is audited like the private export.
    """
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    rows = db.session.scalars(
        db.select(Registration).where(Registration.summit_id == summit.id,
                                      Registration.status.in_(HOLDS_PLACE))
        .order_by(Registration.sort_key)).all()
    book = exports.Book(summit.timezone)
    for title, prefix in ((_l("Arrivals"), "arrival"), (_l("Departures"), "departure")):
        sheet = book.sheet(title, (_l("Date"), _l("Time"), _l("Flight or train"),
                                   _l("Name as on ID"), _l("Mobile phone"), _l("Pick-up")))
        travelling = [r for r in rows if getattr(r, f"{prefix}_date")]
        travelling.sort(key=lambda r: (getattr(r, f"{prefix}_date"),
                                       getattr(r, f"{prefix}_time") or datetime.min.time()))
        for r in travelling:
            at = getattr(r, f"{prefix}_time")
            sheet.append([getattr(r, f"{prefix}_date"), at, getattr(r, f"{prefix}_transport"),
                          r.name, r.phone, "✓" if getattr(r, f"{prefix}_pickup") else ""])
    rooms = book.sheet(_l("Rooming list"), (_l("Hotel"), _l("Name as on ID"),
                                            _l("Share a room with"), _l("Arrival"),
                                            _l("Departure")))
    by_hotel: dict[str, list[Registration]] = defaultdict(list)
    for r in rows:
        if r.hotel:
            by_hotel[r.hotel].append(r)
    for hotel in sorted(by_hotel):
        for r in by_hotel[hotel]:
            rooms.append([hotel, r.name, r.room_sharing,
                          r.arrival_date, r.departure_date])
    diets = book.sheet(_l("Diet counts"), (_l("Diet"), _l("Count")))
    for diet, count in sorted(Counter(r.diet for r in rows).items(), key=lambda d: d[0].value):
        diets.append([str(submission.DIET_LABELS[diet]), count])
    for r in rows:
        if r.diet_note:
            diets.append([f"{submission.DIET_LABELS[r.diet]}: {r.diet_note}", r.name])
    audit.record(actor, "registration.export_logistics", summit, summit=summit, now=now,
                 after={"rows": len(rows)})
    db.session.commit()
    return book.save()


# --- import template and error report -----------------------------------------------------

def template_xlsx(summit: Summit) -> bytes:
    example = {"name": "赵波", "organisation_name": "甘孜州人民政府", "position": "副州长",
               "category": summit.categories[0].code if summit.categories else "delegate",
               "email": "zhaobo@example.com", "phone": "13800000000", "diet": "none"}
    allowed = {"category": ", ".join(c.code for c in summit.categories),
               "diet": ", ".join(d.value for d in Diet),
               "id_type": ", ".join(t.value for t in IdDocumentType),
               "arrival_date": "YYYY-MM-DD", "departure_date": "YYYY-MM-DD",
               "arrival_time": "HH:MM", "departure_time": "HH:MM"}
    return exports.import_template("registrations", registration_import.COLUMNS, example,
                                   allowed)


def report_xlsx(report: registration_import.ImportReport) -> bytes:
    book = exports.Book()
    sheet = book.sheet("errors", (_l("Row"), _l("Column"), _l("Reason")))
    sheet.extend([problem.row, problem.column, problem.message] for problem in report.problems)
    sheet.widths((8, 24, 60))
    return book.save()
