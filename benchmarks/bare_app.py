"""A bare Textual app (a label and a key) to measure the terminal round trip itself."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Label


class BareApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("n", "step", "Next"), ("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.t = 0

    def compose(self) -> ComposeResult:
        yield Label("t 0", id="t")
        yield Footer()

    def action_step(self) -> None:
        self.t += 1
        self.query_one(Label).update(f"t {self.t}")


if __name__ == "__main__":
    BareApp().run()
