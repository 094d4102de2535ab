"""The demo summit's media accreditation: open for applications, press badges printed with the
``media`` category, an application by press@example.com (a TV crew of three, submitted and
waiting for the media officer) and the press room's first release: the Ganzi Daily report.

Idempotent like the rest of the demo: each step only adds what is missing. Like the demo's
registrations, these seeded rows are not audited (no one made them).
"""
from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import weasyprint
from PIL import Image, ImageDraw

from summit.extensions import db
from summit.models import (
    MediaType,
    PressApplication,
    PressEquipment,
    PressPerson,
    PressRelease,
    PressRole,
    PressStatus,
    Summit,
)
from summit.services.accounts import users as accounts
from summit.services.core import names, uploads
from summit.services.press import applications as press, files as press_files

REPORT = Path(__file__).resolve().parent / "data" / "ganzi_daily_2017-08-04.txt"
REPORT_SOURCE = "甘孜日報 2017年08月04日（記者 鄧安華）"
# The paper's date, midnight in Kangding (UTC+8).
REPORT_PUBLISHED = datetime(2017, 8, 3, 16, 0, tzinfo=UTC)
PRESS_EMAIL = "press@example.com"
CREW = (("李娜", "", PressRole.REPORTER, "#b54708"), ("王强", "", PressRole.CAMERA, "#1f5fbf"),
        ("次仁多吉", "ཚེ་རིང་རྡོ་རྗེ", PressRole.SOUND, "#2e7d32"))


def _settings(summit: Summit) -> None:
    if not summit.press_enabled and not any(c.code == summit.press_category_code
                                            for c in summit.categories):
        summit.press_enabled = True
        summit.press_category_code = "media"


def demo_photo(colour: str) -> bytes:
    """A plain portrait placeholder (head and shoulders) in the given colour."""
    image = Image.new("RGB", (300, 400), "#e8eef5")
    draw = ImageDraw.Draw(image)
    draw.ellipse((95, 70, 205, 190), fill=colour)
    draw.rounded_rectangle((45, 210, 255, 420), radius=80, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def demo_letter(outlet: str, names_: list[str]) -> bytes:
    people = "、".join(names_)
    html = (f'<html lang="zh"><body style="font-family: sans-serif"><h1>采访派遣函</h1>'
            f"<p>兹派遣我台 {people} 前往康定采访四川藏区电子商务精准扶贫发展大会。</p>"
            f"<p>{outlet}</p></body></html>")
    return weasyprint.HTML(string=html).write_pdf()


def _application(summit: Summit, now: datetime) -> None:
    user = accounts.find_user(PRESS_EMAIL)
    if user is None or db.session.scalar(db.select(PressApplication.id).where(
            PressApplication.summit_id == summit.id, PressApplication.user_id == user.id)):
        return
    outlet = "四川电视台"
    letter = uploads.store(press_files.KIND, demo_letter(outlet, [c[0] for c in CREW]),
                           {"user_id": user.id, "kind": "letter", "name": "派遣函.pdf",
                            "mimetype": "application/pdf"})
    application = PressApplication(
        summit=summit, user_id=user.id, outlet_name=outlet, outlet_key=press.outlet_key(outlet),
        media_type=MediaType.TV, region="四川省", website="https://www.sctv.com",
        press_card_number="510100201700123", letter_token=letter, letter_name="派遣函.pdf",
        locale="zh_Hans", status=PressStatus.SUBMITTED, submitted_at=now, created_at=now,
        vehicle_plate="川A12345",
        requested_zones=[z for z in summit.zones if z.code in ("MAIN", "PRESS", "SALON")])
    for position, (name, native, role, colour) in enumerate(CREW):
        photo = uploads.store(press_files.KIND, press_files.check_photo(demo_photo(colour),
                                                                        "photo.jpg"),
                              {"user_id": user.id, "kind": "photo", "name": "photo.jpg",
                               "mimetype": "image/jpeg"})
        application.people.append(PressPerson(
            position=position, name=name, name_native=native, role=role, photo_token=photo,
            name_pinyin=names.pinyin_name(name, no_surname=names.has_tibetan(native))))
    application.equipment = [PressEquipment(position=0, item="索尼 PXW-Z280 摄像机",
                                            serial_number="SN-0451279"),
                             PressEquipment(position=1, item="森海塞尔 无线麦克风",
                                            serial_number="EW-112P-7781")]
    db.session.add(application)


def _release(summit: Summit, now: datetime) -> None:
    if db.session.scalar(db.select(PressRelease.id).where(PressRelease.summit_id == summit.id)):
        return
    lines = REPORT.read_text(encoding="utf-8").strip().splitlines()
    release = PressRelease(summit=summit, title=lines[1].strip(),
                           body="\n".join(lines[2:]).strip(), source=REPORT_SOURCE,
                           published_at=REPORT_PUBLISHED, files=[])
    db.session.add(release)


def seed_press(summit: Summit, now: datetime) -> None:
    _settings(summit)
    _application(summit, now)
    _release(summit, now)
