"""How a lesson's settings were chosen, and the learning-rate tuning behind "tuned".

A comparison of optimizers teaches something only at fair settings. Each optimizer of a
lesson carries a ``Choice``: tuned (the best lr on a stated grid for the sweep's ``steps``
metric), matched to another run, the course's default, or fixed by the question with the
reason. Tuned learning rates are written into the lesson's setup as plain numbers, so
opening a lesson runs no sweep; ``tests/test_lessons_settings.py`` runs the sweep on each
stated grid and checks the number is still its best.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..callspec import format_call, parse_call
from ..metrics import minimum_value
from ..session.setup import Setup
from ..sweep.lr_batch import run_lrs
from ..sweep.sweep import Metric, best_index

Array = npt.NDArray[np.float64]
ChoiceKind = Literal["tuned", "matched", "default", "fixed"]


@dataclass(frozen=True)
class LrGrid:
    """Learning rates k/``per_unit`` for k = 1..``count``: values a person would type."""

    per_unit: int = 100
    count: int = 100

    @property
    def values(self) -> Array:
        return np.array([k / self.per_unit for k in range(1, self.count + 1)])

    @property
    def text(self) -> str:
        first, second, last = (k / self.per_unit for k in (1, 2, self.count))
        return f"{first:g}, {second:g}, …, {last:g}"


#: 0.01, 0.02, …, 1: the default grid for the bowls (GD is stable below 0.5 there).
HUNDREDTHS = LrGrid(100, 100)
#: 0.01, 0.02, …, 3: where some method's best lr lies above 1 (EWMA momentum, Adagrad).
TO_THREE = LrGrid(100, 300)


@dataclass(frozen=True)
class Tuning:
    """The best lr, on ``grid``, for steps until f − f* stays ≤ ``tol``·(f(x₀) − f*)."""

    grid: LrGrid = HUNDREDTHS
    tol: float = 0.01

    def describe(self, steps: int) -> str:
        return (
            f"tuned: the lr with the fewest steps until f − f* stays within {self.tol:.0%} of "
            f"its start (horizon {steps} steps), among lr = {self.grid.text}"
        )

    def values(self, setup: Setup) -> list[int | float | None]:
        """The sweep's metric at every grid lr, for ``setup``'s one optimizer (lr ignored)."""
        comparison = setup.but(optimizers=(without_lr(setup.optimizers[0]),)).build()
        surface = comparison.surface
        runs = run_lrs(
            surface,
            comparison.setups[0],
            comparison.start,
            self.grid.values,
            comparison.steps,
            comparison.noise,
            comparison.schedule,
            minimum_value(surface),
            self.tol,
        )
        return Metric("steps", self.tol).values(runs)

    def best(self, setup: Setup) -> float | None:
        """The sweep's best lr on the grid for ``setup``'s one optimizer."""
        k = best_index(self.values(setup))
        return None if k is None else float(self.grid.values[k])


@dataclass(frozen=True)
class Choice:
    """How one optimizer's settings were chosen; ``text`` is what the learner reads."""

    kind: ChoiceKind
    text: str
    tuning: Tuning | None = None


def tuned(steps: int, grid: LrGrid = HUNDREDTHS, tol: float = 0.01) -> Choice:
    tuning = Tuning(grid, tol)
    return Choice("tuned", tuning.describe(steps), tuning)


def matched(how: str) -> Choice:
    return Choice("matched", f"matched: {how}")


def fixed(reason: str) -> Choice:
    return Choice("fixed", f"fixed by the question: {reason}")


COURSE_DEFAULT = Choice("default", "course default")


def without_lr(spec: str) -> str:
    """``gd(lr=0.4,weight_decay=0)`` -> ``gd(weight_decay=0)``: the spec a sweep varies."""
    name, raw = parse_call(spec, "optimizer")
    return format_call(name, {k: v for k, v in raw.items() if k != "lr"})


@dataclass(frozen=True)
class TunedControl:
    """A run a claim measures besides the lesson's own, at a tuned lr (checked like them)."""

    setup: Setup
    tuning: Tuning = Tuning()

    @property
    def lr(self) -> float:
        return float(parse_call(self.setup.optimizers[0], "optimizer")[1]["lr"])
