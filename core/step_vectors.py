"""The vectors of one recorded step, ready to draw at the point it starts from.

Record t says what happens at point pₜ: the gradient there and the step Δₜ to pₜ₊₁. Beside
the step, ``step_vectors`` gives the step plain gradient descent would take from pₜ
(``−η∇f``, with the exact gradient and the learning rate in force at t, the reference
every learner knows) and the optimizer's own parts (``Optimizer.parts``): the addends the
step is the sum of, and the vectors it is compared with. Pure NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .step_inputs import step_inputs
from .step_parts import Array, StepParts, Vector, vec
from .trajectory import Trajectory


@dataclass(frozen=True)
class StepVectors:
    """Step t's vectors, all starting at ``point`` (pₜ)."""

    t: int
    point: Array
    gd: Vector
    step: Vector
    addends: tuple[Vector, ...]
    beside: tuple[Vector, ...]

    @property
    def finite(self) -> bool:
        """Whether every vector can be drawn (a diverging run's last step may not be)."""
        values = [self.point, self.gd.value, self.step.value]
        values += [v.value for v in (*self.addends, *self.beside)]
        return all(bool(np.isfinite(v).all()) for v in values)

    def drawn(self) -> tuple[Vector, ...]:
        """What a plot shows, back to front: −η∇f, the comparisons that differ from it, the
        addends when there are several (one addend is the step itself), then the step Δ."""
        out = [self.gd]
        out += [v for v in self.beside if not _same(v.value, self.gd.value)]
        if len(self.addends) > 1:
            out += list(self.addends)
        out.append(self.step)
        return tuple(out)


def _same(a: Array, b: Array) -> bool:
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))), 1e-300)
    return bool(np.all(np.abs(a - b) <= 1e-12 * scale))


def step_vectors(traj: Trajectory, t: int) -> StepVectors:
    """Step t's vectors (raises IndexError if record t does not exist)."""
    if t < 0:
        t += len(traj)
    inputs = step_inputs(traj, t)  # record t's params, update and lr, read once
    parts_fn = traj.setup.optimizer.parts
    with np.errstate(all="ignore"):
        parts = parts_fn(inputs) if parts_fn is not None else StepParts()
        gd = -inputs.lr * vec(traj.value("exact_grad", inputs.t))
    return StepVectors(
        t=inputs.t,
        point=vec(inputs.params),
        gd=Vector("gd", "∇", "−η∇f", "plain GD's step", gd),
        step=Vector("step", "Δ", "Δ", "step taken", vec(inputs.update)),
        addends=parts.addends,
        beside=parts.beside,
    )
