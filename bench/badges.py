"""Badge benchmarks (issues: badges; 23, badges that scale with cores).

1. One badge with a Chinese, a traditional or a Tibetan name, warm median, against a one-line
   Latin-only WeasyPrint document rendered the plain way (``HTML(string=...).write_pdf()``) in
   the same run, three runs: target <= 2x. For reference it also times the naive way (the
   same badge with Debian's full Noto Sans CJK, a new font configuration per document).
2. The QR code of a badge with python-qrcode (what the badges use) against segno (what they
   used before), same run, same real signed tokens: target <= 1.1x, and the same modules.
3. 1,000 badges in one print PDF through a real batch job (database, tokens, render
   processes, joining, marking printed), three runs of one process then two: target <= 8 ms
   of wall time per badge with two, <= 0.6x the one-process time, and the peak memory of the
   app process plus its render workers <= 1 GB. Each batch prints its phases (batches.Phases:
   data, render, join, finish).

Runs on SQLite in a temporary folder. Exit code 1 when a target is missed; no verdict on a
busy machine (bench/_helpers.py).
"""
from __future__ import annotations

import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import segno
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from bench._helpers import Run, Series, Verdict, repeated
from summit import create_app
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    BadgeSelection,
    BadgeSize,
    JobStatus,
    Membership,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    Zone,
)
from summit.services.accounts import users as accounts
from summit.services.badges import (
    batches as badge_batches,
    design as badge_design,
    issuing as badges,
    qr as badge_qr,
    render as badge_render,
    tokens as badge_tokens,
)
from summit.services.core import jobs, names

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "波伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"
TIBETAN = ("བཀྲ་ཤིས་བདེ་ལེགས", "ཚེ་རིང་ལྷ་མོ", "བསོད་ནམས་རྒྱལ་པོ")
FONT_CACHE = Path(__file__).resolve().parent.parent / ".cache" / "fonts"


def median_s(fn, repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def person(i: int) -> tuple[str, str]:
    kind = i % 10
    if kind == 7:
        return "扎西" + GIVEN[i % len(GIVEN)], TIBETAN[i % len(TIBETAN)]
    if kind == 8:
        return f"Anna Schmidt {i}", ""
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]
    return (names.to_traditional(name) if kind == 9 else name), ""


def make_summit(count: int):
    organiser = accounts.create_user("organiser@example.com", "会务组", "bench-password",
                                     verified=True)
    summit = Summit(slug="bench", title_zh="四川藏区电子商务精准扶贫发展大会",
                    starts_on=date(2027, 8, 3), ends_on=date(2027, 8, 4))
    db.session.add(summit)
    zones = [Zone(summit=summit, code=c, label_zh=w) for c, w in
             (("MAIN", "主会场"), ("SALON", "电商沙龙"), ("VIP", "贵宾室"))]
    categories = [AttendeeCategory(summit=summit, code=c, label_zh=z, label_en=e, colour=col,
                                   zones=zones[:n])
                  for c, z, e, col, n in (("guest", "嘉宾", "Guest", "#b42318", 3),
                                          ("delegate", "代表", "Delegate", "#1f5fbf", 2),
                                          ("enterprise", "企业", "Enterprise", "#2e7d32", 1))]
    db.session.add_all(zones + categories)
    db.session.add(Membership(user=organiser, summit=summit, role=Role.ORGANISER))
    for i in range(count):
        name, native = person(i)
        pinyin = names.pinyin_name(name, no_surname=bool(native))
        db.session.add(Registration(
            summit=summit, category=categories[i % 3], name=name, name_native=native,
            name_pinyin=pinyin, search_key=names.search_key(name, native, pinyin)[:1000],
            sort_key=names.sort_key(name, pinyin)[:100], organisation_name="甘孜州商务局",
            position="科长", email=f"p{i}@example.com", phone="13800138000",
            status=RegistrationStatus.APPROVED))
    db.session.commit()
    return organiser, summit


