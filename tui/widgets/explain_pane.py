"""The update rule in force, then the same rule with this step's numbers, in full."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..explorer.snapshot import Shown
from .offscreen import NoRepaintWithoutCells


def explain_text(shown: Shown) -> Text:
    # Imported when the pane is first opened: it is not part of the first frame.
    from optiscope.core.step_explain import explain_step

    run = shown.focused_run
    t = run.index
    explanation = explain_step(run.trajectory, t)
    text = Text()
    text.append(run.marker, run.color)
    text.append(f" {run.label}", "bold")
    text.append(f"  step t = {t}", "dim")
    if run.optimizer.convention:
        text.append(f"  ({run.optimizer.convention})", "dim italic")
    text.append("\n")
    text.append("rule   ", "dim")
    text.append("   ".join(explanation.rule), "italic")
    for line in explanation.lines:
        text.append("\n")
        text.append(line)
    if explanation.geometry:
        text.append("\n")
        text.append(explanation.geometry, "bold")
    for note in explanation.notes:
        text.append("\n")
        text.append(note, "dim italic")
    return text


class ExplainPane(NoRepaintWithoutCells, Static):
    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    DEFAULT_CSS = """
    ExplainPane {
        height: auto; max-height: 70%; padding: 0 1; overflow-y: auto;
        border-top: solid $primary-darken-2; display: none;
    }
    """

    #: The text's height at a width, as last laid out: a step whose text takes as many
    #: lines repaints the pane without a layout pass (which cost ~5 ms of every step).
    _laid_out: tuple[int, int] | None = None

    def show(self, shown: Shown) -> None:
        self.update(explain_text(shown), layout=False)
        if not self.size.area:  # closed or squeezed out: laid out when it gets room
            self._laid_out = None
        elif (measured := self._measure()) != self._laid_out:
            self._laid_out = measured
            self.refresh(layout=True)

    def on_resize(self) -> None:
        # Textual has just laid the pane out around its present text.
        self._laid_out = self._measure() if self.size.area else None

    def _measure(self) -> tuple[int, int]:
        width = self.scrollable_content_region.width
        return width, self.get_content_height(self.container_size, self.app.size, width)
