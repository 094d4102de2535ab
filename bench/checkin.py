"""Check-in benchmark (issue: on-site check-in).

gunicorn serves the app on a throw-away PostgreSQL (tests/support/pg.py); wrk (Debian) loads it on
loopback with a Lua script that sends real signed badge tokens, each scan with its own
scan_id, from 50 concurrent connections.

1. Full load, 50 connections: check-in throughput against the same server's trivial JSON
   endpoint (GET /api/v1/health) measured in the same run, before and after the scans (the
   two averaged): target >= 50%.
2. An offered rate of 200 scans per second (each connection paced by the script's clock):
   target p99 latency <= 50 ms.
In both, the scans recorded in the database must equal the scans wrk sent.

Exit code 1 when a target is missed. Figures: bench/README.md.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

from summit import create_app
from summit.extensions import db
from summit.models import (
    AttendeeCategory,
    Badge,
    CheckIn,
    Membership,
    Registration,
    RegistrationStatus,
    Role,
    Summit,
    Zone,
)
from summit.services.accounts import tokens as api_tokens, users as accounts
from summit.services.badges import issuing as badges
from summit.services.core import names
from tests.support import pg

ROOT = Path(__file__).resolve().parent.parent
# Enough holders for every scan of a run to be that holder's first, as at a real gate (a
# second scan costs the same: it is the same statement).
HOLDERS = int(os.environ.get("BENCH_HOLDERS", "48000"))
DURATION = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = 50
RATE = 200
# As README's deployment: gthread workers, 2 per core, 8 threads each. Threads let a process
# send the scans that arrive together in one statement (services/checkin/fastpath/
# statement.py); measured on the same machine, 4 sync workers per core gave 43-48 %, 4 gthread
# workers of 8 threads 64 %.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
WORKER_ARGS = os.environ.get("BENCH_WORKER_ARGS", "-k gthread --threads 8").split()
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "波伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志"

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } timeval;
int gettimeofday(timeval *tv, void *tz);
]]
local tv = ffi.new("timeval")
local function now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local interval = tonumber(os.getenv("BENCH_INTERVAL_MS") or "0")
local threads, counter = {}, 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local scan_ms = tonumber(os.getenv("BENCH_SCAN_MS"))

-- BENCH_TIMED: one connection per wrk thread, so each thread's request and response
-- alternate and the script can time every scan itself (wrk's own latency figures would mix
-- in the tail). Untimed, the threads and connections are those of the trivial endpoint's run.
local timed = os.getenv("BENCH_TIMED") == "1"
local threads_n = tonumber(os.getenv("BENCH_THREADS"))
local first = tonumber(os.getenv("BENCH_FIRST") or "0")
local count = tonumber(os.getenv("BENCH_COUNT") or "0")

function init(args)
  sent, ok, bad, health, lat, t0, is_scan = 0, 0, 0, 0, {}, 0, false
  started = now_ms()
  next_at = started + math.random() * interval
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_API_TOKEN")
end

function delay()
  if interval <= 0 then return 0 end
  local wait = next_at - now_ms()
  next_at = math.max(next_at, now_ms()) + interval
  return math.max(0, math.floor(wait))
end

function request()
  -- After the scan window, only the trivial endpoint: when wrk stops, no scan is in flight,
  -- so every scan sent has had its answer.
  t0 = now_ms()
  if t0 - started > scan_ms then
    is_scan = false
    return wrk.format("GET", "/api/v1/health", {}, nil)
  end
  is_scan = true
  sent = sent + 1
  -- Each run scans its own holders (BENCH_FIRST, BENCH_COUNT), each thread its own slice.
  if count == 0 then count = #tokens end
  local slice = math.floor(count / threads_n)
  local token = tokens[first + ((tid - 1) * slice + sent - 1) % count + 1]
  local body = string.format('{"token":"%s","gate":"G%d","scan_id":"%s-t%d-%d","device":"wrk"}',
                             token, tid % 4, os.getenv("BENCH_RUN"), tid, sent)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if is_scan and timed then lat[#lat + 1] = now_ms() - t0 end
  if string.find(body, '"status"', 1, true) then health = health + 1
  elseif status == 200 and string.find(body, '"result"', 1, true) then ok = ok + 1
  else bad = bad + 1 end
end

function done(summary, latency, requests)
  local s, o, b, all = 0, 0, 0, {}
  for _, t in ipairs(threads) do
    io.write(string.format("SENT %d %d\n", t:get("tid"), t:get("sent")))
    s = s + t:get("sent"); o = o + t:get("ok"); b = b + t:get("bad")
    for _, v in ipairs(t:get("lat")) do all[#all + 1] = v end
  end
  table.sort(all)
  local function pct(p) return all[math.max(1, math.ceil(#all * p / 100))] or 0 end
  io.write(string.format("RESULT sent=%d ok=%d bad=%d p50=%d p99=%d timed=%d requests=%d\n",
                         s, o, b, pct(50) * 1000, pct(99) * 1000, #all, summary.requests))
end
"""


