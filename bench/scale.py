"""Scale-out benchmark (issue 22): the deployment of deploy/ on this machine.

The set-up of tests/ops/test_two_nodes.py (tests/support/nodes.py): a throw-away PostgreSQL
and Redis, gunicorn app servers from deploy/gunicorn.conf.py and nginx rendered from
deploy/nginx/summit.conf (TLS). The one node has BENCH_NODE_WORKERS gthread workers of 8
threads (default 2); the two nodes behind nginx have half as many each, so both sides run
the same number of workers on this machine's cores and the ratio is the cost of nginx, not
of more processes than cores (BENCH_EQUAL_WORKERS=0: both nodes as many as the one).
wrk loads, in each round, one after the other:

1. check-in scans (bench/checkin.py's Lua script: real signed badges, a scan id each),
   straight to the one node (no nginx), then through nginx to the two nodes;
2. the public programme page of the demo summit (``/summits/kangding-2017/agenda``), the
   same two ways.

Each figure is a same-run ratio: requests/s through nginx and two nodes over requests/s of
one node without nginx. On this 2-core machine the nodes share the cores, so the ratio is
the cost of nginx (and TLS) in front: target >= 85 % (within 15 %).

3. the trivial endpoint (``GET /api/v1/health``) straight, through nginx without TLS, and
   through the site (TLS): where nginx's cost goes.
4. public registrations through the API (``POST /api/v1/summits/<slug>/registrations``,
   each a new person) on one node: an absolute figure for docs/scaling.md.
5. ``flask backup create`` of the demo plus 1,000 photos (STORAGE=database, the several-node
   configuration; the photos are 150 KB JPEGs of noise): target <= 30 s; then
   ``flask backup restore`` into an empty database: target <= 60 s.

Exit code 1 when a target is missed; no verdict on a busy machine (bench/_helpers.py).
"""
from __future__ import annotations

import io
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import flask_migrate
from PIL import Image

from bench import checkin as checkin_bench
from bench._helpers import Machine, Verdict, repeated
from bench.checkin import LUA, cluster_pid, wrk
from summit import create_app
from summit.extensions import db
from summit.services.core import storage
from summit.services.demo import seed as demo
from tests.support import pg
from tests.support.nodes import SECRET_KEY, find_nginx, new_installation
from tests.support.plugin import FONT_CACHE, TEST_DATA_KEY
from tests.support.redis_server import RedisServer, find_server

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = 50
NODE_WORKERS = int(os.environ.get("BENCH_NODE_WORKERS", "2"))
EQUAL_WORKERS = os.environ.get("BENCH_EQUAL_WORKERS", "1") == "1"
NGINX_WORKERS = int(os.environ.get("BENCH_NGINX_WORKERS", "1"))
PHOTOS = int(os.environ.get("BENCH_PHOTOS", "1000"))
HOLDERS = int(os.environ.get("BENCH_HOLDERS", "5000"))
PROGRAMME = f"/summits/{demo.DEMO_SLUG}/agenda"
REGISTER = f"/api/v1/summits/{demo.DEMO_SLUG}/registrations"
# Public registrations through the API, each a new person (a new email).
REGISTER_LUA = r"""
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  n = n + 1
  local body = string.format('{"name":"赵波","organization":"甘孜州商务局","position":"科长",' ..
    '"category":"delegate","email":"r-%s-%d-%d@example.com","phone":"13812345678"}',
    os.getenv("BENCH_RUN"), tid, n)
  return wrk.format(nil, nil, nil, body)
end
"""


KINDS = ("nginx", "gunicorn", "postgres")


def cpu_by_kind() -> dict[str, float]:
    """CPU seconds so far of nginx, the app servers (gunicorn) and PostgreSQL (each process's
    own ticks, from /proc), and of the load generator (wrk: our reaped children)."""
    found = dict.fromkeys(KINDS, 0.0)
    tick = os.sysconf("SC_CLK_TCK")
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            command = (folder / "cmdline").read_bytes()
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = next((k for k in KINDS if k.encode() in command), None)
        if kind:
            found[kind] += (int(fields[11]) + int(fields[12])) / tick
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    found["wrk"] = children.ru_utime + children.ru_stime
    return found


def per_request(before: dict[str, float], after: dict[str, float], requests: float) -> str:
    """Microseconds of CPU per request by kind of process, between two ``cpu_by_kind``."""
    return ", ".join(f"{k} {max(0.0, after[k] - before[k]) / requests * 1e6:.0f}"
                     for k in after) + " µs"


