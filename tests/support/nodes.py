"""Several Summit app servers as the README deploys them (part of the tests' plugin):
nginx rendered from deploy/nginx/summit.conf in front of gunicorn processes started with
deploy/gunicorn.conf.py, one PostgreSQL, one Redis and an RQ worker (``flask jobs worker``).

nginx runs without root: a prefix folder of its own holds its configuration, pid, logs and
temporary files; TLS uses a self-signed certificate made here. The test's wrapper around the
site adds one header, ``X-Summit-Node`` (the app server that answered), so a test can tell
the nodes apart. The benchmark bench/scale.py starts the same set."""
from __future__ import annotations

import datetime as dt
import importlib.util
import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.pg import free_port
from tests.support.plugin import FONT_CACHE, TEST_DATA_KEY

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
NODE_HEADER = "X-Summit-Node"
# Every process of the installation shares it (the badge signing keys are sealed with it).
SECRET_KEY = "two-nodes-secret-key-0123456789abcdef"
START_TIMEOUT = 60.0


def find_nginx() -> Path | None:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).is_file()), None)
    return Path(found) if found else None


def site_renderer():
    """deploy/render_site.py (the script the README has people run), as a module."""
    spec = importlib.util.spec_from_file_location("summit_render_site",
                                                  DEPLOY / "render_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def render_site(apps: list[str], static_root: str, certificate: str, key: str,
                https_listen: str, http_listen: str) -> str:
    return site_renderer().render(apps, "127.0.0.1 localhost", static_root, certificate, key,
                         https_listen, http_listen)


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "tls.pem", folder / "tls.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


MAIN_CONF = """\
{user}worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    add_header {header} $upstream_addr always;
    include {prefix}/site.conf;
{extra}}}
"""
# bench/scale.py: the same upstream without TLS, to tell TLS's cost from the proxy's.
PLAIN_PROXY = """\
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_pass http://summit_app;
        }}
    }}
"""


@dataclass
class Installation:
    """What the processes share: the database, Redis, and the settings of every node."""

    database_url: str
    redis_url: str
    smtp_port: int
    root: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)  # host:port of each app server
    https_url: str = ""
    http_url: str = ""
    certificate: Path | None = None

    def env(self, name: str, **extra: str) -> dict[str, str]:
        instance = self.root / name
        instance.mkdir(exist_ok=True)
        env = {**os.environ, "FLASK_APP": "summit", "PYTHONDONTWRITEBYTECODE": "",
               "SUMMIT_SECRET_KEY": SECRET_KEY,
               "SUMMIT_DATABASE_URL": self.database_url, "SUMMIT_REDIS_URL": self.redis_url,
               "SUMMIT_STORAGE": "database", "SUMMIT_INSTANCE_PATH": str(instance),
               "SUMMIT_DATA_KEY": TEST_DATA_KEY, "SUMMIT_FONT_CACHE_DIR": str(FONT_CACHE),
               "SUMMIT_BADGE_RENDER_PROCESSES": "1", "SUMMIT_PROXY_FIX_HOPS": "1",
               "SUMMIT_MAIL_SERVER": "127.0.0.1", "SUMMIT_MAIL_PORT": str(self.smtp_port),
               "SUMMIT_LOG_JSON": "1", **self.extra_env, **extra}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        env.update(extra)
        return env

    def _start(self, command: list[str], env: dict[str, str], log: str) -> subprocess.Popen:
        with (self.root / log).open("ab") as out:
            process = subprocess.Popen(command, env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                       stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        return process

    def flask(self, *args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "flask"), *args], env=self.env("cli", **extra),
                              cwd=ROOT, capture_output=True, text=True, timeout=120)

    def start_node(self, workers: int = 1, threads: int = 4) -> str:
        address = f"127.0.0.1:{free_port()}"
        name = f"node{len(self.nodes) + 1}"
        env = self.env(name, SUMMIT_BIND=address, SUMMIT_WORKERS=str(workers),
                       SUMMIT_THREADS=str(threads),
                       PROMETHEUS_MULTIPROC_DIR=str(self.root / name / "metrics"))
        self._start([str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")],
                    env, f"{name}.log")
        self.nodes.append(address)
        return address

    def start_worker(self) -> None:
        self._start([str(BIN / "flask"), "jobs", "worker"], self.env("worker"), "worker.log")

    def start_nginx(self, nginx: Path, workers: int = 1, apps: list[str] | None = None,
                    plain_port: int | None = None) -> None:
        """nginx in front of ``apps`` (default: every node started); ``plain_port``: also a
        plain-HTTP server there (not in the site: for the benchmark's breakdown)."""
        prefix = self.root / "nginx"
        (prefix / "tmp").mkdir(parents=True)
        certificate, key = self_signed(prefix)
        https_port, http_port = free_port(), free_port()
        (prefix / "site.conf").write_text(render_site(
            apps or self.nodes, str(ROOT / "summit" / "static"), str(certificate), str(key),
            f"127.0.0.1:{https_port}", f"127.0.0.1:{http_port}"))
        # As root (CI containers), nginx's workers would become "nobody": keep them root so
        # they read the checkout and the temporary folder like the rest of the test.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (prefix / "nginx.conf").write_text(MAIN_CONF.format(
            user=user, workers=workers, prefix=prefix, header=NODE_HEADER,
            extra=PLAIN_PROXY.format(port=plain_port) if plain_port else ""))
        process = self._start([str(nginx), "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                               "-e", str(prefix / "error.log"), "-g", "daemon off;"],
                              dict(os.environ), "nginx.log")
        self.https_url = f"https://127.0.0.1:{https_port}"
        self.http_url = f"http://127.0.0.1:{http_port}"
        self.certificate = certificate
        self._wait(lambda: requests.get(f"{self.https_url}/healthz", verify=str(certificate),
                                        timeout=2).status_code == 200, process, "nginx")

    def wait_for_nodes(self) -> None:
        for address, process in zip(self.nodes, [p for p in self.processes
                                                  if "gunicorn" in str(p.args)], strict=True):
            self._wait(lambda a=address: requests.get(f"http://{a}/healthz",
                                                      timeout=2).status_code == 200,
                       process, f"gunicorn at {address}")

    def _wait(self, ready, process: subprocess.Popen, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited:\n{self.logs()}")
            try:
                if ready():
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{what} did not answer:\n{self.logs()}")

    def logs(self, lines: int = 30) -> str:
        found = []
        for log in sorted(self.root.glob("*.log")) + sorted(self.root.glob("nginx/*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            found.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(found)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                if "gunicorn" in str(process.args[0]):
                    # Throw-away servers: the whole group at once (even gunicorn's quick stop
                    # waited seconds for its gthread workers).
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.send_signal(signal.SIGINT)  # nginx's fast stop; RQ, idle, exits
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def new_installation(database_url: str, redis_url: str, smtp_port: int,
                     **extra_env: str) -> Installation:
    root = Path(tempfile.mkdtemp(prefix="summit-nodes-"))
    return Installation(database_url, redis_url, smtp_port, root, dict(extra_env))