def person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)]


def seed(app) -> tuple[str, list[str]]:
    """A summit with HOLDERS approved registrations and their badges, a check-in account
    and its API token; the badge tokens as the QR codes hold them."""
    staff = accounts.create_user("gate@example.com", "签到员", "bench-password", verified=True)
    summit = Summit(slug="bench", title_zh="四川藏区电子商务精准扶贫发展大会",
                    starts_on=date(2027, 8, 3), ends_on=date(2027, 8, 4))
    zones = [Zone(summit=summit, code="MAIN", label_zh="主会场")]
    category = AttendeeCategory(summit=summit, code="delegate", label_zh="代表",
                                label_en="Delegate", zones=zones)
    db.session.add_all([summit, category, *zones,
                        Membership(user=staff, summit=summit, role=Role.CHECKIN_STAFF)])
    people = []
    for i in range(HOLDERS):
        name = person(i)
        pinyin = names.pinyin_name(name)
        registration = Registration(
            summit=summit, category=category, name=name, name_pinyin=pinyin,
            search_key=names.search_key(name, "", pinyin)[:1000],
            sort_key=names.sort_key(name, pinyin)[:100], organisation_name="甘孜州商务局",
            position="科长", email=f"p{i}@example.com", phone="13800138000",
            status=RegistrationStatus.APPROVED)
        people.append(registration)
        db.session.add(Badge(summit=summit, registration=registration, ref=badges.new_ref()))
    db.session.add_all(people)
    db.session.commit()
    tokens = [badges.token_for(b) for b in db.session.scalars(db.select(Badge))]
    raw, _token = api_tokens.issue_token_for(staff, purpose="bench")
    return raw, tokens


def recorded(app) -> int:
    with app.app_context():
        db.session.remove()
        return db.session.scalar(db.select(db.func.count()).select_from(CheckIn))


def reconcile(app, run: str, per_thread: dict[int, int]) -> tuple[list[str], list[str]]:
    """Scan ids the script generated that the database does not hold, and ids the database
    holds for this run that the script never generated."""
    with app.app_context():
        db.session.remove()
        held = set(db.session.scalars(db.select(CheckIn.scan_id).where(
            CheckIn.scan_id.like(f"{run}-%"))))
    generated = {f"{run}-t{t}-{n}" for t, count in per_thread.items()
                 for n in range(1, count + 1)}
    return sorted(generated - held), sorted(held - generated)


TAIL = 5  # seconds after the scan window, for the last answers to come back


THREADS = 2  # wrk threads at full load, for both endpoints (one per core)


