"""``a``: pick an optimizer (or type a spec such as ``rmsprop(lr=0.05)``) to compare."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from optiscope.core.optimizers import OPTIMIZERS

from .modal import OnceModal


class AddOptimizerScreen(OnceModal[str | None]):
    """Returns the spec to add; ``validate`` checks it first and its message is shown."""

    DEFAULT_CSS = """
    AddOptimizerScreen { align: center middle; }
    AddOptimizerScreen > Vertical {
        width: 84; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    AddOptimizerScreen OptionList { height: auto; max-height: 16; }
    AddOptimizerScreen .error { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel-add")
    ]

    def __init__(self, validate: Callable[[str], str | None]) -> None:
        super().__init__()
        self.validate = validate

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Add an optimizer: type a spec and press Enter, or Tab to the list")
            yield Input(placeholder="e.g. rmsprop(lr=0.05, beta=0.99)", id="spec-input")
            yield OptionList(
                *[
                    Option(Text.assemble((f"{name:<10}", "bold"), opt.summary), id=name)
                    for name, opt in OPTIMIZERS.items()
                ],
                id="optimizer-choices",
            )
            yield Label("", classes="error", id="add-error", markup=False)

    def on_mount(self) -> None:
        # Now, not on the next idle (``focus()``): keys typed right after a belong here.
        self.focus_now("#spec-input")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._try(str(event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._try(event.value)

    def _try(self, spec: str) -> None:
        message = self.validate(spec)
        if message is None:
            self.dismiss(spec)
        else:
            self.query_one("#add-error", Label).update(message)
