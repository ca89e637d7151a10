"""What the explorer's widgets send up: they never change the model or call the App.

A widget posts an ``Edit`` naming the field and the value (text as typed, a choice, a tick);
the screen applies it and answers through ``reply``.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

#: What an edit is sent to: called with None when applied, else with the reason.
Reply = Callable[[str | None], None]


class Edit(Message):
    """Change one field of the setup.

    ``field`` is ``surface``, ``surface-setting:NAME``, ``start-x``, ``start-y``,
    ``start-named`` (value: the index), ``noise-sigma``, ``noise-seed``, ``schedule`` or
    ``hp:NAME`` (a hyperparameter of the focused optimizer).
    """

    def __init__(self, field: str, value: object, reply: Reply | None = None) -> None:
        super().__init__()
        self.field = field
        self.value = value
        self.reply = reply


class FocusRun(Message):
    """Focus the compared run at ``index`` (a pick in the controls' list)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index


class OpenFormula(Message):
    """The surface list's "Type a formula…" entry: open the formula box."""
