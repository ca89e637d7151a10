"""The lesson beside the plot: the question, what to look at, the measured answer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from optiscope.core.lessons.lesson import Finding, Lesson


def lesson_text(lesson: Lesson, found: Finding) -> Text:
    text = Text()
    text.append(f"Lesson {lesson.number}  ", "bold")
    text.append(f"{lesson.title}\n", "bold")
    text.append(f"{lesson.source}\n\n", "dim")
    text.append("Question  ", "bold")
    text.append(f"{lesson.question}\n\n")
    text.append("Look at  ", "bold")
    text.append(f"{lesson.look_at}\n\n")
    text.append("Measured\n", "bold")
    for fig in found.figures:
        text.append(f"  {fig.label}: ", "dim")
        text.append(f"{fig.text}\n")
    text.append("\nAnswer  ", "bold")
    text.append(found.answer)
    text.append("\n\ni hides this · L other lessons", "dim")
    return text


class LessonPane(VerticalScroll):
    """Scrolls with the mouse or, once focused (Tab), the arrow keys."""

    DEFAULT_CSS = """
    LessonPane { display: none; padding: 0 1; }
    LessonPane Static { width: 100%; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-text")

    def show(self, lesson: Lesson, found: Finding) -> None:
        self.query_one("#lesson-text", Static).update(lesson_text(lesson, found))
        self.scroll_home(animate=False)
