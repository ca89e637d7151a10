"""The one timing rule every benchmark here uses: the median of several runs.

Imported by the bench_*.py scripts, which are run as ``python benchmarks/bench_X.py`` (so
this folder is on ``sys.path``). Medians, not means: the machines are shared and noisy.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
