"""Many runs stepped together, resumable chunk by chunk, each judged as a recorded run is.

A convergence map (one row per start), a learning-rate sweep (one row per lr) and a map over
hyperparameters (one row per (lr, β)) all need the same thing: for every row, the step at
which the explorer would call its run converged or diverged, and the loss figures the sweep's
metrics are made of, with progress and cancellation between chunks. Record k here is what it
is in a ``Trajectory`` (the same loop, ``loop.Stepper``, and the same rules,
``run_status``), so a cell of a map and ``optiscope run`` with that cell's settings tell
the same story. Nothing per step is kept: memory is O(rows) whatever the number of steps.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from .loop import Stepper
from .noise import GradientNoise
from .optimizers.base import State
from .params import Value
from .run_status import DEFAULT_GTOL, converged, diverged, plot_escape
from .schedules import Schedule
from .specs import OptimizerSetup
from .surfaces import Surface

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class BatchRun:
    """Steps ``starts`` (shape ``(N, 2)``) in place of N recorded runs.

    ``hyperparameters`` overrides the setup's, each a number or an ``(N, 1)`` array (one
    value per row). ``f_star`` and ``tol`` switch on the sweep's ``steps`` ingredient
    (``last_outside``). ``advance(n)`` makes n more updates; ``finish()`` checks the point
    reached (record ``steps_done``) and sets ``loss`` there.
    """

    def __init__(
        self,
        surface: Surface,
        setup: OptimizerSetup,
        starts: npt.ArrayLike,
        gtol: float = DEFAULT_GTOL,
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
        *,
        hyperparameters: Mapping[str, Value | Array] | None = None,
        f_star: float | None = None,
        tol: float = 0.0,
    ) -> None:
        self.surface = surface
        self.setup = setup
        self.gtol = float(gtol)
        self.f_star, self.tol = f_star, float(tol)
        points = np.array(starts, dtype=np.float64).reshape(-1, 2)
        hp = {**setup.hyperparameters, **(hyperparameters or {})}
        self._stepper = Stepper(surface, setup.optimizer, hp, points, noise, schedule)
        self._escape = plot_escape(surface.domain)
        n = points.shape[0]
        #: First record whose exact gradient norm is <= gtol; -1 if none (yet).
        self.converged_at: IntArray = np.full(n, -1, dtype=np.int64)
        #: First record that is non-finite or escaped; -1 if none (yet).
        self.diverged_at: IntArray = np.full(n, -1, dtype=np.int64)
        #: The loss at record 0 and at the last record checked (the end, after ``finish()``).
        self.first_loss: Array = np.full(n, np.nan)
        self.loss: Array = np.full(n, np.nan)
        #: f summed over the records checked, in step order (as a recorded run's sum).
        self.loss_sum: Array = np.zeros(n)
        #: Last record with f − f* above tol·(f(x₀) − f*); -1 if none (needs ``f_star``).
        self.last_outside: IntArray = np.full(n, -1, dtype=np.int64)
        self._band: Array = np.full(n, np.nan)
        self._finished = False

    @property
    def params(self) -> Array:
        """The current points, record ``steps_done`` of every row."""
        return self._stepper.points

    @property
    def steps_done(self) -> int:
        return self._stepper.k

    def advance(self, n: int) -> None:
        """Check records ``steps_done .. steps_done+n-1`` and make the n updates after them."""
        if self._finished:
            raise RuntimeError("advance() after finish()")
        self._stepper.advance(n, self._check)

    def finish(self) -> None:
        """Check the last record, the point reached after ``steps_done`` updates."""
        if not self._finished:
            seen, exact = self._stepper.here()
            with np.errstate(all="ignore"):
                self._check(self.steps_done, self.params, seen, exact)
            self._finished = True

    def _check(
        self,
        k: int,
        p: Array,
        seen: Array,
        exact: Array,
        step: Array | None = None,
        state: State = None,
        after: Array | None = None,
    ) -> None:
        loss = self.surface.value(p)
        self.loss = loss
        bad = diverged(p, loss, seen, self._escape)
        if bad.any():
            np.copyto(self.diverged_at, k, where=bad & (self.diverged_at < 0))
        hit = converged(exact, self.gtol)
        if hit.any():
            np.copyto(self.converged_at, k, where=hit & (self.converged_at < 0))
        self.loss_sum = self.loss_sum + loss
        if k == 0:
            self.first_loss = loss
        if self.f_star is None:
            return
        if k == 0:
            self._band = self.tol * (loss - self.f_star)
        outside = ~(loss - self.f_star <= self._band)
        np.copyto(self.last_outside, k, where=outside)
