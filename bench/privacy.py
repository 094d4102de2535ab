"""Personal data (issue 21):

1. Import of 5,000 rows with ID numbers into a summit holding 5,000 registrations with ID
   numbers: sealed numbers and keyed-hash duplicate checks against the same import with the
   numbers stored and compared in clear (as before sealing), in the same run, alternated;
   target ratio <= 1.2.
2. Purge (anonymisation) of a summit of 10,000 registrations and 2,000 press photos stored
   as files: target <= 60 s.

Run: ``python -m bench.privacy`` (or ``make bench``).
"""
from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from summit import create_app, sealing
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Membership,
    PressApplication,
    PressPerson,
    Registration,
    Role,
    Summit,
)
from summit.services.accounts import users as accounts
from summit.services.core import spreadsheets, uploads
from summit.services.privacy import erasure
from summit.services.registration import imports as registration_import


class ClearKeyring(sealing.Keyring):
    """How numbers were kept before sealing: in clear, compared as they are."""

    def seal(self, plain: str) -> str:
        return plain

    def digest(self, plain: str, key=None) -> str:
        return sealing.normalise(plain)


def passport(i: int) -> str:
    return f"E{i:08d}"


def new_summit(slug: str, organiser, **dates) -> Summit:
    summit = Summit(slug=slug, title_zh="基准峰会", starts_on=dates.get("starts_on",
                    date(2027, 8, 3)), ends_on=dates.get("ends_on", date(2027, 8, 3)))
    summit.categories.append(AttendeeCategory(code="delegate", label_zh="代表"))
    summit.memberships.append(Membership(user=organiser, role=Role.ORGANISER))
    db.session.add(summit)
    db.session.commit()
    return summit


def fill(summit: Summit, count: int, offset: int) -> None:
    category = summit.categories[0]
    db.session.add_all(Registration(
        summit=summit, category=category, name=f"人员{i}", email=f"old{i}@example.com",
        phone=f"138{i:08d}", id_number=passport(offset + i), hotel="康定情歌大酒店",
        arrival_transport="3U8888") for i in range(count))
    db.session.commit()


def workbook(offset: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([spreadsheets.header_text(c) for c in registration_import.COLUMNS])
    keys = [c.key for c in registration_import.COLUMNS]
    for i in range(5000):
        values = {"name": f"新人{i}", "organisation_name": "甘孜州人民政府", "position": "干部",
                  "category": "delegate", "email": f"p{i}@example.com",
                  "phone": f"139{i:08d}", "id_type": "passport",
                  "id_number": passport(offset + 10_000 + i), "diet": "none"}
        sheet.append([values.get(k, "") for k in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_once(app, organiser, ring, slug: str, offset: int) -> float:
    app.extensions[sealing.EXTENSION] = ring
    summit = new_summit(slug, organiser)
    fill(summit, 5000, offset)
    data = workbook(offset)
    started = time.perf_counter()
    rows = registration_import.read_upload("bench.xlsx", data)
    report = registration_import.check_rows(summit, rows)
    created = registration_import.import_rows(organiser, summit, report)
    elapsed = time.perf_counter() - started
    assert len(created) == 5000, len(created)
    return elapsed


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    failed = False
    with app.app_context():
        db.create_all()
        organiser = accounts.create_user("organiser@example.com", "会务组", "bench-password",
                                         verified=True)
        sealed_ring = sealing.keyring()
        clear_ring = ClearKeyring(sealed_ring.keys)

        # 1. sealed vs clear import, alternated
        times: dict[str, list[float]] = {"sealed": [], "clear": []}
        for run in range(2):
            for kind, ring in (("clear", clear_ring), ("sealed", sealed_ring)):
                times[kind].append(import_once(app, organiser, ring, f"{kind}-{run}",
                                               offset=run * 100_000 + (kind == "sealed")
                                               * 50_000))
        app.extensions[sealing.EXTENSION] = sealed_ring
        sealed, clear = (statistics.median(times[k]) for k in ("sealed", "clear"))
        ratio = sealed / clear
        ok = ratio <= 1.2
        failed |= not ok
        print(f"import 5,000 rows with ID numbers into 5,000: sealed {sealed:.2f} s, clear "
              f"{clear:.2f} s, ratio {ratio:.2f} (target <= 1.2: {'met' if ok else 'MISSED'})")

        # 2. purge of 10,000 registrations and 2,000 photos
        summit = new_summit("purge", organiser, starts_on=date(2017, 8, 3),
                            ends_on=date(2017, 8, 4))
        fill(summit, 10_000, 900_000)
        photo = b"\xff\xd8\xff\xe0" + b"\0" * 20_000
        for i in range(2000):
            application = PressApplication(summit=summit, outlet_name="四川电视台",
                                           press_card_number=f"51010020170{i:04d}")
            application.people.append(PressPerson(
                name=f"记者{i}", photo_token=uploads.store("press", photo, {"kind": "photo"})))
            db.session.add(application)
        db.session.commit()
        press_folder = folder / "uploads" / "press"
        stored = len(list(press_folder.glob("*.bin")))
        started = time.perf_counter()
        result = erasure.purge_summit(None, summit, apply=True)
        elapsed = time.perf_counter() - started
        left = len(list(press_folder.glob("*.bin")))
        ok = elapsed <= 60 and result.registrations == 10_000 and left == 0
        failed |= not ok
        print(f"purge 10,000 registrations and {stored} photos: {elapsed:.1f} s, {left} files "
              f"left (target <= 60 s: {'met' if ok else 'MISSED'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
