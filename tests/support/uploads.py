"""Files for the upload tests: small files that unpack to a lot (a PNG of many pixels, a
workbook of whitespace), PDFs that hide JavaScript behind a long scan, and what is on disk
under the instance folder's ``uploads``."""
from __future__ import annotations

import contextlib
import io
import os
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from flask import current_app
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject
from sqlalchemy import text

from summit.extensions import db
from tests.support import press_factories


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def many_pixel_png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG: a few hundred kB that decodes to width x height pixels
    (built row by row, so making it costs no memory)."""
    compressor = zlib.compressobj(9)
    row = b"\0" + b"\0" * ((width + 7) // 8)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body)
            + _chunk(b"IEND", b""))


def padded_xlsx(rows: list[list], *, sheet_padding: int = 0,
                extra: dict[str, int] | None = None) -> bytes:
    """A real workbook whose sheet carries ``sheet_padding`` bytes of whitespace (legal XML
    between its rows) and ``extra`` members of that many zero bytes: it compresses to almost
    nothing and unpacks to all of it."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    plain = io.BytesIO()
    workbook.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and sheet_padding:
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * sheet_padding, 1)
            target.writestr(info.filename, data)
        for name, size in (extra or {}).items():
            target.writestr(name, b"\0" * size)
    return out.getvalue()


def padded_javascript_pdf(count: int, containers: bool = False) -> bytes:
    """The JavaScript PDF of the press tests with an array of ``count`` numbers (or empty
    arrays) in its /Info: a scan that stops after a fixed number of steps never reaches the
    script."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(press_factories.javascript_pdf())))
    writer.add_metadata({"/Title": "Assignment letter"})
    items = [ArrayObject() if containers else NumberObject(i) for i in range(count)]
    writer._info.get_object()[NameObject("/Padding")] = ArrayObject(items)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def nested_pdf(count: int) -> bytes:
    """A plain letter whose catalogue holds ``count`` empty dictionaries: harmless, but more
    objects than any scan checks."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(press_factories.letter_pdf())))
    # In arrays of 10,000 (pypdf reads no array of more than 100,000 elements).
    writer._root_object[NameObject("/Padding")] = ArrayObject(
        ArrayObject(DictionaryObject() for _ in range(min(10_000, count - start)))
        for start in range(0, count, 10_000))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the instance folder ------------------------------------------------------------------

def upload_folder(kind: str) -> Path:
    return Path(current_app.instance_path) / "uploads" / kind


def stored_tokens(kind: str) -> set[str]:
    """The tokens of the files stored under ``kind`` (each a .bin and a .json)."""
    folder = upload_folder(kind)
    if not folder.is_dir():
        return set()
    return {path.stem for path in folder.iterdir() if path.suffix in (".bin", ".json")}


def age(kind: str, token: str, hours: float) -> None:
    """Make a stored file look ``hours`` old."""
    moment = time.time() - hours * 3600
    for suffix in (".bin", ".json"):
        os.utime(upload_folder(kind) / f"{token}{suffix}", (moment, moment))


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@contextlib.contextmanager
def refusing_inserts(table: str) -> Iterator[None]:
    """The database refuses every new row of ``table`` (a trigger, as a full disk or a
    broken constraint would), for as long as the block runs."""
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        statements = [
            "CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
            f"CREATE TRIGGER refuse_insert BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_insert()"]
        undo = [f"DROP TRIGGER IF EXISTS refuse_insert ON {table}",
                "DROP FUNCTION IF EXISTS refuse_insert()"]
    else:
        statements = [f"CREATE TRIGGER refuse_insert BEFORE INSERT ON {table} "
                      "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"]
        undo = ["DROP TRIGGER IF EXISTS refuse_insert"]
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:
            for statement in undo:
                connection.execute(text(statement))
