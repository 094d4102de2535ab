"""Ordinary requests (issue 23, item 1): the server CPU of an authenticated API read and of
an organiser's HTML page, as same-run ratios to the trivial endpoint's.

The app runs in this process on the throw-away PostgreSQL of the tests (SQLite when
PostgreSQL is missing); each request is handed to the WSGI app directly, so the CPU measured
(this process plus PostgreSQL's, ``_helpers.Machine``) is the server's alone: no HTTP client
or socket in it. Measures, each repeated (3 runs; a run alternates the endpoints so drift
hits them alike):

1. ``GET /api/v1/health`` (no token, no query): the baseline.
2. ``GET /api/v1/summits/<slug>`` with a bearer token (token look-up, user, roles, summit
   with its organisations, zones and categories, JSON): target <= 3x.
3. The organiser's registration list, page of 50 over 10,000 registrations, logged in with
   a session cookie (login look-up, roles, list and counts, template): target <= 10x.
4. The organiser's console when the app has one (``/summits/<slug>/console``): <= 10x.

SQL statements per request are printed too (each must stay constant).

``BENCH_CODE=/path/to/checkout`` measures another checkout's ``summit`` package (a git
worktree of main, for the "before" figures) with this file. Exit code 1 when a target is
missed (no verdict on a busy machine, see _helpers.Verdict). ``BENCH_ONLY=pages`` measures
the HTML pages alone (with the trivial endpoint), ``BENCH_ONLY=api`` the API read alone.
"""
from __future__ import annotations

import os
import sys

if os.environ.get("BENCH_CODE"):
    sys.path.insert(0, os.path.abspath(os.environ["BENCH_CODE"]))

import shutil
import tempfile
from datetime import date
from pathlib import Path

from werkzeug.test import EnvironBuilder

from bench._helpers import Machine, Verdict, repeated
from summit import create_app
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationRole,
    Registration,
    Role,
    Summit,
    SummitOrganisation,
    Zone,
)
from summit.services.accounts import tokens as api_tokens, users as accounts
from summit.services.core import names
from tests.support import pg
from tests.support.queries import statements_run

