"""From what a user types to resolved setups: optimizer specs, start points, suggested lrs."""

from __future__ import annotations

import re
from typing import NamedTuple

from .callspec import format_call, parse_call
from .errors import OptiscopeError
from .optimizers import Optimizer, get_optimizer
from .params import Value, parse_number, shown
from .surfaces import Surface

#: What a coordinate of a start looks like, before ``parse_number`` says whether it is one:
#: numbers, ``inf``, ``nan`` (refused by name) and digits of any script (refused as such).
_NUMBER_LIKE = re.compile(r"[+-]?(?:[\w.]+(?:[eE][+-]?\w+)?|inf|nan)", re.IGNORECASE)


class OptimizerSetup(NamedTuple):
    """An optimizer with every hyperparameter resolved; ``label`` tells runs apart."""

    optimizer: Optimizer
    hyperparameters: dict[str, Value]
    label: str

    @property
    def name(self) -> str:
        return self.optimizer.name

    def spec(self) -> str:
        return format_call(self.optimizer.name, dict(self.hyperparameters))


def suggested_lr(surface: Surface | None, optimizer: Optimizer) -> float:
    """A learning rate that makes a first run on ``surface`` meaningful."""
    default = float(optimizer.param("lr").default)
    if surface is None:
        return default
    table = surface.suggested_lr
    family = optimizer.family
    if family == "heavyball":
        # Heavy ball at η·(1−μ) moves like EWMA momentum at η (μ = 0.9 by default).
        mu = float(optimizer.param("momentum").default)
        return table["gd"] * (1.0 - mu)
    if family in table:
        return float(table[family])
    return default


def make_setup(
    optimizer: Optimizer | str,
    overrides: dict[str, object] | None = None,
    surface: Surface | None = None,
) -> OptimizerSetup:
    """Resolve hyperparameters; lr falls back to the surface's suggestion, then the default."""
    opt = get_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    given = dict(overrides or {})
    if "lr" not in given:
        given["lr"] = suggested_lr(surface, opt)
    hp = opt.resolve(given)
    shown = {k: v for k, v in hp.items() if k in (overrides or {})}
    return OptimizerSetup(opt, hp, format_call(opt.name, shown))


def parse_optimizer(text: str, surface: Surface | None = None) -> OptimizerSetup:
    """``"rmsprop(lr=0.1, beta=0.9)"`` -> OptimizerSetup, validated against the schema."""
    name, raw = parse_call(text, "optimizer")
    return make_setup(get_optimizer(name), dict(raw), surface)


def parse_start(text: str, surface: Surface) -> tuple[float, float]:
    """``"-2,2"`` or a named start such as ``"A"`` -> a point."""
    stripped = text.strip()
    for name, point in surface.starts.items():
        if stripped.lower() == name.lower():
            return point
    parts = [p for p in stripped.replace(" ", ",").split(",") if p]
    if len(parts) == 2 and all(_NUMBER_LIKE.fullmatch(p) for p in parts):
        x, y = (float(parse_number(p, f"start {shown(text)}")) for p in parts)
        return (x, y)
    names = ", ".join(surface.starts) or "none"
    raise OptiscopeError(
        f"cannot read start {text!r}: give X,Y (e.g. -2,2) or a named start ({names})"
    )


def unique_labels(setups: list[OptimizerSetup]) -> list[OptimizerSetup]:
    """Make labels distinct (``adam``, ``adam#2``) so runs can be told apart in output."""
    seen: dict[str, int] = {}
    out = []
    for s in setups:
        n = seen.get(s.label, 0) + 1
        seen[s.label] = n
        out.append(
            s if n == 1 else OptimizerSetup(s.optimizer, s.hyperparameters, f"{s.label}#{n}")
        )
    return out
