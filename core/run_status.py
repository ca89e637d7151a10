"""When a run has converged and when it has diverged: one rule each, for every loop.

A recorded run (``Trajectory``, ``HighDimRun``) applies them to its records a chunk at a
time; a batch (maps, sweeps) applies them to every row at every record. Both call the same
functions here, so a cell of a map, a learning rate of a sweep and ``optiscope run`` with
the same settings say the same thing at the same step.

- converged at the first record whose *exact* gradient norm is at most ``gtol``;
- diverged at the first record whose point, loss or seen gradient (the one the optimizer
  steps with) is not finite, or whose point has escaped (see ``Escape``). A run that
  diverges is diverged, even if it passed a converged record first.
"""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StatusKind = Literal["running", "converged", "diverged"]
DEFAULT_GTOL = 1e-6
#: A 2-D run has escaped once a coordinate is this many plot sizes from the window's centre.
PLOT_ESCAPE = 1e3
#: An N-D run has escaped once it is this many start distances (at least 1) from its start.
START_ESCAPE = 1e3


class Status(NamedTuple):
    """Where a run stands: still running, converged (by which criterion) or diverged."""

    kind: StatusKind = "running"
    step: int | None = None
    reason: str = ""
    #: Why, where it is instability: ``η·λmax = 2.2 > 2 since step 0`` (``core.stability``).
    cause: str = ""

    def text(self) -> str:
        if self.kind == "running":
            return "running"
        if self.cause:
            return f"{self.kind} at step {self.step}: {self.cause}"
        return f"{self.kind} at step {self.step} ({self.reason})"


class Escape(NamedTuple):
    """How far counts as gone: farther than ``reach`` from ``centre``.

    Two scales, because a 2-D surface has a plot window to measure from and an N-D problem
    has none: ``plot_escape`` (any coordinate over ``PLOT_ESCAPE`` window sizes from the
    window's centre) and ``start_escape`` (over ``START_ESCAPE`` times the start's distance
    to the optimum, in Euclidean distance from the start). ``text`` ends a status reason.
    """

    centre: Array
    reach: float
    euclidean: bool
    text: str

    def within(self, points: Array) -> BoolArray:
        """Per coordinate (a box) or per point (a ball, last axis summed): within reach.

        NaN and ±inf compare False, so a non-finite point is never within reach.
        """
        offset = points - self.centre
        if self.euclidean:
            inside: BoolArray = np.sqrt(_sum_last(offset * offset)) <= self.reach
        else:
            inside = np.abs(offset) <= self.reach
        return inside


def plot_escape(domain: tuple[tuple[float, float], tuple[float, float]]) -> Escape:
    """The 2-D scale: ``PLOT_ESCAPE`` times the window's longer side, per coordinate."""
    (x0, x1), (y0, y1) = domain
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    reach = PLOT_ESCAPE * max(x1 - x0, y1 - y0)
    return Escape(centre, reach, False, f"went over {PLOT_ESCAPE:g}× the plot size away")


def start_escape(start: Array, optimum: Array) -> Escape:
    """The N-D scale: ``START_ESCAPE`` start-to-optimum distances (at least 1) from the start."""
    scale = max(1.0, float(np.linalg.norm(start - optimum)))
    text = f"went over {START_ESCAPE:g}× its start distance away"
    return Escape(start.copy(), START_ESCAPE * scale, True, text)


def diverged(points: Array, loss: Array, seen: Array, escape: Escape) -> BoolArray:
    """The divergence rule, per record or row (any leading axes; the last axis of ``points``
    and ``seen`` holds the coordinates)."""
    with np.errstate(invalid="ignore", over="ignore"):
        # A non-finite point is never within reach, so one test covers both.
        inside = escape.within(points)
        if escape.euclidean:
            ok = inside & _all_last(np.isfinite(seen))
        else:
            ok = _all_last(inside & np.isfinite(seen))
        bad: BoolArray = ~(ok & np.isfinite(loss))
    return bad


def converged(exact: Array, gtol: float) -> BoolArray:
    """The convergence rule: ‖∇f‖ ≤ gtol, with ‖·‖ = √(Σ g²) over the last axis."""
    with np.errstate(invalid="ignore", over="ignore"):
        hit: BoolArray = np.sqrt(_sum_last(exact * exact)) <= gtol
    return hit


def _sum_last(values: Array) -> Array:
    """Σ over the last axis; two columns added directly (the same number as NumPy's sum of
    two, and far quicker than a reduction over a short axis on a large batch)."""
    if values.shape[-1] == 2:
        out: Array = values[..., 0] + values[..., 1]
        return out
    total: Array = np.sum(values, axis=-1)
    return total


def _all_last(mask: BoolArray) -> BoolArray:
    if mask.shape[-1] == 2:
        both: BoolArray = mask[..., 0] & mask[..., 1]
        return both
    every: BoolArray = np.all(mask, axis=-1)
    return every


def why_diverged(
    point: Array, loss: float, seen: Array, escape: Escape, explain: object = None
) -> str:
    """The reason a status gives for one diverged record.

    ``explain`` is a surface's ``nonfinite_reason(point, loss, grad)`` where it has one: a
    formula knows better why f or ∇f is not finite at a finite point (its domain); on the
    built-in surfaces it can only be an overflow.
    """
    if np.isfinite(point).all() and math.isfinite(loss) and np.isfinite(seen).all():
        return escape.text
    if not np.isfinite(point).all():
        return "parameters became " + ("NaN" if np.isnan(point).any() else "infinite")
    if callable(explain):
        return str(explain(point, loss, seen))
    if not math.isfinite(loss):
        return "loss became " + ("NaN" if math.isnan(loss) else "infinite")
    return "gradient became " + ("NaN" if np.isnan(seen).any() else "infinite")
