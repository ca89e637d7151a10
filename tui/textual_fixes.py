"""Fixes for Textual bugs a key storm reaches, in one place (the only module of tui/ that
touches Textual's private API; tests/test_textual_fixes.py guards each fix).

- OptionList page keys before the list is laid out: ``_move_page`` reads
  ``_index_to_line[highlighted]``, which is empty while the list has no height yet (a
  command palette opened in a 40x12 terminal, Page Down pressed at once): KeyError 0 and
  the app crashes. Paging a list that shows no lines does nothing instead.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

_original_move_page = OptionList._move_page


def _move_page_when_laid_out(self: OptionList, direction: Any) -> None:
    if (self.highlighted or 0) not in self._index_to_line or not self._lines:
        return  # nothing laid out to page through yet
    _original_move_page(self, direction)


def apply() -> None:
    """Install the fixes (idempotent)."""
    OptionList._move_page = _move_page_when_laid_out  # type: ignore[method-assign]
