"""The step table's columns: what each one reads from a record and how a cell reads.

The columns come from the record schema (``core.columns``), so the step table, the CLI
table and the CSV/JSON name and read each quantity the same way; this module only lays
them out (one line per step, or one line per coordinate), and the widget
(``step_table.py``) scrolls and caches the cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from math import isfinite, isnan
from typing import Literal

import numpy as np
from rich.cells import cell_len

from optiscope.core.columns import (
    ANGLE,
    LOSS,
    STEP_LENGTH,
    UNDEFINED,
    RecordColumn,
    T,
    record_columns,
    record_source,
)
from optiscope.core.format import fmt
from optiscope.core.step_geometry import degrees
from optiscope.core.trajectory import Step, Trajectory

__all__ = ["SAMPLE", "UNDEFINED", "Column", "cell_text", "columns_for", "grow_widths", "rjust"]

#: Rows sampled (first, last and evenly spaced) to size the columns of new rows: a long
#: recompute sizes each chunk that arrives, on the UI thread, ~10 times a second.
SAMPLE = 24

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


def _reader(column: RecordColumn, i: int | None) -> Reader:
    """Reads ``column`` (coordinate i, or the whole scalar) from one record."""
    if i is None:
        return lambda s: float(column.read(record_source(s)))
    return lambda s: float(column.read(record_source(s))[i])


def columns_for(
    traj: Trajectory, coords: tuple[str, str], layout: Literal["wide", "stacked"] = "wide"
) -> list[Column]:
    """The schema's table columns in its order (t, position, loss, gradient, the state with
    scalars in one column, ηeff, |Δ|/η where the optimizer has it, Δ, the step's length and
    its angle to −∇f): the CLI table's order.

    ``wide`` gives each coordinate its own columns on one line; ``stacked`` gives each
    coordinate its own line under shared columns (scalar fields on the first line)."""
    schema = record_columns(traj, "table")
    if layout == "stacked":
        return _stacked(schema, coords)
    cols: list[Column] = []
    for rc in schema:
        if rc is T:
            cols.append(Column("t", (_t,), index=True))
        elif rc.per_coordinate:
            for i, header in enumerate(rc.table_headers(coords)):
                cols.append(Column(header, (_reader(rc, i),), undefined=rc.undefined))
        else:
            reader = _reader(rc, None)
            cols.append(Column(rc.symbol, (reader,), shows=(rc.show,), undefined=rc.undefined))
    return cols


def _stacked(schema: list[RecordColumn], coords: tuple[str, str]) -> list[Column]:
    x, y = coords
    cols = [
        Column("t", (_t, None), index=True),
        Column("loss", (_reader(LOSS, None), None)),
        # A rule between the shared columns and the per-coordinate ones, then the name.
        Column("│  ", (None, None), texts=(f"│ {x}", f"│ {y}")),
    ]
    for rc in schema:
        if rc in (T, LOSS, STEP_LENGTH, ANGLE):
            continue
        if rc.per_coordinate:
            reads: tuple[Reader | None, ...] = (_reader(rc, 0), _reader(rc, 1))
        else:
            reads = (_reader(rc, None), None)
        cols.append(Column(rc.symbol, reads, undefined=rc.undefined))
    # Both are per step, not per coordinate: one column, a line each, saves a width.
    geometry = (_reader(STEP_LENGTH, None), _reader(ANGLE, None))
    return [*cols, Column("‖Δ‖ ∠", geometry, shows=(fmt, degrees), undefined=UNDEFINED)]


def _t(s: Step) -> float:
    return float(s.t)


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
    """Rows first..stop−1 if few, else the first and last SAMPLE/4 and evenly spaced ones
    between (a value wider than the sample widens its column when it is drawn)."""
    count = stop - first
    if count <= SAMPLE:
        return range(first, stop)
    edge = SAMPLE // 4
    middle = SAMPLE - 2 * edge
    stride = max(1, (count - 2 * edge) // middle)
    picked = {*range(first, first + edge), *range(stop - edge, stop)}
    picked.update(range(first + edge, stop - edge, stride))
    return sorted(picked)
