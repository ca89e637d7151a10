"""The Textual fixes in tui/textual_fixes.py: each bug still reproduces with Textual's own
code (so the fix is still needed; if this fails after a Textual upgrade, drop the fix), and
each fix is installed by the app."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import OptionList

from optiscope.tui import textual_fixes
from optiscope.tui.app import OptiscopeApp  # noqa: F401  (importing the app installs them)


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield OptionList("a", "b", "c", id="list")


async def test_paging_a_list_with_no_lines_laid_out_is_a_textual_bug_still() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        options = app.query_one(OptionList)
        options.highlighted = 0
        options._index_to_line.clear()  # as before the list's first layout
        with pytest.raises(KeyError):
            textual_fixes._original_move_page(options, 1)


async def test_the_app_pages_a_list_with_no_lines_laid_out_without_crashing() -> None:
    assert OptionList._move_page is textual_fixes._move_page_when_laid_out
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        options = app.query_one(OptionList)
        options.highlighted = 0
        options._index_to_line.clear()
        options._move_page(1)  # nothing happens
        assert options.highlighted == 0


async def test_a_laid_out_list_still_pages_as_textual_pages_it() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        options = app.query_one(OptionList)
        options.focus()
        options.highlighted = 0
        await pilot.press("pagedown")
        assert options.highlighted == 2
