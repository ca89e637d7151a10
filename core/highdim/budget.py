"""How much work one high-dimensional command may ask for: about 10 s on the machine the
limits were measured on (2 shared cores), so the largest settings finish instead of
running for minutes with no sign of life.

A record costs a fixed ~35 µs of Python and NumPy calls plus time proportional to the
matrix entries it reads: D² for a rotated quadratic (its loss and gradient are products
with a D×D matrix), D for an axis-aligned one, n_samples·D for logistic regression (the
loss of every record reads all the data; a mini-batch draw costs about as much). The
coefficients are the slowest measured per entry (``python benchmarks/bench_highdim.py``
prints the figures): 0.19 ns per quadratic entry, 1.26 ns per data entry.
"""

from __future__ import annotations

from .problems import LogisticRegression, Problem, Quadratic
from .run import horizon

#: The most work one command may ask for, in nanoseconds of the cost model below.
WORK_BUDGET_NS = 10e9
RECORD_OVERHEAD_NS = 35_000.0
QUADRATIC_ENTRY_NS = 0.3
DATA_ENTRY_NS = 2.0
#: Steps per optimizer at most, whatever the problem (the explorer's high-dim cursor too).
MAX_STEPS = 20_000


def record_cost_ns(problem: Problem) -> float:
    """Estimated nanoseconds to compute one record of one optimizer on ``problem``."""
    if isinstance(problem, Quadratic):
        entries = problem.dim * problem.dim if problem.rotated else problem.dim
        return RECORD_OVERHEAD_NS + QUADRATIC_ENTRY_NS * entries
    if isinstance(problem, LogisticRegression):
        return RECORD_OVERHEAD_NS + DATA_ENTRY_NS * problem.n_samples * problem.dim
    return RECORD_OVERHEAD_NS + QUADRATIC_ENTRY_NS * problem.dim * problem.dim


def most_steps(problem: Problem, runs: int, cost_of: Problem | None = None) -> int:
    """The most steps each of ``runs`` runs may make: within ``MAX_STEPS``, the memory
    horizon and the work budget. ``cost_of`` prices the records on another problem (the
    rotated twin, for a basis comparison that runs both)."""
    per_run = WORK_BUDGET_NS / (max(runs, 1) * record_cost_ns(cost_of or problem))
    return max(0, min(MAX_STEPS, horizon(problem.dim) - 1, int(per_run) - 1))
