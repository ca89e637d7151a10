"""Maps over hyperparameters: one optimizer from one start, one cell per (lr, β).

x is the learning rate, log-spaced (the sweep's grid); y, where given, is the optimizer's
momentum-like β (``BETA_NAMES``: β of EWMA momentum and RMSprop, β₁ of the Adam family and
Lion, μ of heavy ball and Nesterov), evenly spaced. Every cell is one row of one batch (its
lr and β as ``(N, 1)`` arrays, see ``optimizers.base.value``), bit for bit the recorded run
at that (lr, β). Each cell says

- ``class``: how ``optiscope run`` there ends: ``diverged`` (the divergence rule of
  ``run_status``), ``converged`` (some record with ‖∇f‖ ≤ gtol and no divergence), else
  ``running``;
- ``steps`` and ``loss``: the sweep's ``steps`` and ``final-loss`` metrics (``sweep.Metric``,
  one definition), None where undefined (never settled, diverged).

Arrays are indexed ``[j, i]``: y value j, x value i; a map over lr alone has one row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from ..batch_run import BatchRun
from ..errors import OptiscopeError
from ..noise import GradientNoise
from ..run_status import DEFAULT_GTOL
from ..schedules import Schedule
from ..specs import OptimizerSetup
from ..surfaces import Surface
from ..sweep.lr_batch import LrRuns
from ..sweep.sweep import DEFAULT_TOL, Metric, lr_grid
from .compute import DEFAULT_CHUNK, Cancelled
from .stability import StabilityBoundary, stability_boundary

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
OverMetric = Literal["class", "steps", "loss"]
OVER_METRICS: tuple[OverMetric, ...] = get_args(OverMetric)
CellClass = Literal["converged", "diverged", "running"]
CELL_CLASSES: tuple[CellClass, ...] = get_args(CellClass)
#: The momentum-like hyperparameter of each optimizer that has one.
BETA_NAMES = {
    "momentum": "beta",
    "rmsprop": "beta",
    "heavyball": "momentum",
    "nesterov": "momentum",
    "adam": "beta1",
    "adamw": "beta1",
    "adamax": "beta1",
    "nadam": "beta1",
    "lion": "beta1",
}
DEFAULT_BETA_RANGE = (0.0, 0.99)


@dataclass(frozen=True)
class Axis:
    """One axis of the map: a hyperparameter's name and its values, ascending."""

    name: str
    values: Array
    log: bool


@dataclass(frozen=True, eq=False)
class HyperMap:
    """Per cell of an ``(ny, nx)`` grid of (β, lr): how the run from ``start`` ends."""

    surface: Surface
    setup: OptimizerSetup
    start: tuple[float, float]
    steps: int
    gtol: float
    tol: float
    noise: GradientNoise
    schedule: Schedule
    x: Axis
    #: None for a map over lr alone (one row, at the setup's β).
    y: Axis | None
    #: First record flagged diverged; -1 if never.
    diverged_at: IntArray
    #: First record with ‖∇f‖ <= gtol; -1 if never or diverged.
    converged_at: IntArray
    #: The sweep's metrics per cell, NaN where undefined.
    settled: Array
    final_loss: Array
    boundary: StabilityBoundary | None

    @property
    def shape(self) -> tuple[int, int]:
        ny, nx = self.diverged_at.shape
        return (ny, nx)

    def classes(self) -> npt.NDArray[np.int64]:
        """Index into ``CELL_CLASSES`` per cell."""
        out = np.full(self.shape, CELL_CLASSES.index("running"), dtype=np.int64)
        out[self.converged_at >= 0] = CELL_CLASSES.index("converged")
        out[self.diverged_at >= 0] = CELL_CLASSES.index("diverged")
        return out

    def values(self, metric: OverMetric) -> Array:
        """``steps`` or ``loss`` per cell (NaN where undefined); ``class`` as its index."""
        if metric == "steps":
            return self.settled
        if metric == "loss":
            return self.final_loss
        return self.classes().astype(np.float64)

    def beta_at(self, j: int) -> float | None:
        """The β of row j (None where the optimizer has none)."""
        if self.y is not None:
            return float(self.y.values[j])
        name = BETA_NAMES.get(self.setup.name)
        return None if name is None else float(self.setup.hyperparameters[name])


