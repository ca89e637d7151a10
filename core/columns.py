"""One schema for a record's columns: the step table, the CLI table, CSV and JSON read it.

Each ``RecordColumn`` names one quantity by what it is (``key``: the JSON key and the CSV
column stem, one meaning per key across every optimizer, so ``second_moment`` is always a
running average of g² and never momentum's velocity), gives the short symbol the tables
and the explain lines use, a line of help, and reads the quantity column-wise: ``read``
takes a ``Source`` (name -> array, rows first) and returns one value per row, or per row
and coordinate. ``run_source(traj)`` is a whole run; ``record_source(step)`` one record,
whose arrays simply lack the row axis, so the same reader serves both.

NaN means two things: 0/0 in a sound record (ηeff where Δ = ∂ = 0, the angle of a zero
step), which ``undefined`` spells (the tables print "—"), or a run that broke (nan).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .format import fmt
from .optimizers.base import StateField
from .stability import PRECONDITIONED, SHARPNESS, THRESHOLD, rule_for
from .step_geometry import angle_to_descent, degrees, step_length
from .trajectory import Step, Trajectory

Array = npt.NDArray[Any]
Source = Mapping[str, Any]
View = Literal["table", "csv", "json"]
EVERYWHERE: frozenset[View] = frozenset(("table", "csv", "json"))
#: Text of a quantity that is 0/0 at this step, in a record that is otherwise sound.
UNDEFINED = "—"


@dataclass(frozen=True)
class RecordColumn:
    """One quantity of a record, as every view names, reads and prints it."""

    key: str
    symbol: str
    label: str
    read: Callable[[Source], Array] = field(compare=False)
    per_coordinate: bool = True
    #: Text for NaN where it means "not defined at this step" (0/0) in a sound record.
    undefined: str | None = None
    #: JSON: a key of each step, or of its "state" object (the optimizer's memory).
    section: Literal["step", "state"] = "step"
    #: Wide-table header per coordinate; ``{symbol}`` and ``{c}`` (the coordinate) filled in.
    header: str = "{symbol} {c}"
    #: CSV column per coordinate; ``{key}`` and ``{c}`` filled in (a scalar is ``key``).
    csv: str = "{key}_{c}"
    views: frozenset[View] = EVERYWHERE
    #: Table text of a finite value.
    show: Callable[[float], str] = field(default=fmt, compare=False)
    #: Whole numbers (the record index, the update count): printed as integers.
    integer: bool = False

    def table_headers(self, coords: Sequence[str]) -> list[str]:
        if not self.per_coordinate:
            return [self.symbol]
        return [self.header.format(symbol=self.symbol, c=c) for c in coords]

    def csv_names(self, coords: Sequence[str]) -> list[str]:
        if not self.per_coordinate:
            return [self.key]
        return [self.csv.format(key=self.key, c=c) for c in coords]

    def text(self, value: float, sound: bool = True) -> str:
        """A value as the tables print it: "—" for an undefined one, else ``show``."""
        if self.integer:
            return str(int(value))
        if self.undefined is not None and sound and value != value:
            return self.undefined
        return self.show(value)


def _key(name: str) -> Callable[[Source], Array]:
    return lambda src: np.asarray(src[name])


def _update_over_lr(src: Source) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = np.abs(src["update"]) / np.asarray(src["lr"])[..., None]
    return out


def _angle(src: Source) -> Array:
    return angle_to_descent(src["exact_grad"], src["update"])


T = RecordColumn(
    "t", "t", "record index: the point after t updates", _key("t"), False, integer=True
)
PARAMS = RecordColumn("params", "value", "the point pₜ", _key("params"), header="{c}", csv="{c}")
LOSS = RecordColumn("loss", "loss", "f(pₜ)", _key("loss"), False)
GRAD = RecordColumn(
    "grad", "∂", "the gradient the optimizer saw", _key("grad"), header="∂{c}", csv="d{c}"
)
EXACT_GRAD = RecordColumn(
    "exact_grad",
    "∇f",
    "the true gradient (differs from grad under noise or mini-batches)",
    _key("exact_grad"),
    views=frozenset(("json",)),
)
STEP_COUNT = RecordColumn(
    "step",
    "k",
    "updates made once this one is: k = t + 1 (torch's step)",
    _key("step"),
    False,
    section="state",
    views=frozenset(("json",)),
    integer=True,
)
EFFECTIVE_LR = RecordColumn(
    "effective_lr",
    "ηeff",
    "effective learning rate |Δ|/|∂| per coordinate",
    _key("effective_lr"),
    undefined=UNDEFINED,
    csv="eff_lr_{c}",
)
UPDATE_OVER_LR = RecordColumn(
    "update_over_lr",
    "|Δ|/η",
    "the step in units of the learning rate in force (Adam: |m̂|/(√v̂ + ε))",
    _update_over_lr,
    undefined=UNDEFINED,
)
UPDATE = RecordColumn(
    "update", "Δ", "the step Δ: pₜ₊₁ = pₜ + Δ", _key("update"), header="Δ{c}", csv="delta_{c}"
)
STEP_LENGTH = RecordColumn(
    "step_length", "‖Δ‖", "length of the step", lambda src: step_length(src["update"]), False
)
ANGLE = RecordColumn(
    "angle_to_descent",
    "∠−∇f",
    "degrees between the step and −∇f (0 is steepest descent)",
    _angle,
    False,
    undefined=UNDEFINED,
    show=degrees,
)
SHARPNESS_COLUMN = RecordColumn(
    SHARPNESS,
    "λmax",
    "sharpness: the largest eigenvalue of ∇²f at pₜ",
    _key(SHARPNESS),
    False,
    undefined=UNDEFINED,
)
PRECONDITIONED_COLUMN = RecordColumn(
    PRECONDITIONED,
    "λmax(P⁻¹H)",
    "preconditioned sharpness: λmax of ∇²f scaled by the step's divisor P (adaptive methods)",
    _key(PRECONDITIONED),
    False,
    undefined=UNDEFINED,
)
#: The threshold's symbol is the optimizer's (``2/η``, ``(2+2β)/((1−β)η)``): ``threshold_column``.
THRESHOLD_COLUMN = RecordColumn(
    THRESHOLD,
    "λ*",
    "the stability threshold the sharpness is compared with, at the lr in force",
    _key(THRESHOLD),
    False,
)
LR = RecordColumn(
    "lr",
    "η",
    "the learning rate in force (after the schedule)",
    _key("lr"),
    False,
    views=frozenset(("csv", "json")),
)

#: Record columns an optimizer can ask for by name (``Optimizer.extra_columns``).
OPTIONAL: dict[str, RecordColumn] = {UPDATE_OVER_LR.key: UPDATE_OVER_LR}
#: The order of the columns after the optimizer's state, optional ones included.
TAIL = (
    EFFECTIVE_LR,
    UPDATE_OVER_LR,
    UPDATE,
    STEP_LENGTH,
    ANGLE,
    SHARPNESS_COLUMN,
    PRECONDITIONED_COLUMN,
    THRESHOLD_COLUMN,
    LR,
    EXACT_GRAD,
)
_STABILITY = {c.key: c for c in (SHARPNESS_COLUMN, PRECONDITIONED_COLUMN, THRESHOLD_COLUMN)}


def state_column(traj: Trajectory, f: StateField) -> RecordColumn:
    """A state field (recorded or derived) as a column: per coordinate unless a scalar."""
    return RecordColumn(
        f.key,
        f.symbol,
        f.label,
        _key(f.name),
        per_coordinate=traj.column(f.name).ndim > 1,
        section="state",
    )


def threshold_column(traj: Trajectory) -> RecordColumn:
    """The stability threshold headed by its value at these settings over η (``2/η``,
    ``38/η`` for Adam at β₁ = 0.9); the label gives the formula."""
    hp = traj.setup.hyperparameters
    rule = rule_for(traj.setup.name, hp)
    if rule is None:
        return THRESHOLD_COLUMN
    label = f"{rule.threshold(hp)}: {THRESHOLD_COLUMN.label}"
    if rule.approximate:
        label += " (approximate: P changes every step)"
    return RecordColumn(THRESHOLD, f"{fmt(rule.bound(hp))}/η", label, _key(THRESHOLD), False)


def state_columns(traj: Trajectory) -> list[RecordColumn]:
    """The optimizer's memory after the step: recorded fields, then derived ones (m̂, v̂)."""
    return [state_column(traj, f) for f in (*traj.fields, *traj.derived)]


