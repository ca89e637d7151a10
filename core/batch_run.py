"""Many starts stepped together, resumable chunk by chunk, under the explorer's rules.

``run_batch`` answers "where did each start end?" in one call. A convergence map needs
more: progress and cancellation between chunks, and, for every start, the step at which
the explorer would call its run converged or diverged, so that a cell of the map and
``optiscope run --start <that cell>`` tell the same story. So record k here is what it is
in a ``Trajectory``: the point after k updates, the same schedule and the same shared noise
draw at step k, and

- converged at the first record whose *exact* gradient norm is at most ``gtol``;
- diverged at the first record that is non-finite (point, loss or gradient; a formula
  surface can be undefined at a finite point) or more than ``ESCAPE_FACTOR`` plot sizes
  away from the centre of the surface's domain.

A start that diverges counts as diverged even if it passed a converged record first, as
the explorer's status does.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .noise import GradientNoise
from .optimizers.base import State
from .schedules import Schedule
from .specs import OptimizerSetup
from .surfaces import Surface
from .trajectory import DEFAULT_GTOL, ESCAPE_FACTOR

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class BatchRun:
    """Steps ``starts`` (shape ``(N, 2)``) in place of N recorded trajectories.

    ``advance(n)`` makes n more updates; ``finish()`` checks the point reached (record
    ``steps_done``) and sets ``loss`` there. Nothing per step is kept, so memory is O(N)
    whatever the number of steps.
    """

    def __init__(
        self,
        surface: Surface,
        setup: OptimizerSetup,
        starts: npt.ArrayLike,
        gtol: float = DEFAULT_GTOL,
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
    ) -> None:
        self.surface = surface
        self.setup = setup
        self.gtol = float(gtol)
        self.noise = noise if noise is not None and noise.active else None
        # Mini-batches follow the seed even when no noise is added, as in a Trajectory.
        self._seed = 0 if noise is None else noise.seed
        self.schedule = None if schedule is None or schedule.constant else schedule
        self.params: Array = np.array(starts, dtype=np.float64).reshape(-1, 2)
        self._hp = dict(setup.hyperparameters)
        self._base_lr = float(self._hp["lr"])
        self._state: State = setup.optimizer.init(self.params, self._hp)
        n = self.params.shape[0]
        #: First record whose exact gradient norm is <= gtol; -1 if none (yet).
        self.converged_at: IntArray = np.full(n, -1, dtype=np.int64)
        #: First record that is non-finite or escaped; -1 if none (yet).
        self.diverged_at: IntArray = np.full(n, -1, dtype=np.int64)
        self.steps_done = 0
        #: The loss at the last record checked (the end point, after ``finish()``).
        self.loss: Array = np.full(n, np.nan)
        (x0, x1), (y0, y1) = surface.domain
        self._centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        self._reach = ESCAPE_FACTOR * max(x1 - x0, y1 - y0)
        self._finished = False

    def advance(self, n: int) -> None:
        """Check records ``steps_done .. steps_done+n-1`` and make the n updates after them."""
        if self._finished:
            raise RuntimeError("advance() after finish()")
        surface, opt, hp = self.surface, self.setup.optimizer, self._hp
        stochastic = surface.stochastic
        seed = self._seed
        p, state = self.params, self._state
        with np.errstate(all="ignore"):
            for k in range(self.steps_done, self.steps_done + n):
                exact = surface.gradient(p)
                self._check(k, p, exact)
                g = exact
                if stochastic:
                    gx, gy = surface.grad_at_step(p[:, 0], p[:, 1], k, seed)
                    g = np.stack(np.broadcast_arrays(gx, gy), axis=-1)
                if self.noise is not None:
                    g = g + self.noise.at(k)
                if self.schedule is not None:
                    hp["lr"] = self.schedule.lr(self._base_lr, k)
                update, state = opt.update(g, state, p, hp)
                p = p + update
        self.params, self._state = p, state
        self.steps_done += n

    def finish(self) -> None:
        """Check the last record, the point reached after ``steps_done`` updates."""
        if not self._finished:
            with np.errstate(all="ignore"):
                self._check(self.steps_done, self.params, self.surface.gradient(self.params))
            self._finished = True

    def _check(self, k: int, p: Array, exact: Array) -> None:
        self.loss = self.surface.value(p)
        # One comparison catches NaN and ±inf points too (they compare False).
        ok = (np.abs(p - self._centre) <= self._reach) & np.isfinite(exact)
        ok = ok[:, 0] & ok[:, 1] & np.isfinite(self.loss)
        if not ok.all():
            np.copyto(self.diverged_at, k, where=~ok & (self.diverged_at < 0))
        # sqrt(gx² + gy²), as the explorer computes it, so a norm at the tolerance agrees.
        hit = np.sqrt(exact[:, 0] * exact[:, 0] + exact[:, 1] * exact[:, 1]) <= self.gtol
        if hit.any():
            np.copyto(self.converged_at, k, where=hit & (self.converged_at < 0))
