"""One labelled input with an inline error line: what is typed is applied only when the
learner is done with it (Enter, Tab, leaving the field), and only if it is valid.

While typing, ``check`` (a pure function: nothing is applied) marks the text as it goes, so
"1.5" for β is red before Enter; half-typed text such as the "0" on the way to "0.9" is
never applied. The value goes up as an ``Edit`` message; the screen's answer comes back
through ``show_result``: the last good value stays until a new one is accepted.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ..explorer.messages import Edit

#: Checks typed text without applying it: the reason it would be refused, or None.
Check = Callable[[str], str | None]


class FieldRow(Widget):
    """``label [input]`` with the error under it; ``field`` names what an Edit changes."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > Horizontal { height: 1; }
    FieldRow Label { width: 9; color: $text-muted; }
    FieldRow Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    FieldRow Input.-invalid { background: $error 30%; }
    FieldRow .field-error { color: $error; height: auto; display: none; }
    FieldRow.-has-error .field-error { display: block; }
    """

    def __init__(
        self,
        label: str,
        value: str,
        field: str,
        check: Check | None = None,
        tooltip: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._label = label
        self._value = value
        self.field = field
        self._check = check
        self._tooltip = tooltip
        #: The value in force (what the model has); the box may show other text meanwhile.
        self.last_good = value
        #: Text sent up and not answered yet (so leaving the field does not send it twice).
        self._sent: str | None = None

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

    def set_label(self, label: str) -> None:
        self._label = label
        for shown in self.query(Label):  # none until composed
            shown.update(label)

    def set_value(self, text: str) -> None:
        """Show a value that changed elsewhere (nothing is sent, no error)."""
        self.last_good = text
        self._value = text
        if not self._whole():
            return  # composed with it, or being removed
        if self.input.value != text and not self.input.has_focus:
            with self.input.prevent(Input.Changed):
                self.input.value = text
            self._show_error(None)

    def _whole(self) -> bool:
        """Mounted with both its box and its error line: a row that the form is mounting or
        removing (a rebuild runs between two frames) may have one without the other."""
        return self.is_mounted and bool(self.query(Input)) and bool(self.query(".field-error"))

    # -- typing: checked as it goes, never applied ------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value == self.last_good or self._check is None:
            self._show_error(None)
            return
        self._show_error(self._check(event.value))

    # -- done typing: applied -----------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.commit()
        self.screen.focus_next()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.input:
            self.commit()

    def commit(self) -> None:
        """Send what is typed up as an Edit, unless it is what is in force already."""
        text = self.input.value
        if text in (self.last_good, self._sent):
            if text == self.last_good:
                self._show_error(None)
            return
        self._sent = text
        # Straight to the screen, not bubbling up through the panes: Enter also moves the
        # focus, which repaints the whole screen, and the edit must reach the screen before
        # that frame is drawn so the frame shows it applied ("computing…" at step 50,000).
        edit = Edit(self.field, text, lambda error: self.show_result(text, error))
        self.screen.post_message(edit)

    def show_result(self, text: str, error: str | None) -> None:
        """The screen's answer to an Edit: accepted (the new value in force) or why not."""
        if self._sent == text:
            self._sent = None
        if error is None:
            self.last_good = text
        if self._whole() and self.input.value == text:
            self._show_error(error)

    def _show_error(self, message: str | None) -> None:
        if not self._whole():
            return
        self.set_class(message is not None, "-has-error")
        self.input.set_class(message is not None, "-invalid")
        line = self.query_one(".field-error", Static)
        if str(line.content) != (message or ""):  # an update lays the screen out again
            line.update(message or "")
