"""Many starts at once: the same optimizer code, vectorised over a batch of points.

Nothing is recorded per step, so 100,000 starts × 500 steps cost only the arithmetic.
The benchmarks time this plain loop; convergence maps use ``batch_run.BatchRun``, which
also applies the explorer's convergence and divergence rules at every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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

    ``first_converged[i]`` is the first step whose exact gradient norm is at most ``gtol``
    (-1 if never, or if ``gtol`` is None); ``diverged[i]`` marks non-finite end points.
    """
    p = np.array(starts, dtype=np.float64)
    opt, hp = setup.optimizer, setup.hyperparameters
    state = opt.init(p, hp)
    first = np.full(p.shape[:-1], -1, dtype=np.int64)
    with np.errstate(all="ignore"):
        for k in range(steps):
            g = surface.gradient(p)
            if gtol is not None:
                hit = (first < 0) & (np.einsum("...i,...i->...", g, g) <= gtol * gtol)
                first[hit] = k
            update, state = opt.update(g, state, p, hp)
            p = p + update
        loss = surface.value(p)
        finite = np.isfinite(p).all(axis=-1) & np.isfinite(loss)
    return BatchResult(p, loss, first, ~finite)
