"""Real IPP printers for the desk's tests: CUPS's ``ippeveprinter`` (Debian cups-ipp-utils),
each on a free port with its own spool folder that keeps every printed file, started once per
test session like Redis and PostgreSQL. One more printer takes only raster, so it refuses a
PDF as a real printer refuses what it cannot print.

ippeveprinter announces itself with Avahi and stops when it cannot; test machines run no Avahi
daemon, so a stub of the Avahi client (``avahi_stub.c``, compiled here with the system's C
compiler) is loaded under it."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from flask import current_app

from summit.extensions import db
from summit.models import BadgeSize, Role
from summit.services.core import jobs
from summit.services.desk import ipp, printers as desk_printers
from tests.support import factories
from tests.support.pg import free_port

HERE = Path(__file__).parent
START_TIMEOUT = 10.0


class IppPrinter:
    def __init__(self, root: Path, stub: Path, name: str, formats: str,
                 command: str = "/bin/true") -> None:
        self.spool = root / name
        self.spool.mkdir()
        self.name, self.formats, self.stub, self.command = name, formats, stub, command
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/ipp/print"

    def start(self) -> None:
        for _attempt in range(3):
            self.port = free_port()
            self.process = subprocess.Popen(
                ["ippeveprinter", "-p", str(self.port), "-d", str(self.spool), "-k",
                 "-f", self.formats, "-c", self.command, "-s", "60", self.name],
                env={"LD_PRELOAD": str(self.stub), "PATH": "/usr/bin:/bin:/usr/sbin"},
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    ipp.printer_state(self.uri, timeout=0.5)
                    return
                except ipp.IppError:
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError(f"ippeveprinter {self.name} did not start")

    def printed(self, ipp_job_id: int) -> Path:
        """The file the printer received as its job ``ipp_job_id``."""
        found = sorted(self.spool.glob(f"{ipp_job_id}-*"))
        assert found, (ipp_job_id, list(self.spool.iterdir()))
        return found[0]

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None


class Printers:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="summit-ipp-"))
        compiler = shutil.which("cc") or shutil.which("gcc")
        missing = (
            "ippeveprinter is not installed" if shutil.which("ippeveprinter") is None and
            not Path("/usr/sbin/ippeveprinter").exists() else
            "no C compiler for the Avahi stub" if compiler is None else "")
        if missing:  # CI must print to real printers: there a missing package fails the run
            (pytest.fail if os.environ.get("CI") == "true" else pytest.skip)(
                f"{missing} (scripts/system-packages.sh test)")
        self.stub = self.root / "avahi_stub.so"
        subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(self.stub),
                        str(HERE / "avahi_stub.c")], check=True, timeout=60)
        self.started: list[IppPrinter] = []

    def start(self, name: str, formats: str = "application/pdf",
              seconds_per_job: float = 0) -> IppPrinter:
        """A printer; ``seconds_per_job`` makes it take that long to print each job."""
        command = "/bin/true"
        if seconds_per_job:
            script = self.root / f"print-{name}.sh"
            script.write_text(f"#!/bin/sh\nsleep {seconds_per_job}\n")
            script.chmod(0o755)
            command = str(script)
        printer = IppPrinter(self.root, self.stub, name, formats, command)
        printer.start()
        self.started.append(printer)
        return printer

    def stop(self) -> None:
        for printer in self.started:
            printer.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def ipp_printers():
    """Printers for the session: ``a`` and ``b`` print PDFs, ``raster`` refuses them,
    ``slow`` takes 2 s to print each badge."""
    printers = Printers()
    try:
        found = {"a": printers.start("DeskA"), "b": printers.start("DeskB"),
                 "raster": printers.start("Raster", "image/pwg-raster"),
                 "slow": printers.start("Slow", seconds_per_job=2)}
        yield found
    finally:
        printers.stop()


@pytest.fixture
def desk_staff(event):
    """Desk staff at the test summit (may find people, print, register walk-ins)."""
    return factories.make_member(event, Role.DESK_STAFF, "desk@example.com", name="前台")


@pytest.fixture
def desk_a(event, organiser, ipp_printers):
    """Desk A with one A6 printer (``ipp_printers["a"]``)."""
    pool = desk_printers.save_pool(organiser, event, name="Desk A")
    desk_printers.add_printer(organiser, pool, name="A6 printer", uri=ipp_printers["a"].uri,
                              paper=BadgeSize.A6)
    return pool


@pytest.fixture
def guest(event, organiser):
    """An approved delegate, 王芳, phone ending 5678."""
    return factories.make_registration(event, "王芳", approve_as=organiser, phone="13800005678")


def finished(job):
    """The job once the background runner is done with it."""
    jobs.wait_idle(current_app._get_current_object())
    db.session.expire_all()
    return db.session.get(type(job), job.id)
