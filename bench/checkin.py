"""Check-in benchmark (issues: on-site check-in; 23, check-in that holds).

gunicorn serves the app on a throw-away PostgreSQL (tests/support/pg.py); wrk (Debian) loads it on
loopback with a Lua script that sends real signed badge tokens, each scan with its own
scan_id, from 50 concurrent connections.

1. Full load, 50 connections, ROUNDS (5) rounds: in each, the trivial JSON endpoint
   (GET /api/v1/health), the scans, the trivial endpoint again; the round's figure is the
   scans' rate over the trivial endpoint's (the two measures averaged). Targets: median
   >= 70 %, no round below 55 %. Each round also prints the server CPU per request of
   both, each gunicorn worker's share of the CPU and each wrk thread's scans (balance).
2. An offered rate of 200 scans per second (each connection paced by the script's clock),
   PACED_RUNS (3) runs: target p99 latency <= 20 ms.
In every run, the scans recorded in the database must equal the scans wrk sent. Arrivals are
forgotten between runs, so every scan is its holder's first.

Exit code 1 when a target is missed; no verdict on a busy machine (bench/_helpers.py).
Figures: bench/README.md.
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

from bench._helpers import Machine, Verdict, repeated
from summit import create_app
from summit.extensions import db
from summit.models import (
    Arrival,
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
# Arrivals are forgotten between rounds, so a round needs only its own scans' holders.
HOLDERS = int(os.environ.get("BENCH_HOLDERS", "30000"))
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PACED_RUNS = int(os.environ.get("BENCH_PACED_RUNS", "3"))
CONNECTIONS = 50
RATE = 200
# As README's deployment: gthread workers, 2 per core, 8 threads each. Threads let a process
# send the scans that arrive together in one statement (services/checkin/fastpath/
# statement.py); measured on the same machine, 4 sync workers per core gave 43-48 %, 4 gthread
# workers of 8 threads 64 %.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
# --reuse-port: each worker listens on a socket of its own and the kernel spreads the
# connections over them. With one shared socket, whichever workers woke first took the
# load generator's 50 keep-alive connections (issue 23: rounds where two workers of four
# served every scan, 24-65 % from one run to the next).
WORKER_ARGS = os.environ.get("BENCH_WORKER_ARGS", "-k gthread --threads 8 --reuse-port").split()
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
    db.session.commit()  # as on a real summit, made before its badges (which it stamps)
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


def forget_arrivals(app) -> None:
    """Every holder is a first arrival again (between rounds, so each round measures the
    same work as a real gate's first scans)."""
    with app.app_context():
        db.session.remove()
        db.session.execute(db.delete(CheckIn))
        db.session.execute(db.delete(Arrival))
        db.session.commit()


def worker_shares(gunicorn: int, before: dict[int, int]) -> list[float]:
    """Each gunicorn worker's share of the workers' CPU since ``before`` (pid -> ticks)."""
    now = worker_ticks(gunicorn)
    used = {pid: ticks - before.get(pid, 0) for pid, ticks in now.items()}
    total = sum(used.values()) or 1
    return sorted((u / total for u in used.values()), reverse=True)


def worker_ticks(gunicorn: int) -> dict[int, int]:
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == gunicorn:
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


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
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE"))
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
              f"PostgreSQL {cluster.bin_dir.parent.name}, wrk on loopback; {ROUNDS} rounds of "
              f"{DURATION} s per measure, then {PACED_RUNS} paced runs")
        # Holders: the first 1,000 warm up; each round scans from 1,000 on (arrivals are
        # forgotten between rounds, so every scan is its holder's first, as at a real gate).
        warm_env = {**env, "BENCH_RUN": "warm", "BENCH_FIRST": "0", "BENCH_COUNT": "1000"}
        wrk(scan_url, script, warm_env, 10, 3)  # warm both paths
        wrk(f"{base}/api/v1/health", folder / "health.lua", {}, 10, 2)
        forget_arrivals(app)

        cpu = ServerCPU(server.pid, cluster)
        machine = Machine([cluster_pid(cluster)])
        verdict = Verdict()
        problems: list[str] = []
        rounds: list[dict] = []

        def trivial() -> tuple[float, float]:
            """The trivial endpoint's requests/s and server CPU per request."""
            mark = cpu.now()
            figures = wrk(f"{base}/api/v1/health", folder / "health.lua", {}, CONNECTIONS,
                          DURATION)
            return figures["rps"], sum(cpu.since(mark)) / (figures["rps"] * DURATION)

        def one_round() -> float:
            """Trivial, scans, trivial: the scans' rate over the trivial endpoint's (the two
            measures averaged: the load drifts)."""
            number = len(rounds) + 1
            name = f"full{number}"
            run_env = {**env, "BENCH_RUN": name, "BENCH_FIRST": "1000",
                       "BENCH_COUNT": str(HOLDERS - 1000)}
            before_rps, before_cpu = trivial()
            before = recorded(app)
            mark, ticks = cpu.now(), worker_ticks(server.pid)
            full = wrk(scan_url, script, run_env, CONNECTIONS, DURATION)
            used_app, used_database = cpu.since(mark)
            shares = worker_shares(server.pid, ticks)
            time.sleep(1)
            stored = recorded(app) - before
            after_rps, after_cpu = trivial()
            health_rps = (before_rps + after_rps) / 2
            cpu_health = (before_cpu + after_cpu) / 2
            tail = full["requests"] - full["ok"]
            cpu_scan = ((used_app - tail * cpu_health) + used_database) / full["ok"]
            cpu_database = used_database / full["ok"]
            check(app, name, full, stored, problems)
            forget_arrivals(app)
            sent = sorted(full["per_thread"].values())
            rounds.append({"ratio": full["rps"] / health_rps, "rps": full["rps"],
                           "health": health_rps, "cpu_ratio": cpu_scan / cpu_health,
                           "cpu_scan": cpu_scan, "cpu_health": cpu_health,
                           "drift": abs(before_rps - after_rps) / health_rps,
                           "workers": shares, "threads": sent})
            r = rounds[-1]
            print(f"    {r['rps']:.0f} scans/s, trivial {health_rps:.0f} req/s (before "
                  f"{before_rps:.0f}, after {after_rps:.0f}); server CPU per request: scan "
                  f"{cpu_scan * 1000:.2f} ms (PostgreSQL {cpu_database * 1000:.2f} ms), trivial "
                  f"{cpu_health * 1000:.2f} ms = "
                  f"{r['cpu_ratio']:.1f}x; workers' CPU shares "
                  f"{' '.join(f'{x:.0%}' for x in shares)}; wrk threads sent "
                  f"{' / '.join(map(str, sent))}", flush=True)
            return r["ratio"]

        full_series = repeated("check-in at full load / trivial endpoint", "", ROUNDS,
                               one_round, machine, show=lambda v: f"{v:.0%}")
        paced_runs: list[dict] = []

        def one_paced() -> float:
            name = f"paced{len(paced_runs) + 1}"
            run_env = {**env, "BENCH_RUN": name, "BENCH_FIRST": "1000",
                       "BENCH_COUNT": str(HOLDERS - 1000),
                       "BENCH_INTERVAL_MS": str(1000 * CONNECTIONS / RATE)}
            before = recorded(app)
            paced = wrk(scan_url, script, run_env, CONNECTIONS, DURATION, timed=True)
            time.sleep(1)
            check(app, name, paced, recorded(app) - before, problems)
            forget_arrivals(app)
            if paced["rps"] < RATE * 0.9:
                problems.append(f"{name}: only {paced['rps']:.0f} scans/s of {RATE} offered")
            paced_runs.append(paced)
            print(f"    {paced['rps']:.0f} scans/s achieved, p50 {paced['p50'] / 1000:.1f} ms",
                  flush=True)
            return paced["p99"] / 1000

        p99 = repeated(f"p99 at an offered {RATE} scans/s", " ms", PACED_RUNS, one_paced,
                       machine, digits=1)

        median = full_series.median
        cpu_ratios = sorted(r["cpu_ratio"] for r in rounds)
        print(f"check-in at full load, {CONNECTIONS} connections: median {median:.0%} of the "
              f"trivial endpoint (runs {', '.join(f'{v:.0%}' for v in full_series.values)}; "
              f"lowest {full_series.low:.0%}); server CPU per scan "
              f"{cpu_ratios[len(cpu_ratios) // 2]:.1f}x the trivial request's (runs "
              f"{', '.join(f'{v:.1f}' for v in cpu_ratios)})")
        for problem in problems:
            print(f"  PROBLEM: {problem}")
        print(f"median >= 70%: {verdict.check('median', median >= 0.70, full_series)}; "
              f"no run below 55%: {verdict.check('lowest', full_series.low >= 0.55, full_series)}"
              f"; p99 <= 20 ms at {RATE}/s: "
              f"{verdict.check('p99', p99.median <= 20 and p99.high <= 20, p99)}; "
              f"every scan answered and recorded once: "
              f"{verdict.check('recorded', not problems, full_series, p99)}")
        return verdict.finish()
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def cluster_pid(cluster: pg.Cluster) -> int:
    return int((cluster.data / "postmaster.pid").read_text().split()[0])


def check(app, name: str, figures: dict, stored: int, problems: list[str]) -> None:
    """Every scan sent was answered 200 and recorded once, nothing else was recorded (the
    scan ids reconciled both ways)."""
    lost, extra = reconcile(app, name, figures["per_thread"])
    lost = [i for i in lost if i != figures["never_sent"]]
    if lost:
        problems.append(f"{name}: generated by the script but never recorded: {lost[:5]}")
    if extra:
        problems.append(f"{name}: recorded but never generated by the script: {extra[:5]}")
    if figures["bad"]:
        problems.append(f"{name}: {figures['bad']} answers other than 200")
    if stored != figures["sent"]:
        problems.append(f"{name}: sent {figures['sent']}, recorded {stored}")


if __name__ == "__main__":
    sys.exit(main())
