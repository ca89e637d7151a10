"""``?``: every key, grouped, generated from the one table of commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.widgets import Static

from ..bindings import Command
from .modal import OnceModal

#: Names read better than Textual's for these (it shows "home" and "esc").
_NAMED = {"home": "Home", "end": "End", "escape": "Esc", "space": "space"}


def key_text(keys: str) -> str:
    """``greater_than_sign`` -> ``>``, ``shift+up`` -> ``shift+↑``: keys as printed on them."""
    shown = []
    for key in keys.split(","):
        *modifiers, name = key.strip().split("+")
        shown.append("+".join([*modifiers, _NAMED.get(name) or format_key(name)]))
    return " / ".join(shown)


def help_table(commands: Sequence[Command], keymap: Mapping[str, str] | None = None) -> Table:
    """Every command of a screen, grouped; ``keymap`` (binding id -> keys) as the user set it."""
    keymap = keymap or {}
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold")
    table.add_column()
    table.add_column(style="dim")
    group = None
    for c in commands:
        if c.group != group:
            group = c.group
            table.add_row(
                "",
                Text(group, style="bold underline"),
                "id (for [keymap])" if group == commands[0].group else "",
            )
        table.add_row(key_text(keymap.get(c.id, c.keys)), c.help, c.id)
    table.add_row("", "")
    table.add_row("ctrl+p", "command palette: every action by name")
    table.add_row("tab", "move between the controls (Esc returns to the plot)")
    table.add_row("click", "on the plot: start from there (where a mouse exists)")
    return table


class HelpScreen(OnceModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]

    def __init__(self, commands: Sequence[Command]) -> None:
        super().__init__()
        self.commands = commands

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("optiscope keys", style="bold"))
            yield Static(help_table(self.commands, getattr(self.app, "keymap", None)))
