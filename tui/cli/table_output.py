"""The tables of a comparison: one per run, then a one-line summary per run."""

from __future__ import annotations

import io
import shutil
import sys
from typing import TYPE_CHECKING

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

from .box_table import BOLD, RESET, BoxTable

if TYPE_CHECKING:
    from rich.table import Table

_WIDE = 240


def render_tables(
    surface: Surface, start: tuple[float, float], runs: list[Trajectory], every: int
) -> str:
    tty = sys.stdout.isatty()
    width = max(shutil.get_terminal_size((_WIDE, 40)).columns if tty else _WIDE, 100)
    tables = [step_box(surface, traj, every) for traj in runs] + [summary_box(surface, runs)]
    heading = f"  {surface.formula}  from ({fmt(start[0])}, {fmt(start[1])})"
    if all(table.fits(width) for table in tables):
        # The usual case, drawn directly (see box_table); Rich only for what must shrink.
        title = f"{BOLD}{surface.title}{RESET}" if tty else surface.title
        lines = [title + heading]
        for table in tables:
            lines += table.lines(styled=tty)
        return "\n".join(lines) + "\n"
    from rich.console import Console
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=tty, highlight=False, soft_wrap=False)
    console.print(Text.assemble((surface.title, "bold"), heading))
    for table in tables:
        console.print(rich_table(table))
    return buf.getvalue()


def step_box(surface: Surface, traj: Trajectory, every: int) -> BoxTable:
    """Every ``every``-th record and the last, one line each: the schema's table columns."""
    src = run_source(traj)
    headers: list[str] = []
    values: list[tuple[RecordColumn, Array]] = []
    for column in record_columns(traj, "table"):
        headers += column.table_headers(surface.coords)
        values += [(column, v) for v in column_values(column, src)]
    ok = sound(src)
    rows = [
        [column.text(float(v[k]), bool(ok[k])) for column, v in values]
        for k in kept_rows(len(traj), every).tolist()
    ]
    return BoxTable(f"{traj.setup.label}: {traj.status.text()}", headers, rows, "right")


def step_table(surface: Surface, traj: Trajectory, every: int) -> Table:
    """The same as a Rich table (for a terminal too narrow for it, where Rich shrinks it)."""
    return rich_table(step_box(surface, traj, every))


def summary_box(surface: Surface, runs: list[Trajectory]) -> BoxTable:
    headers = ("run", "status", "final point", "final loss", "path length", "reached")
    rows = []
    for traj in runs:
        final = traj[len(traj) - 1]
        reached = nearest_minimum(surface, final.params)
        rows.append(
            [
                traj.setup.label,
                traj.status.text(),
                f"({fmt(final.params[0])}, {fmt(final.params[1])})",
                fmt(final.loss),
                fmt(path_length(traj)),
                "—"
                if reached is None
                else f"{reached.label} ({fmt(reached.point[0])}, {fmt(reached.point[1])})",
            ]
        )
    return BoxTable("summary", headers, rows, "left")


def rich_table(box: BoxTable) -> Table:
    """``box`` as the Rich table it imitates."""
    from rich.table import Table

    table = Table(
        title=box.title, title_justify="left", header_style="bold", pad_edge=False, expand=False
    )
    for header in box.headers:
        table.add_column(header, justify=box.justify, no_wrap=True)
    for row in box.rows:
        table.add_row(*row)
    return table
