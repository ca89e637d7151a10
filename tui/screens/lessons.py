"""``L``: pick a lesson; each has a letter, so any lesson opens with one more key."""

from __future__ import annotations

from string import ascii_lowercase
from typing import ClassVar

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


class LessonScreen(OnceModal[str | None]):
    """Returns the chosen lesson's id."""

    DEFAULT_CSS = """
    LessonScreen { align: center middle; }
    LessonScreen > Vertical {
        width: 90; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    LessonScreen OptionList { height: auto; max-height: 18; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-lesson")
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Lessons: press a letter, or pick one and press Enter")
            yield OptionList(
                *[
                    Option(
                        Text.assemble(
                            (f"{key}  ", "bold"),
                            (f"{LESSONS[i].title}", ""),
                            (f"  ({LESSONS[i].source})", "dim"),
                        ),
                        id=lesson_id,
                    )
                    for i, (key, lesson_id) in enumerate(LESSON_KEYS.items())
                ],
                id="lesson-choices",
            )

    def on_mount(self) -> None:
        # Now, not on the next idle: the letter typed right after L picks the lesson.
        self.focus_now("OptionList")

    def on_key(self, event: events.Key) -> None:
        if event.character in LESSON_KEYS:
            event.stop()
            self.dismiss(LESSON_KEYS[event.character])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(str(event.option.id))
