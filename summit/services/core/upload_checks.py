"""What an uploaded file is, decided by its content (its first bytes, then a full parse),
never by its name or the browser's word: one check for every file users send (press photos
and letters, press-room images and attachments, agreement scans and photos), and the size
limits of the zip archives behind Excel workbooks.

- Sizes are refused from what a file *declares*, before anything is decoded: a 170 kB PNG
  can declare 40 megapixels (450 MB decoded), a 1.5 MB workbook 1.5 GB of XML.
- A photo is decoded and saved again as a plain JPEG (no EXIF, nothing appended); a PDF is
  kept as sent once a scan of all its objects finds no JavaScript or action. A scan that
  cannot finish refuses: what was not checked is not accepted.
- The stored name keeps the client's name but ends in the extension of what the file is.

Every refusal is a ValidationFailed naming the form field, with a message the sender can
act on.
"""
from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NullObject

from summit.services.core.errors import ValidationFailed

IMAGE = "image"
PDF = "pdf"
MAX_NAME = 200

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"

# Declared pixels an image may have. A JPEG is decoded at a reduced scale (1/2 to 1/8, to
# twice the size it is kept at), so a 48-megapixel camera photo costs little; a PNG is
# always decoded whole: 16 megapixels is at most 64 MB.
MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 16_000_000}
# Objects (dictionaries and arrays) a PDF scan visits: letters and scans have a few
# thousand; a file with more is refused rather than accepted unchecked.
MAX_PDF_OBJECTS = 100_000
# Zip archives (Excel workbooks): what their parts declare once unpacked.
MAX_ARCHIVE_MEMBERS = 2000
MAX_MEMBER_BYTES = 32 * 1024 * 1024
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    kind: str
    content_type: str
    extension: str
    pillow_format: str = ""


JPEG = FileType(IMAGE, "image/jpeg", "jpg", "JPEG")
PNG = FileType(IMAGE, "image/png", "png", "PNG")
PDF_FILE = FileType(PDF, "application/pdf", "pdf")


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed: the bytes to store, the name to show, and what it is."""

    data: bytes
    name: str
    content_type: str
    kind: str


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
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def sniff(data: bytes) -> FileType | None:
    """What the first bytes say the file is (the parse then has to agree)."""
    if data.startswith(PDF_MAGIC):
        return PDF_FILE
    if data.startswith(JPEG_MAGIC):
        return JPEG
    if data.startswith(PNG_MAGIC):
        return PNG
    return None


# --- names --------------------------------------------------------------------------------

def check_name(filename: str, field: str) -> str:
    """The file's name as the sender sees it; never used as a path."""
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


def stored_name(name: str, file_type: FileType) -> str:
    """``name`` without the extension it was sent with, ending in the one of what the file
    is: ``letter.html`` that is a PDF is kept as ``letter.pdf``."""
    stem = _EXTENSION.sub("", name)
    suffix = "." + file_type.extension
    # "letter.pdf.html" is "letter.pdf", not "letter.pdf.pdf"
    aliases = {suffix, ".jpeg"} if file_type is JPEG else {suffix}
    if any(stem.lower().endswith(alias) for alias in aliases):
        stem = stem.rsplit(".", 1)[0]
    stem = stem.strip(" .") or "upload"
    return stem[:MAX_NAME - len(suffix)] + suffix


# --- the one check ------------------------------------------------------------------------

def _wrong_type(accept: Collection[str], data: bytes):
    if accept == {IMAGE}:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<", b"\xef\xbb\xbf<")):
            return _l("This file is HTML or SVG text, not a photo, whatever its name says. "
                      "Choose a JPEG or PNG photo.")
        return _l("A photo must be a JPEG or PNG image.")
    if accept == {PDF}:
        return _l("This file is not a PDF, whatever its name says.")
    return _l("Attach a PDF file or a photo (JPEG or PNG).")


