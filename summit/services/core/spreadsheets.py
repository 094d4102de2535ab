"""Tables people upload (Excel or CSV) and the workbooks we hand out: reading refuses what is
not a clean table (not Excel, a renamed zip, one that would unpack to too much, empty, too many
rows, merged cells, formulas) and names the problem; columns are named by key and label."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from summit.services.core import upload_checks
from summit.services.core.errors import ValidationFailed

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    required: bool = False
    width: int = 16


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


def header_text(column: Column) -> str:
    return f"{column.label} ({column.key})"


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


_MERGE_REF = re.compile(rb'<mergeCell[^>]*\sref="([A-Z0-9:]+)"')


def read_xlsx_rows(data: bytes) -> list[list[str]]:
    """Rows of the first sheet, read in one streaming pass (read-only mode is several times
    faster than loading the whole workbook)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        # Before any part is read: a 1.5 MB workbook can unpack to gigabytes of whitespace.
        upload_checks.check_archive(archive, "file")
        if "xl/workbook.xml" not in archive.namelist():
            raise ValidationFailed(_l("This is a zip archive, not an Excel workbook."), "file")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        merged = _MERGE_REF.findall(archive.read(sheet._worksheet_path.lstrip("/")))
    except ValidationFailed:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError,
            IndexError):
        raise ValidationFailed(_l("This file is damaged or not an Excel workbook."),
                               "file") from None
    if merged:
        cells = ", ".join(ref.decode() for ref in merged[:5])
        raise ValidationFailed(_l("The sheet has merged cells (%(cells)s). Unmerge them so "
                                  "each cell holds one value.", cells=cells), "file")
    rows = []
    try:
        for row in sheet.iter_rows():
            if len(rows) > MAX_ROWS:
                raise ValidationFailed(_l("The file has more than %(n)d rows. Split it into "
                                          "several files.", n=MAX_ROWS), "file")
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise ValidationFailed(_l("Cell %(cell)s holds a formula. Paste values "
                                              "only.", cell=cell.coordinate), "file")
                values.append(cell_text(cell.value))
            rows.append(values)
    finally:
        workbook.close()
    return rows


def read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise ValidationFailed(_l("This file is neither an Excel workbook nor a CSV file."),
                               "file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(_l("The CSV file's text encoding is not UTF-8 or GB18030."),
                               "file")
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > MAX_ROWS + 1:
            raise ValidationFailed(_l("The file has more than %(n)d rows. Split it into "
                                      "several files.", n=MAX_ROWS), "file")
        rows.append([cell.strip() for cell in row])
    return rows


def read_table(data: bytes, columns: Sequence[Column]) -> list[dict[str, str]]:
    """The data rows of an Excel or CSV file as {column key: text}; the header row names the
    columns by key or label, and every required column must be there."""
    if not data:
        raise ValidationFailed(_l("The file is empty."), "file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_l("The file is larger than %(mb)d MB.",
                                  mb=MAX_BYTES // (1024 * 1024)), "file")
    rows = read_xlsx_rows(data) if data[:4] == b"PK\x03\x04" else read_csv(data)
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise ValidationFailed(_l("The sheet is empty."), "file")
    keys = [match_header(cell, columns) for cell in rows[0]]
    missing = [str(c.label) for c in columns if c.required and c.key not in keys]
    if missing:
        raise ValidationFailed(_l("The first row must name the columns; missing: %(cols)s. "
                                  "Start from the template.", cols=", ".join(missing)), "file")
    if len(rows) == 1:
        raise ValidationFailed(_l("The sheet has a header but no rows to import."), "file")
    return [{key: (row[i] if i < len(row) else "") for i, key in enumerate(keys) if key}
            for row in rows[1:]]


def match_header(cell: str, columns: Sequence[Column]) -> str | None:
    """The key of the column a header cell names: "Label (key)", the key or the label."""
    keys = {column.key for column in columns}
    text = (cell or "").strip()
    if text.endswith(")") and "(" in text:
        key = text[text.rindex("(") + 1:-1].strip()
        if key in keys:
            return key
    if text in keys:
        return text
    for column in columns:
        if text == str(column.label):
            return column.key
    return None
