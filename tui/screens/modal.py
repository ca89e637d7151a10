"""A modal screen that can be dismissed only once.

Keys can arrive in bursts (a held Escape, a pasted sequence): a second dismiss queued
before the first pop would otherwise pop the explorer itself.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


async def _nothing() -> None:
    return None


class OnceModal(ModalScreen[ResultType]):
    _dismissed = False

    def focus_now(self, selector: str) -> None:
        """Focus a box at once, not on the next idle (``focus()``): keys typed right after
        the key that opened the dialog belong in it. Nothing to do if the dialog was never
        composed (the app is closing)."""
        for widget in self.query(selector).results():
            self.set_focus(widget)
            return

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        if self._dismissed or not self.is_current:
            return AwaitComplete(_nothing())
        self._dismissed = True
        return super().dismiss(result)
