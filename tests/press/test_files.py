"""Uploads of press applications: what is accepted, and each hostile file refused with a
message the applicant can act on."""
from __future__ import annotations

import pytest

from summit.services.core.errors import ValidationFailed
from summit.services.press import files as press_files
from tests.support import press_factories as f

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize("data, name, message", [
    (f.HTML_AS_JPG, "me.jpg", "HTML or SVG text, not a photo"),
    (f.SVG_AS_JPG, "me.jpg", "HTML or SVG text, not a photo"),
    (f.polyglot_jpeg(), "me.jpg", "polyglot"),
    (f.photo_jpeg(exif=False) + b"PK\x03\x04" + b"\0" * 40, "me.jpg", "polyglot"),
    (b"GIF89a" + b"\0" * 100, "me.gif", "must be a JPEG or PNG"),
    (b"\xff\xd8\xff\xe0" + b"\0" * 200, "broken.jpg", "cannot be read"),
    (b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024), "huge.jpg", "larger than 2 MB"),
    (b"", "empty.jpg", "empty"),
    (f.photo_jpeg(), "../../etc/passwd.jpg", "may not contain"),
    (f.photo_jpeg(), "a\\b.jpg", "may not contain"),
])
def test_a_bad_photo_is_refused_with_a_clear_message(app, data, name, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        press_files.check_photo(data, name, "photo")
    assert refused.value.field == "photo"


def test_png_photos_are_accepted_and_become_jpeg(app):
    assert press_files.check_photo(f.photo_png(), "me.png").startswith(press_files.JPEG_MAGIC)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (f.blank_pdf(), "no page with content"),
    (f.encrypted_pdf(), "encrypted"),
    (f.javascript_pdf(), "JavaScript"),
    (f.open_action_pdf(), "JavaScript or actions"),
    (f.HTML_AS_JPG, "not a PDF"),
    (b"%PDF-1.7\n garbage", "damaged"),
    (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
])
def test_a_bad_letter_is_refused_with_a_clear_message(app, data, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        press_files.check_letter(data, "letter.pdf", "letter")
    assert refused.value.field == "letter"


def test_a_plain_letter_is_kept_as_sent(app):
    letter = f.letter_pdf()
    assert press_files.check_letter(letter, "派遣函.pdf") == letter
