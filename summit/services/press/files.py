"""Files of press applications: photos (JPEG/PNG, decoded, EXIF removed, scaled for the badge)
and assignment letters (PDF, parsed, no active content). Stored under random names in
``instance/uploads/press`` (outside the web root) through ``uploads``.

Every check raises ValidationFailed naming the form field, with a message the applicant can act
on; nothing is stored until a file has passed all of them.
"""
from __future__ import annotations

import base64
import io
import re
import unicodedata
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from summit.services.core import uploads
from summit.services.core.errors import NotFound, ValidationFailed

KIND = "press"
MAX_PHOTO = 2 * 1024 * 1024
MAX_LETTER = 5 * 1024 * 1024
MAX_NAME = 200
# Badge photos are printed 25 x 32 mm: 300 x 400 pixels is 300 dpi, what badge printers print.
PHOTO_BOX = (300, 400)
MAX_PIXELS = 40_000_000

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Markup or another format hidden in an image: a browser or another program could open the
# same bytes as something else (a "polyglot").
FOREIGN_CONTENT = re.compile(
    rb"<\s*(script|html|svg|body|iframe|object|embed|\?php|!doctype)|javascript:|"
    rb"PK\x03\x04|%PDF-|\x7fELF", re.IGNORECASE)
# Names in a PDF that run something when it is opened or clicked.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/OpenAction", "/Launch", "/AA",
                         "/RichMedia", "/EmbeddedFile", "/XFA"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/SubmitForm",
                            "/RichMediaExecute"})


def check_name(filename: str, field: str) -> str:
    """The file's name as the applicant sees it; never used as a path."""
    name = (filename or "").strip()
    if not name:
        return "upload"
    if len(name) > MAX_NAME:
        raise ValidationFailed(_l("The file name is too long (at most %(count)d characters). "
                                  "Rename the file and choose it again.", count=MAX_NAME), field)
    if "/" in name or "\\" in name or ".." in name or any(
            unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        raise ValidationFailed(_l("The file name may not contain \"/\", \"\\\", \"..\" or control "
                                  "characters. Rename the file and choose it again."), field)
    return name


def _foreign(data: bytes, end: int) -> bool:
    return bool(FOREIGN_CONTENT.search(data)) or len(data[end:].strip(b"\0 \r\n")) > 0


def _image_end(data: bytes) -> int:
    """Where the image proper ends (after JPEG's EOI or PNG's IEND chunk)."""
    if data.startswith(PNG_MAGIC):
        at = data.rfind(b"IEND")
        return at + 8 if at >= 0 else len(data)
    at = data.rfind(b"\xff\xd9")
    return at + 2 if at >= 0 else len(data)


def check_photo(data: bytes, filename: str, field: str = "photo",
                box: tuple[int, int] = PHOTO_BOX, limit: int = MAX_PHOTO) -> bytes:
    """A clean JPEG of the photo, scaled into ``box``, without EXIF; or ValidationFailed."""
    check_name(filename, field)
    if not data:
        raise ValidationFailed(_l("The photo file is empty."), field)
    if len(data) > limit:
        raise ValidationFailed(_l("The photo is larger than %(mb)d MB. Choose a smaller one.",
                                  mb=limit // (1024 * 1024)), field)
    head = data[:512].lstrip().lower()
    if head.startswith((b"<", b"\xef\xbb\xbf<")):
        raise ValidationFailed(_l("This file is HTML or SVG text, not a photo, whatever its "
                                  "name says. Choose a JPEG or PNG photo."), field)
    if not data.startswith((JPEG_MAGIC, PNG_MAGIC)):
        raise ValidationFailed(_l("A photo must be a JPEG or PNG image."), field)
    if _foreign(data, _image_end(data)):
        raise ValidationFailed(_l("This image also holds other content (it is a polyglot "
                                  "file). Save the photo again as a plain JPEG or PNG."), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ("JPEG", "PNG"):
                    raise ValidationFailed(_l("A photo must be a JPEG or PNG image."), field)
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationFailed(_l("The photo has too many pixels."), field)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    # Decode straight at a reduced scale (still every byte of the file):
                    # a 12-megapixel photo only ever prints 300 x 400.
                    image.draft("RGB", (box[0] * 2, box[1] * 2))
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGB")
                image.thumbnail(box, reducing_gap=2.0)
                out = io.BytesIO()
                # No exif= argument: the saved file carries no EXIF (place, camera, time).
                image.save(out, "JPEG", quality=85, optimize=True)
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed(_l("This photo cannot be read: it is damaged or not really a "
                                  "JPEG or PNG image."), field) from None
    return out.getvalue()


def _active_content(reader) -> bool:
    stack: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    steps = 0
    while stack and steps < 50_000:
        steps += 1
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in ACTIVE_KEYS:
                    return True
                if name == "/S" and isinstance(value, NameObject) and value in ACTIVE_ACTIONS:
                    return True
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def check_letter(data: bytes, filename: str, field: str = "letter",
                 limit: int = MAX_LETTER) -> bytes:
    """The PDF as sent, once it has been parsed and found harmless; or ValidationFailed."""
    check_name(filename, field)
    if not data.strip():
        raise ValidationFailed(_l("The PDF is empty."), field)
    if len(data) > limit:
        raise ValidationFailed(_l("The PDF is larger than %(mb)d MB. Choose a smaller one.",
                                  mb=limit // (1024 * 1024)), field)
    if b"%PDF-" not in data[:1024]:
        raise ValidationFailed(_l("This file is not a PDF, whatever its name says."), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationFailed(_l("This PDF is encrypted or password-protected. Upload "
                                          "it without a password."), field)
            pages = list(reader.pages)
            if not pages or all(page.get_contents() is None for page in pages):
                raise ValidationFailed(_l("The PDF is empty: it has no page with content."),
                                       field)
            active = _active_content(reader)
    except ValidationFailed:
        raise
    except Exception:  # pypdf raises many kinds on damaged files; all mean the same here
        raise ValidationFailed(_l("This PDF cannot be read: it is damaged."), field) from None
    if active:
        raise ValidationFailed(_l("This PDF contains JavaScript or actions that run when it "
                                  "is opened. Print it to a plain PDF and upload that."), field)
    return data


# --- storage ------------------------------------------------------------------------------

def store_photo(owner_id: int | None, data: bytes, filename: str, field: str = "photo") -> str:
    clean = check_photo(data, filename, field)
    return uploads.store(KIND, clean, {"user_id": owner_id, "kind": "photo",
                                       "name": check_name(filename, field),
                                       "mimetype": "image/jpeg", "size": len(clean)})


def store_letter(owner_id: int | None, data: bytes, filename: str, field: str = "letter") -> str:
    clean = check_letter(data, filename, field)
    return uploads.store(KIND, clean, {"user_id": owner_id, "kind": "letter",
                                       "name": check_name(filename, field),
                                       "mimetype": "application/pdf", "size": len(clean)})


def meta(token: str) -> dict | None:
    try:
        return uploads.load(KIND, token)[1]
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
