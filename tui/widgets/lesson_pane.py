"""The lesson beside the plot: the question, what to look at, the measured answer."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

if TYPE_CHECKING:
    from optiscope.core.lessons.lesson import Finding, Lesson

#: Figures wrap under their own text, not under the pane's left edge.
FIGURE_INDENT = 2
HANGING_INDENT = 4


def lesson_text(lesson: Lesson, found: Finding, width: int = 0) -> Text:
    """The whole lesson; with a ``width``, each measured figure wraps with a hanging indent
    so its value never lands at the pane's left edge among the labels."""
    text = Text()
    text.append(f"Lesson {lesson.number}  ", "bold")
    text.append(f"{lesson.title}\n", "bold")
    # The keys first: on a small terminal the pane fills the screen and its end is far down.
    text.append(f"{lesson.source} · i hides this · L other lessons\n\n", "dim")
    text.append("Question  ", "bold")
    text.append(f"{lesson.question}\n\n")
    text.append("Look at  ", "bold")
    text.append(f"{lesson.look_at}\n\n")
    text.append("How the settings were chosen\n", "bold")
    for label, choice in lesson.settings_chosen.items():
        _append_figure(text, label, choice, width)
    text.append("\n")
    text.append("Measured\n", "bold")
    for fig in found.figures:
        _append_figure(text, fig.label, fig.text, width)
    text.append("\nAnswer  ", "bold")
    text.append(found.answer)
    return text


def _append_figure(text: Text, label: str, value: str, width: int) -> None:
    head = " " * FIGURE_INDENT + f"{label}: "
    if width <= 0 or cell_len(head + value) <= width:
        text.append(head, "dim")
        text.append(f"{value}\n")
        return
    # Wrap label and value as one paragraph, then style the label's part dim.
    lines = textwrap.wrap(
        f"{label}: {value}",
        width=max(10, width - FIGURE_INDENT),
        subsequent_indent=" " * (HANGING_INDENT - FIGURE_INDENT),
        break_on_hyphens=False,
    )
    label_left = len(label) + 2
    for line in lines:
        text.append(" " * FIGURE_INDENT)
        body = line.lstrip(" ")
        text.append(line[: len(line) - len(body)])
        dim = min(label_left, len(body))
        text.append(body[:dim], "dim")
        text.append(body[dim:] + "\n")
        label_left = max(0, label_left - len(body) - 1)


class LessonText(Static):
    """Rebuilt at its own width, so the figures' hanging indents follow a resize."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lesson: tuple[Lesson, Finding] | None = None

    def show(self, lesson: Lesson, found: Finding) -> None:
        self._lesson = (lesson, found)
        self.refresh(layout=True)

    def render(self) -> Text:
        if self._lesson is None:
            return Text()
        return lesson_text(*self._lesson, self.content_region.width)


class LessonPane(VerticalScroll):
    """Scrolls with the mouse or, once focused (Tab), the arrow keys."""

    DEFAULT_CSS = """
    LessonPane { display: none; padding: 0 1; }
    LessonPane Static { width: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield LessonText(id="lesson-text")

    def show(self, lesson: Lesson, found: Finding) -> None:
        self.query_one(LessonText).show(lesson, found)
        self.scroll_home(animate=False)