def record_columns(traj: Trajectory, view: View | None = None) -> list[RecordColumn]:
    """Every column of this run's records, in display order (only ``view``'s, if given):
    t, position, loss, gradient, the state, ηeff (and |Δ|/η), Δ, ‖Δ‖, the angle, the
    sharpness (and its threshold where the optimizer has one), η."""
    asked = set(traj.setup.optimizer.extra_columns)
    noisy = traj.noise.active or traj.surface.stochastic
    stability = set(traj.stability_names)
    tail = [
        threshold_column(traj) if c is THRESHOLD_COLUMN else c
        for c in TAIL
        if (c.key not in OPTIONAL or c.key in asked)
        and (c is not EXACT_GRAD or noisy)
        and (c.key not in _STABILITY or c.key in stability)
    ]
    cols = [T, PARAMS, LOSS, GRAD, STEP_COUNT, *state_columns(traj), *tail]
    return [c for c in cols if view is None or view in c.views]


def union_columns(runs: Sequence[Trajectory], view: View) -> list[RecordColumn]:
    """The columns of several runs in one file: a key once (it means one thing), state in
    order of first appearance, the common columns where they always are."""
    per_run = [record_columns(traj, view) for traj in runs]
    seen: dict[str, RecordColumn] = {}
    for cols in per_run:
        for c in cols:
            seen.setdefault(c.key, c)
    head = [c for c in (T, PARAMS, LOSS, GRAD, STEP_COUNT) if c.key in seen]
    state = [c for c in seen.values() if c.section == "state" and c is not STEP_COUNT]
    tail = [c for c in TAIL if c.key in seen]
    return [*head, *state, *tail]


