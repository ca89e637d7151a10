"""One line under the plot: step, loss, gradient norm and the focused run's status."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widget import Widget

from optiscope.core.format import fmt

from ..model import ExplorerModel


def status_text(model: ExplorerModel, running: bool, speed: float) -> Text:
    run = model.focused_run
    step = model.record(run)
    gnorm = math.hypot(float(step.exact_grad[0]), float(step.exact_grad[1]))
    status = model.status_text(run)
    style = {"converged": "bold green", "diverged": "bold red"}.get(status.split()[0], "")
    # The play state first: on a narrow terminal the other runs' statuses are what gets cut.
    text = Text.assemble(
        (f"▶ {speed:g} steps/s  " if running else "paused  ", "bold" if running else "dim"),
        ("t ", "dim"),
        (f"{model.cursor}", "bold"),
        ("  loss ", "dim"),
        fmt(step.loss),
        ("  ‖∇f‖ ", "dim"),
        fmt(gnorm),
        "  ",
        (run.marker, run.color),
        f" {run.label}: ",
        (status, style),
    )
    others = [r for r in model.runs if r is not run and model.status_text(r) != "running"]
    for other in others:
        text.append("  ")
        text.append(other.marker, other.color)
        text.append(f" {model.status_text(other).split(' (')[0]}", "dim")
    return text


class StatusLine(Widget):
    """One line of fixed height: an update repaints it without a layout pass (a Static's
    ``update`` reflows the whole screen, which cost more than the rest of a step)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $boost; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    @property
    def text(self) -> Text:
        return self._text

    def update(self, text: Text) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text
