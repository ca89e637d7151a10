"""``?``: every key, grouped, generated from the one table of commands."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..bindings import COMMANDS
from .modal import OnceModal

_KEY_NAMES = {
    "right": "→",
    "left": "←",
    "space": "space",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "plus": "+",
    "equals_sign": "=",
    "minus": "-",
    "question_mark": "?",
    "shift+up": "shift+↑",
    "shift+down": "shift+↓",
    "shift+left": "shift+←",
    "shift+right": "shift+→",
    "home": "Home",
    "end": "End",
}


def key_text(keys: str) -> str:
    return " / ".join(_KEY_NAMES.get(k, k) for k in keys.split(","))


def help_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold")
    table.add_column()
    group = None
    for c in COMMANDS:
        if c.group != group:
            group = c.group
            table.add_row("", Text(group, style="bold underline"))
        table.add_row(key_text(c.keys), c.help)
    table.add_row("", "")
    table.add_row("ctrl+p", "command palette: every action by name")
    table.add_row("tab", "move between the controls (Esc returns to the plot)")
    table.add_row("click", "on the plot: start from there (where a mouse exists)")
    return table


class HelpScreen(OnceModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("optiscope keys", style="bold"))
            yield Static(help_table())
