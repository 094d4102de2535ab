"""Small helpers shared by the benchmarks (files starting with _ are not run by run.py)."""
from __future__ import annotations

import statistics
import time

from tests.support.queries import statements_run


def median_ms(fn, repeat: int, warm: bool = True) -> float:
    if warm:
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def statements_per_page(engine, client, url: str, sizes=(10, 50)) -> dict[int, int]:
    """SQL statements one GET of ``url`` (with ``per_page``) runs, by page size."""
    counts = {}
    for per_page in sizes:
        with statements_run(engine) as statements:
            client.get(f"{url}{'&' if '?' in url else '?'}per_page={per_page}")
        counts[per_page] = len(statements)
    return counts
