"""Programme benchmarks (issue 4: agenda and salons).

With 300 items in 5 rooms over 3 days and 2,000 registrations, published:
1. the public agenda page: target <= 50 ms median;
2. the summit's .ics: target <= 100 ms median;
3. the printed programme PDF: target <= 10 s;
each also as a ratio to the trivial /api/v1/health endpoint measured in the same run, and
4. SQL queries per request at 30 and 300 items (must be equal).

Runs on SQLite in a temporary folder. Exit code 1 when a target is missed.
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, time as clock
from pathlib import Path

from bench._helpers import median_ms
from summit import create_app
from summit.extensions import db
from summit.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaParticipant,
    AgendaVersion,
    AttendeeCategory,
    Membership,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Role,
    Room,
    Summit,
)
from summit.services.accounts import users as accounts
from summit.services.agenda import public as agenda_public, publish as agenda_publish
from summit.services.core import names
from tests.support.queries import statements_run

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "波伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"
KINDS = [AgendaItemKind.SPEECH, AgendaItemKind.EXCHANGE_TALK, AgendaItemKind.KEYNOTE,
         AgendaItemKind.SALON, AgendaItemKind.ADDRESS]
ROLES = [ParticipantRole.SPEAKER, ParticipantRole.MODERATOR, ParticipantRole.PANELIST]


def person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def build_programme(summit: Summit, rooms: list[Room], people: list[Registration],
                    count: int) -> None:
    """``count`` items over three days, spread over the rooms in 30-minute slots."""
    db.session.execute(db.delete(AgendaParticipant))
    db.session.execute(db.delete(AgendaItem))
    db.session.execute(db.delete(AgendaVersion))
    for index in range(count):
        day = index % 3
        slot = (index // 3) // len(rooms)
        room = rooms[(index // 3) % len(rooms)]
        minutes = 8 * 60 + slot * 30
        item = AgendaItem(summit_id=summit.id, day=date(2027, 8, 3 + day),
                          start=clock(minutes // 60, minutes % 60),
                          end=clock((minutes + 25) // 60, (minutes + 25) % 60),
                          room_id=room.id, kind=KINDS[index % len(KINDS)],
                          title_zh=f"电商精准扶贫交流发言 第{index + 1}场",
                          title_en=f"Exchange talk no. {index + 1}",
                          description_zh="各县市和企业代表交流发言，分享电商扶贫经验。",
                          bookable=index % 10 == 0, capacity=40 if index % 10 == 0 else None)
        for position in range(1 + index % 3):
            item.participants.append(AgendaParticipant(
                role=ROLES[position], registration_id=people[(index * 3 + position) % len(
                    people)].id, position=position))
        db.session.add(item)
    db.session.commit()


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "FONT_CACHE_DIR": str(Path(__file__).resolve().parent.parent
                                            / ".cache" / "fonts")})
    failed = False
    with app.app_context():
        db.create_all()
        organiser = accounts.create_user("organiser@example.com", "会务组", "bench-password",
                                         verified=True)
        summit = Summit(slug="bench", title_zh="基准峰会", title_en="Bench Summit",
                        starts_on=date(2027, 8, 3), ends_on=date(2027, 8, 5), venue="会议中心")
        summit.categories.append(AttendeeCategory(code="delegate", label_zh="代表"))
        summit.memberships.append(Membership(user=organiser, role=Role.ORGANISER))
        db.session.add(summit)
        db.session.flush()
        rooms = [Room(summit_id=summit.id, name_zh=f"第{i + 1}会议室", name_en=f"Room {i + 1}",
                      capacity=100, position=i) for i in range(5)]
        db.session.add_all(rooms)
        people = []
        for i in range(2000):
            name = person(i)
            pinyin = names.pinyin_name(name)
            people.append(Registration(
                summit_id=summit.id, category_id=summit.categories[0].id, name=name,
                name_pinyin=pinyin, search_key=names.search_key(name, "", pinyin),
                sort_key=names.sort_key(name, pinyin), organisation_name="甘孜州人民政府",
                position="干部", email=f"p{i}@example.com", phone=f"139{i:08d}",
                status=RegistrationStatus.APPROVED))
        db.session.add_all(people)
        db.session.commit()
        engine = db.engine

        counts: dict[int, dict[str, int]] = {}
        client = app.test_client()
        for size in (30, 300):
            build_programme(summit, rooms, people, size)
            agenda_publish.publish_agenda(organiser, summit, confirm=True, notify=False)
            counts[size] = {}
            for path in ("/summits/bench/agenda", "/summits/bench/agenda.ics"):
                assert client.get(path).status_code == 200
                with statements_run(engine) as statements:
                    client.get(path)
                counts[size][path] = len(statements)
        items = db.session.scalar(db.select(db.func.count(AgendaItem.id)))
        registrations = db.session.scalar(db.select(db.func.count(Registration.id)))

    health = median_ms(lambda: client.get("/api/v1/health"), 200, warm=False,
                       label="trivial endpoint")
    page = median_ms(lambda: client.get("/summits/bench/agenda"), 40, warm=False,
                     label="agenda page")
    ics = median_ms(lambda: client.get("/summits/bench/agenda.ics"), 40, warm=False,
                    label="agenda .ics")
    with app.app_context():
        published = agenda_public.published_agenda(db.session.get(Summit, summit.id))

    def fresh_ics():
        published.exports.clear()  # as for the first request after publishing
        client.get("/summits/bench/agenda.ics")

    cold_ics = median_ms(fresh_ics, 10, warm=False, label=".ics built afresh")
    started = time.perf_counter()
    response = client.get("/summits/bench/agenda/programme.pdf?lang=zh")
    pdf = time.perf_counter() - started
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    print(f"programme: {items} items in 5 rooms over 3 days, {registrations:,} registrations, "
          f"published; trivial endpoint /api/v1/health median {health:.2f} ms")
    for label, value, target in (("public agenda page", page, 50), ("summit .ics", ics, 100)):
        ok = value <= target
        failed |= not ok
        print(f"{label}: median {value:.1f} ms (target <= {target} ms: "
              f"{'met' if ok else 'MISSED'}); {value / health:.1f}x the trivial endpoint")
    print(f"summit .ics built afresh (first request of a version): median {cold_ics:.1f} ms; "
          f"{cold_ics / health:.1f}x the trivial endpoint")
    ok = pdf <= 10
    failed |= not ok
    print(f"programme PDF (zh, {len(response.data) // 1024} KB): {pdf:.2f} s (target <= 10 s: "
          f"{'met' if ok else 'MISSED'}); {pdf * 1000 / health:.0f}x the trivial endpoint")
    for path in counts[30]:
        ok = counts[30][path] == counts[300][path]
        failed |= not ok
        print(f"queries for {path}: {counts[30][path]} at 30 items, {counts[300][path]} at "
              f"300 items ({'constant' if ok else 'GROWS'})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
