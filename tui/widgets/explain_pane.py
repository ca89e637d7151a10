"""The update rule in force, then the same rule with this step's numbers, in full."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from optiscope.core.step_explain import explain_step

from ..model import ExplorerModel


def explain_text(model: ExplorerModel) -> Text:
    run = model.focused_run
    t = min(model.cursor, len(run.trajectory) - 1)
    explanation = explain_step(run.trajectory, t)
    text = Text()
    text.append(run.marker, run.color)
    text.append(f" {run.label}", "bold")
    text.append(f"  step t = {t}", "dim")
    if run.setup.optimizer.convention:
        text.append(f"  ({run.setup.optimizer.convention})", "dim italic")
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
    DEFAULT_CSS = """
    ExplainPane {
        height: auto; max-height: 70%; padding: 0 1; overflow-y: auto;
        border-top: solid $primary-darken-2; display: none;
    }
    ExplainPane.-visible { display: block; }
    """
