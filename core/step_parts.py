"""A step taken apart into named vectors: what each optimizer's update is the sum of.

Each optimizer says, next to its rule and its explanation (``Optimizer.parts``), which
vectors its step Δ adds up from (momentum: the carried velocity plus the new gradient's
share) and which vectors it can be compared with (an adaptive method's step before the
division by √S). The plot draws them as arrows at the current point, so "RMSprop turns
the step away from the gradient" is something a learner sees, with the numbers of the
table. Pure NumPy, read from one record (``StepInputs``), never recomputing a run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .explain_text import StepInputs

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Vector:
    """One named vector at the current point, in parameter units.

    ``symbol`` is one character that tags the arrow's head on the plot; ``label`` is the
    formula it is (``−η·β·v``); ``name`` says in words what it is (``carried velocity``).
    """

    key: str
    symbol: str
    label: str
    name: str
    value: Array = field(repr=False)

    @property
    def length(self) -> float:
        return float(np.hypot(*np.asarray(self.value, dtype=np.float64)[:2]))


class StepParts(NamedTuple):
    """What an optimizer's parts function returns.

    ``addends`` sum to the recorded step Δ (up to rounding): drawn head to tail, they show
    how the step is built. ``beside`` are vectors to compare the step with, not part of
    the sum (the step before a per-coordinate rescaling).
    """

    addends: tuple[Vector, ...] = ()
    beside: tuple[Vector, ...] = ()


PartsFn = Callable[[StepInputs], StepParts]


def vec(value: npt.ArrayLike) -> Array:
    """A float64 copy of one step's 2-vector (or any array of them)."""
    return np.array(value, dtype=np.float64)


def used_grad(inputs: StepInputs) -> Array:
    """The gradient the rule uses: the one seen plus L2 decay λ·p where that is on."""
    lam = float(inputs.hp.get("weight_decay", 0.0))
    g = vec(inputs.grad)
    return g if lam == 0 else g + lam * vec(inputs.params)


def decay_term(inputs: StepInputs, factor: float = 1.0, label: str = "−η·λ·p") -> Vector | None:
    """``−η·factor·λ·p``, the share of the step that weight decay makes (None where λ = 0)."""
    lam = float(inputs.hp.get("weight_decay", 0.0))
    if lam == 0:
        return None
    value = -inputs.lr * factor * lam * vec(inputs.params)
    return Vector("decay", "λ", label, "weight decay", value)


def unscaled(value: npt.ArrayLike, label: str = "−η·g") -> Vector:
    """The step as it would be without the optimizer's rescaling of each coordinate."""
    return Vector("unscaled", "u", label, "before rescaling", vec(value))


def plus_decay(parts: list[Vector], decay: Vector | None) -> tuple[Vector, ...]:
    return tuple(parts if decay is None else [*parts, decay])