_RECORDED = ("params", "loss", "grad", "exact_grad", "update", "effective_lr", "lr", "step")


class _RunSource(Mapping[str, Any]):
    """A run's columns by name (read-only views; ``t`` is the record index)."""

    def __init__(self, traj: Trajectory) -> None:
        self._traj = traj

    def __getitem__(self, name: str) -> Any:
        if name == "t":
            return np.arange(len(self._traj))
        return self._traj.column(name)

    def __iter__(self) -> Iterator[str]:
        return iter(("t", *_RECORDED, *self._traj.state_names, *self._traj.stability_names))

    def __len__(self) -> int:
        return 1 + len(_RECORDED) + len(self._traj.state_names) + len(self._traj.stability_names)


class _RecordSource(Mapping[str, Any]):
    """One record's values by name: the same names as a run, without the row axis."""

    _ATTRS = ("t", "params", "loss", "grad", "exact_grad", "update", "effective_lr", "lr")

    def __init__(self, step: Step) -> None:
        self._step = step

    def __getitem__(self, name: str) -> Any:
        if name in self._ATTRS:
            return getattr(self._step, name)
        if name in self._step.stability:
            return self._step.stability[name]
        return self._step.state[name]

    def __iter__(self) -> Iterator[str]:
        return iter((*self._ATTRS, *self._step.state, *self._step.stability))

    def __len__(self) -> int:
        return len(self._ATTRS) + len(self._step.state) + len(self._step.stability)


def run_source(traj: Trajectory) -> Source:
    return _RunSource(traj)


def record_source(step: Step) -> Source:
    return _RecordSource(step)


def sound(src: Source) -> Array:
    """Per row: a finite step and gradient, where a NaN elsewhere means 0/0, not a breakdown."""
    update, grad = np.asarray(src["update"]), np.asarray(src["grad"])
    out: Array = np.isfinite(update).all(axis=-1) & np.isfinite(grad).all(axis=-1)
    return out


def column_values(column: RecordColumn, src: Source) -> list[Array]:
    """A column read from ``src``: one array per coordinate (one for a scalar column)."""
    values = column.read(src)
    if not column.per_coordinate:
        return [values]
    return [values[..., i] for i in range(values.shape[-1])]
