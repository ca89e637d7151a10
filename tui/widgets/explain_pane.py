"""The update rule in force, then the same rule with this step's numbers, in full."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..explorer.snapshot import Shown


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


class ExplainPane(Static):
    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    DEFAULT_CSS = """
    ExplainPane {
        height: auto; max-height: 70%; padding: 0 1; overflow-y: auto;
        border-top: solid $primary-darken-2; display: none;
    }
    """

    def show(self, shown: Shown) -> None:
        self.update(explain_text(shown))
