"""Rich tables of a comparison: one table per run, then a one-line summary per run."""

from __future__ import annotations

import io
import shutil
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from optiscope.core.columns import (
    Array,
    RecordColumn,
    column_values,
    record_columns,
    run_source,
    sound,
)
from optiscope.core.export import kept_rows
from optiscope.core.format import fmt
from optiscope.core.metrics import nearest_minimum, path_length
from optiscope.core.surfaces import Surface
from optiscope.core.trajectory import Trajectory

_WIDE = 240


def render_tables(
    surface: Surface, start: tuple[float, float], runs: list[Trajectory], every: int
) -> str:
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((_WIDE, 40)).columns if tty else _WIDE
    buf = io.StringIO()
    console = Console(
        file=buf, width=max(width, 100), force_terminal=tty, highlight=False, soft_wrap=False
    )
    console.print(
        Text.assemble(
            (surface.title, "bold"),
            f"  {surface.formula}  from ({fmt(start[0])}, {fmt(start[1])})",
        )
    )
    for traj in runs:
        console.print(step_table(surface, traj, every))
    console.print(summary_table(surface, runs))
    return buf.getvalue()


def step_table(surface: Surface, traj: Trajectory, every: int) -> Table:
    """Every ``every``-th record and the last, one line each: the schema's table columns."""
    table = Table(
        title=f"{traj.setup.label}: {traj.status.text()}",
        title_justify="left",
        header_style="bold",
        pad_edge=False,
        expand=False,
    )
    src = run_source(traj)
    values: list[tuple[RecordColumn, Array]] = []
    for column in record_columns(traj, "table"):
        for header in column.table_headers(surface.coords):
            table.add_column(header, justify="right", no_wrap=True)
        values += [(column, v) for v in column_values(column, src)]
    ok = sound(src)
    for k in kept_rows(len(traj), every).tolist():
        table.add_row(*[column.text(float(v[k]), bool(ok[k])) for column, v in values])
    return table


def summary_table(surface: Surface, runs: list[Trajectory]) -> Table:
    table = Table(title="summary", title_justify="left", header_style="bold", pad_edge=False)
    for h in ("run", "status", "final point", "final loss", "path length", "reached"):
        table.add_column(h, no_wrap=True)
    for traj in runs:
        final = traj[len(traj) - 1]
        reached = nearest_minimum(surface, final.params)
        table.add_row(
            traj.setup.label,
            traj.status.text(),
            f"({fmt(final.params[0])}, {fmt(final.params[1])})",
            fmt(final.loss),
            fmt(path_length(traj)),
            "—"
            if reached is None
            else f"{reached.label} ({fmt(reached.point[0])}, {fmt(reached.point[1])})",
        )
    return table
