"""Learning-rate schedules: the learning rate an optimizer uses at update t (t = 0, 1, ...)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .callspec import format_call, parse_call
from .errors import OptiscopeError
from .params import Param, Value, resolve


@dataclass(frozen=True)
class ScheduleKind:
    name: str
    summary: str
    schema: tuple[Param, ...]
    factor: Callable[[int, Mapping[str, Value]], float]
    #: How it relates to torch's scheduler of the same kind, where that needs saying.
    note: str = ""


def _constant(t: int, s: Mapping[str, Value]) -> float:
    return 1.0


def _inverse_time(t: int, s: Mapping[str, Value]) -> float:
    return 1.0 / (1.0 + float(s["decay"]) * t)


def _step(t: int, s: Mapping[str, Value]) -> float:
    return float(s["gamma"]) ** (t // int(s["every"]))


def _cosine(t: int, s: Mapping[str, Value]) -> float:
    period, floor = int(s["T"]), float(s["floor"])
    progress = min(t, period) / period
    return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


KINDS: dict[str, ScheduleKind] = {
    k.name: k
    for k in (
        ScheduleKind("constant", "η stays fixed", (), _constant),
        ScheduleKind(
            "inverse-time",
            "ηₜ = η/(1 + d·t)",
            (Param("decay", 0.01, "d in η/(1 + d·t)", low=0.0, symbol="d"),),
            _inverse_time,
        ),
        ScheduleKind(
            "step",
            "ηₜ = η·γ^⌊t/k⌋",
            (
                Param("every", 50, "k: steps between drops", low=1, kind="int", symbol="k"),
                Param("gamma", 0.5, "γ: factor at each drop", low=0.0, high=1.0, symbol="γ"),
            ),
            _step,
        ),
        ScheduleKind(
            "cosine",
            "ηₜ = η·(f + (1−f)·½(1 + cos(π·min(t,T)/T)))",
            (
                Param("T", 200, "steps to reach the floor", low=1, kind="int", symbol="T"),
                Param("floor", 0.0, "f: final fraction of η", low=0.0, high=1.0, symbol="f"),
            ),
            _cosine,
            "equals torch's CosineAnnealingLR(T_max=T, eta_min=f·η) for t ≤ T; after T it "
            "stays at the floor, where torch's is periodic and rises again",
        ),
    )
}


@dataclass(frozen=True)
class Schedule:
    """A schedule kind with resolved settings; ``lr(base, t)`` gives ηₜ."""

    kind: str = "constant"
    settings: dict[str, Value] = field(default_factory=dict)

    @property
    def constant(self) -> bool:
        return self.kind == "constant"

    def lr(self, base: float, t: int) -> float:
        return base * KINDS[self.kind].factor(t, self.settings)

    def spec(self) -> str:
        return format_call(self.kind, dict(self.settings))


def parse_schedule(text: str) -> Schedule:
    """``"cosine(T=300)"`` -> Schedule; unknown kinds and bad settings raise OptiscopeError."""
    name, raw = parse_call(text, "schedule")
    key = name.lower().replace("_", "-")
    kind = KINDS.get(key)
    if kind is None:
        raise OptiscopeError(f"unknown schedule {name!r} (schedules: {', '.join(KINDS)})")
    return Schedule(kind.name, resolve(kind.schema, raw, f"schedule {kind.name}"))
