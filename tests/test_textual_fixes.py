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


async def test_watchers_of_removed_widgets_are_dropped_when_a_new_one_watches() -> None:
    from textual.widgets import Label

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("host", id="host")

    app = Host()
    async with app.run_test() as pilot:
        host = app.query_one("#host")
        for _ in range(5):
            child = Label("watcher")
            await app.screen.mount(child)
            child.watch(host, "disabled", lambda _old, _new: None, init=False)
            await child.remove()
        await pilot.pause()
        fresh = Label("fresh")
        await app.screen.mount(fresh)
        fresh.watch(host, "disabled", lambda _old, _new: None, init=False)
        watchers = getattr(host, "__watchers")["disabled"]
        assert [w for w, _ in watchers] == [fresh]  # the five removed ones are gone


async def test_signal_subscribers_that_closed_are_dropped() -> None:
    from textual.widgets import Input

    app = ListApp()
    async with app.run_test() as pilot:
        for _ in range(5):
            box = Input()
            await app.screen.mount(box)  # an Input subscribes to the screen's signal
            await box.remove()
        await pilot.pause()
        last = Input()
        await app.screen.mount(last)
        await pilot.pause()
        subscribers = list(app.screen.text_selection_started_signal._subscriptions)
        assert all(not (s._closed or s._closing) for s in subscribers)
        assert last in subscribers


def test_the_inner_and_outer_styles_no_longer_keep_the_styles_cache() -> None:
    from textual._styles_cache import StylesCache
    from textual.color import Color

    base, back = Color(10, 20, 30), Color(40, 50, 60)
    cache = StylesCache()
    assert cache.get_inner_outer(base, back) == textual_fixes._original_inner_outer(
        None, base, back
    )
    assert StylesCache.get_inner_outer is textual_fixes._get_inner_outer
