"""Predict, then reveal: questions about an update before it is shown, and their marking.

Two forms, both about record t of one run (the update from the point the explorer shows):

- direction: which of 2–4 directions the step takes. The candidates are the true step,
  GD's −g, sign-GD's −sign(g), normalized GD's −g/‖g‖ (the same direction as GD's, so
  it merges with it), the last step and +g (uphill). Candidates less than
  ``MERGE_DEGREES`` apart are merged into one, so exactly one candidate is right. The
  order is shuffled with a seed made from the optimizer and t: the same question twice.
- value: one number of the record (``S_b``, ``v_w``, ``Δb``), typed and marked right
  within ``REL_TOL`` of the recorded value; the reveal is the explain pane's line for it.

Pure Python and NumPy, reading trajectories only.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .errors import OptiscopeError
from .explain_text import num
from .params import parse_number
from .step_explain import explain_step
from .step_inputs import state_before
from .trajectory import Trajectory

Form = Literal["direction", "value"]
#: Candidate directions closer than this are one candidate (drawn, they would overlap).
MERGE_DEGREES = 5.0
#: A typed value is right within this fraction of the recorded one.
REL_TOL = 0.01
#: The most candidates a direction question offers (keys 1–4).
MAX_CANDIDATES = 4
_ARROWS = "→↗↑↖←↙↓↘"


@dataclass(frozen=True)
class Candidate:
    """One direction offered: who steps this way (merged names) and the unit vector."""

    names: tuple[str, ...]
    direction: tuple[float, float]
    right: bool

    @property
    def angle(self) -> float:
        """Degrees counterclockwise from the first coordinate's axis, in [0, 360)."""
        return _angle(self.direction)

    @property
    def arrow(self) -> str:
        return arrow(self.angle)


@dataclass(frozen=True)
class DirectionQuestion:
    t: int
    optimizer: str
    candidates: tuple[Candidate, ...]
    #: The direction −g points at, for reference (degrees, as ``Candidate.angle``).
    descent_angle: float
    #: The explain pane's geometry line: the step's length and its turn from −∇f.
    reveal: str

    @property
    def answer(self) -> int:
        """The right candidate's label, 1-based."""
        return next(i + 1 for i, c in enumerate(self.candidates) if c.right)


@dataclass(frozen=True)
class ValueQuestion:
    t: int
    optimizer: str
    #: The record's name for the number asked, as the table and explain pane write it.
    name: str
    truth: float
    #: The rule in force, then what the learner needs: g, the state before, the settings.
    rule: tuple[str, ...]
    givens: tuple[str, ...]
    #: The explain pane's lines that compute it (the last one ends in the recorded value).
    working: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    right: bool
    typed: float
    truth: float

    @property
    def off_by(self) -> float:
        """How far off, as a fraction of the recorded value (inf when that is 0)."""
        if self.truth == 0:
            return 0.0 if self.typed == 0 else math.inf
        return abs(self.typed - self.truth) / abs(self.truth)


@dataclass(frozen=True)
class Score:
    """A running score: questions answered and how many were right."""

    right: int = 0
    asked: int = 0

    def add(self, right: bool) -> Score:
        return Score(self.right + int(right), self.asked + 1)

    def text(self) -> str:
        return f"{self.right} of {self.asked} right" if self.asked else "no answers yet"


def arrow(angle: float) -> str:
    """The arrow glyph nearest to a direction given in degrees (→ is 0, ↑ is 90)."""
    return _ARROWS[round(angle / 45.0) % 8]


def _angle(v: Sequence[float]) -> float:
    return math.degrees(math.atan2(v[1], v[0])) % 360.0


def _unit(v: Any) -> tuple[float, float] | None:
    x, y = float(v[0]), float(v[1])
    norm = math.hypot(x, y)
    if not (math.isfinite(norm) and norm > 0):
        return None
    return (x / norm, y / norm)


def _apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Degrees between two unit vectors (atan2 keeps small angles exact)."""
    cross = a[0] * b[1] - a[1] * b[0]
    dot = a[0] * b[0] + a[1] * b[1]
    return abs(math.degrees(math.atan2(cross, dot)))


def seed_for(optimizer: str, t: int) -> int:
    """The shuffle's seed: the same optimizer at the same step gets the same order."""
    return zlib.crc32(f"{optimizer}:{t}".encode())


def direction_question(traj: Trajectory, t: int, label: str = "") -> DirectionQuestion | None:
    """The direction question for record t, or None where no direction is defined (a zero
    or non-finite gradient or step) or fewer than two directions differ."""
    record = traj[t]
    name = label or traj.setup.optimizer.name
    g, step = record.grad, record.update
    offered: list[tuple[str, Any]] = [
        (f"the step {name} takes", step),
        ("GD's: −g", -g),
        ("sign-GD's: −sign(g)", -np.sign(g)),
        ("normalized GD's: −g/‖g‖", -g),
    ]
    if t > 0:
        offered.append(("the last step's", traj[t - 1].update))
    offered.append(("uphill: +g", g))
    kept: list[tuple[list[str], tuple[float, float]]] = []
    for i, (who, vector) in enumerate(offered):
        unit = _unit(vector)
        if unit is None:
            if i < 2:
                return None  # no step or no gradient: nothing to point at
            continue
        near = [k for k in kept if _apart(k[1], unit) < MERGE_DEGREES]
        if near:
            min(near, key=lambda k: _apart(k[1], unit))[0].append(who)
        elif len(kept) < MAX_CANDIDATES:
            kept.append(([who], unit))
    if len(kept) < 2:
        return None
    order = np.random.default_rng(seed_for(traj.setup.optimizer.name, t)).permutation(len(kept))
    candidates = tuple(
        Candidate(tuple(kept[i][0]), kept[i][1], right=(i == 0)) for i in map(int, order)
    )
    descent = _unit(-g)
    assert descent is not None  # checked above: the gradient has a direction
    return DirectionQuestion(t, name, candidates, _angle(descent), explain_step(traj, t).geometry)


