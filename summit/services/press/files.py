"""Files of press applications: photos (JPEG/PNG, decoded, EXIF removed, scaled for the badge)
and assignment letters (PDF, parsed, no active content), checked by ``core.upload_checks``.
Stored under random names in ``instance/uploads/press`` (outside the web root) through
``uploads``: a file is sent ahead of the application that names it, so it is staged (usable
for a day, then purged unless an application or a press release names it).

Every check raises ValidationFailed naming the form field, with a message the applicant can act
on; nothing is stored until a file has passed all of them.
"""
from __future__ import annotations

import base64

from summit.extensions import db
from summit.models import PressApplication, PressPerson, PressRelease
from summit.services.core import upload_checks, uploads
from summit.services.core.errors import NotFound
from summit.services.core.upload_checks import IMAGE, PDF, CheckedUpload

KIND = "press"
MAX_PHOTO = 2 * 1024 * 1024
MAX_LETTER = 5 * 1024 * 1024
# Badge photos are printed 25 x 32 mm: 300 x 400 pixels is 300 dpi, what badge printers print.
PHOTO_BOX = (300, 400)


def checked_photo(data: bytes, filename: str, field: str = "photo",
                  box: tuple[int, int] = PHOTO_BOX, limit: int = MAX_PHOTO) -> CheckedUpload:
    return upload_checks.check_upload(data, filename, field, accept={IMAGE}, limit=limit,
                                      box=box)


def checked_letter(data: bytes, filename: str, field: str = "letter",
                   limit: int = MAX_LETTER) -> CheckedUpload:
    return upload_checks.check_upload(data, filename, field, accept={PDF}, limit=limit)


def check_photo(data: bytes, filename: str, field: str = "photo",
                box: tuple[int, int] = PHOTO_BOX, limit: int = MAX_PHOTO) -> bytes:
    """A clean JPEG of the photo, scaled into ``box``, without EXIF; or ValidationFailed."""
    return checked_photo(data, filename, field, box, limit).data


def check_letter(data: bytes, filename: str, field: str = "letter",
                 limit: int = MAX_LETTER) -> bytes:
    """The PDF as sent, once it has been parsed and found harmless; or ValidationFailed."""
    return checked_letter(data, filename, field, limit).data


# --- storage ------------------------------------------------------------------------------

def _stage(owner_id: int | None, checked: CheckedUpload, kind: str) -> str:
    uploads.purge_now_and_then(KIND, attached)
    return uploads.store(KIND, checked.data, {
        "user_id": owner_id, "kind": kind, "name": checked.name,
        "mimetype": checked.content_type, "size": len(checked.data)})


def store_photo(owner_id: int | None, data: bytes, filename: str, field: str = "photo") -> str:
    return _stage(owner_id, checked_photo(data, filename, field), "photo")


def store_letter(owner_id: int | None, data: bytes, filename: str, field: str = "letter") -> str:
    return _stage(owner_id, checked_letter(data, filename, field), "letter")


def meta(token: str, *, staged: bool = False) -> dict | None:
    """A file's description; ``staged``: a file no row names yet, None once it has expired."""
    try:
        return uploads.load(KIND, token, max_age=uploads.USABLE_FOR if staged else None)[1]
    except NotFound:
        return None


def load(token: str) -> tuple[bytes, dict]:
    return uploads.load(KIND, token)


def photo_data_uri(token: str) -> str:
    if not token:
        return ""
    try:
        data, _meta = uploads.load(KIND, token)
    except NotFound:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode()


# --- files never attached -----------------------------------------------------------------

def attached(tokens: list[str]) -> set[str]:
    """Which of these tokens an application (letter, photos) or a press release names."""
    named = set(db.session.scalars(db.select(PressApplication.letter_token).where(
        PressApplication.letter_token.in_(tokens))))
    named |= set(db.session.scalars(db.select(PressPerson.photo_token).where(
        PressPerson.photo_token.in_(tokens))))
    wanted = set(tokens)
    for files in db.session.scalars(db.select(PressRelease.files)):
        named |= {entry.get("token") for entry in files or () if isinstance(entry, dict)
                  and entry.get("token") in wanted}
    return named


def purge_unattached() -> int:
    """Delete the files uploaded more than a day ago that nothing names; how many went."""
    return uploads.purge(KIND, attached)


def discard(token: str) -> None:
    """Delete a stored letter or photo from storage (an anonymised application's)."""
    uploads.discard(KIND, token)
