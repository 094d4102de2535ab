"""Exports of registrations: the filtered list (XLSX or CSV), logistics reports, and the
import template and error report.

ID numbers and phones are masked unless the organiser asks for them; that request is audited.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from summit.extensions import db
from summit.models import HOLDS_PLACE, Diet, IdDocumentType, Registration, Summit, User
from summit.permissions import Permission, require
from summit.services.core import audit, spreadsheets
from summit.services.core.validation import mask_id, mask_phone
from summit.services.registration import imports as registration_import, lists as registration_lists

LIST_COLUMNS = (
    ("name", _l("Name as on ID")), ("name_native", _l("Name in native script (e.g. Tibetan)")),
    ("name_pinyin", _l("Name in pinyin")), ("organisation_name", _l("Organisation")),
    ("position", _l("Position")), ("category", _l("Category")),
    ("delegation", _l("Delegation")), ("status", _l("Status")), ("email", _l("Email")),
    ("phone", _l("Mobile phone")), ("id_type", _l("ID document")),
    ("id_number", _l("ID document number")), ("diet", _l("Diet")),
    ("arrival", _l("Arrival")), ("departure", _l("Departure")), ("hotel", _l("Hotel")),
    ("created_at", _l("Registered at")),
)


def _row(registration: Registration, include_private: bool) -> list[str]:
    def travel(day, at, transport) -> str:
        return " ".join(str(part) for part in (day, at.strftime("%H:%M") if at else "",
                                                transport) if part)

    return [
        registration.name, registration.name_native, registration.name_pinyin,
        registration.organisation_name, registration.position, registration.category.code,
        registration.delegation.name if registration.delegation else "",
        registration.status.value, registration.email,
        registration.phone if include_private else mask_phone(registration.phone),
        registration.id_type.value if registration.id_type else "",
        registration.id_number if include_private else mask_id(registration.id_number),
        registration.diet.value + (f" ({registration.diet_note})" if registration.diet_note
                                   else ""),
        travel(registration.arrival_date, registration.arrival_time,
               registration.arrival_transport),
        travel(registration.departure_date, registration.departure_time,
               registration.departure_transport),
        registration.hotel, registration.created_at.strftime("%Y-%m-%d %H:%M"),
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
    return _write(fmt, "registrations", header, data)


def _write(fmt: str, title: str, header: list[str], rows: list[list]) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        # BOM so that Excel opens UTF-8 Chinese text correctly.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def logistics_xlsx(actor: User, summit: Summit) -> bytes:
    """Arrivals and departures by day and time, the rooming list and diet counts."""
    require(actor, Permission.REGISTRATIONS_MANAGE, summit)
    rows = db.session.scalars(
        db.select(Registration).where(Registration.summit_id == summit.id,
                                      Registration.status.in_(HOLDS_PLACE))
        .order_by(Registration.sort_key)).all()
    workbook = Workbook()
    for title, prefix in ((str(_l("Arrivals")), "arrival"), (str(_l("Departures")), "departure")):
        sheet = workbook.create_sheet(title)
        sheet.append([str(_l("Date")), str(_l("Time")), str(_l("Flight or train")),
                      str(_l("Name as on ID")), str(_l("Mobile phone")), str(_l("Pick-up"))])
        travelling = [r for r in rows if getattr(r, f"{prefix}_date")]
        travelling.sort(key=lambda r: (getattr(r, f"{prefix}_date"),
                                       getattr(r, f"{prefix}_time") or datetime.min.time()))
        for r in travelling:
            at = getattr(r, f"{prefix}_time")
            sheet.append([getattr(r, f"{prefix}_date").isoformat(),
                          at.strftime("%H:%M") if at else "", getattr(r, f"{prefix}_transport"),
                          r.name, r.phone, "✓" if getattr(r, f"{prefix}_pickup") else ""])
    rooms = workbook.create_sheet(str(_l("Rooming list")))
    rooms.append([str(_l("Hotel")), str(_l("Name as on ID")), str(_l("Share a room with")),
                  str(_l("Arrival")), str(_l("Departure"))])
    by_hotel: dict[str, list[Registration]] = defaultdict(list)
    for r in rows:
        if r.hotel:
            by_hotel[r.hotel].append(r)
    for hotel in sorted(by_hotel):
        for r in by_hotel[hotel]:
            rooms.append([hotel, r.name, r.room_sharing,
                          r.arrival_date.isoformat() if r.arrival_date else "",
                          r.departure_date.isoformat() if r.departure_date else ""])
    diets = workbook.create_sheet(str(_l("Diet counts")))
    diets.append([str(_l("Diet")), str(_l("Count"))])
    for diet, count in sorted(Counter(r.diet.value for r in rows).items()):
        diets.append([diet, count])
    notes = [r for r in rows if r.diet_note]
    for r in notes:
        diets.append([f"{r.diet.value}: {r.diet_note}", r.name])
    del workbook[workbook.sheetnames[0]]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import template and error report -----------------------------------------------------

def template_xlsx(summit: Summit) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "registrations"
    columns = registration_import.COLUMNS
    sheet.append([spreadsheets.header_text(column) for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        # Text format keeps leading zeros and the full 18 digits of ID numbers.
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"
    example = {"name": "赵波", "organisation_name": "甘孜州人民政府", "position": "副州长",
               "category": summit.categories[0].code if summit.categories else "delegate",
               "email": "zhaobo@example.com", "phone": "13800000000", "diet": "none"}
    sheet.append([example.get(column.key, "") for column in registration_import.COLUMNS])
    help_sheet = workbook.create_sheet("help")
    help_sheet.append([str(_l("Column")), str(_l("Required")), str(_l("Allowed values"))])
    allowed = {"category": ", ".join(c.code for c in summit.categories),
               "diet": ", ".join(d.value for d in Diet),
               "id_type": ", ".join(t.value for t in IdDocumentType),
               "arrival_date": "YYYY-MM-DD", "departure_date": "YYYY-MM-DD",
               "arrival_time": "HH:MM", "departure_time": "HH:MM"}
    for column in columns:
        help_sheet.append([spreadsheets.header_text(column),
                           "✓" if column.required else "", allowed.get(column.key, "")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_xlsx(report: registration_import.ImportReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "errors"
    sheet.append([str(_l("Row")), str(_l("Column")), str(_l("Reason"))])
    for problem in report.problems:
        sheet.append([problem.row, problem.column, problem.message])
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
