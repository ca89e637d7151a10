"""Convergence maps: one optimizer run from every cell of a grid of starts, all at once.

Each cell remembers where its start ended, the loss there, whether it diverged, how many
steps it took to converge and which minimum it reached, so a view can colour the grid by
any of three metrics:

- ``minimum``: which minimum the start reached (basins of attraction, as the method sees
  them: they differ between optimizers);
- ``steps``: steps until converged, by the explorer's rule: the first step whose exact
  gradient norm is at most ``gtol`` (1e-6 unless told), i.e. the step at which
  ``optiscope run`` from that start would report "converged". The gradient rule, rather
  than "loss within a tolerance of the best minimum", times a start that settles in a
  local minimum too; which minimum it was is what the ``minimum`` metric shows;
- ``loss``: log10 of the final loss above the best known minimum value, floored at
  ``LOSS_FLOOR`` (closer than that is the minimum to double precision).

Every cell is computed exactly as a recorded ``Trajectory`` from its centre would be (see
``batch_run``). Arrays are indexed ``[j, i]``: row j is the j-th y from the *bottom* of the
window, column i the i-th x from the left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar, get_args

import numpy as np
import numpy.typing as npt

from ..batch_run import BatchRun
from ..errors import OptiscopeError
from ..format import fmt
from ..noise import GradientNoise
from ..schedules import Schedule
from ..specs import OptimizerSetup
from ..surfaces import Minimum, Surface
from ..trajectory import DEFAULT_GTOL
from .minima import (
    REACH_RADIUS,
    domain_scale,
    final_window,
    label_minima,
    reach_rule,
    window_strays,
)

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Window = tuple[tuple[float, float], tuple[float, float]]
Metric = Literal["minimum", "steps", "loss"]
METRICS: tuple[Metric, ...] = get_args(Metric)
_A = TypeVar("_A", bound=npt.NDArray[np.generic])

#: log10 of a loss gap is floored here: below it, double precision cannot tell f from f_min.
LOSS_FLOOR = 1e-16
#: Starts per block: large enough that NumPy's per-call overhead is amortised, small enough
#: to stay in cache and to report progress on big grids.
DEFAULT_BLOCK = 16_384
#: Updates between two progress reports (and two chances to cancel).
DEFAULT_CHUNK = 25


class Cancelled(Exception):
    """Raised by ``compute_map`` when its ``should_stop`` callable returns True."""


@dataclass(frozen=True, eq=False)
class ConvergenceMap:
    """Per cell of an ``(ny, nx)`` grid of starts: where its run ended and how."""

    surface: Surface
    setup: OptimizerSetup
    steps: int
    gtol: float
    window: Window
    #: Cell centres: ``xs[i]`` and ``ys[j]`` (ascending).
    xs: Array
    ys: Array
    #: ``end[j, i]`` is the point reached after ``steps`` updates.
    end: Array
    loss: Array
    diverged: BoolArray
    #: First step flagged diverged (non-finite or escaped); -1 if never.
    diverged_at: IntArray
    #: First step whose exact gradient norm is <= ``gtol``; -1 if never or diverged.
    converged_at: IntArray
    #: Index into ``minima`` of the minimum reached (stayed at over the final window, see
    #: ``minima``); -1 if none or diverged.
    minimum: IntArray
    #: Converged (some step with ‖∇f‖ <= gtol) and stayed within ``radius`` of the end
    #: point over the final window, near no listed minimum: at rest somewhere unlisted.
    settled: BoolArray
    #: The surface's known minima, then groups of starts that settled elsewhere.
    minima: tuple[Minimum, ...]
    known_minima: int
    #: Absolute distance within which an end point counts as at a minimum.
    radius: float
    #: The loss the ``loss`` metric measures from: the best known minimum value.
    f_min: float
    noise: GradientNoise
    schedule: Schedule

    @property
    def final_window(self) -> int:
        """Updates at the end of each run over which a start must stay at its minimum."""
        return final_window(self.steps)

    @property
    def reach_rule(self) -> str:
        """What "reached" means on this map, with its window and radius."""
        return reach_rule(self.steps, self.radius)

    @property
    def shape(self) -> tuple[int, int]:
        """``(ny, nx)``."""
        return (self.ys.size, self.xs.size)

    @property
    def starts(self) -> Array:
        """``starts[j, i]`` = ``(xs[i], ys[j])``."""
        gx, gy = np.meshgrid(self.xs, self.ys)
        return np.stack([gx, gy], axis=-1)

    @property
    def converged(self) -> BoolArray:
        return self.converged_at >= 0

    def values(self, metric: Metric) -> Array:
        """The metric per cell as floats (NaN where it has no value).

        ``minimum``: index into ``minima``, -1 none reached, NaN diverged. ``steps``: steps
        to converge, NaN never. ``loss``: log10(max(loss − f_min, LOSS_FLOOR)), NaN diverged.
        """
        check_metric(metric)
        out: Array
        if metric == "minimum":
            out = self.minimum.astype(np.float64)
            out[self.diverged] = np.nan
        elif metric == "steps":
            out = np.where(self.converged, self.converged_at, np.nan).astype(np.float64)
        else:
            with np.errstate(invalid="ignore"):
                gap = np.maximum(self.loss - self.f_min, LOSS_FLOOR)
                out = np.where(self.diverged | ~np.isfinite(gap), np.nan, np.log10(gap))
        return out

    def minimum_name(self, k: int) -> str:
        """A minimum's label with its point, unique even where labels repeat."""
        m = self.minima[k]
        if k >= self.known_minima:
            return m.label
        return f"{m.label} at ({fmt(m.point[0])}, {fmt(m.point[1])})"


