"""Registration benchmarks (issue: delegate registration).

1. Import of 5,000 rows from an Excel file: target <= 10 s, and its ratio to openpyxl merely
   reading the same file (the floor any import pays).
2. The organiser's list with a search term over 10,000 registrations, page of 50: target
   <= 100 ms median, its ratio to the trivial /api/v1/health endpoint measured in the same run,
   and the SQL query count at page sizes 10 and 50 (must be equal).

Runs on SQLite in a temporary folder. Exit code 1 when a target is missed.
"""
from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bench._helpers import median_ms, statements_per_page
from summit import create_app
from summit.extensions import db
from summit.models import AttendeeCategory, Membership, Registration, Role, Summit
from summit.services.accounts import users as accounts
from summit.services.core import names, spreadsheets
from summit.services.registration import imports as registration_import

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "波伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"


def person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      # The page drawn every time: what its query costs. A kept page (issue 23)
                      # is measured by bench/requests.py.
                      "KEPT_PAGES": False})
    failed = False
    with app.app_context():
        db.create_all()
        organiser = accounts.create_user("organiser@example.com", "会务组", "bench-password",
                                         verified=True)
        summit = Summit(slug="bench", title_zh="基准峰会", starts_on=date(2027, 8, 3),
                        ends_on=date(2027, 8, 3))
        summit.categories.append(AttendeeCategory(code="delegate", label_zh="代表"))
        summit.memberships.append(Membership(user=organiser, role=Role.ORGANISER))
        db.session.add(summit)
        db.session.commit()

        # 1. import of 5,000 rows
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([spreadsheets.header_text(c) for c in registration_import.COLUMNS])
        keys = [c.key for c in registration_import.COLUMNS]
        for i in range(5000):
            values = {"name": person(i), "organisation_name": "甘孜州人民政府", "position": "干部",
                      "category": "delegate", "email": f"p{i}@example.com",
                      "phone": f"139{i:08d}", "diet": "none"}
            sheet.append([values.get(k, "") for k in keys])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()

        started = time.perf_counter()
        load_workbook(io.BytesIO(data), read_only=True).close()
        list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
        floor = time.perf_counter() - started

        started = time.perf_counter()
        rows = registration_import.read_upload("bench.xlsx", data)
        report = registration_import.check_rows(summit, rows)
        created = registration_import.import_rows(organiser, summit, report)
        elapsed = time.perf_counter() - started
        ok = elapsed <= 10 and len(created) == 5000
        failed |= not ok
        print(f"import 5,000 rows: {elapsed:.2f} s (target <= 10 s: {'met' if ok else 'MISSED'}); "
              f"{elapsed / floor:.1f}x the time openpyxl takes just to read the file")

        # 2. the organiser's list over 10,000 registrations
        extra = []
        for i in range(5000, 10000):
            name = person(i)
            pinyin = names.pinyin_name(name)
            extra.append(Registration(
                summit_id=summit.id, category_id=summit.categories[0].id, name=name,
                name_pinyin=pinyin, search_key=names.search_key(name, "", pinyin),
                sort_key=names.sort_key(name, pinyin), organisation_name="阿坝州",
                position="干部", email=f"q{i}@example.com", phone=f"138{i:08d}"))
        db.session.add_all(extra)
        db.session.commit()
        total = db.session.scalar(db.select(db.func.count(Registration.id)))

    client = app.test_client()
    client.post("/auth/login", data={"email": "organiser@example.com",
                                     "password": "bench-password"})
    url = "/summits/bench/registrations?q=zhao&per_page=50"
    assert client.get(url).status_code == 200
    health = median_ms(lambda: client.get("/api/v1/health"), 60, label="trivial endpoint")
    listing = median_ms(lambda: client.get(url), 30, label="list page")
    ok = listing <= 100
    failed |= not ok
    print(f"list with search over {total:,} registrations, page of 50: median {listing:.1f} ms "
          f"(target <= 100 ms: {'met' if ok else 'MISSED'}); {listing / health:.1f}x the trivial "
          f"endpoint ({health:.2f} ms) in the same run")

    with app.app_context():
        engine = db.engine
    counts = statements_per_page(engine, client, "/summits/bench/registrations?q=zhao")
    ok = counts[10] == counts[50]
    failed |= not ok
    print(f"queries per list page: {counts[10]} at 10 rows, {counts[50]} at 50 rows "
          f"({'constant' if ok else 'GROWS'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