def photo(i: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((420, 560), 40 + i % 40).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def settings(url: str, folder: Path) -> dict:
    return {"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": url, "STORAGE": "database",
            "INSTANCE_PATH": str(folder), "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "DATA_KEY": TEST_DATA_KEY, "DATA_KEY_CHECK": False,
            "FONT_CACHE_DIR": str(FONT_CACHE)}


def main() -> int:
    nginx, redis = find_nginx(), find_server()
    if shutil.which("wrk") is None or pg.find_bin_dir() is None or nginx is None or not redis:
        print("wrk, nginx, Redis and PostgreSQL are needed: scripts/system-packages.sh test")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="summit-bench-scale-"))
    cluster = pg.Cluster(pg.find_bin_dir())
    cluster.start()
    redis_server = RedisServer(redis)
    redis_server.start()
    installation = None
    try:
        url = cluster.create_database("bench_scale")
        app = create_app(settings(url, folder / "app"))
        with app.app_context():
            db.create_all()
            flask_migrate.stamp()
            demo.seed_demo()
            checkin_bench.HOLDERS = HOLDERS  # its default (30,000) is for its own rounds
            api_token, tokens = checkin_bench.seed(app)
            files = storage.current()
            pictures = [photo(i) for i in range(20)]
            for i in range(PHOTOS):
                files.put(f"press/bench-photo-{i:04d}.jpg", pictures[i % 20][:-2]
                          + i.to_bytes(2, "big"))
        (folder / "tokens.txt").write_text("\n".join(tokens) + "\n")
        (folder / "scan.lua").write_text(LUA)
        (folder / "plain.lua").write_text("")
        (folder / "register.lua").write_text(REGISTER_LUA)

        installation = new_installation(url, redis_server.url, 1)
        installation.extra_env.update(SUMMIT_LOG_JSON="0", SUMMIT_MAIL_SERVER="")  # outbox
        behind = max(1, NODE_WORKERS // 2) if EQUAL_WORKERS else NODE_WORKERS
        one = installation.start_node(workers=NODE_WORKERS, threads=8)
        pair = [installation.start_node(workers=behind, threads=8) for _ in range(2)]
        installation.wait_for_nodes()
        plain_port = pg.free_port()
        installation.start_nginx(nginx, workers=NGINX_WORKERS, apps=pair, plain_port=plain_port)
        direct, proxied = f"http://{one}", installation.https_url
        print(f"one node of {NODE_WORKERS} gthread workers x 8 threads; nginx "
              f"({NGINX_WORKERS} worker, TLS) + two nodes of {behind}; PostgreSQL "
              f"{cluster.bin_dir.parent.name}, {len(tokens)} badges, "
              f"wrk {CONNECTIONS} connections, {SECONDS} s per measure, {ROUNDS} rounds",
              flush=True)
        env = {"BENCH_TOKENS": str(folder / "tokens.txt"), "BENCH_API_TOKEN": api_token,
               "BENCH_FIRST": "0", "BENCH_COUNT": str(len(tokens))}
        runs = iter(range(1, 10_000))

        def scans(base: str) -> float:
            before = cpu_by_kind()
            rate = wrk(f"{base}/api/v1/summits/bench/checkins", folder / "scan.lua",
                       {**env, "BENCH_RUN": f"r{next(runs)}"}, CONNECTIONS, SECONDS)["rps"]
            print(f"      {base}: {rate:.0f} scans/s; CPU per scan: "
                  f"{per_request(before, cpu_by_kind(), rate * SECONDS)}", flush=True)
            return rate

        def programme(base: str) -> float:
            return wrk(f"{base}{PROGRAMME}", folder / "plain.lua", {}, CONNECTIONS,
                       SECONDS)["rps"]

        for base in (direct, proxied):  # warm both ways
            wrk(f"{base}{PROGRAMME}", folder / "plain.lua", {}, 10, 2)
            wrk(f"{base}/api/v1/summits/bench/checkins", folder / "scan.lua",
                {**env, "BENCH_RUN": f"w{next(runs)}"}, 10, 2)

        machine = Machine([cluster_pid(cluster)])
        figures: dict[str, list[tuple[float, float]]] = {"check-in": [], "programme": []}

        def ratio(name: str, measure) -> float:
            # Every other round the other way round, so a drift of the machine between the
            # two measures does not always favour the same side.
            if len(figures[name]) % 2:
                two, one = measure(proxied), measure(direct)
            else:
                one, two = measure(direct), measure(proxied)
            figures[name].append((one, two))
            print(f"    {name}: one node {one:.0f}/s, nginx + two nodes {two:.0f}/s",
                  flush=True)
            return two / one

        verdict = Verdict()
        plain = f"http://127.0.0.1:{plain_port}"
        plain_scans = repeated("check-in, nginx without TLS + two nodes / one node", "",
                               ROUNDS, lambda: scans(plain) / scans(direct), machine,
                               show=lambda v: f"{v:.0%}")
        checkin = repeated("check-in, nginx + two nodes / one node", "", ROUNDS,
                           lambda: ratio("check-in", scans), machine,
                           show=lambda v: f"{v:.0%}")
        public = repeated("public programme, nginx + two nodes / one node", "", ROUNDS,
                          lambda: ratio("programme", programme), machine,
                          show=lambda v: f"{v:.0%}")

        def registrations() -> float:
            figures = plain_wrk(f"{direct}{REGISTER}", folder / "register.lua",
                                {"BENCH_RUN": f"g{next(runs)}"}, 10, SECONDS)
            if figures["refused"]:
                raise RuntimeError(f"{figures['refused']} registrations refused")
            return figures["rps"]

        def trivial(base: str) -> float:
            """Where nginx's cost goes: the trivial endpoint straight, through nginx without
            TLS, and through the site (TLS)."""
            return wrk(f"{base}/api/v1/health", folder / "plain.lua", {}, CONNECTIONS,
                       SECONDS)["rps"]

        breakdown = {name: [] for name in ("one node", "nginx, plain HTTP", "nginx, TLS")}
        for _ in range(ROUNDS):
            for name, base in zip(breakdown, (direct, f"http://127.0.0.1:{plain_port}",
                                              proxied), strict=True):
                breakdown[name].append(trivial(base))
        print("trivial endpoint (GET /api/v1/health), medians: " + ", ".join(
            f"{name} {sorted(v)[len(v) // 2]:.0f}/s" for name, v in breakdown.items()),
            flush=True)

        registering = repeated("public registrations (API), one node", "/s", ROUNDS,
                               registrations, machine, digits=1)
        installation.stop()
        installation = None

        archive = folder / "backup.tar"
        made = repeated(f"backup create: demo + {PHOTOS} photos", " s", 1,
                        lambda: flask_timed(app, "backup", "create", "--output", str(archive)),
                        machine, digits=1)
        size = archive.stat().st_size
        restore_url = cluster.create_database("bench_scale_restore")
        restore_app = create_app(settings(restore_url, folder / "restored"))
        restored = repeated("backup restore into an empty database", " s", 1,
                            lambda: flask_timed(restore_app, "backup", "restore",
                                                str(archive)), machine, digits=1)
        with restore_app.app_context():
            count = sum(1 for _ in storage.current().keys())
        print(f"archive {size / 1e6:.0f} MB; {count} files restored")

        for name, series in (("check-in", checkin), ("public programme", public)):
            ones = sorted(one for one, _two in figures[name.split()[-1]])
            twos = sorted(two for _one, two in figures[name.split()[-1]])
            print(f"{name}: one node median {ones[len(ones) // 2]:.0f}/s, nginx + two nodes "
                  f"{twos[len(twos) // 2]:.0f}/s, ratio median {series.median:.0%} "
                  f"(runs {', '.join(f'{v:.0%}' for v in series.values)})")
        plain_runs = ", ".join(f"{v:.0%}" for v in plain_scans.values)
        print(f"check-in through nginx without TLS (where TLS's share shows): ratio median "
              f"{plain_scans.median:.0%} (runs {plain_runs})")
        print(f"public registrations, one node: median {registering.median:.1f}/s")
        print(f"check-in through nginx >= 85% of one node: "
              f"{verdict.check('check-in', checkin.median >= 0.85, checkin)}; "
              f"programme >= 85%: {verdict.check('programme', public.median >= 0.85, public)}; "
              f"backup <= 30 s ({made.median:.1f} s): "
              f"{verdict.check('backup', made.median <= 30, made)}; "
              f"restore <= 60 s ({restored.median:.1f} s): "
              f"{verdict.check('restore', restored.median <= 60 and count >= PHOTOS, restored)}")
        return verdict.finish()
    finally:
        if installation is not None:
            installation.stop()
        redis_server.stop()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def plain_wrk(url: str, script: Path, env: dict, connections: int, seconds: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(script), url],
        env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "refused": int(refused.group(1)) if refused else 0}


def flask_timed(app, *args: str) -> float:
    """Seconds ``flask ARGS`` takes on ``app`` (the command's own code, in this process)."""
    started = time.perf_counter()
    with app.app_context():  # as `flask` gives every command
        result = app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    print(f"    {result.output.strip()}", flush=True)
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())

