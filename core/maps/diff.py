"""Two maps over one grid, compared cell by cell: where does B beat A?

Sign convention for the two measured metrics: **positive = A is better** at that start.

- ``steps``: value = steps(B) − steps(A) where both converged (positive: A needed fewer
  steps); where only one converged the cell says which; ties are exact.
- ``loss``: value = log10(gap B) − log10(gap A), gaps measured above the best minimum and
  floored as in the loss metric (positive: A ended lower); within ``LOSS_TIE`` decades
  counts as similar, so two runs both at the minimum to double precision tie.
- ``minimum``: value = 1 where both reached the same minimum, 0 where they reached
  different ones; NaN where at most one reached any.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..errors import OptiscopeError
from ..format import fmt
from .classes import NONE_GLYPH, CellClass, CellClasses
from .compute import ConvergenceMap, Metric, check_metric
from .summary import percent

Array = npt.NDArray[np.float64]

#: Loss gaps within this many decades of each other count as similar.
LOSS_TIE = 1.0

_STEPS: tuple[CellClass, ...] = (
    CellClass("A", "A faster", "a_better"),
    CellClass("=", "same steps", "same"),
    CellClass("B", "B faster", "b_better"),
    CellClass("a", "only A converged", "only_a"),
    CellClass("b", "only B converged", "only_b"),
    CellClass(NONE_GLYPH, "neither converged", "none"),
)
_LOSS: tuple[CellClass, ...] = (
    CellClass("A", f"A lower by over {LOSS_TIE:g} decade", "a_better"),
    CellClass("=", f"within {LOSS_TIE:g} decade", "same"),
    CellClass("B", f"B lower by over {LOSS_TIE:g} decade", "b_better"),
    CellClass("a", "only B diverged", "only_a"),
    CellClass("b", "only A diverged", "only_b"),
    CellClass("x", "both diverged", "diverged"),
)
_MINIMUM: tuple[CellClass, ...] = (
    CellClass("=", "same minimum", "same"),
    CellClass("#", "different minima", "different"),
    CellClass("a", "only A reached a minimum", "only_a"),
    CellClass("b", "only B reached a minimum", "only_b"),
    CellClass(NONE_GLYPH, "neither reached a minimum", "none"),
)


@dataclass(frozen=True, eq=False)
class MapDifference:
    """A vs B over the same grid; ``values`` is positive where A is better (NaN: no number);
    for ``minimum`` it is 1 (same) or 0 (different)."""

    a: ConvergenceMap
    b: ConvergenceMap
    metric: Metric
    values: Array
    classes: CellClasses

    def headline(self) -> str:
        """Who A and B are, and which way the sign points."""
        a, b = self.a.setup.label, self.b.setup.label
        if self.metric == "minimum":
            return f"A = {a}, B = {b}; {_MEANING['minimum']}"
        return f"A = {a}, B = {b}; positive = A better ({_MEANING[self.metric]})"

    def shares(self) -> str:
        """The share of the grid in each outcome, outcomes that occur only."""
        pairs = zip(self.classes.classes, self.classes.fractions(), strict=True)
        return ", ".join(f"{c.label} {percent(f)}" for c, f in pairs if f)

    def margin(self) -> str | None:
        """The median difference where both runs have a number (steps and loss only)."""
        both = self.values[np.isfinite(self.values)]
        if not both.size or self.metric == "minimum":
            return None
        unit = "steps" if self.metric == "steps" else "decades"
        median = fmt(float(np.median(both)))
        return f"where both have a value: median {_MEANING[self.metric]} = {median} {unit}"

    def lines(self) -> list[str]:
        margin = self.margin()
        return [self.headline(), self.shares()] + ([margin] if margin else [])


_MEANING = {
    "steps": "steps(B) − steps(A)",
    "loss": "log10 loss gap B − A",
    "minimum": "value 1 = same minimum, 0 = different",
}


def difference(a: ConvergenceMap, b: ConvergenceMap, metric: Metric) -> MapDifference:
    """Compare ``b`` with ``a`` cell by cell; see the module docstring for the convention."""
    check_metric(metric)
    _check_same_grid(a, b)
    if metric == "steps":
        values, cells = _steps(a, b)
        classes = _STEPS
        title = "steps to converge, A vs B"
    elif metric == "loss":
        values, cells = _loss(a, b)
        classes = _LOSS
        title = "final loss, A vs B"
    else:
        values, cells = _minimum(a, b)
        classes = _MINIMUM
        title = "minimum reached, A vs B"
    values.flags.writeable = False
    cells.flags.writeable = False
    return MapDifference(a, b, metric, values, CellClasses(cells, classes, title))


def _steps(a: ConvergenceMap, b: ConvergenceMap) -> tuple[Array, npt.NDArray[np.int64]]:
    ca, cb = a.converged, b.converged
    both = ca & cb
    diff = (b.converged_at - a.converged_at).astype(np.float64)
    values = np.where(both, diff, np.nan)
    cells = np.select(
        [both & (diff > 0), both & (diff == 0), both, ca, cb], [0, 1, 2, 3, 4], default=5
    )
    return values, cells.astype(np.int64)


def _loss(a: ConvergenceMap, b: ConvergenceMap) -> tuple[Array, npt.NDArray[np.int64]]:
    la, lb = a.values("loss"), b.values("loss")
    alive_a, alive_b = np.isfinite(la), np.isfinite(lb)
    both = alive_a & alive_b
    with np.errstate(invalid="ignore"):
        values = np.where(both, lb - la, np.nan)
        cells = np.select(
            [both & (values > LOSS_TIE), both & (values >= -LOSS_TIE), both, alive_a, alive_b],
            [0, 1, 2, 3, 4],
            default=5,
        )
    return values, cells.astype(np.int64)


def _minimum(a: ConvergenceMap, b: ConvergenceMap) -> tuple[Array, npt.NDArray[np.int64]]:
    ra, rb = a.minimum >= 0, b.minimum >= 0
    both = ra & rb
    same = both & (a.minimum == b.minimum)
    # Indices past the known minima name groups found in each map separately: compare
    # their points, not their numbers.
    grouped = both & ((a.minimum >= a.known_minima) | (b.minimum >= b.known_minima))
    if grouped.any():
        pa = np.array([m.point for m in a.minima])[a.minimum[grouped]]
        pb = np.array([m.point for m in b.minima])[b.minimum[grouped]]
        same[grouped] = np.hypot(*(pa - pb).T) <= a.radius
    values = np.where(both, same.astype(np.float64), np.nan)
    cells = np.select([same, both, ra, rb], [0, 1, 2, 3], default=4)
    return values, cells.astype(np.int64)


def _check_same_grid(a: ConvergenceMap, b: ConvergenceMap) -> None:
    if a.shape != b.shape or a.window != b.window:
        raise OptiscopeError(
            f"maps to compare need one grid: {a.shape[1]}x{a.shape[0]} over {a.window} "
            f"vs {b.shape[1]}x{b.shape[0]} over {b.window}"
        )
    if a.surface.describe() != b.surface.describe():
        raise OptiscopeError(
            f"maps to compare need one surface: {a.surface.name} vs {b.surface.name}"
        )
