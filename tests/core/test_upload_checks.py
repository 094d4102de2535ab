"""The one check every uploaded file passes: small files that would unpack to hundreds of
megabytes are refused from their headers, a PDF scan that cannot finish refuses, and a stored
name ends in the extension of what the file is."""
from __future__ import annotations

import time

import pytest

from summit.services.core import spreadsheets, upload_checks
from summit.services.core.errors import ValidationFailed
from summit.services.press import files as press_files
from tests.support import press_factories as f, uploads as u

# Formatting and file checks: no database is involved, so no PostgreSQL run.
pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.sqlite_only]

MB = 1024 * 1024


# --- images: refused by their declared size, before decoding ------------------------------

def test_a_small_png_of_40_megapixels_is_refused_before_it_is_decoded(app):
    bomb = u.many_pixel_png(6320, 6320)
    assert len(bomb) < 200 * 1024

    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as refused:
        press_files.check_photo(bomb, "me.png")

    assert str(refused.value) == ("The image has too many pixels: at most 16 megapixels for a "
                                  "PNG image. Scale it down and upload it again.")
    assert refused.value.field == "photo"
    # Decoding it would take seconds and 450 MB; reading its header takes nothing.
    assert time.perf_counter() - started < 0.5


def test_a_jpeg_is_decoded_at_a_reduced_scale_so_its_limit_is_higher(app):
    photo = f.photo_jpeg(size=(5000, 4000), exif=False)

    assert press_files.check_photo(photo, "camera.jpg").startswith(upload_checks.JPEG_MAGIC)


def test_a_png_within_the_limit_is_accepted(app):
    assert press_files.check_photo(u.many_pixel_png(4000, 4000), "scan.png").startswith(
        upload_checks.JPEG_MAGIC)


# --- PDFs: a scan that cannot finish refuses ----------------------------------------------

def test_javascript_behind_a_60000_element_array_is_found(app):
    with pytest.raises(ValidationFailed, match="contains JavaScript"):
        press_files.check_letter(u.padded_javascript_pdf(60_000), "letter.pdf")


def test_javascript_behind_60000_nested_arrays_is_found(app):
    with pytest.raises(ValidationFailed, match="contains JavaScript"):
        press_files.check_letter(u.padded_javascript_pdf(60_000, containers=True), "letter.pdf")


def test_a_pdf_too_large_to_scan_is_refused_not_accepted(app):
    with pytest.raises(ValidationFailed) as refused:
        press_files.check_letter(u.nested_pdf(upload_checks.MAX_PDF_OBJECTS + 10), "letter.pdf")

    assert str(refused.value) == ("This PDF is too complex to check for JavaScript. Print it "
                                  "to a plain PDF and upload that.")


def test_a_pdf_must_start_as_a_pdf(app):
    with pytest.raises(ValidationFailed, match="not a PDF"):
        press_files.check_letter(b"<html><script>x</script></html>" + f.letter_pdf(),
                                 "letter.pdf")


# --- names: the extension comes from what the file is -------------------------------------

@pytest.mark.parametrize("data, name, stored", [
    (f.letter_pdf(), "letter.html", "letter.pdf"),
    (f.letter_pdf(), "派遣函.PDF", "派遣函.pdf"),
    (f.letter_pdf(), "letter", "letter.pdf"),
    (f.letter_pdf(), "letter.pdf.html", "letter.pdf"),
    (f.letter_pdf(), "", "upload.pdf"),
    (f.photo_png(), "me.png", "me.jpg"),
    (f.photo_jpeg(), "me.svg", "me.jpg"),
    (f.photo_jpeg(), "me.jpeg", "me.jpg"),
])
def test_a_stored_name_keeps_only_the_extension_of_what_the_file_is(app, data, name, stored):
    checked = upload_checks.check_upload(data, name, "file", accept={"pdf", "image"},
                                         limit=10 * MB)

    assert checked.name == stored


def test_a_long_name_keeps_its_extension(app):
    checked = upload_checks.check_upload(f.letter_pdf(), "长" * 197 + ".js", "file",
                                         accept={"pdf"}, limit=10 * MB)

    assert checked.name == "长" * 196 + ".pdf"


# --- workbooks: refused by their unpacked size, before reading ----------------------------

HEADER = ["name", "email"]


def test_a_workbook_whose_sheet_unpacks_to_too_much_is_refused(app):
    bomb = u.padded_xlsx([HEADER, ["赵波", "z@example.com"]], sheet_padding=40 * MB)
    assert len(bomb) < 1 * MB

    with pytest.raises(ValidationFailed) as refused:
        spreadsheets.read_xlsx_rows(bomb)

    assert str(refused.value) == ("Unpacked, this file would take more than 32 MB. Remove what "
                                  "it does not need, or split it into several files.")
    assert refused.value.field == "file"


def test_a_workbook_whose_parts_add_up_to_too_much_is_refused(app):
    bomb = u.padded_xlsx([HEADER], extra={f"xl/media/pad{n}.bin": 30 * MB for n in range(3)})

    with pytest.raises(ValidationFailed, match="more than 64 MB"):
        spreadsheets.read_xlsx_rows(bomb)


def test_a_workbook_of_thousands_of_parts_is_refused(app):
    bomb = u.padded_xlsx([HEADER], extra={f"xl/media/{n}.bin": 1 for n in range(2100)})

    with pytest.raises(ValidationFailed, match="more than 2000 files"):
        spreadsheets.read_xlsx_rows(bomb)


def test_an_ordinary_workbook_is_read(app):
    rows = spreadsheets.read_xlsx_rows(u.padded_xlsx([HEADER, ["赵波", "z@example.com"]],
                                                     sheet_padding=1000))

    assert rows == [HEADER, ["赵波", "z@example.com"]]
