"""The step table's columns: what each one reads from a record and how a cell reads.

Kept apart from the widget (``step_table.py``), which only lays the cells out, scrolls and
caches them: the same columns could feed any other view of a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from math import isfinite, isnan
from typing import Literal

import numpy as np
from rich.cells import cell_len

from optiscope.core.format import fmt
from optiscope.core.step_geometry import angle_to_descent, degrees, step_length
from optiscope.core.trajectory import Step, Trajectory

#: Rows sampled (first, last and evenly spaced) to size the columns.
SAMPLE = 256

#: A cell whose quantity is 0/0 at this step (ηeff where Δ = ∂ = 0; the angle of a zero step).
UNDEFINED = "—"

Reader = Callable[[Step], float]


@dataclass(frozen=True)
class Column:
    """One table column: its header and, for each line of a record, how to read its number
    (None leaves that line blank) or a fixed text (the coordinate names)."""

    header: str
    reads: tuple[Reader | None, ...]
    #: The step number: printed as an integer on a record's first line, not through fmt.
    index: bool = False
    texts: tuple[str, ...] = ()
    #: How a finite number reads, per line (fmt's four significant digits unless said).
    shows: tuple[Callable[[float], str], ...] = (fmt, fmt)
    #: Text for NaN in a sound record, where NaN means "not defined here" (0/0).
    undefined: str | None = None


def columns_for(
    traj: Trajectory, coords: tuple[str, str], layout: Literal["wide", "stacked"] = "wide"
) -> list[Column]:
    """t, position, loss, gradient, each recorded state field per coordinate (scalars in one
    column), the derived fields (m̂, v̂), then ηeff, Δ, the step's length and its angle to
    −∇f: the CLI table's order.

    ``wide`` gives each coordinate its own columns on one line; ``stacked`` gives each
    coordinate its own line under shared columns (scalar fields on the first line)."""
    x, y = coords
    opt = traj.setup.optimizer
    fields = list(traj.fields) + (list(opt.extra_fields) if opt.extras else [])
    scalar = {f.name for f in traj.fields if traj.column(f.name).ndim == 1}
    if layout == "stacked":
        cols = [
            Column("t", (_t, None), index=True),
            Column("loss", (_loss, None)),
            # A rule between the shared columns and the per-coordinate ones, then the name.
            Column("│  ", (None, None), texts=(f"│ {x}", f"│ {y}")),
            Column("value", (_params(0), _params(1))),
            Column("∂", (_grad(0), _grad(1))),
        ]
        for f in fields:
            if f.name in scalar:
                cols.append(Column(f.symbol, (_state_reader(f.name, None), None)))
            else:
                cols.append(Column(f.symbol, (_state_reader(f.name, 0), _state_reader(f.name, 1))))
        return [
            *cols,
            Column("ηeff", (_eff(0), _eff(1)), undefined=UNDEFINED),
            Column("Δ", (_update(0), _update(1))),
            # Both are per step, not per coordinate: one column, a line each, saves a width.
            Column("‖Δ‖ ∠", (_length, _angle), shows=(fmt, degrees), undefined=UNDEFINED),
        ]
    cols = [
        Column("t", (_t,), index=True),
        Column(x, (_params(0),)),
        Column(y, (_params(1),)),
        Column("loss", (_loss,)),
        Column(f"∂{x}", (_grad(0),)),
        Column(f"∂{y}", (_grad(1),)),
    ]
    for f in fields:
        if f.name in scalar:
            cols.append(Column(f.symbol, (_state_reader(f.name, None),)))
        else:
            cols.append(Column(f"{f.symbol} {x}", (_state_reader(f.name, 0),)))
            cols.append(Column(f"{f.symbol} {y}", (_state_reader(f.name, 1),)))
    return [
        *cols,
        Column(f"ηeff {x}", (_eff(0),), undefined=UNDEFINED),
        Column(f"ηeff {y}", (_eff(1),), undefined=UNDEFINED),
        Column(f"Δ{x}", (_update(0),)),
        Column(f"Δ{y}", (_update(1),)),
        Column("‖Δ‖", (_length,)),
        Column("∠−∇f", (_angle,), shows=(degrees,), undefined=UNDEFINED),
    ]


def _t(s: Step) -> float:
    return float(s.t)


def _loss(s: Step) -> float:
    return s.loss


def _params(i: int) -> Reader:
    return lambda s: float(s.params[i])


def _grad(i: int) -> Reader:
    return lambda s: float(s.grad[i])


def _eff(i: int) -> Reader:
    return lambda s: float(s.effective_lr[i])


def _update(i: int) -> Reader:
    return lambda s: float(s.update[i])


def _length(s: Step) -> float:
    return float(step_length(s.update))


def _angle(s: Step) -> float:
    """Against the exact gradient: how far the rule turns from steepest descent."""
    return float(angle_to_descent(s.exact_grad, s.update))


def _state_reader(name: str, i: int | None) -> Reader:
    """Reads state field ``name`` (coordinate i, or the whole scalar) from a record."""
    if i is None:
        return lambda s: float(s.state[name])
    return lambda s: float(s.state[name][i])


def _finite(step: Step) -> bool:
    """A sound record: NaN in it means 0/0 (undefined), not a run that broke."""
    return bool(np.isfinite(step.update).all() and np.isfinite(step.grad).all())


def cell_text(column: Column, step: Step, line: int = 0) -> tuple[str, bool]:
    """A cell's text on one line of a record (t as an integer, fixed texts as they are, the
    rest through fmt) and whether it is non-finite."""
    if column.texts:
        return column.texts[line], False
    if column.index:
        return (str(step.t) if line == 0 else ""), False
    read = column.reads[line]
    if read is None:
        return "", False
    value = read(step)
    if column.undefined is not None and isnan(value) and _finite(step):
        return column.undefined, False
    return column.shows[line](value), not isfinite(value)


def grow_widths(
    widths: list[int], columns: list[Column], traj: Trajectory, rows: range, per_row: int
) -> None:
    """Widen ``widths`` to fit a sample of the records in ``rows`` (never narrowing them)."""
    for k in _sample(rows.start, rows.stop):
        step = traj[k]
        for line in range(per_row):
            for i, column in enumerate(columns):
                widths[i] = max(widths[i], cell_len(cell_text(column, step, line)[0]))


def rjust(text: str, width: int) -> str:
    """Right-justify by terminal cells (headers such as "m̂ w" hold combining marks)."""
    return " " * max(0, width - cell_len(text)) + text


def _sample(first: int, stop: int) -> Iterable[int]:
    """Rows first..stop−1 if few, else the first and last 64 and evenly spaced ones between."""
    count = stop - first
    if count <= SAMPLE:
        return range(first, stop)
    edge = 64
    middle = SAMPLE - 2 * edge
    stride = max(1, (count - 2 * edge) // middle)
    picked = {*range(first, first + edge), *range(stop - edge, stop)}
    picked.update(range(first + edge, stop - edge, stride))
    return sorted(picked)
