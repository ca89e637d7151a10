"""``g``: type a step number and go there."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from .modal import OnceModal

#: "100,000" and then some: enough for any step, short enough to read at a glance.
MAX_CHARS = 12


class JumpScreen(OnceModal[int | None]):
    DEFAULT_CSS = """
    JumpScreen { align: center middle; }
    JumpScreen > Vertical {
        width: 40; height: auto; border: round $accent; background: $surface; padding: 0 1;
    }
    JumpScreen .error { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-jump")
    ]

    def __init__(self, current: int, limit: int) -> None:
        super().__init__()
        self.current = current
        self.limit = limit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Jump to step (0 … {self.limit:,})")
            # Not type="integer": Textual checks that with the pattern (?:\d*|\d+_)*, whose
            # nested quantifiers backtrack exponentially on a long run of digits followed by
            # a letter (40 digits and an "e" froze the app for minutes).
            yield Input(
                str(self.current), id="step-input", restrict=r"[0-9,_]*", max_length=MAX_CHARS
            )
            yield Label("", classes="error", id="jump-error", markup=False)

    def on_mount(self) -> None:
        # Now, not on the next idle: "g 1 5 Enter" typed at once jumps to 15. The current
        # step is selected, so what is typed replaces it.
        self.focus_now("#step-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip().replace(",", "").replace("_", "")
        try:
            step = int(text)
        except ValueError:
            self.query_one("#jump-error", Label).update(f"not a whole number: {event.value!r}")
            return
        if not 0 <= step <= self.limit:
            self.query_one("#jump-error", Label).update(f"must be in 0 … {self.limit:,}")
            return
        self.dismiss(step)