def check_metric(metric: str) -> Metric:
    if metric not in METRICS:
        raise OptiscopeError(f"unknown metric {metric!r} (metrics: {', '.join(METRICS)})")
    return metric


def cell_centres(window: Window, nx: int, ny: int) -> tuple[Array, Array]:
    """Centres of an nx × ny grid of equal cells over ``window``.

    Centres, not edges, so cell i covers [x0 + i·w, x0 + (i+1)·w): a view finds the cell
    under a point with floor((x − x0)/w).
    """
    (x0, x1), (y0, y1) = window
    xs: Array = x0 + (np.arange(nx, dtype=np.float64) + 0.5) * ((x1 - x0) / nx)
    ys: Array = y0 + (np.arange(ny, dtype=np.float64) + 0.5) * ((y1 - y0) / ny)
    return xs, ys


def check_window(window: Window) -> Window:
    (x0, x1), (y0, y1) = window
    values = (float(x0), float(x1), float(y0), float(y1))
    if not all(np.isfinite(values)):
        raise OptiscopeError(f"window {values} must be finite")
    if not (values[0] < values[1] and values[2] < values[3]):
        raise OptiscopeError(
            f"window needs x low < x high and y low < y high; got x {values[0]:g}..{values[1]:g},"
            f" y {values[2]:g}..{values[3]:g}"
        )
    return (values[0], values[1]), (values[2], values[3])


