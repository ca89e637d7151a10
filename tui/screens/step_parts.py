"""``u``: the current update played in parts, under the plot.

n/→ and p/← walk the parts; past the last part the step is taken (the screen returns
True and the explorer steps on). Any other key ends it and does nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from ..bindings import COMMANDS, PLAYING, bindings, bound_keys
from ..widgets.step_caption import Played, StepCaption
from .covering import Area, CoveringModal


def _ending() -> list[BindingType]:
    """Every explorer key that is not a walking key ends the parts, as a binding: it runs
    in the order keys arrived, so the keys typed after it reach the explorer."""
    keys = sorted(bound_keys(COMMANDS) - bound_keys(PLAYING))
    return [Binding(key, "dismiss(False)", "", show=False) for key in keys]


class StepPartsScreen(CoveringModal[bool]):
    """Returns True when the learner walked past the last part (take the step)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings(PLAYING), *_ending()]

    def __init__(self, played: Played, area: Area) -> None:
        super().__init__(area)
        self.played = played

    def compose_cover(self) -> ComposeResult:
        yield StepCaption(id="caption")

    def on_mount(self) -> None:
        super().on_mount()
        self._show()

    def place(self) -> None:
        super().place()
        caption = self.query_one(StepCaption)
        caption.rows = self.rows_below
        caption.refresh(layout=True)

    def _show(self) -> None:
        self.query_one(StepCaption).show(self.played)

    def action_frame(self, delta: int) -> None:
        shown = self.played.shown + delta
        if shown >= len(self.played.frames):
            self.dismiss(True)
            return
        self.played = replace(self.played, shown=max(0, shown))
        self._show()

    def on_key(self, event: events.Key) -> None:
        """Any other key (one the explorer does not bind) ends the played step too."""
        if event.key in bound_keys(PLAYING):
            return  # its binding walks the parts
        event.stop()
        event.prevent_default()
        self.dismiss(False)