def value_names(traj: Trajectory) -> list[str]:
    """The numbers of a record a value question can ask, per coordinate: each state field
    the explain pane computes (S, v, m̂, …) and the step Δ."""
    coords = traj.surface.coords
    fields = [f for f in (*traj.fields, *traj.derived) if _per_coordinate(traj, f.name)]
    names = [f"{f.symbol}_{c}" for c in coords for f in fields]
    return names + [f"Δ{c}" for c in coords]


def _per_coordinate(traj: Trajectory, field: str) -> bool:
    return np.ndim(traj[0].state[field]) == 1


def value_question(traj: Trajectory, t: int, name: str = "", label: str = "") -> ValueQuestion:
    """The value question for record t about ``name`` (a seeded pick if empty).

    Raises OptiscopeError for a name the record does not have, or a record whose numbers
    are not finite (after a divergence there is nothing to predict)."""
    names = value_names(traj)
    if not name:
        name = names[seed_for(traj.setup.optimizer.name, t) % len(names)]
    if name not in names:
        raise OptiscopeError(f"no {name!r} in this record (it has {', '.join(names)})")
    coords = traj.surface.coords
    record = traj[t]
    coord = next(c for c in coords if name == f"Δ{c}" or name.endswith(f"_{c}"))
    i = coords.index(coord)
    if name.startswith("Δ"):
        truth = float(record.update[i])
    else:
        symbol = name[: -len(coord) - 1]
        field = next(f for f in (*traj.fields, *traj.derived) if f.symbol == symbol)
        truth = float(record.state[field.name][i])
    if not (math.isfinite(truth) and np.all(np.isfinite(record.grad))):
        raise OptiscopeError(f"step {t} is not finite: there is nothing to predict")
    explanation = explain_step(traj, t)
    working = _working(explanation.lines, name, coord, coords)
    return ValueQuestion(
        t,
        label or traj.setup.optimizer.name,
        name,
        truth,
        tuple(explanation.rule),
        _givens(traj, t, i, coord),
        working,
    )


def _working(lines: Sequence[str], name: str, coord: str, coords: Sequence[str]) -> tuple[str, ...]:
    """The lines up to the one computing ``name``, leaving out the other coordinates'."""
    shown: list[str] = []
    for text in lines:
        head = text.split(" ", 1)[0]
        others = [c for c in coords if c != coord]
        if any(head == f"Δ{c}" or head.endswith(f"_{c}") for c in others):
            continue
        shown.append(text)
        if head == name:
            return tuple(shown)
    raise OptiscopeError(f"the explain pane has no line for {name}")


def _givens(traj: Trajectory, t: int, i: int, coord: str) -> tuple[str, ...]:
    """What the arithmetic reads: the point and gradient, the state before, the settings."""
    record = traj[t]
    opt = traj.setup.optimizer
    before = state_before(traj, t)
    givens = [
        f"{coord} = {num(float(record.params[i]))}",
        f"g_{coord} = {num(float(record.grad[i]))}",
    ]
    if "k = t + 1" in " ".join(opt.rule_in_force(traj.setup.hyperparameters)):
        givens.append(f"k = t + 1 = {t + 1}")
    for f in traj.fields:
        value = before.get(f.name)
        if value is None:
            continue
        arr = np.asarray(value, dtype=np.float64)
        shown = float(arr) if arr.ndim == 0 else float(arr[i])
        name = f.symbol if arr.ndim == 0 else f"{f.symbol}_{coord}"
        givens.append(f"{name} before = {num(shown)}")
    hp = traj.setup.hyperparameters
    rule = " ".join(opt.rule_in_force(hp))
    for p in opt.schema:
        if p.kind == "bool" or not p.symbol or p.symbol not in rule:
            continue  # a setting this rule does not read (μ = 0, λ = 0) is no help
        value = record.lr if p.name == "lr" else float(hp[p.name])
        givens.append(f"{p.symbol} = {num(value)}")
    return tuple(givens)


def mark(question: ValueQuestion, typed: str) -> Verdict:
    """A typed answer against the recorded value (raises OptiscopeError for text that is
    not a plain finite number: the one number rule, ``core.params.parse_number``)."""
    value = float(parse_number(typed, question.name))
    verdict = Verdict(False, value, question.truth)
    return Verdict(verdict.off_by <= REL_TOL, value, question.truth)
