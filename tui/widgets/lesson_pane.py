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
    if lesson.exercise is not None:
        text.append("\n\nYour turn (y)  ", "bold")
        text.append(lesson.exercise.prompt)
        text.append("  Press y to answer it before the step shows.", "dim")
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


#: What the pane's last row says while the text runs past it, and once at its end.
MORE_BELOW = "▼ more below · J down · K up · wheel"
AT_END = "▲ the end · K back up"


class LessonPane(VerticalScroll):
    """Scrolls with J and K from the plot (no need to focus it), or the mouse wheel; its
    last row says so whenever the text runs past the pane."""

    DEFAULT_CSS = """
    LessonPane { display: none; padding: 0 1; }
    LessonPane Static { width: 100%; }
    LessonPane #lesson-more {
        dock: bottom; height: 1; display: none; color: $text-muted; background: $boost;
    }
    LessonPane #lesson-more.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Made now: the explorer mounts the pane when a lesson is first shown and gives it
        # the lesson at once, before its children are composed.
        self._text = LessonText(id="lesson-text")

    def compose(self) -> ComposeResult:
        yield self._text
        yield Static("", id="lesson-more")

    def show(self, lesson: Lesson, found: Finding) -> None:
        self._text.show(lesson, found)
        self.scroll_home(animate=False)
        self.call_after_refresh(self._say_more)

    def scroll_page(self, pages: int) -> None:
        """A page down (1) or up (−1), keeping two lines of the last page in view."""
        page = max(1, self.scrollable_content_region.height - 2)
        self.scroll_relative(y=pages * page, animate=False)
        self._say_more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._say_more()

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_more)

    def _say_more(self) -> None:
        hint = self.query("#lesson-more").results(Static)
        more = next(hint, None)
        if more is None:
            return
        runs_past = self.max_scroll_y > 0
        more.set_class(runs_past, "-shown")
        if runs_past:
            more.update(MORE_BELOW if self.scroll_y < self.max_scroll_y else AT_END)