REGISTRATIONS = int(os.environ.get("BENCH_REGISTRATIONS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "波伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"


def person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def seed() -> str:
    """The summit, its organiser and 10,000 registrations; the organiser's API token."""
    organiser = accounts.create_user("organiser@example.com", "会务组", "bench-password",
                                     verified=True)
    summit = Summit(slug="bench", title_zh="四川藏区电子商务精准扶贫发展大会",
                    title_en="Sichuan e-commerce summit", city="康定", venue="会展中心",
                    starts_on=date(2027, 8, 3), ends_on=date(2027, 8, 4))
    db.session.add(summit)
    zones = [Zone(summit=summit, code=c, label_zh=w) for c, w in
             (("MAIN", "主会场"), ("SALON", "电商沙龙"), ("VIP", "贵宾室"))]
    categories = [AttendeeCategory(summit=summit, code=c, label_zh=z, label_en=e, zones=zones[:n])
                  for c, z, e, n in (("guest", "嘉宾", "Guest", 3),
                                     ("delegate", "代表", "Delegate", 2),
                                     ("enterprise", "企业", "Enterprise", 1))]
    db.session.add_all(zones + categories)
    for i, (role, name) in enumerate(((OrganisationRole.HOST, "四川省人民政府"),
                                      (OrganisationRole.ORGANISER, "四川省商务厅"),
                                      (OrganisationRole.ORGANISER, "甘孜州人民政府"),
                                      (OrganisationRole.SUPPORTER, "阿坝州人民政府"))):
        organisation = Organisation(name=name, kind=OrganisationKind.GOVERNMENT)
        db.session.add(SummitOrganisation(summit=summit, organisation=organisation, role=role,
                                          position=i))
    db.session.add(Membership(user=organiser, summit=summit, role=Role.ORGANISER))
    db.session.commit()
    rows = []
    for i in range(REGISTRATIONS):
        name = person(i)
        pinyin = names.pinyin_name(name)
        rows.append(dict(
            summit_id=summit.id, category_id=categories[i % 3].id, name=name,
            name_pinyin=pinyin, search_key=names.search_key(name, "", pinyin)[:1000],
            sort_key=names.sort_key(name, pinyin)[:100], organisation_name="甘孜州商务局",
            position="科长", email=f"p{i}@example.com", phone=f"138{i:08d}"))
    db.session.execute(db.insert(Registration), rows)
    db.session.commit()
    raw, _token = api_tokens.issue_token_for(organiser, purpose="bench")
    return raw


# As the browser that logged in: Flask-Login's session protection compares the address and
# User-Agent with the login's (a mismatch marks the session and writes its cookie again).
BROWSER = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "Werkzeug/bench"}


def wsgi_caller(app, path: str, headers: dict[str, str]):
    """A function that hands one GET of ``path`` to the WSGI app and reads the body."""
    environ = EnvironBuilder(path=path, headers=headers, environ_base=BROWSER).get_environ()
    statuses = []

    def start_response(status, response_headers, exc_info=None):
        statuses.append(status)

    def call() -> None:
        body = app(dict(environ, **{"wsgi.input": environ["wsgi.input"]}), start_response)
        try:
            for _chunk in body:
                pass
        finally:
            if hasattr(body, "close"):
                body.close()

    call()
    if not statuses[-1].startswith("200"):
        raise RuntimeError(f"{path}: {statuses[-1]}")
    return call


def main() -> int:
    code = os.environ.get("BENCH_CODE")
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-requests-"))
    cluster = None
    bin_dir = pg.find_bin_dir()
    if bin_dir is not None and os.environ.get("BENCH_SQLITE") != "1":
        cluster = pg.Cluster(bin_dir)
        cluster.start()
        url = cluster.create_database("bench_requests")
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    try:
        return measure(folder, url, cluster, code)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def measure(folder: Path, url: str, cluster, code: str | None) -> int:
    app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": url,
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        db.create_all()
        token = seed()
        engine = db.engine
        if cluster is not None:
            # As autovacuum leaves a table some time after a bulk load: statistics and the
            # visibility map (index-only scans).
            # The first VACUUM after the load may leave the visibility map empty (seen:
            # relallvisible 0 of 315 pages, so the counts read the table): again until set.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for _attempt in range(3):
                    conn.execute(db.text("VACUUM ANALYZE"))
                    if conn.execute(db.text(
                            "SELECT relallvisible >= relpages FROM pg_class "
                            "WHERE relname = 'registrations'")).scalar():
                        break
    client = app.test_client()
    client.environ_base.update(BROWSER)
    client.post("/auth/login", data={"email": "organiser@example.com",
                                     "password": "bench-password"})
    # The browser's next page shows the welcome message and gets its CSRF secret: the cookie
    # it holds from then on is the one every later page sends.
    client.get("/summits/bench/registrations")
    cookie = client.get_cookie("session")
    session = {"Cookie": f"session={cookie.value}"}
    endpoints = {
        "trivial": wsgi_caller(app, "/api/v1/health", {}),
        "api read": wsgi_caller(app, "/api/v1/summits/bench",
                                {"Authorization": f"Bearer {token}"}),
        "registration list": wsgi_caller(app, "/summits/bench/registrations?per_page=50",
                                         session),
    }
    targets = {"api read": 3.0, "registration list": 10.0}
    if "summits.console" in app.view_functions or any(
            r.rule == "/summits/<slug:slug>/console" for r in app.url_map.iter_rules()):
        endpoints["console"] = wsgi_caller(app, "/summits/bench/console", session)
        targets["console"] = 10.0
    # About a third of a second of CPU per endpoint and run: /proc counts CPU in 10 ms ticks,
    # so 400 trivial requests (about 70 ms) made each figure +-10% by rounding alone.
    repeats = {"trivial": 2000, "api read": 800, "registration list": 60, "console": 60}
    if os.environ.get("BENCH_ONLY") == "pages":  # the organiser's pages alone
        del endpoints["api read"], targets["api read"]
    if os.environ.get("BENCH_ONLY") == "api":  # the API read alone
        for name in set(endpoints) - {"trivial", "api read"}:
            del endpoints[name], targets[name]

    database = "PostgreSQL" if cluster is not None else "SQLite"
    print(f"{REGISTRATIONS:,} registrations on {database}; the WSGI app called in this "
          f"process; server CPU = this process + PostgreSQL's"
          f"{'; code from ' + code if code else ''}")
    for name, call in endpoints.items():
        with statements_run(engine) as statements:
            call()
        print(f"  SQL statements per request, {name}: {len(statements)}")

    roots = []
    if cluster is not None:
        roots.append(int((cluster.data / "postmaster.pid").read_text().split()[0]))
    machine = Machine(roots)
    cpu: dict[str, list[float]] = {name: [] for name in endpoints}

    def one_run() -> float:
        """One round: each endpoint in turn, twice, interleaved; CPU ms per request."""
        used = {name: 0.0 for name in endpoints}
        for _half in range(2):
            for name, call in endpoints.items():
                count = repeats[name] // 2
                mark = machine.mark()
                for _ in range(count):
                    call()
                used[name] += machine.since(mark)[0] / count / 2
        for name in endpoints:
            cpu[name].append(used[name] * 1000)
        return used["trivial"] * 1000

    trivial = repeated("trivial endpoint, server CPU per request", " ms", RUNS, one_run,
                       machine)
    verdict = Verdict()
    for name, target in targets.items():
        ratios = [value / base for value, base in zip(cpu[name], trivial.values, strict=True)]
        series = type(trivial)(f"{name}, server CPU / trivial", "x")
        for run, ratio in zip(trivial.runs, ratios, strict=True):
            series.runs.append(type(run)(ratio, run.load_before, run.others, run.load_average))
        ms = sorted(cpu[name])[len(cpu[name]) // 2]
        state = verdict.check(name, series.median <= target, trivial)
        print(f"{series.summary()}; {ms:.2f} ms median (target <= {target:g}x: {state})")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
