"""Many starts at once: the same optimizer code, vectorised over a batch of points.

Nothing is recorded per step, so 100,000 starts × 500 steps cost only the arithmetic: the
benchmarks time this against torch. It is the one loop (``loop.Stepper``) with no hook but
the optional convergence check; convergence maps use ``batch_run.BatchRun``, which also
applies the divergence rule at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .loop import Stepper
from .optimizers.base import State
from .run_status import converged, diverged, plot_escape
from .specs import OptimizerSetup
from .surfaces import Surface

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BatchResult:
    """Where each start ended up, and when (if ever) its gradient fell below ``gtol``."""

    params: Array
    loss: Array
    first_converged: npt.NDArray[np.int64]
    diverged: npt.NDArray[np.bool_]


def run_batch(
    surface: Surface,
    setup: OptimizerSetup,
    starts: npt.ArrayLike,
    steps: int,
    gtol: float | None = None,
) -> BatchResult:
    """Run ``steps`` updates from every start in ``starts`` (shape ``(N, 2)``).

    ``first_converged[i]`` is the first of records 0..steps-1 whose exact gradient norm is at
    most ``gtol`` (-1 if never, or if ``gtol`` is None); ``diverged[i]`` marks end points
    that the divergence rule (``run_status.diverged``) calls diverged.
    """
    stepper = Stepper(surface, setup.optimizer, setup.hyperparameters, starts)
    first = np.full(stepper.points.shape[:-1], -1, dtype=np.int64)
    tol = -1.0 if gtol is None else float(gtol)

    def first_hit(
        k: int, p: Array, seen: Array, exact: Array, step: Array, state: State, after: Array
    ) -> None:
        np.copyto(first, k, where=(first < 0) & converged(exact, tol))

    stepper.advance(steps, None if gtol is None else first_hit)
    seen, _ = stepper.here()
    with np.errstate(all="ignore"):
        loss = surface.value(stepper.points)
    bad = diverged(stepper.points, loss, seen, plot_escape(surface.domain))
    return BatchResult(stepper.points, loss, first, bad)
