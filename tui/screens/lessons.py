"""``L``: pick a lesson; each has a letter, so any lesson opens with one more key.

One line per lesson, cut with "…" to the dialog's width, so all of them fit at 80x24;
a list longer than the screen scrolls (its scrollbar shows it), the letters still work.
"""

from __future__ import annotations

from string import ascii_lowercase
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from optiscope.core.lessons.catalog import LESSONS

from .modal import OnceModal

#: The key that opens each lesson in the picker: a, b, c, … in lesson order.
LESSON_KEYS = dict(zip(ascii_lowercase, (lesson.id for lesson in LESSONS), strict=False))
#: The dialog's widest, and what its border, padding and the list's scrollbar take.
DIALOG_WIDTH = 90
CHROME = 2 + 2 + 2


def choice_line(key: str, title: str, source: str, width: int) -> Text:
    """``a  Title  (source)`` in one line of ``width`` cells: the source is cut first."""
    head = f"{key}  {title}"
    tail = f"  ({source})"
    if cell_len(head) > width:
        return Text(set_cell_size(head, width - 1) + "…", "bold")
    if cell_len(head + tail) > width:
        room = width - cell_len(head)
        tail = set_cell_size(tail, room - 1) + "…" if room > 4 else ""
    return Text.assemble((f"{key}  ", "bold"), (title, ""), (tail, "dim"))


class LessonScreen(OnceModal[str | None]):
    """Returns the chosen lesson's id."""

    DEFAULT_CSS = """
    LessonScreen { align: center middle; }
    LessonScreen > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LessonScreen OptionList, LessonScreen OptionList:focus {
        height: auto; border: none; padding: 0;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-lesson")
    ]

    def compose(self) -> ComposeResult:
        width = min(DIALOG_WIDTH, self.app.size.width) - CHROME
        last = list(LESSON_KEYS)[-1]
        with Vertical():
            yield Label(f"{len(LESSON_KEYS)} lessons: press a letter (a–{last}), or ↑↓ and Enter")
            yield OptionList(
                *[
                    Option(
                        choice_line(key, LESSONS[i].title, LESSONS[i].source, width),
                        id=lesson_id,
                    )
                    for i, (key, lesson_id) in enumerate(LESSON_KEYS.items())
                ],
                id="lesson-choices",
            )

    def on_mount(self) -> None:
        # All the rows the screen has but the dialog's border and its line of text.
        choices = self.query_one(OptionList)
        choices.styles.max_height = max(3, self.app.size.height - 3)
        # Now, not on the next idle: the letter typed right after L picks the lesson.
        self.focus_now("OptionList")

    def on_key(self, event: events.Key) -> None:
        if event.character in LESSON_KEYS:
            event.stop()
            self.dismiss(LESSON_KEYS[event.character])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))
