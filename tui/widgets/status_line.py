"""One line under the plot: step, loss, gradient norm and the focused run's status."""

from __future__ import annotations

import math

from rich.text import Text

from optiscope.core.format import fmt

from ..explorer.snapshot import Shown
from .text_lines import TextLines


def status_text(shown: Shown) -> Text:
    run = shown.focused_run
    step = run.record
    gnorm = math.hypot(float(step.exact_grad[0]), float(step.exact_grad[1]))
    status = run.status
    style = {"converged": "bold green", "diverged": "bold red"}.get(status.split()[0], "")
    # The play state first: on a narrow terminal the other runs' statuses are what gets cut.
    text = Text.assemble(
        (
            f"▶ {shown.speed:g} steps/s  " if shown.running else "paused  ",
            "bold" if shown.running else "dim",
        ),
        ("t ", "dim"),
        (f"{shown.step}", "bold"),
    )
    if shown.note:
        text.append_text(Text.assemble("  ", (shown.note, "bold")))
    if shown.computing is not None:
        # The cursor waits for the runs: say where it is going and how far they have got.
        text.append_text(
            Text.assemble(
                (f" → {shown.cursor} computing… {shown.computing:.0%}", "bold yellow"),
            )
        )
    text.append_text(
        Text.assemble(
            ("  loss ", "dim"),
            fmt(step.loss),
            ("  ‖∇f‖ ", "dim"),
            fmt(gnorm),
            "  ",
            (run.marker, run.color),
            f" {run.label}: ",
            (status, style),
        )
    )
    others = [r for r in shown.runs if r is not run and r.status != "running"]
    for other in others:
        text.append("  ")
        text.append(other.marker, other.color)
        text.append(f" {other.status.split(' (')[0]}", "dim")
    return text


class StatusLine(TextLines):
    """One line of fixed height: an update repaints it without a layout pass (a Static's
    ``update`` reflows the whole screen, which cost more than the rest of a step)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $boost; padding: 0 1; }
    """

    def show(self, shown: Shown) -> None:
        self.update(status_text(shown))