def wrk(url: str, script: Path, env: dict, connections: int, seconds: int,
        timed: bool = False) -> dict:
    """``seconds`` of load; a scan script then sends only the trivial endpoint for TAIL
    seconds. Requests/sec is wrk's own figure (right for the trivial endpoint); scans/s is
    scans answered over the scan window. ``timed``: one thread per connection, so the script
    times each scan."""
    scanning = script.stat().st_size > 0
    threads = connections if timed else THREADS
    output = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections),
         "-d", f"{seconds + (TAIL if scanning else 0)}s", "--latency",
         "--timeout", "10s", "-s", str(script), url],
        env={**os.environ, **env, "BENCH_SCAN_MS": str(seconds * 1000),
             "BENCH_TIMED": "1" if timed else "0", "BENCH_THREADS": str(threads)},
        capture_output=True, text=True, check=True).stdout
    figures: dict = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    found = re.search(r"RESULT (.*)", output)
    if found:
        figures.update({k: int(v) for k, v in (p.split("=") for p in found.group(1).split())})
        figures["rps"] = figures["ok"] / seconds
        figures["per_thread"] = {int(t): int(n) for t, n in re.findall(r"SENT (\d+) (\d+)", output)}
        # wrk calls request() once on the first thread's script to check it (wrk.c,
        # script_verify_request) and never sends that one: scan 1 of thread 1.
        figures["sent"] -= 1
        figures["never_sent"] = f"{env['BENCH_RUN']}-t1-1"
    errors = re.search(r"Socket errors: (.*)", output)
    figures["socket_errors"] = errors.group(1) if errors else ""
    return figures


class ServerCPU:
    """CPU seconds used so far by gunicorn's processes and by PostgreSQL's: what a request
    costs the server whatever else the machine runs (the 2-core machines are shared)."""

    def __init__(self, gunicorn: int, cluster: pg.Cluster) -> None:
        self.gunicorn = gunicorn
        self.postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])

    def now(self) -> tuple[float, float]:
        """(gunicorn, PostgreSQL) CPU seconds."""
        app = database = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid, session = int(stat.parent.name), int(fields[1]), int(fields[3])
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            if session == self.gunicorn:
                app += ticks
            elif pid == self.postmaster or ppid == self.postmaster:
                database += ticks
        tick = os.sysconf("SC_CLK_TCK")
        return app / tick, database / tick

    def since(self, before: tuple[float, float]) -> tuple[float, float]:
        after = self.now()
        return after[0] - before[0], after[1] - before[1]


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer")


