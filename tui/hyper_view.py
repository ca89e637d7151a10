"""What the explorer's lr×β map computes, as plain values a worker thread can take.

The focused optimizer from the current start, one cell per (η, β) of a log-η × linear-β
grid (``core.maps.over``, the same batch ``optiscope map --over lr,beta`` runs). The η range
is the sweep's (the surface's suggested rate /100 to ×10), the β range 0 to 0.99, each
widened to hold the current setting, so the learner always sees where they stand. An
optimizer without a momentum-like β gets one row over η alone.

Steps and the convergence tolerance are the start map's (500 steps, ‖∇f‖ ≤ 1e-2), so the
two maps read alike.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optiscope.core.maps.over import BETA_NAMES, DEFAULT_BETA_RANGE, HyperMap, compute_over
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import Schedule
from optiscope.core.specs import OptimizerSetup
from optiscope.core.surfaces import Surface
from optiscope.core.sweep import default_range

from .map_view import MAP_GTOL, MAP_STEPS
from .model import ExplorerModel

#: How far past the current setting a widened range reaches (η ×2, β halfway to 1).
WIDEN = 2.0


@dataclass(frozen=True)
class HyperSetup:
    """The focused run's setup and where it starts, read once on the UI thread."""

    surface: Surface
    setup: OptimizerSetup
    start: tuple[float, float]
    noise: GradientNoise
    schedule: Schedule

    @property
    def beta_name(self) -> str | None:
        return BETA_NAMES.get(self.setup.name)

    @property
    def lr(self) -> float:
        return float(self.setup.hyperparameters["lr"])

    @property
    def beta(self) -> float | None:
        name = self.beta_name
        return None if name is None else float(self.setup.hyperparameters[name])

    def lr_range(self) -> tuple[float, float]:
        """The sweep's default range, widened to hold the current η."""
        low, high = default_range(self.surface, self.setup)
        lr = self.lr
        if lr > 0 and math.isfinite(lr):
            low, high = min(low, lr / WIDEN), max(high, lr * WIDEN)
        return low, high

    def beta_range(self) -> tuple[float, float]:
        """0 to 0.99, widened to hold the current β."""
        low, high = DEFAULT_BETA_RANGE
        beta = self.beta
        if beta is not None and beta > high:
            high = 1.0 - (1.0 - beta) / 2
        return low, high


def hyper_setup(model: ExplorerModel) -> HyperSetup:
    run = model.focused_run
    return HyperSetup(
        model.surface,
        run.setup,
        (float(model.start[0]), float(model.start[1])),
        model.noise,
        model.schedule,
    )


@dataclass(frozen=True)
class HyperRequest:
    """One map to compute: the setup, and the grid's values (compared by value)."""

    setup: HyperSetup
    lrs: tuple[float, ...]
    betas: tuple[float, ...] | None
    steps: int = MAP_STEPS
    gtol: float = MAP_GTOL


def request_for(setup: HyperSetup, cols: int, rows: int) -> HyperRequest:
    """A grid of ``cols`` learning rates by ``rows`` values of β (one row without β), each
    cell centred where plotext puts column c and row r of a canvas over the two ranges."""
    low, high = setup.lr_range()
    lrs = np.geomspace(low, high, max(cols, 2))
    lrs[0], lrs[-1] = low, high
    betas = None
    if setup.beta_name is not None:
        b_low, b_high = setup.beta_range()
        betas = tuple(float(b) for b in np.linspace(b_low, b_high, max(rows, 2)))
    return HyperRequest(setup, tuple(float(v) for v in lrs), betas)


@dataclass(frozen=True, eq=False)
class HyperPicture:
    """A computed request, and how long it took."""

    request: HyperRequest
    hmap: HyperMap
    seconds: float


def compute_hyper(
    request: HyperRequest,
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> HyperPicture:
    """Run the batch (raises ``core.maps.compute.Cancelled`` when told to stop)."""
    began = time.perf_counter()
    s = request.setup
    hmap = compute_over(
        s.surface,
        s.setup,
        s.start,
        request.steps,
        np.array(request.lrs),
        None if request.betas is None else np.array(request.betas),
        gtol=request.gtol,
        noise=s.noise,
        schedule=s.schedule,
        progress=progress,
        should_stop=should_stop,
    )
    return HyperPicture(request, hmap, time.perf_counter() - began)
