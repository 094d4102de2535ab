"""Run every benchmark in bench/ (each file but this one and _*.py), one after another, each
as a module of the checkout (``python -m bench.<name>``).

Each benchmark measures its own baseline in the same run and prints ratios, because the
machines are small and noisy: absolute times are not comparable between runs. Each repeats
its measures and prints the median, the spread and the load before each run; on a busy
machine it prints no verdict unless ``--busy-ok`` is given (bench/README.md).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def benchmarks() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_"))


def main(names: list[str]) -> int:
    if "--busy-ok" in names:
        # A development verdict on a busy machine (bench/README.md, "Reading the figures").
        names = [n for n in names if n != "--busy-ok"]
        os.environ["BENCH_ALLOW_BUSY"] = "1"
    found = [p for p in benchmarks() if not names or p.stem in names]
    if not found:
        print("No benchmarks yet: add bench/<area>.py (see bench/README.md).")
        return 0
    failed = 0
    for path in found:
        print(f"== {path.stem} ==", flush=True)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as state:
            result = subprocess.run([sys.executable, "-m", f"bench.{path.stem}"],
                                    cwd=HERE.parent, env={**os.environ, "BENCH_STATE_DIR": state})
            busy = (Path(state) / "busy").exists() and os.environ.get("BENCH_ALLOW_BUSY") != "1"
        outcome = "no verdict (machine busy)" if busy else f"exit {result.returncode}"
        print(f"-- {path.stem}: {outcome} in {time.perf_counter() - started:.1f} s")
        failed += result.returncode != 0 and not busy
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
