"""The learning-rate sweep: each optimizer of a setup at many learning rates, one metric each.

A comparison of optimizers is fair only if each runs at a learning rate chosen for the
metric and horizon being reported. The sweep measures, per optimizer and learning rate:

- ``steps``: the first step from which f − f* stays at most tol·(f(x₀) − f*) to the end of
  the horizon (reached once and bounced out does not count); undefined if never;
- ``final-loss``: f at the last record (after ``steps`` updates);
- ``mean-loss``: f averaged over records 0..steps (the area under the loss curve).

All three are undefined for a run that diverges (by the explorer's rule). Lower is better for
each; the best learning rate is the one with the lowest value, and among equal values (steps
are whole numbers, so neighbours often tie) the middle one of the tied learning rates.

Without a given range each optimizer is swept over ``DEFAULT_SPAN`` around the surface's
suggested learning rate for its family: from 1/100 of it to 10 times it, log-spaced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from ..callspec import parse_call
from ..errors import OptiscopeError
from ..metrics import minimum_value
from ..noise import GradientNoise
from ..schedules import Schedule
from ..session.setup import Setup
from ..specs import OptimizerSetup, suggested_lr
from ..surfaces import Surface
from .lr_batch import LrRuns, run_lrs

Array = npt.NDArray[np.float64]
MetricName = Literal["steps", "final-loss", "mean-loss"]
METRIC_NAMES: tuple[MetricName, ...] = get_args(MetricName)
DEFAULT_TOL = 0.01
DEFAULT_POINTS = 31
MAX_POINTS = 1000
#: The default range, as factors of the surface's suggested learning rate.
DEFAULT_SPAN = (0.01, 10.0)
Value = int | float | None


@dataclass(frozen=True)
class Metric:
    """What the sweep measures: ``tol`` only matters to ``steps``."""

    name: MetricName = "steps"
    tol: float = DEFAULT_TOL

    def __post_init__(self) -> None:
        if self.name not in METRIC_NAMES:
            raise OptiscopeError(
                f"unknown metric {self.name!r} (metrics: {', '.join(METRIC_NAMES)})"
            )
        if not (isinstance(self.tol, int | float) and math.isfinite(self.tol)):
            raise OptiscopeError(f"tol must be a finite number; got {self.tol!r}")
        if not 0 < self.tol < 1:
            raise OptiscopeError(f"tol must be in (0, 1); got {self.tol:g}")

    def describe(self) -> str:
        if self.name == "steps":
            return f"steps until f − f* stays ≤ {self.tol:g}·(f(x₀) − f*)"
        return "final loss" if self.name == "final-loss" else "mean loss over the run"

    def values(self, runs: LrRuns) -> list[Value]:
        """The metric per learning rate; None where undefined (never reached, diverged)."""
        out: list[Value] = []
        for i in range(runs.lrs.size):
            if runs.diverged_at[i] >= 0:
                out.append(None)
            elif self.name == "steps":
                settled = int(runs.last_outside[i]) + 1
                out.append(settled if settled < runs.records else None)
            elif self.name == "final-loss":
                out.append(float(runs.final_loss[i]))
            else:
                out.append(float(runs.loss_sum[i]) / runs.records)
        return out


@dataclass(frozen=True)
class SweepRun:
    """One optimizer's sweep: its setup (lr aside), the learning rates and the values."""

    setup: OptimizerSetup
    lrs: tuple[float, ...]
    values: tuple[Value, ...]
    runs: LrRuns

    @property
    def best_index(self) -> int | None:
        return best_index(self.values)

    @property
    def best_lr(self) -> float | None:
        k = self.best_index
        return None if k is None else self.lrs[k]

    @property
    def best(self) -> Value:
        k = self.best_index
        return None if k is None else self.values[k]


@dataclass(frozen=True)
class Sweep:
    surface: Surface
    start: tuple[float, float]
    metric: Metric
    steps: int
    noise: GradientNoise
    schedule: Schedule
    runs: tuple[SweepRun, ...]


def best_index(values: tuple[Value, ...] | list[Value]) -> int | None:
    """The lowest value's index; the middle one where several tie; None if all undefined."""
    defined = [v for v in values if v is not None]
    if not defined:
        return None
    low = min(defined)
    tied = [i for i, v in enumerate(values) if v == low]
    return tied[(len(tied) - 1) // 2]


def lr_grid(low: float, high: float, points: int) -> Array:
    """``points`` learning rates from ``low`` to ``high``, log-spaced, both ends included."""
    check_lr_range(low, high)
    if not (isinstance(points, int) and 2 <= points <= MAX_POINTS):
        raise OptiscopeError(f"points must be a whole number in [2, {MAX_POINTS}]; got {points}")
    grid: Array = np.geomspace(low, high, points)
    grid[0], grid[-1] = low, high
    return grid


def check_lr_range(low: float, high: float) -> None:
    if not (math.isfinite(low) and math.isfinite(high)):
        raise OptiscopeError(f"the lr range must be finite; got {low:g},{high:g}")
    if low <= 0:
        raise OptiscopeError(f"the lr range must be positive; got {low:g},{high:g}")
    if low >= high:
        raise OptiscopeError(f"the lr range needs LO < HI; got {low:g},{high:g}")


def default_range(surface: Surface, setup: OptimizerSetup) -> tuple[float, float]:
    """``DEFAULT_SPAN`` times the surface's suggested learning rate for the optimizer's family."""
    suggestion = suggested_lr(surface, setup.optimizer)
    return (suggestion * DEFAULT_SPAN[0], suggestion * DEFAULT_SPAN[1])


def given_lr(setup: Setup) -> str | None:
    """The first optimizer spec that fixes lr (a sweep varies it), or None."""
    for spec in setup.optimizers:
        if "lr" in parse_call(spec, "optimizer")[1]:
            return spec
    return None


def sweep(
    setup: Setup,
    metric: Metric | None = None,
    lr_range: tuple[float, float] | None = None,
    points: int = DEFAULT_POINTS,
) -> Sweep:
    """Sweep every optimizer of ``setup`` over ``lr_range`` (default: per optimizer, around
    the surface's suggestion) for ``setup.steps`` updates from ``setup.start``.

    An optimizer spec must leave lr out: it is what the sweep varies.
    """
    metric = metric or Metric()
    fixed = given_lr(setup)
    if fixed is not None:
        raise OptiscopeError(f"the sweep varies lr: leave it out of {fixed} (use --lr-range)")
    comparison = setup.build()
    surface = comparison.surface
    f_star = minimum_value(surface) if metric.name == "steps" else None
    if lr_range is not None:
        lr_grid(*lr_range, points)  # refuse a bad range before any run
    runs = []
    for opt in comparison.setups:
        grid = lr_grid(*(lr_range or default_range(surface, opt)), points)
        raw = run_lrs(
            surface,
            opt,
            comparison.start,
            grid,
            comparison.steps,
            comparison.noise,
            comparison.schedule,
            f_star,
            metric.tol,
        )
        values = tuple(metric.values(raw))
        runs.append(SweepRun(opt, tuple(float(x) for x in grid), values, raw))
    return Sweep(
        surface,
        comparison.start,
        metric,
        comparison.steps,
        comparison.noise,
        comparison.schedule,
        tuple(runs),
    )
