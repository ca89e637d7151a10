"""One optimizer at many learning rates, stepped together as recorded runs would be.

Runs at different learning rates are independent, so they can share the batch axis the
optimizers are vectorised over. Every update function reads η as one number, so the batch
runs at η = 1 and multiplies row i's step by ηᵢ. That is bit for bit the run at ηᵢ exactly
when η enters the step last, as a factor: Δ = −η·D with D independent of η (−η·D and
ηᵢ·(−1·D) round the same). ``scales_with_lr`` names the optimizers for which that holds;
``tests/test_sweep_exact.py`` checks each against recorded runs. The others (Adam's bias
correction divides η by 1 − β₁ᵗ first; AdamW and Lion decay p by η·λ; Adamax and NAdam fold
η into other factors) run one learning rate at a time, which is exact but not batched.

Record k is what it is in a ``Trajectory``: the point after k updates, the same shared noise
draw, mini-batch and scheduled learning rate at step k, and divergence at the first record
whose point, loss or gradient is not finite or whose point is more than ``ESCAPE_FACTOR``
plot sizes from the centre of the surface's domain. Nothing per step is kept: each row
accumulates the three sweep metrics as it goes, so memory stays O(rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..noise import GradientNoise
from ..optimizers.base import State
from ..schedules import Schedule
from ..specs import OptimizerSetup
from ..surfaces import Surface
from ..trajectory import ESCAPE_FACTOR

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Optimizers whose step is −η·(something that does not depend on η), whatever their other
#: hyperparameters; ``scales_with_lr`` adds the cases that hold only for some settings.
_LR_IS_A_FACTOR = frozenset(
    {"gd", "momentum", "heavyball", "nesterov", "rmsprop", "adadelta", "signgd", "normgd"}
)


def scales_with_lr(setup: OptimizerSetup) -> bool:
    """True if this optimizer's step at η is exactly η times its step at η = 1."""
    hp = setup.hyperparameters
    if setup.name in _LR_IS_A_FACTOR:
        return True
    if setup.name == "adagrad":
        return float(hp["lr_decay"]) == 0.0  # η/(1 + (t−1)·0) is η itself
    if setup.name == "adam":
        return not hp["bias_correction"]  # then the step is −η·m/(√v + ε)
    return False


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


