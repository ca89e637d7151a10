"""One optimizer at many learning rates, stepped together as recorded runs would be.

Runs at different learning rates are independent, so they share the batch axis the
optimizers are vectorised over: row i runs at ``lrs[i]``, given to the update as an
``(N, 1)`` array (``optimizers.base.value``), which makes row i bit for bit the recorded run
at that learning rate for every optimizer (``tests/test_sweep_exact.py`` checks each).

Record k is what it is in a ``Trajectory`` (``batch_run.BatchRun``): the same shared noise
draw, mini-batch and scheduled learning rate at step k, and the same divergence rule. Each
row accumulates the three sweep metrics' ingredients as it goes, so memory stays O(rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..batch_run import BatchRun
from ..noise import GradientNoise
from ..schedules import Schedule
from ..specs import OptimizerSetup
from ..surfaces import Surface

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LrRuns:
    """Per learning rate: the metrics' raw ingredients over records 0..steps."""

    lrs: Array
    #: First record that is non-finite or escaped; −1 if none.
    diverged_at: IntArray
    #: f at record 0 and at the last record.
    first_loss: Array
    final_loss: Array
    #: f summed over records 0..steps in step order (so a recorded run's sum matches).
    loss_sum: Array
    #: Last record with f − f* above tol·(f(x₀) − f*); −1 if none (needs ``f_star``).
    last_outside: IntArray
    records: int
    #: The point at the last record, per learning rate.
    final_params: Array

    @classmethod
    def of(cls, lrs: Array, batch: BatchRun, steps: int) -> LrRuns:
        """What a finished batch of ``steps`` updates, one row per learning rate, measured."""
        return cls(
            lrs,
            batch.diverged_at,
            batch.first_loss,
            batch.loss,
            batch.loss_sum,
            batch.last_outside,
            steps + 1,
            batch.params,
        )


def run_lrs(
    surface: Surface,
    setup: OptimizerSetup,
    start: tuple[float, float],
    lrs: npt.ArrayLike,
    steps: int,
    noise: GradientNoise | None = None,
    schedule: Schedule | None = None,
    f_star: float | None = None,
    tol: float = 0.0,
) -> LrRuns:
    """``steps`` updates at every learning rate in ``lrs``, all in one batch."""
    rates = np.array(lrs, dtype=np.float64).reshape(-1)
    starts = np.tile(np.array(start, dtype=np.float64), (rates.size, 1))
    batch = BatchRun(
        surface,
        setup,
        starts,
        noise=noise,
        schedule=schedule,
        hyperparameters={"lr": rates[:, None]},
        f_star=f_star,
        tol=tol,
    )
    batch.advance(steps)
    batch.finish()
    return LrRuns.of(rates, batch, steps)