def single_badges(summit: Summit, verdict: Verdict) -> None:
    """Three runs; in each, the plain one-line document and the three badges, 11 renders
    each (warm medians): the ratios of that run."""
    people = {"simplified 赵波": ("赵波", ""), "traditional 趙波": ("趙波", ""),
              "Tibetan བཀྲ་ཤིས་": ("扎西德勒", "བཀྲ་ཤིས་བདེ་ལེགས")}
    category = summit.categories[0]
    design = {category.code: badges.design_of(category)}
    badges_of = {}
    for label, (name, native) in people.items():
        registration = Registration(
            summit=summit, category=category, name=name, name_native=native,
            name_pinyin=names.pinyin_name(name), organisation_name="甘孜州商务局", position="局长",
            email=f"{name}@example.com", status=RegistrationStatus.APPROVED)
        db.session.add(registration)
        db.session.commit()
        badges_of[label] = badges.ensure_badge(registration)
        db.session.commit()
    ratios: dict[str, list[float]] = {label: [] for label in people}

    def one_run() -> float:
        """11 rounds of the document then each badge, interleaved (the load drifts)."""
        times: dict[str, list[float]] = {"baseline": [], **{label: [] for label in people}}
        calls = {"baseline": lambda: weasyprint.HTML(string="<p>Summit</p>").write_pdf(),
                 **{label: (lambda badge=badge: badges.render_badge(badge, BadgeSize.A6))
                    for label, badge in badges_of.items()}}
        for call in calls.values():
            call()  # warm
        for _ in range(11):
            for name, call in calls.items():
                started = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - started)
        baseline = statistics.median(times["baseline"])
        for label in people:
            ratios[label].append(statistics.median(times[label]) / baseline)
        return baseline * 1000

    print("One A6 badge against a one-line Latin-only document (plain WeasyPrint), same run:")
    baseline = repeated("one-line Latin document", " ms", RUNS, one_run, digits=1)
    for label in people:
        series = Series(f"one A6 badge, {label} / one-line document", "x")
        for run, ratio in zip(baseline.runs, ratios[label], strict=True):
            series.runs.append(Run(ratio, run.load_before, run.others, run.load_average))
        state = verdict.check(f"badge {label}", series.median <= 2, baseline)
        print(f"  {series.summary()} (target <= 2x: {state})")
    face = badges.face_of(badges_of["simplified 赵波"])
    html = badge_design.build_html([face], design, BadgeSize.A6).replace('"Summit Sans CJK", ', "")
    naive = median_s(lambda: weasyprint.HTML(string=html).write_pdf(
        font_config=FontConfiguration()), 3)
    print(f"  for reference, the naive render (full Noto CJK, new font configuration): "
          f"{naive * 1000:.1f} ms = {naive / (baseline.median / 1000):.1f}x")


def qr_libraries(verdict: Verdict, count: int = 500) -> None:
    """Each library makes the PNG data URI of every token once (no cache), alternately."""
    key = badge_tokens.Ed25519PrivateKey.generate()
    tokens = [badge_tokens.sign(key, badge_tokens.new_badge_ref(), 1) for _ in range(count)]

    def with_segno() -> list[str]:
        return [segno.make(t, error="m", micro=False, mask=4).png_data_uri(scale=1, border=4)
                for t in tokens]

    def with_qrcode() -> list[str]:
        return [badge_qr.png_data_uri(t) for t in tokens]

    same = all(badge_qr.matrix(t) == [[bool(v) for v in row] for row in segno.make(
        t, error="m", micro=False, mask=4).matrix_iter(border=4)] for t in tokens[:50])
    seg = median_s(with_segno, 5) / count
    qrc = median_s(with_qrcode, 5) / count
    ratio = qrc / seg
    print(f"QR code of a badge token: python-qrcode {qrc * 1000:.2f} ms, segno "
          f"{seg * 1000:.2f} ms = {ratio:.2f}x (target <= 1.1x); same modules: {same}")
    verdict.check("QR code library", ratio <= 1.1 and same)


