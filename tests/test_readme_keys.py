"""The README's key table names the keys the explorer binds (``tui/bindings.py`` is the
source of truth): every command with a key of its own is in the table, and every key in
the table is bound."""

from __future__ import annotations

import re
from pathlib import Path

from optiscope.tui.bindings import EXPLORER, STEPPING

README = Path(__file__).resolve().parents[1] / "README.md"
#: Textual's key names as the README writes them.
SHOWN = {
    "right": "→", "left": "←", "space": "space", "right_square_bracket": "]",
    "left_square_bracket": "[", "home": "Home", "end": "End", "plus": "+", "minus": "-",
    "equals_sign": "=", "greater_than_sign": ">", "less_than_sign": "<", "question_mark": "?",
    "asterisk": "*", "slash": "/", "left_curly_bracket": "{", "right_curly_bracket": "}",
}  # fmt: skip
#: Keys the table writes as a group rather than one by one.
GROUPED = {"shift+up", "shift+down", "shift+left", "shift+right", "equals_sign"}


def key_table() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Keys", 1)[1].split("\n### ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def table_keys(column: int = 2) -> set[str]:
    """Every backticked token in the table's key column (2) or its action column (3), where
    a row names a related key in passing (`]` / `[` beside `space`)."""
    found: set[str] = set()
    for row in key_table().splitlines():
        cells = row.split("|")
        if len(cells) > 3:
            found |= set(re.findall(r"`([^`]+)`", cells[column]))
    return found


def bound_keys() -> dict[str, str]:
    """Shown key → binding id, for the explorer's and the shared stepping commands."""
    out = {}
    for command in (*STEPPING, *EXPLORER):
        for key in command.keys.split(","):
            out[SHOWN.get(key, key)] = command.id
    return out


def test_every_explorer_command_is_in_the_readmes_key_table() -> None:
    shown = table_keys(2) | table_keys(3)
    missing = [
        command.id
        for command in (*STEPPING, *EXPLORER)
        if not any(SHOWN.get(k, k) in shown for k in command.keys.split(",") if k not in GROUPED)
    ]
    assert missing == []


def test_every_key_in_the_readmes_table_is_bound() -> None:
    bound = bound_keys()
    # `shift`+arrows stands for the four shift bindings; `L then a letter` is one row.
    unbound = sorted(k for k in table_keys(2) if k not in bound and k != "shift")
    assert unbound == []


def test_end_is_described_as_the_end_of_the_run_as_the_binding_says() -> None:
    last = next(c for c in STEPPING if c.id == "last")
    assert "--steps, or as far as stepped" in last.help
    assert "`End` the end of the run (`--steps`, or as far as stepped)" in key_table()