def compute_map(
    surface: Surface,
    setup: OptimizerSetup,
    grid: tuple[int, int] = (60, 30),
    steps: int = 200,
    window: Window | None = None,
    *,
    gtol: float = DEFAULT_GTOL,
    noise: GradientNoise | None = None,
    schedule: Schedule | None = None,
    radius: float = REACH_RADIUS,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    block: int = DEFAULT_BLOCK,
    chunk: int = DEFAULT_CHUNK,
) -> ConvergenceMap:
    """Run ``setup`` for ``steps`` updates from the centre of every cell of ``grid`` = (nx, ny).

    Blocks of ``block`` starts run one after another, ``chunk`` updates at a time; after each
    chunk ``progress(done_fraction)`` is called and ``should_stop()`` asked, and a True
    answer raises ``Cancelled``. Both are called from the thread that runs the map, so a UI
    running it in a worker thread must hand progress over to its own thread.

    ``radius`` is the reach of a minimum as a fraction of the domain's longer side;
    ``gtol``, ``noise`` and ``schedule`` mean what they mean for a recorded ``Trajectory``.
    """
    nx, ny = int(grid[0]), int(grid[1])
    if nx < 1 or ny < 1:
        raise OptiscopeError(f"grid must be at least 1x1; got {nx}x{ny}")
    if steps < 0:
        raise OptiscopeError(f"steps must be at least 0; got {steps}")
    if not (np.isfinite(gtol) and gtol >= 0):
        raise OptiscopeError(f"gtol must be a finite number >= 0; got {gtol:g}")
    window = check_window(surface.domain if window is None else window)
    xs, ys = cell_centres(window, nx, ny)
    gx, gy = np.meshgrid(xs, ys)
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    noise = noise or GradientNoise()
    schedule = schedule or Schedule()

    n = starts.shape[0]
    end = np.empty_like(starts)
    loss = np.empty(n)
    converged_at = np.empty(n, dtype=np.int64)
    diverged_at = np.empty(n, dtype=np.int64)
    nearest = np.empty(n, dtype=np.int64)
    from_min, from_end = np.empty(n), np.empty(n)
    block, chunk = max(1, int(block)), max(1, int(chunk))
    total = float(n) * max(steps, 1)
    window_from = steps - final_window(steps)
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        run = BatchRun(surface, setup, starts[lo:hi], gtol, noise, schedule)
        # The points of the final window, one update at a time: what "stayed" is judged on.
        points = np.empty((steps - window_from + 1, hi - lo, 2))
        while run.steps_done < steps:
            if should_stop is not None and should_stop():
                raise Cancelled
            if run.steps_done >= window_from:
                points[run.steps_done - window_from] = run.params
                run.advance(1)
            else:
                run.advance(min(chunk, window_from - run.steps_done))
            if progress is not None:
                progress((lo * max(steps, 1) + (hi - lo) * run.steps_done) / total)
        run.finish()
        points[-1] = run.params
        end[lo:hi] = run.params
        loss[lo:hi] = run.loss
        converged_at[lo:hi] = run.converged_at
        diverged_at[lo:hi] = run.diverged_at
        nearest[lo:hi], from_min[lo:hi], from_end[lo:hi] = window_strays(surface.minima, points)
    if progress is not None:
        progress(1.0)

    diverged = diverged_at >= 0
    converged_at[diverged] = -1
    minimum, minima, settled = label_minima(
        surface,
        end,
        loss,
        converged_at >= 0,
        diverged,
        radius,
        strays=(nearest, from_min, from_end),
    )
    return ConvergenceMap(
        surface=surface,
        setup=setup,
        steps=steps,
        gtol=float(gtol),
        window=window,
        xs=_frozen(xs),
        ys=_frozen(ys),
        end=_frozen(end.reshape(ny, nx, 2)),
        loss=_frozen(loss.reshape(ny, nx)),
        diverged=_frozen(diverged.reshape(ny, nx)),
        diverged_at=_frozen(diverged_at.reshape(ny, nx)),
        converged_at=_frozen(converged_at.reshape(ny, nx)),
        minimum=_frozen(minimum.reshape(ny, nx)),
        settled=_frozen(settled.reshape(ny, nx)),
        minima=minima,
        known_minima=len(surface.minima),
        radius=radius * domain_scale(surface),
        f_min=_best_value(surface.minima, loss, diverged),
        noise=noise,
        schedule=schedule,
    )


def _best_value(minima: tuple[Minimum, ...], loss: Array, diverged: BoolArray) -> float:
    """The best known minimum value; without any, the lowest loss any start reached."""
    if minima:
        return min(m.value for m in minima)
    finite = loss[~diverged & np.isfinite(loss)]
    return float(finite.min()) if finite.size else 0.0


def _frozen(a: _A) -> _A:
    """Read-only, so a frozen map stays what it was computed as."""
    a.flags.writeable = False
    return a
