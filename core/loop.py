"""The one stepping loop: an optimizer stepping one point or a batch of points on a surface.

Record k of a run is what happens at point pₖ: the exact gradient ∇f(pₖ), the gradient the
optimizer sees (the mini-batch of step k on a stochastic surface, plus the shared noise
draw of step k), the learning rate the schedule gives step k, the update Δₖ and the state
after it; pₖ₊₁ = pₖ + Δₖ. Every run is this loop: a recorded ``Trajectory`` keeps each
record through a hook, a map or a sweep (``batch_run.BatchRun``) checks each record as it
passes, ``batch.run_batch`` keeps nothing.

Points have shape ``(..., 2)``: ``(N, 2)`` for a batch, whose rows may differ in start and
in any numeric hyperparameter (an ``(N, 1)`` array, see ``optimizers.base.value``), or
``(2,)`` for one recorded run, whose gradient is then taken on NumPy scalars (about a
fifteenth of the cost of a ``(1, 2)`` batch's, measured on Rosenbrock). Each row of a batch
is, bit for bit, the run of one point with that row's start and hyperparameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt

from .noise import GradientNoise
from .optimizers.base import Number, Optimizer, State, value
from .params import Value
from .schedules import Schedule
from .surfaces import Surface

Array = npt.NDArray[np.float64]
#: Called once per record: ``(k, pₖ, seen gradient, exact gradient, Δₖ, state after, pₖ₊₁)``.
RecordHook = Callable[[int, Array, Array, Array, Array, State, Array], None]


class Stepper:
    """Steps ``points`` with ``optimizer``; ``advance(n, hook)`` makes n updates.

    ``noise`` and ``schedule`` mean what they mean for a ``Trajectory``; mini-batches follow
    the noise's seed (0 without noise) even when no noise is added. ``k`` counts the updates
    made, so the current point is record k.
    """

    def __init__(
        self,
        surface: Surface,
        optimizer: Optimizer,
        hyperparameters: Mapping[str, Value | Array],
        points: npt.ArrayLike,
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
    ) -> None:
        self.surface = surface
        self.optimizer = optimizer
        self.points: Array = np.array(points, dtype=np.float64)
        self.hp: dict[str, Value | Array] = dict(hyperparameters)
        self.base_lr: Number = value(self.hp, "lr")
        self.state: State = optimizer.init(self.points, self.hp)
        self.noise = noise if noise is not None and noise.active else None
        self.seed = 0 if noise is None else noise.seed
        self.schedule = None if schedule is None or schedule.constant else schedule
        self._sampled = surface.stochastic
        self.k = 0

    def gradients(self, p: Array, k: int) -> tuple[Array, Array]:
        """(seen, exact) at point(s) ``p`` as record k: what the optimizer steps with, and ∇f."""
        return _gradients(self.surface, p, k, self.seed, self.noise, self._sampled)

    def lr_at(self, k: int) -> Number:
        """The learning rate of update k: the base rate times the schedule's factor."""
        if self.schedule is None:
            return self.base_lr
        return self.base_lr * self.schedule.lr(1.0, k)

    def advance(self, n: int, on_record: RecordHook | None = None) -> None:
        """Make n updates, records ``k .. k+n-1``, calling ``on_record`` after each."""
        update, surface, seed, noise = self.optimizer.update, self.surface, self.seed, self.noise
        sampled = self._sampled
        hp, scheduled = self.hp, self.schedule is not None
        p, state = self.points, self.state
        with np.errstate(all="ignore"):
            for k in range(self.k, self.k + n):
                seen, exact = _gradients(surface, p, k, seed, noise, sampled)
                if scheduled:
                    hp["lr"] = self.lr_at(k)
                step, state = update(seen, state, p, hp)
                after = p + step
                if on_record is not None:
                    on_record(k, p, seen, exact, step, state, after)
                p = after
        self.points, self.state = p, state
        self.k += n

    def here(self) -> tuple[Array, Array]:
        """(seen, exact) at the current point, record k, without an update after it."""
        with np.errstate(all="ignore"):
            return self.gradients(self.points, self.k)


def _gradients(
    surface: Surface, p: Array, k: int, seed: int, noise: GradientNoise | None, sampled: bool
) -> tuple[Array, Array]:
    if p.ndim == 1:
        x, y = p[0], p[1]
        seen = np.array(surface.grad_at_step(x, y, k, seed))
        exact = np.array(surface.grad(x, y)) if sampled else seen
    else:
        x, y = p[..., 0], p[..., 1]
        seen = _stack(surface.grad_at_step(x, y, k, seed))
        exact = _stack(surface.grad(x, y)) if sampled else seen
    if noise is not None:
        seen = seen + noise.at(k)
    return seen, exact


def _stack(pair: tuple[Array, Array]) -> Array:
    return np.stack(np.broadcast_arrays(*pair), axis=-1).astype(np.float64, copy=False)
