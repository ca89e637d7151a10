"""The explain pane's vocabulary: numbers as the lines print them, and what a builder reads.

Each optimizer states its own explanation next to its update rule (``core/optimizers``);
this module holds only what they share: the number spellings (one typographic minus,
parenthesised negative operands), the ``name = arithmetic = result`` line, and
``StepInputs``, one step's record plus the state it started from. No trajectory, no
terminal library: an optimizer module can import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from .format import fmt

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Explanation:
    """The rule in force, then the same rule with step t's numbers."""

    t: int
    rule: list[str]
    lines: list[str]
    #: One sentence on what is special about this step (first step, divergence, schedule).
    notes: list[str] = field(default_factory=list)
    #: The step as a whole: its length and its angle to steepest descent.
    geometry: str = ""
    #: Where the step starts and the gradient it reads there (the table's value and ∂
    #: columns): the first part of a played step. The pane leaves it out for room.
    given: str = ""


class SubStep(NamedTuple):
    """One part of an update as the played step shows it: a title, one sentence on what
    happens, and the explain lines it shows, named by their symbol (``S``, ``r``, ``Δp``
    for the step itself; see ``core.step_frames.line_symbol``)."""

    title: str
    says: str
    symbols: tuple[str, ...]


def num(value: float) -> str:
    """A number as fmt prints it, with a typographic minus: the one place the sign is styled."""
    text = fmt(value)
    return "−" + text[1:] if text.startswith("-") else text


def op(value: float) -> str:
    """A number as an operand: negatives in parentheses, so ``0.1·(−1.80)`` reads right."""
    text = num(value)
    return f"({text})" if text.startswith("−") else text


def sq(value: float) -> str:
    """A number to be squared: parenthesised when a bare ² would be ambiguous."""
    text = num(value)
    return f"({text})²" if text.startswith("−") or "e" in text else f"{text}²"


def sup(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT)


def sub(n: int) -> str:
    return str(n).translate(_SUBSCRIPT)


def line(lhs: str, arithmetic: str, result: float) -> str:
    """``lhs = arithmetic = result``: the result is a recorded (or derived) value."""
    return f"{lhs} = {arithmetic} = {num(result)}"


def ewma(lhs: str, beta: float, old: float, new: str, result: float) -> str:
    """An exponentially weighted average written out: ``β·old + (1−β)·new``."""
    return line(lhs, f"{num(beta)}·{op(old)} + {num(1.0 - beta)}·{new}", result)


def count_line(inputs: StepInputs) -> str:
    """``k = t + 1``: the update count that powers such as β₁ᵏ use, beside the record index t."""
    return line("k = t + 1", f"{inputs.t} + 1", inputs.count)


def sqrt(x: float) -> float:
    return float(np.sqrt(np.float64(x)))


def div(a: float, b: float) -> float:
    return float(np.float64(a) / np.float64(b))


def bias(count: int, beta: float) -> float:
    """1 − βᵏ, the bias correction of an average that started at zero."""
    return 1.0 - beta**count


def _at(value: Any, i: int) -> float:
    arr = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else float(arr[i])


@dataclass(frozen=True)
class StepInputs:
    """One step as an explain builder reads it: record t and the state it started from.

    ``before`` is record t−1's state (the optimizer's initial state for t = 0), ``after``
    record t's, derived fields (m̂, v̂) included; both keyed by the state's field names.
    ``count`` is k = t + 1, the number of updates made once this one is (torch's step).
    """

    t: int
    count: int
    hp: Mapping[str, Any]
    lr: float
    coords: tuple[str, ...]
    params: Any
    grad: Any
    update: Any
    before: Mapping[str, Any]
    after: Mapping[str, Any]

    def h(self, key: str) -> float:
        return float(self.hp[key])

    def flag(self, key: str) -> bool:
        return bool(self.hp.get(key, False))

    def coordinates(self) -> Iterator[Coordinate]:
        for i, c in enumerate(self.coords):
            yield Coordinate(self, i, c)


class Coordinate(NamedTuple):
    """One coordinate of a step: its name, its numbers before and after."""

    step: StepInputs
    i: int
    c: str

    @property
    def p(self) -> float:
        return _at(self.step.params, self.i)

    @property
    def g(self) -> float:
        return _at(self.step.grad, self.i)

    @property
    def update(self) -> float:
        return _at(self.step.update, self.i)

    def prev(self, key: str) -> float:
        return _at(self.step.before[key], self.i)

    def now(self, key: str) -> float:
        return _at(self.step.after[key], self.i)

    @property
    def lhs(self) -> str:
        """The step's own name on this coordinate: Δw."""
        return f"Δ{self.c}"


ExplainFn = Callable[[StepInputs], list[str]]


def per_coordinate(
    lines_for: Callable[[Coordinate], list[str]],
    shared: Callable[[StepInputs], list[str]] | None = None,
) -> ExplainFn:
    """An explain builder: ``shared`` lines once (scalars such as k), then each coordinate's."""

    def explain(inputs: StepInputs) -> list[str]:
        lines = shared(inputs) if shared is not None else []
        for coord in inputs.coordinates():
            lines += lines_for(coord)
        return lines

    return explain


def decayed_grad(x: Coordinate, lines: list[str]) -> float:
    """g ← ∇f + λ·p, shown only when λ is nonzero (torch folds L2 decay into g)."""
    lam = float(x.step.hp.get("weight_decay", 0.0))
    if lam == 0:
        return x.g
    g = x.g + lam * x.p
    lines.append(line(f"g_{x.c} = ∂f/∂{x.c} + λ·{x.c}", f"{num(x.g)} + {num(lam)}·{op(x.p)}", g))
    return g
