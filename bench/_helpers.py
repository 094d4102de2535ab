"""Small helpers shared by the benchmarks (files starting with _ are not run by run.py).

Trustworthy figures (bench/README.md, "Reading the figures"): every measure is repeated
(``repeated``), each run printed with the load average before it and the CPU the machine's
other processes used during it, then the median and the spread; ``Verdict`` refuses to say
"met" or "MISSED" when the machine was busy (``BENCH_ALLOW_BUSY=1`` or ``--busy-ok`` prints
one anyway, marked as a development verdict).
"""
from __future__ import annotations

import atexit
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.queries import statements_run

# Load above this (1-minute average before a run, or cores used by other processes during
# it) and the machine is "busy": the figures are printed, the verdict is not.
BUSY_LOAD = float(os.environ.get("BENCH_BUSY_LOAD", "1.5"))
TICK = os.sysconf("SC_CLK_TCK")


def allow_busy() -> bool:
    return os.environ.get("BENCH_ALLOW_BUSY") == "1" or "--busy-ok" in sys.argv


def median_ms(fn, repeat: int, warm: bool = True, runs: int = 3,
              label: str = "") -> float:
    """Median ms of ``fn``: ``runs`` runs of about ``repeat / runs`` calls each, every run
    printed with its median and the load (``repeated``); the median of the runs' medians.
    A run on a busy machine marks the benchmark busy (``note_busy``)."""
    if warm:
        fn()
    per_run = max(1, -(-repeat // runs))

    def one_run() -> float:
        samples = []
        for _ in range(per_run):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return statistics.median(samples)

    series = repeated(label or getattr(fn, "__name__", "measure"), " ms", runs, one_run)
    if series.busy:
        note_busy(series.label)
    return series.median


_BUSY: list[str] = []


def note_busy(label: str) -> None:
    """A benchmark that prints its own verdict ran ``label`` on a busy machine: run.py (or
    this process's exit) says its verdict does not count."""
    if not _BUSY:
        atexit.register(_busy_at_exit)
    _BUSY.append(label)
    folder = os.environ.get("BENCH_STATE_DIR")
    if folder:
        Path(folder, "busy").write_text("\n".join(_BUSY))


def _busy_at_exit() -> None:
    if allow_busy():
        print("(development verdict: the machine was busy)", flush=True)
        return
    print(f"NO VERDICT: the machine was busy (load above {BUSY_LOAD}) during "
          f"{', '.join(_BUSY)}: the met/MISSED above do not count; run again on a quiet "
          "machine.", flush=True)


def statements_per_page(engine, client, url: str, sizes=(10, 50)) -> dict[int, int]:
    """SQL statements one GET of ``url`` (with ``per_page``) runs, by page size."""
    counts = {}
    for per_page in sizes:
        with statements_run(engine) as statements:
            client.get(f"{url}{'&' if '?' in url else '?'}per_page={per_page}")
        counts[per_page] = len(statements)
    return counts


# -- the machine's load, ours and the others' ---------------------------------------------

def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks: own and reaped children's)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(stat.parent.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    return found


def _busy_ticks() -> int:
    """Ticks all cores spent on anything but idle and I/O wait, since boot."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]


class Machine:
    """CPU used by "ours" (this process, its descendants, and ``extra_roots``' trees such as
    a PostgreSQL postmaster) and by every other process, between two marks.

    A process that ends between the marks is counted through its parent's reaped-children
    time, so nothing of ours is counted as someone else's."""

    def __init__(self, extra_roots: Iterable[int] = ()) -> None:
        self.roots = {os.getpid(), *extra_roots}

    def add_root(self, pid: int) -> None:
        self.roots.add(pid)

    def _ours(self) -> float:
        processes = _processes()
        total = 0
        for pid, (_parent, ticks) in processes.items():
            seen, cursor = 0, pid
            while cursor and cursor not in self.roots and seen < 64:
                cursor = processes.get(cursor, (0, 0))[0]
                seen += 1
            if cursor in self.roots:
                total += ticks
        return total / TICK

    def mark(self) -> tuple[float, float, float]:
        return time.perf_counter(), _busy_ticks() / TICK, self._ours()

    def since(self, mark: tuple[float, float, float]) -> tuple[float, float]:
        """(our CPU seconds, other processes' average cores) since ``mark``."""
        wall, busy, ours = mark
        now_wall, now_busy, now_ours = self.mark()
        used_ours = now_ours - ours
        others = max(0.0, (now_busy - busy) - used_ours) / max(now_wall - wall, 1e-6)
        return used_ours, others


def load_average() -> float:
    return os.getloadavg()[0]


def load_now(seconds: float = 1.0, samples: int = 10) -> float:
    """Runnable tasks right now, averaged over ``seconds`` (the 4th field of /proc/loadavg,
    less this sampling process itself): the load "with nothing of ours running" when taken
    between runs. The 1-minute average would still count our previous run."""
    counts = []
    for _ in range(samples):
        running = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
        counts.append(max(0, running - 1))
        time.sleep(seconds / samples)
    return statistics.mean(counts)


@dataclass
class Run:
    value: float
    load_before: float  # runnable tasks between runs (ours idle), averaged over a second
    others: float  # cores other processes used during the run
    load_average: float = 0.0  # the 1-minute load average before the run


@dataclass
class Series:
    """The runs of one measure: median, spread, and whether the machine was busy."""

    label: str
    unit: str
    runs: list[Run] = field(default_factory=list)

    @property
    def values(self) -> list[float]:
        return [r.value for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def busy(self) -> bool:
        return any(r.load_before > BUSY_LOAD or r.others > BUSY_LOAD for r in self.runs)

    def summary(self, digits: int = 2) -> str:
        spread = (self.high - self.low) / self.median * 100 if self.median else 0.0
        return (f"{self.label}: median {self.median:.{digits}f}{self.unit} "
                f"(spread {self.low:.{digits}f}–{self.high:.{digits}f}, ±{spread / 2:.0f}%, "
                f"{len(self.runs)} runs)")


def repeated(label: str, unit: str, runs: int, measure: Callable[[], float],
             machine: Machine | None = None, digits: int = 2,
             show: Callable[[float], str] | None = None) -> Series:
    """``measure()`` ``runs`` times; prints each run with the load average before it and the
    other processes' CPU during it, then the median and the spread."""
    machine = machine or Machine()
    series = Series(label, unit)
    for number in range(1, runs + 1):
        average, load = load_average(), load_now()
        mark = machine.mark()
        value = measure()
        _ours, others = machine.since(mark)
        series.runs.append(Run(value, load, others, average))
        shown = show(value) if show else f"{value:.{digits}f}{unit}"
        print(f"  run {number}/{runs}: {shown}  [load before: {load:.1f} runnable now, "
              f"{average:.2f} 1-min average; other processes {others:.2f} cores during]",
              flush=True)
    print(f"  {series.summary(digits)}", flush=True)
    return series


class Verdict:
    """Targets met or missed, unless the machine was busy during a run (then no verdict:
    the exit code is 0 and the output says why). A target judged on CPU time (``cpu=True``:
    CPU used by the work measured, which other processes stretch far less than wall time)
    gets its verdict whatever the load."""

    def __init__(self) -> None:
        self.missed: list[str] = []
        self.met: list[str] = []
        self.busy: list[str] = []
        self.cpu: list[str] = []

    def check(self, name: str, ok: bool, *series: Series, cpu: bool = False) -> str:
        (self.met if ok else self.missed).append(name)
        if cpu:
            self.cpu.append(name)
            return "met" if ok else "MISSED"
        if any(s.busy for s in series):
            self.busy.append(name)
        if any(s.busy for s in series) and not allow_busy():
            return "no verdict: machine busy"
        return "met" if ok else "MISSED"

    def finish(self) -> int:
        if self.busy and not allow_busy():
            print(f"NO VERDICT: the machine was busy (load above {BUSY_LOAD}) during "
                  f"{', '.join(self.busy)}; run again on a quiet machine "
                  "(BENCH_ALLOW_BUSY=1 or --busy-ok for a development verdict)")
            missed = [name for name in self.missed if name in self.cpu]
            if missed:
                print(f"TARGET MISSED (judged on CPU time): {', '.join(missed)}")
                return 1
            if self.cpu:
                print(f"OK on CPU time: {', '.join(self.cpu)}")
            return 0
        if self.busy:
            print("(development verdict: the machine was busy)")
        if self.missed:
            print(f"TARGET MISSED: {', '.join(self.missed)}")
            return 1
        print("OK")
        return 0
