"""The nudge keys' arithmetic: a learning rate ×/÷ 1.25, a momentum-like β halfway to 1
or twice as far from it, always inside the hyperparameter's valid range.

β moves by its gap to 1 (0.9 → 0.95 → 0.975, back 0.9 → 0.8 → 0.6 → 0.2 → 0) because what
matters about β is the memory 1/(1−β): each press doubles or halves it, the same ratio at
0.5 as at 0.99, where a fixed ±0.05 would be either nothing or a leap past 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.maps.over import BETA_NAMES
from optiscope.core.params import Param

from ..model import ExplorerModel

LR_FACTOR = 1.25


@dataclass(frozen=True)
class Nudge:
    """One hyperparameter changed from ``old`` to ``new`` (``new == old``: at its limit)."""

    label: str
    name: str
    symbol: str
    old: float
    new: float

    def text(self) -> str:
        """E.g. ``rmsprop η 0.1 → 0.125``."""
        return f"{self.label} {self.symbol} {fmt(self.old)} → {fmt(self.new)}"


def nudged_lr(lr: float, direction: int) -> float:
    return lr * LR_FACTOR if direction > 0 else lr / LR_FACTOR


def nudged_beta(beta: float, direction: int) -> float:
    """Halfway to 1 (up), or twice as far from 1 (down), never below 0."""
    gap = 1.0 - beta
    return 1.0 - gap / 2 if direction > 0 else max(0.0, 1.0 - 2 * gap)


def beta_param(model: ExplorerModel) -> Param | None:
    """The focused optimizer's momentum-like β, or None if it has none."""
    optimizer = model.focused_run.setup.optimizer
    name = BETA_NAMES.get(optimizer.name)
    return None if name is None else optimizer.param(name)


def nudge(model: ExplorerModel, which: str, direction: int) -> Nudge:
    """Apply one nudge of ``which`` ("lr" or "beta") to the focused run; raises
    OptiscopeError (nothing changed) when it has no such hyperparameter or the value
    cannot move further inside its range."""
    run = model.focused_run
    optimizer = run.setup.optimizer
    if which == "lr":
        param = optimizer.param("lr")
    else:
        found = beta_param(model)
        if found is None:
            having = ", ".join(sorted(BETA_NAMES))
            raise OptiscopeError(
                f"{optimizer.name} has no momentum-like β to nudge (these do: {having})"
            )
        param = found
    old = float(run.setup.hyperparameters[param.name])
    new = nudged_lr(old, direction) if which == "lr" else nudged_beta(old, direction)
    done = Nudge(optimizer.name, param.name, param.symbol or param.name, old, new)
    if new == old or not math.isfinite(new):
        raise OptiscopeError(f"{done.text()}: {param.symbol or param.name} is at its limit")
    try:
        param.validate(new, optimizer.name)
    except OptiscopeError:
        raise OptiscopeError(
            f"{optimizer.name} {done.symbol} stays {fmt(old)}: {fmt(new)} is outside "
            f"{param.range_text()}"
        ) from None
    model.set_hyperparameter(param.name, new)
    return done