class PhaseLog(logging.Handler):
    """The batch's own phase timings (batches.Phases, logged when a job ends)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.last = record.getMessage().split("; ", 1)[-1]


def batch(organiser, summit: Summit, processes: int, phases: PhaseLog) -> float:
    """One batch job of every approved badge with ``processes`` render processes: wall ms per
    badge (render processes already running)."""
    _app.config["BADGE_RENDER_PROCESSES"] = processes
    badge_batches_reset(summit)
    started = time.perf_counter()
    job = badge_batches.start(organiser, summit, BadgeSelection.ALL_APPROVED, BadgeSize.A4_SHEET)
    jobs.wait_idle(_app, timeout=600)
    wall = time.perf_counter() - started
    db.session.expire_all()
    job = db.session.get(type(job), job.id)
    if job.status is not JobStatus.DONE:
        raise RuntimeError(f"Batch failed: {job.error}")
    print(f"    {processes} process{'es' if processes > 1 else ''}: {job.total} badges, "
          f"{wall:.2f} s, {job.file_size / 1e6:.1f} MB; phases: {phases.last}", flush=True)
    return wall / job.total * 1000


def batches(organiser, summit: Summit, verdict: Verdict) -> None:
    phases = PhaseLog()
    logging.getLogger("summit.services.badges.batches").addHandler(phases)
    logging.getLogger("summit.services.badges.batches").setLevel(logging.INFO)
    processes = os.cpu_count() or 2
    started = time.perf_counter()
    first = batch(organiser, summit, processes, phases)
    print(f"  first batch, render processes started by the job: {first:.1f} ms per badge "
          f"({time.perf_counter() - started:.1f} s)")
    one: list[float] = []

    def one_run() -> float:
        one.append(batch(organiser, summit, 1, phases))
        return batch(organiser, summit, processes, phases)

    print(f"Batches of every approved badge, A4 sheets; a run = one process, then {processes}:")
    many = repeated(f"{processes} render processes, ms per badge", " ms", RUNS, one_run, digits=1)
    ratio = Series(f"{processes} processes / 1 process", "x")
    for run, single in zip(many.runs, one, strict=True):
        ratio.runs.append(Run(run.value / single, run.load_before, run.others,
                              run.load_average))
    print(f"  1 process: median {statistics.median(one):.1f} ms per badge (runs "
          f"{', '.join(f'{v:.1f}' for v in one)})")
    state = verdict.check("batch ms per badge", many.median <= 8, many)
    print(f"  {many.summary(1)} (target <= 8 ms: {state})")
    state = verdict.check("batch scaling", ratio.median <= 0.6, many)
    print(f"  {ratio.summary()} (target <= 0.6x: {state})")
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak = self_mb + child_mb * processes
    state = verdict.check("memory", peak <= 1024, many)
    print(f"  peak memory: app {self_mb:.0f} MB + {processes} workers <= {child_mb:.0f} MB each "
          f"= {peak:.0f} MB (target <= 1024 MB: {state})")


_app = None
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def main() -> int:
    global _app
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-"))
    count = int(os.environ.get("BENCH_BADGES", "1000"))
    _app = create_app({"TESTING": False, "DEBUG": False, "SECRET_KEY": "bench",
                       "INSTANCE_PATH": str(folder), "WTF_CSRF_ENABLED": False,
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
                       "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                       "FONT_CACHE_DIR": str(FONT_CACHE),
                       "BADGE_RENDER_PROCESSES": os.cpu_count() or 2, "BADGE_CHUNK_SIZE": 52})
    verdict = Verdict()
    with _app.app_context():
        db.create_all()
        organiser, summit = make_summit(count)
        single_badges(summit, verdict)
        qr_libraries(verdict)
        batches(organiser, summit, verdict)
        badge_render.shutdown_pool()
    return verdict.finish()


def badge_batches_reset(summit: Summit) -> None:
    """Forget printed marks so the second batch prints the same people."""
    db.session.query(Badge).filter(Badge.summit_id == summit.id).update(
        {Badge.printed_at: None, Badge.printed_version: None})
    db.session.commit()


if __name__ == "__main__":
    sys.exit(main())
