"""The basis lesson told with numbers measured now: steps to a tolerance per optimizer, in
both bases for the quadratic (or on the problem as it is for logistic regression), with the
reason in one sentence and what the numbers show in another.

The screen's basis panel and ``optiscope highdim --basis`` both print this report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .basis import basis_dependence, steps_until
from .problems import LogisticRegression, Problem, Quadratic
from .run import HighDimRun, parse_setup

DEFAULT_TOL = 1e-4
DEFAULT_MAX_STEPS = 10_000
#: Mini-batch runs stall at a noise floor far above 1e-4 of the start gap, and each of
#: their steps draws a batch: a looser tolerance and fewer steps keep the report honest and
#: quick.
STOCHASTIC_TOL = 1e-2
STOCHASTIC_MAX_STEPS = 2_000
REASON = (
    "A diagonal preconditioner can only rescale the axes; after a rotation the curvature "
    "is no longer axis-aligned."
)


@dataclass(frozen=True)
class CountRow:
    """Steps to the tolerance for one optimizer, one per column (None: not within max)."""

    label: str
    counts: tuple[int | None, ...]


@dataclass(frozen=True)
class BasisReport:
    """Counts per optimizer under ``columns``, the reason and the measured finding."""

    problem: str
    columns: tuple[str, ...]
    rows: tuple[CountRow, ...]
    rel_tol: float
    max_steps: int
    reason: str
    finding: str

    def count_text(self, count: int | None) -> str:
        return f"{count:,}" if count is not None else f"> {self.max_steps:,}"


def default_budget(problem: Problem) -> tuple[float, int]:
    """(relative tolerance, max steps) that suit the problem: looser for mini-batches."""
    if problem.stochastic:
        return STOCHASTIC_TOL, STOCHASTIC_MAX_STEPS
    return DEFAULT_TOL, DEFAULT_MAX_STEPS


def measure_basis(
    problem: Problem,
    specs: Sequence[str],
    rel_tol: float | None = None,
    max_steps: int | None = None,
) -> BasisReport:
    """Run every spec until its gap is ``rel_tol`` of the start's (at most ``max_steps``;
    both default to ``default_budget(problem)``).

    Quadratic: in both bases (same spectrum, start and seed). Otherwise: on the problem as
    given, whose coordinates are its own (the features, for logistic regression).
    """
    tol_default, steps_default = default_budget(problem)
    rel_tol = tol_default if rel_tol is None else rel_tol
    max_steps = steps_default if max_steps is None else max_steps
    if isinstance(problem, Quadratic):
        found = basis_dependence(
            specs, problem.dim, problem.condition, problem.seed, rel_tol, max_steps
        )
        rows = tuple(CountRow(r.label, (r.unrotated, r.rotated)) for r in found)
        return BasisReport(
            problem.name,
            ("axis-aligned", "rotated"),
            rows,
            rel_tol,
            max_steps,
            REASON,
            rotation_finding(rows, max_steps),
        )
    counted = []
    for spec in specs:
        run = HighDimRun(problem, parse_setup(spec, problem))
        counted.append(CountRow(run.label, (steps_until(run, rel_tol, max_steps),)))
    rows = tuple(counted)
    return BasisReport(
        problem.name,
        ("steps",),
        rows,
        rel_tol,
        max_steps,
        own_basis_reason(problem),
        ranking_finding(rows, max_steps),
    )


def rotation_finding(rows: Sequence[CountRow], max_steps: int) -> str:
    """What rotating did, in measured words: who did not care, who paid most."""
    unchanged = [r.label for r in rows if r.counts[0] == r.counts[1] and r.counts[0] is not None]
    slowed: list[tuple[float, str]] = []
    lost = []
    for r in rows:
        before, after = r.counts
        if before is not None and after is None:
            lost.append(r.label)
        elif before is not None and after is not None and after > before:
            slowed.append((after / max(before, 1), r.label))
    parts = []
    if unchanged:
        parts.append(f"rotation leaves {', '.join(unchanged)} unchanged")
    if slowed:
        ratio, label = max(slowed)
        parts.append(f"costs {label} {ratio:.3g}× the steps")
    if lost:
        parts.append(f"keeps {', '.join(lost)} from the tolerance within {max_steps:,} steps")
    if not parts:
        return "Measured: no optimizer here reached the tolerance in either basis."
    return f"Measured: {'; '.join(parts)}."


def own_basis_reason(problem: Problem) -> str:
    if isinstance(problem, LogisticRegression):
        spread = float(problem.settings["spread"])
        return (
            f"Here the coordinates are the features, on scales 1 to {spread:g}: the loss is "
            "steep along some axes and flat along others, which a per-coordinate step size "
            "can undo. Rotation (R) applies to the quadratic."
        )
    return "The coordinates are the problem's own; rotation applies to the quadratic."


def ranking_finding(rows: Sequence[CountRow], max_steps: int) -> str:
    """Fastest and slowest measured, or that none reached the tolerance."""
    reached = sorted((r.counts[0], r.label) for r in rows if r.counts[0] is not None)
    if not reached:
        return f"Measured: none reached the tolerance within {max_steps:,} steps."
    (fast, fast_label), (slow, slow_label) = reached[0], reached[-1]
    text = f"Measured: fastest {fast_label} ({fast:,} steps)"
    if len(reached) > 1:
        text += f", slowest to arrive {slow_label} ({slow:,})"
    missing = len(rows) - len(reached)
    if missing:
        text += f"; {missing} not within {max_steps:,}"
    return text + "."
