"""The sharpness λmax(∇²f) along a high-dimensional run, for its CSV and JSON.

The N-D quadratic's Hessian is its matrix, so λmax is its top eigenvalue at every record,
exactly and for free. Logistic regression's changes with the point; it comes from
Hessian-vector products (``Problem.sharpness``, Lanczos), which cost tens of passes over
the data per record: far more than the step itself on the largest problems. So the records
get it within a budget of its own: every record where that fits, else every k-th record
(the first and the last always), and the output says which k.
"""

from __future__ import annotations

import math

import numpy as np

from .problems import LANCZOS_STEPS, Array, LogisticRegression, Problem, Quadratic
from .run import HighDimRun

#: The most work the sharpness of one command's records may add, in nanoseconds (~5 s here).
SHARPNESS_BUDGET_NS = 5e9
#: A point's Lanczos run: fixed calls plus ~0.5 ns per data entry per product (measured on
#: 2 shared cores: 0.25 ms at n = 500, D = 21; 39 ms at n = 20,000, D = 201).
POINT_OVERHEAD_NS = 150_000.0
ENTRY_NS = 0.5


def point_cost_ns(problem: Problem) -> float:
    """Estimated nanoseconds for λmax at one point of ``problem`` (0 where it is constant)."""
    if isinstance(problem, Quadratic):
        return 0.0
    steps = min(problem.dim, LANCZOS_STEPS)
    data = problem.n_samples if isinstance(problem, LogisticRegression) else problem.dim
    return POINT_OVERHEAD_NS + ENTRY_NS * steps * data * problem.dim


def sharpness_every(problem: Problem, records: int) -> int:
    """1 when λmax at all ``records`` (of every run together) fits the budget, else the
    smallest stride k that does."""
    cost = point_cost_ns(problem) * records
    return max(1, math.ceil(cost / SHARPNESS_BUDGET_NS))


def sharpness_column(run: HighDimRun, every: int = 1) -> Array:
    """λmax at records 0, k, 2k, … and the last one; NaN at the others and wherever the
    point is not finite (a diverged run's last record)."""
    n = len(run)
    out = np.full(n, np.nan)
    if n == 0:
        return out
    rows = np.unique(np.append(np.arange(0, n, every), n - 1))
    points = np.asarray(run.column("params"))[rows]
    sound = np.isfinite(points).all(axis=1)
    if sound.any():
        with np.errstate(all="ignore"):
            out[rows[sound]] = run.problem.sharpness(points[sound])
    return out
