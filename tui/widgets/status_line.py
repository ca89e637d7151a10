"""One line under the plot: step, loss, gradient norm and the focused run's status."""

from __future__ import annotations

import math

from rich.text import Text

from optiscope.core.format import fmt

from ..explorer.snapshot import Shown
from .text_lines import TextLines


def status_text(shown: Shown) -> Text:
    run = shown.focused_run
    loss = run.trajectory.value("loss", run.index)
    grad = run.trajectory.value("exact_grad", run.index)
    gnorm = math.hypot(float(grad[0]), float(grad[1]))
    status = run.status
    style = {"converged": "bold green", "diverged": "bold red"}.get(status.split()[0], "")
    # The play state first: on a narrow terminal the other runs' statuses are what gets cut.
    # Appended piece by piece: a step makes this line, and Text.assemble cost twice as much.
    text = Text()
    append = text.append
    if shown.running:
        append(f"▶ {shown.speed:g} steps/s  ", "bold")
    else:
        append("paused  ", "dim")
    append("t ", "dim")
    append(f"{shown.step}", "bold")
    if shown.note:
        append("  ")
        append(shown.note, "bold")
    if shown.computing is not None:
        # The cursor waits for the runs: say where it is going and how far they have got.
        append(f" → {shown.cursor} computing… {shown.computing:.0%}", "bold yellow")
    append("  loss ", "dim")
    append(fmt(loss))
    append("  ‖∇f‖ ", "dim")
    append(fmt(gnorm))
    append("  ")
    append(run.marker, run.color)
    append(f" {run.label}: ")
    append(status, style)
    for other in shown.runs:
        if other is not run and other.status != "running":
            append("  ")
            append(other.marker, other.color)
            append(f" {other.status.split(' (')[0]}", "dim")
    return text


class StatusLine(TextLines):
    """One line of fixed height: an update repaints it without a layout pass (a Static's
    ``update`` reflows the whole screen, which cost more than the rest of a step)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $boost; padding: 0 1; }
    """

    def show(self, shown: Shown) -> None:
        self.update(status_text(shown))