def check_upload(data: bytes, filename: str, field: str, *, accept: Collection[str],
                 limit: int, box: tuple[int, int] = (2400, 2400),
                 wrong_type: object | None = None) -> CheckedUpload:
    """The file, checked: ``accept`` holds IMAGE and/or PDF; ``limit`` is in bytes; an
    image is scaled into ``box``; ``wrong_type`` is the message for any other file."""
    accept = set(accept)
    name = check_name(filename, field)
    if not data.strip(b" \t\r\n\0"):
        raise ValidationFailed(_l("The file is empty."), field)
    if len(data) > limit:
        raise ValidationFailed(_l("The file is larger than %(mb)d MB.",
                                  mb=limit // (1024 * 1024)), field)
    file_type = sniff(data)
    if file_type is None or file_type.kind not in accept:
        raise ValidationFailed(wrong_type or _wrong_type(accept, data), field)
    if file_type.kind == IMAGE:
        clean, file_type = clean_image(data, file_type, field, box), JPEG
    else:
        clean = check_pdf(data, field)
    return CheckedUpload(clean, stored_name(name, file_type), file_type.content_type,
                         file_type.kind)


# --- images -------------------------------------------------------------------------------

def _image_end(data: bytes) -> int:
    """Where the image proper ends (after JPEG's EOI or PNG's IEND chunk)."""
    if data.startswith(PNG_MAGIC):
        at = data.rfind(b"IEND")
        return at + 8 if at >= 0 else len(data)
    at = data.rfind(b"\xff\xd9")
    return at + 2 if at >= 0 else len(data)


def _too_many_pixels(file_type: FileType, field: str) -> ValidationFailed:
    return ValidationFailed(_l(
        "The image has too many pixels: at most %(limit)d megapixels for a %(format)s image. "
        "Scale it down and upload it again.",
        limit=MAX_PIXELS[file_type.pillow_format] // 1_000_000,
        format=file_type.pillow_format), field)


def clean_image(data: bytes, file_type: FileType, field: str, box: tuple[int, int]) -> bytes:
    """A plain JPEG of the image, scaled into ``box``, without EXIF; or ValidationFailed."""
    if FOREIGN_CONTENT.search(data) or data[_image_end(data):].strip(b"\0 \r\n"):
        raise ValidationFailed(_l("This image also holds other content (it is a polyglot "
                                  "file). Save the photo again as a plain JPEG or PNG."), field)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only: the size is known before any pixel is decoded.
            with Image.open(io.BytesIO(data), formats=(file_type.pillow_format,)) as probe:
                if probe.format != file_type.pillow_format:
                    raise ValidationFailed(_l("A photo must be a JPEG or PNG image."), field)
                if probe.width * probe.height > MAX_PIXELS[file_type.pillow_format]:
                    raise _too_many_pixels(file_type, field)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=(file_type.pillow_format,)) as image:
                if image.format == "JPEG":
                    # Decode straight at a reduced scale (still every byte of the file).
                    image.draft("RGB", (box[0] * 2, box[1] * 2))
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # no second copy
                if image.mode == "1":
                    image = image.convert("L")
                elif image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGB")
                image.thumbnail(box, reducing_gap=2.0)
                if image.mode != "RGB":
                    image = image.convert("RGB")
                out = io.BytesIO()
                # No exif= argument: the saved file carries no EXIF (place, camera, time).
                image.save(out, "JPEG", quality=85, optimize=True)
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(file_type, field) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationFailed(_l("This photo cannot be read: it is damaged or not really a "
                                  "JPEG or PNG image."), field) from None
    return out.getvalue()


# --- PDFs ---------------------------------------------------------------------------------

class _ScanUnfinished(Exception):
    """The PDF has more objects than a scan visits."""


_CONTAINERS = (DictionaryObject, ArrayObject, IndirectObject)


def _active_content(reader: PdfReader) -> bool:
    """Whether any object reachable from the trailer runs something; numbers, strings and
    names cost nothing, each dictionary or array one step of MAX_PDF_OBJECTS."""
    stack: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    steps = 0
    while stack:
        steps += 1
        if steps > MAX_PDF_OBJECTS:
            raise _ScanUnfinished
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
                if isinstance(value, _CONTAINERS):
                    stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(item for item in obj if isinstance(item, _CONTAINERS))
    return False


def _has_content(page) -> bool:
    """Whether a page has a content stream, without decoding it (a small stream can unpack
    to a great deal)."""
    contents = page.get("/Contents")
    return contents is not None and not isinstance(contents.get_object(), NullObject)


def check_pdf(data: bytes, field: str) -> bytes:
    """The PDF as sent, once it has been parsed and found harmless; or ValidationFailed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise ValidationFailed(_l("This PDF is encrypted or password-protected. Upload "
                                          "it without a password."), field)
            pages = list(reader.pages)
            if not any(_has_content(page) for page in pages):
                raise ValidationFailed(_l("The PDF is empty: it has no page with content."),
                                       field)
            active = _active_content(reader)
    except ValidationFailed:
        raise
    except _ScanUnfinished:
        raise ValidationFailed(_l("This PDF is too complex to check for JavaScript. Print it "
                                  "to a plain PDF and upload that."), field) from None
    except Exception:  # pypdf raises many kinds on damaged files; all mean the same here
        raise ValidationFailed(_l("This PDF cannot be read: it is damaged."), field) from None
    if active:
        raise ValidationFailed(_l("This PDF contains JavaScript or actions that run when it "
                                  "is opened. Print it to a plain PDF and upload that."), field)
    return data


# --- zip archives -------------------------------------------------------------------------

def check_archive(archive: zipfile.ZipFile, field: str) -> None:
    """Refuse an archive by what its parts declare once unpacked, before reading any.
    (Python's zipfile never returns more than a part declares, so the declaration holds.)"""
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ValidationFailed(_l("This file packs more than %(count)d files inside. Save it "
                                  "again as a plain workbook.", count=MAX_ARCHIVE_MEMBERS),
                               field)
    for limit, size in ((MAX_MEMBER_BYTES, max((m.file_size for m in members), default=0)),
                        (MAX_ARCHIVE_BYTES, sum(m.file_size for m in members))):
        if size > limit:
            raise ValidationFailed(_l("Unpacked, this file would take more than %(mb)d MB. "
                                      "Remove what it does not need, or split it into several "
                                      "files.", mb=limit // (1024 * 1024)), field)
