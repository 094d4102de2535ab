"""Every log record of the test run is written to a file per process (.cache/test-logs/), one
line each (``logger<TAB>level<TAB>message``, tracebacks included). When the run ends the files
are scanned for the demo's ID numbers, phones and emails (``demo.seed.personal_values``) and
the run fails naming the logger that wrote one (issue 21; docs/privacy.md, "Logs").

Under xdist each worker writes and scans its own file in the run's folder; the controller
gathers the findings."""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from summit.services.demo.seed import personal_values

LOG_DIR = Path(os.environ.get("SUMMIT_TEST_LOG_DIR")
               or Path(__file__).resolve().parents[2] / ".cache" / "test-logs")
RUN_ENV = "SUMMIT_TEST_RUN_LOGS"
_handler: logging.FileHandler | None = None
_leaks: list[str] = []


class OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


def _process_name(config: pytest.Config) -> str:
    return getattr(config, "workerinput", {}).get("workerid", "main")


def scan(path: Path, values: set[str]) -> list[str]:
    """Where a value shows in a run's log file: "logger (level) wrote an ID number …"."""
    lowered = {value.lower(): value for value in values if value}
    found: dict[tuple[str, str], str] = {}
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            low = line.lower()
            for value_low, value in lowered.items():
                if value_low in low:
                    name, level = (line.split("\t") + ["", ""])[:2]
                    found.setdefault((name, value), level)
    return [f"logger {name!r} ({level}) wrote the demo's {_kind(value)} {value!r}"
            for (name, value), level in sorted(found.items())]


def _kind(value: str) -> str:
    return "email" if "@" in value else "phone" if len(value) == 11 else "ID number"


def _run_dir(config: pytest.Config) -> Path:
    """This run's folder (workers inherit it from the controller's environment), so that
    two runs side by side do not mix their files; folders of runs over a day old go."""
    if _process_name(config) != "main":
        # The controller started this worker: its folder is named after the controller's pid
        # (the environment variable is the usual way; a worker started without it still
        # finds the folder).
        run = Path(os.environ.get(RUN_ENV) or LOG_DIR / f"run-{os.getppid()}")
        run.mkdir(parents=True, exist_ok=True)
        return run
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    for old in LOG_DIR.glob("run-*"):
        if old.stat().st_mtime < time.time() - 86400:
            shutil.rmtree(old, ignore_errors=True)
    run = LOG_DIR / f"run-{os.getpid()}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    os.environ[RUN_ENV] = str(run)
    return run


def pytest_configure(config: pytest.Config) -> None:
    global _handler
    name = _process_name(config)
    _handler = logging.FileHandler(_run_dir(config) / f"{name}.log", mode="w",
                                   encoding="utf-8")
    _handler.setLevel(logging.DEBUG)
    _handler.setFormatter(OneLine("%(name)s\t%(levelname)s\t%(message)s"))
    logging.getLogger().addHandler(_handler)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if _handler is None:
        return
    _handler.flush()
    name = _process_name(session.config)
    leaks = scan(Path(_handler.baseFilename), personal_values())
    run = Path(_handler.baseFilename).parent
    if name != "main":
        (run / f"{name}.leaks.json").write_text(json.dumps(leaks), encoding="utf-8")
        return
    for found in sorted(run.glob("*.leaks.json")):
        leaks += json.loads(found.read_text(encoding="utf-8"))
    _leaks[:] = sorted(set(leaks))
    if _leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter) -> None:
    if _leaks:
        terminalreporter.section("personal data in the logs of this run", red=True)
        for line in _leaks:
            terminalreporter.write_line(line)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