def main() -> int:
    if shutil.which("wrk") is None or pg.find_bin_dir() is None:
        print("wrk and PostgreSQL are needed: scripts/system-packages.sh test")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-checkin-"))
    cluster = pg.Cluster(pg.find_bin_dir())
    cluster.start()
    server = None
    try:
        url = cluster.create_database("bench_checkin")
        settings = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                    "INSTANCE_PATH": str(folder / "instance"),
                    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
        app = create_app(dict(settings, TESTING=False))
        with app.app_context():
            db.create_all()
            api_token, tokens = seed(app)
        (folder / "tokens.txt").write_text("\n".join(tokens) + "\n")
        script = folder / "scan.lua"
        script.write_text(LUA)
        (folder / "health.lua").write_text("")
        port = pg.free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(WORKERS), *WORKER_ARGS, "-b",
             f"127.0.0.1:{port}", "--backlog", "2048", "--log-level", "warning",
             "summit:create_app()"],
            cwd=ROOT, env={**os.environ, "SUMMIT_DATABASE_URL": url, "SUMMIT_SECRET_KEY": "bench",
                           "SUMMIT_INSTANCE_PATH": settings["INSTANCE_PATH"]},
            start_new_session=True)
        wait_until_up(f"{base}/api/v1/health", server)
        env = {"BENCH_TOKENS": str(folder / "tokens.txt"), "BENCH_API_TOKEN": api_token}
        scan_url = f"{base}/api/v1/summits/bench/checkins"
        print(f"{HOLDERS} badges, gunicorn with {WORKERS} workers {' '.join(WORKER_ARGS)}, "
              f"PostgreSQL {cluster.bin_dir.parent.name}, wrk on loopback; "
              f"{DURATION} s per measure")
        # Holders by run: the first 1,000 warm up, four fifths of the rest are for the full
        # load (enough for 2,500 scans/s) and a fifth for the offered rate.
        split = 1000 + (HOLDERS - 1000) * 4 // 5
        runs = {"warm": (0, 1000), "full": (1000, split - 1000),
                "paced": (split, HOLDERS - split)}
        env_of = {name: {**env, "BENCH_RUN": name, "BENCH_FIRST": str(first),
                         "BENCH_COUNT": str(count)} for name, (first, count) in runs.items()}
        wrk(scan_url, script, env_of["warm"], 10, 3)  # warm both paths
        wrk(f"{base}/api/v1/health", folder / "health.lua", {}, 10, 2)
        before = recorded(app)

        cpu = ServerCPU(server.pid, cluster)

        def trivial() -> tuple[float, float]:
            """The trivial endpoint's requests/s and server CPU per request."""
            mark = cpu.now()
            figures = wrk(f"{base}/api/v1/health", folder / "health.lua", {}, CONNECTIONS,
                          DURATION)
            return figures["rps"], sum(cpu.since(mark)) / (figures["rps"] * DURATION)

        # The trivial endpoint is measured before and after the scans, and the two averaged:
        # the shared machine's load drifts over a run, and this cancels a steady drift.
        before_rps, before_cpu = trivial()
        mark = cpu.now()
        full = wrk(scan_url, script, env_of["full"], CONNECTIONS, DURATION)
        used_app, used_database = cpu.since(mark)
        time.sleep(1)
        after_full = recorded(app)
        after_rps, after_cpu = trivial()
        health = {"rps": (before_rps + after_rps) / 2}
        cpu_health = (before_cpu + after_cpu) / 2
        # The tail's trivial requests are counted at the trivial endpoint's measured cost.
        tail = full["requests"] - full["ok"]
        cpu_scan_app = (used_app - tail * cpu_health) / full["ok"]
        cpu_scan_database = used_database / full["ok"]
        cpu_scan = cpu_scan_app + cpu_scan_database
        paced = wrk(scan_url, script, {**env_of["paced"],
                                       "BENCH_INTERVAL_MS": str(1000 * CONNECTIONS / RATE)},
                    CONNECTIONS, DURATION, timed=True)
        time.sleep(1)
        after_paced = recorded(app)

        for name, figures in (("full", full), ("paced", paced)):
            lost, extra = reconcile(app, name, figures["per_thread"])
            lost = [i for i in lost if i != figures["never_sent"]]
            if lost:
                print(f"{name}: generated by the script but never recorded: {lost}")
            if extra:
                print(f"{name}: recorded but never generated by the script: {extra}")
        ratio = full["rps"] / health["rps"]
        full_recorded = after_full - before
        paced_recorded = after_paced - after_full
        p99_ms = paced["p99"] / 1000
        print(f"trivial JSON endpoint, {CONNECTIONS} connections: {health['rps']:.0f} req/s "
              f"(before the scans {before_rps:.0f}, after {after_rps:.0f})")
        print(f"server CPU (gunicorn + PostgreSQL) per request: trivial "
              f"{cpu_health * 1000:.2f} ms, check-in {cpu_scan * 1000:.2f} ms = "
              f"{cpu_scan / cpu_health:.1f}x (gunicorn "
              f"{cpu_scan_app * 1000:.2f} ms, PostgreSQL {cpu_scan_database * 1000:.2f} ms)")
        print(f"check-in at full load, {CONNECTIONS} connections: {full['rps']:.0f} scans/s = "
              f"{ratio:.0%} of the trivial endpoint (target >= 50%); sent "
              f"{full['sent']}, answered 200 {full['ok']}, other {full['bad']}, recorded "
              f"{full_recorded} {full['socket_errors']}")
        print(f"check-in at an offered {RATE} scans/s: {paced['rps']:.0f} scans/s achieved; p50 "
              f"{paced['p50'] / 1000:.1f} ms, p99 {p99_ms:.1f} ms (target <= 50 ms); sent "
              f"{paced['sent']}, answered 200 {paced['ok']}, other {paced['bad']}, recorded "
              f"{paced_recorded} {paced['socket_errors']}")
        ok = (ratio >= 0.5 and p99_ms <= 50 and full_recorded == full["sent"]
              and paced_recorded == paced["sent"] and full["bad"] == paced["bad"] == 0
              and paced["rps"] >= RATE * 0.9)
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
