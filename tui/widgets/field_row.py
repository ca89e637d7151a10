"""One labelled input with an inline error line: invalid text never reaches the model."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static

#: Applies the text; returns an error message to show, or None when accepted.
Apply = Callable[[str], str | None]


class FieldRow(Widget):
    """``label [input]`` with the error under it; the last good value stays in the model."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: 1; }
    FieldRow Label { width: 9; color: $text-muted; }
    FieldRow Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    FieldRow Input.-invalid { background: $error 30%; }
    FieldRow .field-error { color: $error; height: auto; display: none; }
    FieldRow.-has-error .field-error { display: block; }
    """

    class Applied(Message):
        """Posted after a value was accepted."""

        def __init__(self, row: FieldRow) -> None:
            super().__init__()
            self.row = row

    def __init__(
        self, label: str, value: str, apply: Apply, tooltip: str = "", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._label = label
        self._value = value
        self._apply = apply
        self._tooltip = tooltip
        self.last_good = value

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self._label)
            field = Input(self._value, compact=True)
            if self._tooltip:
                field.tooltip = self._tooltip
            yield field
        yield Static("", classes="field-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)

    def set_value(self, text: str) -> None:
        """Show a value that changed elsewhere (no apply, no error)."""
        self.last_good = text
        self._value = text
        if self.is_mounted and self.input.value != text and not self.input.has_focus:
            with self.input.prevent(Input.Changed):
                self.input.value = text
            self._show_error(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self.last_good:
            self._show_error(None)
            return
        message = self._apply(event.value)
        self._show_error(message)
        if message is None:
            self.last_good = event.value
            self.post_message(self.Applied(self))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()

    def _show_error(self, message: str | None) -> None:
        self.set_class(message is not None, "-has-error")
        self.input.set_class(message is not None, "-invalid")
        self.query_one(".field-error", Static).update(message or "")
