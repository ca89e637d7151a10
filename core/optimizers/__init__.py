"""The optimizer catalogue: every name the CLI and the explorer accept."""

from __future__ import annotations

from ..errors import OptiscopeError
from .adam import ADAM, ADAMAX, ADAMW, NADAM
from .adaptive import ADADELTA, ADAGRAD, RMSPROP
from .base import Array, Hyper, Optimizer, StateField
from .sgd import GD, HEAVYBALL, MOMENTUM, NESTEROV
from .sign import LION, NORMGD, SIGNGD

OPTIMIZERS: dict[str, Optimizer] = {
    o.name: o
    for o in (
        GD,
        MOMENTUM,
        HEAVYBALL,
        NESTEROV,
        ADAGRAD,
        RMSPROP,
        ADAM,
        ADAMW,
        ADAMAX,
        NADAM,
        ADADELTA,
        SIGNGD,
        NORMGD,
        LION,
    )
}
_ALIASES = {alias: o.name for o in OPTIMIZERS.values() for alias in o.aliases}


def optimizer_names() -> list[str]:
    return list(OPTIMIZERS)


def get_optimizer(name: str) -> Optimizer:
    """Look an optimizer up by name or alias, case-insensitively."""
    key = name.strip().lower().replace("_", "").replace("-", "")
    key = _ALIASES.get(key, key)
    try:
        return OPTIMIZERS[key]
    except KeyError:
        known = ", ".join(OPTIMIZERS)
        raise OptiscopeError(f"unknown optimizer {name!r} (optimizers: {known})") from None


__all__ = [
    "OPTIMIZERS",
    "Array",
    "Hyper",
    "Optimizer",
    "StateField",
    "get_optimizer",
    "optimizer_names",
]
