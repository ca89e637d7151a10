"""Rich tables of a comparison: one table per run, then a one-line summary per run."""

from __future__ import annotations

import io
import shutil
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from optiscope.core.format import fmt
from optiscope.core.metrics import nearest_minimum, path_length
from optiscope.core.step_geometry import angle_to_descent, degrees, step_length
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
    x, y = surface.coords
    table = Table(
        title=f"{traj.setup.label}: {traj.status.text()}",
        title_justify="left",
        header_style="bold",
        pad_edge=False,
        expand=False,
    )
    headers = ["t", x, y, "loss", f"∂{x}", f"∂{y}"]
    symbols = {f.name: f.symbol for f in (*traj.fields, *traj.setup.optimizer.extra_fields)}
    for name in traj.state_names:
        headers += [f"{symbols.get(name, name)} {x}", f"{symbols.get(name, name)} {y}"]
    headers += [f"ηeff {x}", f"ηeff {y}", f"Δ{x}", f"Δ{y}", "‖Δ‖", "∠−∇f"]
    for h in headers:
        table.add_column(h, justify="right", no_wrap=True)
    last = len(traj) - 1
    for k in range(len(traj)):
        if k % every and k != last:
            continue
        s = traj[k]
        cells = [
            str(s.t),
            fmt(s.params[0]),
            fmt(s.params[1]),
            fmt(s.loss),
            fmt(s.grad[0]),
            fmt(s.grad[1]),
        ]
        for name in traj.state_names:
            value = s.state[name]
            if getattr(value, "shape", ()) == (2,):
                cells += [fmt(value[0]), fmt(value[1])]
            else:
                cells += [fmt(float(value)), ""]
        cells += [
            fmt(s.effective_lr[0]),
            fmt(s.effective_lr[1]),
            fmt(s.update[0]),
            fmt(s.update[1]),
            fmt(float(step_length(s.update))),
            degrees(float(angle_to_descent(s.exact_grad, s.update))),
        ]
        table.add_row(*cells)
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
