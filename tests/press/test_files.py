"""Uploads of press applications: what is accepted, and each hostile file refused with a
message the applicant can act on."""
from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from summit.services.core.errors import ValidationFailed
from summit.services.press import (
    applications as press_applications,
    files as press_files,
    room as press_room,
)
from tests.support import press_factories as f, uploads as u
from tests.support.pages import text

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
    assert press_files.check_photo(f.photo_png(), "me.png").startswith(b"\xff\xd8\xff")


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


def test_a_letter_named_html_is_stored_as_a_pdf(app):
    token = press_files.store_letter(7, f.letter_pdf(), "letter.html")

    assert press_files.meta(token)["name"] == "letter.pdf"


def test_a_png_photo_is_stored_under_a_jpeg_name(app):
    token = press_files.store_photo(7, f.photo_png(), "me.png")

    assert press_files.meta(token)["name"] == "me.jpg"
    assert press_files.meta(token)["mimetype"] == "image/jpeg"


# --- files never attached -----------------------------------------------------------------

def test_files_no_application_or_release_uses_go_a_day_after_upload(press_event):
    application = f.submitted(press_event)
    attached = {application.letter_token, *(p.photo_token for p in application.people)}
    abandoned = press_files.store_photo(application.user_id, f.photo_jpeg(), "me.jpg")
    recent = press_files.store_letter(application.user_id, f.letter_pdf(), "letter.pdf")
    for token in (*attached, abandoned):
        u.age("press", token, 25)

    assert press_files.purge_unattached() == 1

    assert u.stored_tokens("press") == attached | {recent}


def test_files_of_a_press_release_are_kept(press_event, press_officer):
    entry = press_room.store_file("image", f.photo_jpeg(), "会场.jpg", "images")
    press_room.publish(press_officer, press_event, "通稿", "正文", files=[entry])
    u.age("press", entry["token"], 48)

    assert press_files.purge_unattached() == 0
    assert u.stored_tokens("press") == {entry["token"]}


def test_an_upload_now_and_then_clears_abandoned_ones(press_event):
    abandoned = press_files.store_photo(7, f.photo_jpeg(), "me.jpg")
    u.age("press", abandoned, 25)
    (u.upload_folder("press") / ".purged").unlink(missing_ok=True)

    fresh = press_files.store_photo(7, f.photo_jpeg(), "me.jpg")

    assert u.stored_tokens("press") == {fresh}


def test_an_upload_kept_for_almost_a_day_has_expired(press_event):
    user = f.applicant(press_event)
    details = f.details(user)
    u.age("press", details.letter_token, 23.5)

    with pytest.raises(ValidationFailed, match="This upload has expired") as refused:
        press_applications.save_application(user, press_event, details, submit=True,
                                            now=datetime(2027, 7, 1, tzinfo=UTC))
    assert refused.value.field == "letter"


# --- nothing half-written -----------------------------------------------------------------

def test_a_release_refused_at_its_second_file_leaves_no_file(press_event, press_officer, login,
                                                             client):
    login(press_officer.email)
    response = client.post(f"/summits/{press_event.slug}/press-room/new", data={
        "title": "通稿", "body": "正文",
        "images": (io.BytesIO(f.photo_jpeg()), "会场.jpg"),
        "attachments": (io.BytesIO(f.javascript_pdf()), "通稿.pdf")},
        content_type="multipart/form-data")

    assert u.stored_tokens("press") == set()  # not even the image that passed
    assert "JavaScript" in text(response)
    assert response.status_code == 422
