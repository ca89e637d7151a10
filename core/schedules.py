"""Learning-rate schedules: the learning rate an optimizer uses at update t (t = 0, 1, ...).

t counts the updates already made, so ``lr(base, 0)`` is the first step's. Each kind is a
factor s(t) of the base η in closed form; settings are ``Param``s like every other number,
and a kind whose settings constrain each other (T after W) says which rule one breaks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .callspec import format_call, parse_call
from .errors import OptiscopeError
from .params import Param, Value, resolve

Settings = Mapping[str, Value]


class ScheduleKind(NamedTuple):
    name: str
    summary: str
    schema: tuple[Param, ...]
    factor: Callable[[int, Settings], float]
    #: How it relates to torch's scheduler of the same kind, where that needs saying.
    note: str = ""
    #: One line: when a learner reaches for it.
    use: str = ""
    #: Rules between settings (T > W): raises OptiscopeError naming the one broken.
    check: Callable[[Settings, str], None] | None = None


def _constant(t: int, s: Settings) -> float:
    return 1.0


def _inverse_time(t: int, s: Settings) -> float:
    return 1.0 / (1.0 + float(s["decay"]) * t)


def _step(t: int, s: Settings) -> float:
    return float(s["gamma"]) ** (t // int(s["every"]))


def _cosine(t: int, s: Settings) -> float:
    period, floor = int(s["T"]), float(s["floor"])
    progress = min(t, period) / period
    return floor + (1.0 - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))


def _ramp(t: int, w: int) -> float:
    """The warmup ramp (t+1)/W: the first update at η/W, η from update W−1 on."""
    return min(1.0, (t + 1) / w)


def _warmup(t: int, s: Settings) -> float:
    return _ramp(t, int(s["W"]))


def _inverse_sqrt(t: int, s: Settings) -> float:
    w = int(s["W"])
    return min((t + 1) / w, math.sqrt(w / (t + 1)))


def _warmup_cosine(t: int, s: Settings) -> float:
    w, end = int(s["W"]), int(s["T"])
    if t < w:
        return _ramp(t, w)
    if t > end:
        return 0.0
    return 0.5 * (1.0 + math.cos(math.pi * (t - w) / (end - w)))


def _wsd(t: int, s: Settings) -> float:
    w, end, decay = int(s["W"]), int(s["T"]), int(s["D"])
    if t < w:
        return _ramp(t, w)
    if t < end - decay:
        return 1.0
    return max(0.0, (end - t) / decay)


def _after_warmup(s: Settings, owner: str) -> None:
    w, end = int(s["W"]), int(s["T"])
    if end <= w:
        raise OptiscopeError(f"{owner}: T must be greater than W = {w}; got T = {end}")


def _decay_fits(s: Settings, owner: str) -> None:
    _after_warmup(s, owner)
    room = int(s["T"]) - int(s["W"])
    if int(s["D"]) > room:
        raise OptiscopeError(
            f"{owner}: D must be at most T − W = {room} (the decay ends at T and starts "
            f"after the warmup); got D = {int(s['D'])}"
        )


def _w(default: int = 10) -> Param:
    return Param(
        "W", default, "W: warmup updates (η/W on the first, η from the W-th on)", low=1, kind="int"
    )


def _t(default: int = 200) -> Param:
    return Param("T", default, "T: the update at which η reaches 0", low=2, kind="int")


KINDS: dict[str, ScheduleKind] = {
    k.name: k
    for k in (
        ScheduleKind(
            "constant", "η stays fixed", (), _constant, use="the default: one η throughout"
        ),
        ScheduleKind(
            "inverse-time",
            "ηₜ = η/(1 + d·t)",
            (Param("decay", 0.01, "d in η/(1 + d·t)", low=0.0, symbol="d"),),
            _inverse_time,
            use="a slow, endless decay, as the convergence proofs for SGD assume",
        ),
        ScheduleKind(
            "step",
            "ηₜ = η·γ^⌊t/k⌋",
            (
                Param("every", 50, "k: steps between drops", low=1, kind="int", symbol="k"),
                Param("gamma", 0.5, "γ: factor at each drop", low=0.0, high=1.0, symbol="γ"),
            ),
            _step,
            use="drops by γ every k steps: settle into a minimum in stages",
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
            use="a smooth fall to the floor by step T",
        ),
        ScheduleKind(
            "warmup",
            "ηₜ = η·min(1, (t+1)/W)",
            (_w(),),
            _warmup,
            use="start where η·λmax > 2 would diverge: small steps first move to flatter ground",
        ),
        ScheduleKind(
            "inverse-sqrt",
            "ηₜ = η·min((t+1)/W, √(W/(t+1)))",
            (_w(),),
            _inverse_sqrt,
            use="the Transformer's schedule: warmup to η at update W−1, then η·√(W/(t+1))",
        ),
        ScheduleKind(
            "warmup-cosine",
            "ηₜ = η·(t+1)/W for t < W, then η·½(1 + cos(π(t−W)/(T−W))) until T, 0 after",
            (_w(), _t()),
            _warmup_cosine,
            use="warmup, then a cosine fall to 0 at T: the usual recipe for a fixed budget",
            check=_after_warmup,
        ),
        ScheduleKind(
            "wsd",
            "ηₜ = η·(t+1)/W for t < W, η until T−D, then η·(T−t)/D to 0 at T",
            (
                _w(),
                _t(),
                Param("D", 40, "D: updates of the final linear decay", low=1, kind="int"),
            ),
            _wsd,
            use="warmup-stable-decay: a long constant phase, then the loss drops in the decay",
            check=_decay_fits,
        ),
    )
}


def schedule_examples() -> list[str]:
    """Every kind with its default settings spelled out, as a user would type it:
    ``["constant", "inverse-time(decay=0.01)", …, "wsd(W=10, T=200, D=40)"]`` (the help
    and the explorer's tooltip list these, so a new kind appears in both)."""
    return [format_call(k.name, {p.name: p.default for p in k.schema}) for k in KINDS.values()]


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
    owner = f"schedule {kind.name}"
    settings = resolve(kind.schema, raw, owner)
    if kind.check is not None:
        kind.check(settings, owner)
    return Schedule(kind.name, settings)
