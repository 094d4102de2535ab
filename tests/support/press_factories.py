"""Files and applications for the media accreditation tests: real JPEG/PNG photos (with EXIF),
real PDFs (plain, empty, encrypted, with JavaScript) and hostile look-alikes."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import cache

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from summit.extensions import db
from summit.models import AttendeeCategory, PressApplication, PressRole, Role, Summit, User
from summit.services.press import applications as press, files as press_files
from tests.support import factories


@cache  # bytes are immutable: each distinct photo is drawn and encoded once a run
def photo_jpeg(colour: str = "#b54708", size: tuple[int, int] = (900, 1200),
               exif: bool = True) -> bytes:

    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {2: (30.0, 3.0, 0.0)}  # GPS latitude
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def noisy_photo(size: tuple[int, int] = (900, 1200)) -> bytes:
    """A photo as cameras make them: full of detail, so it compresses badly."""
    out = io.BytesIO()
    Image.effect_noise(size, 80).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


def photo_png(colour: str = "#1f5fbf") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), colour).save(out, "PNG")
    return out.getvalue()


@cache
def letter_pdf(text: str = "Assignment letter") -> bytes:
    """A one-page PDF with a real content stream."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_pdf() -> bytes:
    """Document-level JavaScript in the /Names tree."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(letter_pdf())))
    script = writer._add_object(DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('hello');")}))
    writer._root_object[NameObject("/Names")] = DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject([
            TextStringObject("hello"), script])})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action_pdf() -> bytes:
    """A JavaScript action run by /OpenAction when the file is opened."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(letter_pdf())))
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/J#53"): TextStringObject("x")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(letter_pdf())))
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HTML_AS_JPG = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
SVG_AS_JPG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
              b"<rect width='10' height='10'/></svg>")


def polyglot_jpeg() -> bytes:
    """A valid JPEG with an HTML page appended: both an image and a web page."""
    return photo_jpeg(exif=False) + b"<html><script>alert(document.cookie)</script></html>"


def press_summit(slug: str = "kangding-press", **overrides) -> Summit:
    """A summit accrediting media: zones MAIN, PRESS, VIP and a ``press`` category."""
    summit = factories.make_summit(slug, press_enabled=True, **overrides)
    main = factories.make_zone(summit, "MAIN", "主会场")
    area = factories.make_zone(summit, "PRESS", "媒体区")
    factories.make_zone(summit, "VIP", "贵宾室")
    category = AttendeeCategory(summit=summit, code="press", label_zh="媒体", label_en="Press",
                                colour="#b54708", public=False, zones=[main, area])
    db.session.add(category)
    db.session.commit()
    return summit


def details(user: User, *, outlet: str = "四川电视台", crew: int = 2,
            zones: tuple[str, ...] = ("MAIN", "PRESS"), card: str = "510100201700123",
            locale: str = "en") -> press.ApplicationDetails:
    """Complete details with real uploaded files, as the applicant's form would send them."""
    def photo() -> str:
        return press_files.store_photo(user.id, photo_jpeg(), "photo.jpg")

    members = [press.PersonDetails(name, "", role, photo()) for name, role in
               (("王强", PressRole.CAMERA), ("次仁多吉", PressRole.SOUND),
                ("张伟", PressRole.TECHNICIAN))[:crew]]
    return press.ApplicationDetails(
        outlet_name=outlet, media_type=press.MediaType.TV, region="四川省",
        website="https://www.sctv.com", press_card_number=card,
        applicant=press.PersonDetails("李娜", "", PressRole.REPORTER, photo()), crew=members,
        equipment=[("索尼 PXW-Z280", "SN-0451279")], zone_codes=list(zones),
        letter_token=press_files.store_letter(user.id, letter_pdf(), "letter.pdf"),
        locale=locale)


def applicant(summit: Summit, email: str | None = None) -> User:
    return factories.make_member(summit, Role.PRESS, email, name="李娜")


def submitted(summit: Summit, user: User | None = None, **kwargs) -> PressApplication:
    user = user or applicant(summit)
    return press.save_application(user, summit, details(user, **kwargs), submit=True,
                                  now=datetime(2027, 7, 1, tzinfo=UTC))