def beta_name(setup: OptimizerSetup) -> str:
    """The hyperparameter an (lr, β) map varies for this optimizer."""
    name = BETA_NAMES.get(setup.name)
    if name is None:
        having = ", ".join(sorted(BETA_NAMES))
        raise OptiscopeError(
            f"{setup.name} has no momentum-like β to map over; use --over lr, or one of {having}"
        )
    return name


def beta_grid(setup: OptimizerSetup, low: float, high: float, points: int) -> Array:
    """``points`` values of the optimizer's β from ``low`` to ``high``, both ends included."""
    param = setup.optimizer.param(beta_name(setup))
    for end in (low, high):
        param.validate(end, setup.name)
    if not low < high:
        raise OptiscopeError(f"the β range needs LO < HI; got {low:g},{high:g}")
    if points < 2:
        raise OptiscopeError(f"an (lr, β) map needs at least 2 values of β; got {points}")
    grid: Array = np.linspace(low, high, points)
    grid[0], grid[-1] = low, high
    return grid


def compute_over(
    surface: Surface,
    setup: OptimizerSetup,
    start: tuple[float, float],
    steps: int,
    lrs: Array,
    betas: Array | None = None,
    *,
    gtol: float = DEFAULT_GTOL,
    tol: float = DEFAULT_TOL,
    noise: GradientNoise | None = None,
    schedule: Schedule | None = None,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    chunk: int = DEFAULT_CHUNK,
) -> HyperMap:
    """Run ``setup`` from ``start`` at every (lr, β) of ``lrs`` × ``betas`` for ``steps``
    updates, all in one batch; ``progress`` and ``should_stop`` as for ``compute_map``."""
    if steps < 0:
        raise OptiscopeError(f"steps must be at least 0; got {steps}")
    if not (math.isfinite(gtol) and gtol >= 0):
        raise OptiscopeError(f"gtol must be a finite number >= 0; got {gtol:g}")
    metric = Metric("steps", tol)  # checks tol
    xs = np.array(lrs, dtype=np.float64).reshape(-1)
    ys = None if betas is None else np.array(betas, dtype=np.float64).reshape(-1)
    ny, nx = (1 if ys is None else ys.size), xs.size
    hyper: dict[str, Array] = {"lr": np.tile(xs, ny)[:, None]}
    if ys is not None:
        hyper[beta_name(setup)] = np.repeat(ys, nx)[:, None]
    minima = surface.minima
    f_star = min(m.value for m in minima) if minima else None
    noise = noise or GradientNoise()
    schedule = schedule or Schedule()
    starts = np.tile(np.array(start, dtype=np.float64), (nx * ny, 1))
    batch = BatchRun(
        surface, setup, starts, gtol, noise, schedule, hyperparameters=hyper, f_star=f_star, tol=tol
    )
    while batch.steps_done < steps:
        if should_stop is not None and should_stop():
            raise Cancelled
        batch.advance(min(max(1, int(chunk)), steps - batch.steps_done))
        if progress is not None:
            progress(batch.steps_done / max(steps, 1))
    batch.finish()
    if progress is not None:
        progress(1.0)
    runs = LrRuns.of(hyper["lr"].ravel(), batch, steps)
    settled = _defined(metric.values(runs)) if f_star is not None else np.full(nx * ny, np.nan)
    final = _defined(Metric("final-loss").values(runs))
    converged_at = np.where(batch.diverged_at >= 0, -1, batch.converged_at)
    return HyperMap(
        surface=surface,
        setup=setup,
        start=(float(start[0]), float(start[1])),
        steps=steps,
        gtol=float(gtol),
        tol=float(tol),
        noise=noise,
        schedule=schedule,
        x=Axis("lr", xs, True),
        y=None if ys is None else Axis(beta_name(setup), ys, False),
        diverged_at=batch.diverged_at.reshape(ny, nx),
        converged_at=converged_at.reshape(ny, nx),
        settled=settled.reshape(ny, nx),
        final_loss=final.reshape(ny, nx),
        boundary=stability_boundary(surface, setup, schedule),
    )


def lr_axis(low: float, high: float, points: int) -> Array:
    """The sweep's learning-rate grid (log-spaced, both ends exact, range checked)."""
    return lr_grid(low, high, points)


def _defined(values: list[int | float | None]) -> Array:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
