"""A throw-away Redis server for the test session (Debian's redis-server), like tests/pg.py's
PostgreSQL: on a free port, in a temporary folder, saving nothing, stopped at the end."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.pg import free_port

START_TIMEOUT = 10.0


def find_server() -> Path | None:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None)
    return Path(found) if found else None


def ping(port: int, timeout: float = 0.5) -> bool:
    """True when a Redis server answers PING on 127.0.0.1:port (plain RESP, no client)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="summit-redis-"))
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log(self) -> Path:
        return self.root / "redis.log"

    def start(self, attempts: int = 3) -> None:
        """Start on a free port; another process may take the port in between, so retry."""
        for _attempt in range(attempts):
            self.port = free_port()
            if self._start_once():
                return
        log = self._log_tail()
        self.stop()
        raise RuntimeError(f"redis-server did not start; its log:\n{log}")

    def _start_once(self) -> bool:
        self.process = subprocess.Popen(
            [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no",
             "--dir", str(self.root), "--logfile", str(self.log)],
            cwd=self.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # exited: the port was taken, or worse
                self.process = None
                return False
            if ping(self.port):
                return True
            time.sleep(0.05)
        self._terminate()
        return False

    def _terminate(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        try:
            self._terminate()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