class LrBatch:
    """Rows of one optimizer from one start, row i at learning rate ``lrs[i]``.

    ``factored`` runs the update at η = 1 and scales each row's step (only where
    ``scales_with_lr``); otherwise ``lrs`` must hold one learning rate, used as given.
    """

    def __init__(
        self,
        surface: Surface,
        setup: OptimizerSetup,
        start: tuple[float, float],
        lrs: npt.ArrayLike,
        *,
        factored: bool,
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
        f_star: float | None = None,
        tol: float = 0.0,
    ) -> None:
        self.surface, self.setup = surface, setup
        self.lrs: Array = np.array(lrs, dtype=np.float64).reshape(-1)
        if not factored and self.lrs.size != 1:
            raise ValueError("an unfactored batch runs exactly one learning rate")
        self.factored = factored
        self.noise = noise if noise is not None and noise.active else None
        # Mini-batches follow the seed even when no noise is added, as in a Trajectory.
        self._seed = 0 if noise is None else noise.seed
        self.schedule = None if schedule is None or schedule.constant else schedule
        self.f_star, self.tol = f_star, float(tol)
        n = self.lrs.size
        self.params: Array = np.tile(np.array(start, dtype=np.float64), (n, 1))
        self._hp = dict(setup.hyperparameters)
        self._hp["lr"] = 1.0 if factored else float(self.lrs[0])
        self._state: State = setup.optimizer.init(self.params, self._hp)
        self.diverged_at: IntArray = np.full(n, -1, dtype=np.int64)
        self.last_outside: IntArray = np.full(n, -1, dtype=np.int64)
        self.first_loss: Array = np.full(n, np.nan)
        self.loss: Array = np.full(n, np.nan)
        self.loss_sum: Array = np.zeros(n)
        self._band: Array = np.full(n, np.nan)
        (x0, x1), (y0, y1) = surface.domain
        self._centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        self._reach = ESCAPE_FACTOR * max(x1 - x0, y1 - y0)
        self.records = 0

    def advance(self, n: int) -> None:
        """Check records ``records .. records+n-1`` and make the n updates after them."""
        opt, hp, base = self.setup.optimizer, self._hp, float(self.lrs[0])
        scale = self.lrs[:, None]
        p, state = self.params, self._state
        with np.errstate(all="ignore"):
            for k in range(self.records, self.records + n):
                g = self._seen_gradient(p, k)
                self._record(k, p, g)
                if self.schedule is not None:
                    if self.factored:
                        scale = (self.lrs * self.schedule.lr(1.0, k))[:, None]
                    else:
                        hp["lr"] = self.schedule.lr(base, k)
                step, state = opt.update(g, state, p, hp)
                p = p + (scale * step if self.factored else step)
        self.params, self._state = p, state
        self.records += n

    def finish(self) -> LrRuns:
        """Check the last record (the point after all updates) and hand the results over."""
        with np.errstate(all="ignore"):
            self._record(self.records, self.params, self._seen_gradient(self.params, self.records))
        return LrRuns(
            self.lrs,
            self.diverged_at,
            self.first_loss,
            self.loss,
            self.loss_sum,
            self.last_outside,
            self.records + 1,
            self.params,
        )

    def _seen_gradient(self, p: Array, k: int) -> Array:
        """The gradient the optimizer sees at step k: mini-batch and noise included."""
        if self.surface.stochastic:
            gx, gy = self.surface.grad_at_step(p[:, 0], p[:, 1], k, self._seed)
            g = np.stack(np.broadcast_arrays(gx, gy), axis=-1)
        else:
            g = self.surface.gradient(p)
        if self.noise is not None:
            g = g + self.noise.at(k)
        return g

    def _record(self, k: int, p: Array, g: Array) -> None:
        loss = self.surface.value(p)
        # One comparison catches NaN and ±inf points too (they compare False).
        ok = (np.abs(p - self._centre) <= self._reach) & np.isfinite(g)
        ok = ok[:, 0] & ok[:, 1] & np.isfinite(loss)
        np.copyto(self.diverged_at, k, where=~ok & (self.diverged_at < 0))
        self.loss = loss
        self.loss_sum = self.loss_sum + loss
        if k == 0:
            self.first_loss = loss
        if self.f_star is None:
            return
        if k == 0:
            self._band = self.tol * (loss - self.f_star)
        outside = ~(loss - self.f_star <= self._band)
        np.copyto(self.last_outside, k, where=outside)


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
    """``steps`` updates at every learning rate in ``lrs``: batched where exact, else one by one."""
    rates = np.array(lrs, dtype=np.float64).reshape(-1)
    factored = scales_with_lr(setup)
    groups = [rates] if factored else [rates[i : i + 1] for i in range(rates.size)]
    parts = []
    for group in groups:
        batch = LrBatch(
            surface,
            setup,
            start,
            group,
            factored=factored,
            noise=noise,
            schedule=schedule,
            f_star=f_star,
            tol=tol,
        )
        batch.advance(steps)
        parts.append(batch.finish())
    if len(parts) == 1:
        return parts[0]
    return LrRuns(
        rates,
        np.concatenate([r.diverged_at for r in parts]),
        np.concatenate([r.first_loss for r in parts]),
        np.concatenate([r.final_loss for r in parts]),
        np.concatenate([r.loss_sum for r in parts]),
        np.concatenate([r.last_outside for r in parts]),
        steps + 1,
        np.concatenate([r.final_params for r in parts]),
    )
