"""Media accreditation benchmarks (issue 5). The issue states no numbers; the targets are ours:

1. The media officers' queue over 1,000 applications (3,000 people), search and page of 50:
   median <= 100 ms (as the registrations list), against the trivial /api/v1/health in the
   same run; SQL statements the same at 10 and at 50 rows.
2. Checking a 2 MB, 12-megapixel photo (sniff, decode, EXIF removed, scaled, re-encoded):
   <= 3x the time Pillow takes merely to decode the same photo.
3. Checking a 40-page assignment letter (parse, walk every object for active content):
   <= 5x the time pypdf takes merely to open it and count its pages.
4. A press badge (with its photo) against a registration badge of the same summit, both
   warm medians through the shared renderer: <= 1.5x.

Runs on SQLite in a temporary folder. Exit code 1 when a target is missed.
"""
from __future__ import annotations

import io
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import weasyprint
from PIL import Image
from pypdf import PdfReader

from bench._helpers import median_ms, statements_per_page
from summit import create_app
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    MediaType,
    Membership,
    PressApplication,
    PressPerson,
    PressRole,
    PressStatus,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    User,
    Zone,
)
from summit.services.accounts import users as accounts
from summit.services.badges import issuing as badges
from summit.services.core import names, pdf, uploads
from summit.services.press import (
    badges as press_badges,
    files as press_files,
    review as press_review,
)

FONT_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "fonts"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "波伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"


def person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def report(label: str, ok: bool, text: str) -> bool:
    print(f"{label}: {text} ({'met' if ok else 'MISSED'})", flush=True)
    return not ok


def big_photo() -> bytes:
    """A noisy 3000 x 4000 JPEG of about 2 MB, with EXIF, as phones make them."""
    noise = Image.effect_noise((750, 1000), 60).convert("RGB").resize((3000, 4000))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Phone"
    quality = 80
    while True:
        out.seek(0)
        out.truncate()
        noise.save(out, "JPEG", quality=quality, exif=exif.tobytes())
        if out.tell() <= press_files.MAX_PHOTO or quality < 20:
            return out.getvalue()
        quality -= 10


def long_letter(pages: int = 40) -> bytes:
    body = "".join(f"<p style='break-after: page'>第 {n} 页：兹派遣我台记者前往康定采访。</p>"
                   for n in range(pages))
    return weasyprint.HTML(string=f"<html lang='zh'><body>{body}</body></html>").write_pdf()


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-press-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "FONT_CACHE_DIR": str(FONT_CACHE)})
    failed = False
    with app.app_context():
        db.create_all()
        officer = accounts.create_user("officer@example.com", "审核员", "bench-password",
                                       verified=True)
        summit = Summit(slug="bench", title_zh="基准峰会", starts_on=date(2027, 8, 3),
                        ends_on=date(2027, 8, 3), press_enabled=True)
        main_zone = Zone(code="MAIN", label_zh="主会场")
        press_zone = Zone(code="PRESS", label_zh="媒体区")
        summit.zones += [main_zone, press_zone]
        summit.categories += [
            AttendeeCategory(code="press", label_zh="媒体", label_en="Press", colour="#b54708",
                             zones=[main_zone, press_zone]),
            AttendeeCategory(code="delegate", label_zh="代表", label_en="Delegate",
                             zones=[main_zone])]
        summit.memberships.append(Membership(user=officer, role=Role.MEDIA_OFFICER))
        db.session.add(summit)
        db.session.commit()
        officer_id = officer.id

        # 1. the queue over 1,000 applications
        now = datetime(2027, 7, 1, tzinfo=UTC)
        for i in range(1000):
            application = PressApplication(
                summit=summit, outlet_name=f"{person(i)}电视台", outlet_key=f"tv{i}",
                media_type=MediaType.TV, status=PressStatus.SUBMITTED, submitted_at=now,
                requested_zones=[main_zone, press_zone])
            for position in range(3):
                name = person(i * 3 + position)
                application.people.append(PressPerson(
                    position=position, name=name, name_pinyin=names.pinyin_name(name),
                    role=PressRole.CAMERA))
            db.session.add(application)
        db.session.commit()

    client = app.test_client()
    client.post("/auth/login", data={"email": "officer@example.com",
                                     "password": "bench-password"})
    url = "/summits/bench/press?q=%E7%94%B5%E8%A7%86%E5%8F%B0&per_page=50"
    assert client.get(url).status_code == 200
    health = median_ms(lambda: client.get("/api/v1/health"), 60, label="trivial endpoint")
    queue = median_ms(lambda: client.get(url), 30, label="queue page")
    failed |= report("officers' queue, search, page of 50 of 1,000 applications", queue <= 100,
                     f"median {queue:.1f} ms, {queue / health:.1f}x /api/v1/health "
                     f"({health:.2f} ms); target <= 100 ms")
    with app.app_context():
        engine = db.engine
    counts = statements_per_page(engine, client, "/summits/bench/press")
    failed |= report("queries per queue page", counts[10] == counts[50],
                     f"{counts[10]} at 10 rows, {counts[50]} at 50 rows; target constant")

    with app.app_context():
        officer = db.session.get(User, officer_id)
        summit = db.session.scalar(db.select(Summit))

        # 2. a 2 MB photo
        photo = big_photo()

        def decode_only():
            with Image.open(io.BytesIO(photo)) as image:
                image.load()

        floor = median_ms(decode_only, 7)
        check = median_ms(lambda: press_files.check_photo(photo, "phone.jpg"), 7)
        failed |= report(f"photo check, {len(photo) / 1e6:.1f} MB 12 MP JPEG", check <= 3 * floor,
                         f"{check:.0f} ms, {check / floor:.2f}x Pillow merely decoding it "
                         f"({floor:.0f} ms); target <= 3x")

        # 3. a 40-page letter

        letter = long_letter()
        floor = median_ms(lambda: len(PdfReader(io.BytesIO(letter)).pages), 7)
        check = median_ms(lambda: press_files.check_letter(letter, "letter.pdf"), 7)
        failed |= report(f"letter check, 40 pages ({len(letter) / 1e3:.0f} kB)", check <= 5 * floor,
                         f"{check:.1f} ms, {check / floor:.2f}x pypdf opening it and counting "
                         f"pages ({floor:.1f} ms); target <= 5x")

        # 4. a press badge against a registration badge
        pdf.configure(str(FONT_CACHE))
        application = db.session.scalar(db.select(PressApplication))
        token = uploads.store(press_files.KIND, press_files.check_photo(photo, "p.jpg"),
                              {"kind": "photo"})
        for member in application.people:
            member.photo_token = token
        db.session.commit()
        press_review.decide(officer, application, press_review.Decision("approve"), now=now)
        press_badge = press_badges.badge_of(application.people[0])
        registration = Registration(summit=summit, category=summit.categories[1], name="赵波",
                                    name_pinyin="ZHAO Bo", email="zhao@example.com",
                                    organisation_name="甘孜州商务局", position="局长",
                                    status=RegistrationStatus.APPROVED)
        db.session.add(registration)
        db.session.commit()
        delegate_badge = badges.ensure_badge(registration)
        db.session.commit()
        plain = median_ms(lambda: badges.render_badge(delegate_badge), 15)
        with_photo = median_ms(lambda: press_badges.render_badge(press_badge), 15)
        failed |= report("press badge with photo", with_photo <= 1.5 * plain,
                         f"{with_photo:.1f} ms, {with_photo / plain:.2f}x a registration badge "
                         f"({plain:.1f} ms); target <= 1.5x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
