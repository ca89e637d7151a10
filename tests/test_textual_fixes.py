"""The Textual fixes in tui/textual_fixes.py: each bug still reproduces with Textual's own
code (so the fix is still needed; if this fails after a Textual upgrade, drop the fix), and
each fix is installed by the app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from rich.console import Console
from rich.segment import ControlType
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import OptionList

from optiscope.tui import textual_fixes
from optiscope.tui.app import OptiscopeApp


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


# -- a partial repaint asks widgets only for the lines drawn ----------------------------------


class Terminal:
    """The cells a terminal shows after the updates the app wrote to it."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[tuple[str, object]]] = [[(" ", None)] * width for _ in range(height)]

    def write(self, update: object, console: Console) -> None:
        x = y = 0
        for segment in update.__rich_console__(console, console.options):  # type: ignore[attr-defined]
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                x, y = 0, y + 1
                continue
            for char in segment.text:
                if 0 <= y < self.height and 0 <= x < self.width:
                    self.cells[y][x] = (char, segment.style)
                x += 1

    def differences(self, other: Terminal) -> list[str]:
        return [
            f"line {y}: {''.join(c for c, _ in mine)!r} != {''.join(c for c, _ in theirs)!r}"
            for y, (mine, theirs) in enumerate(zip(self.cells, other.cells, strict=True))
            if mine != theirs
        ]


@contextmanager
def terminal_of(app: App[None], size: tuple[int, int]) -> Iterator[Terminal]:
    """Every update the app's screens render, written to a Terminal."""
    terminal = Terminal(*size)
    real = Compositor.render_update

    def written(compositor: Compositor, *args: object, **kwargs: object) -> object:
        update = real(compositor, *args, **kwargs)  # type: ignore[arg-type]
        if update is not None:
            terminal.write(update, app.console)
        return update

    Compositor.render_update = written  # type: ignore[method-assign,assignment]
    try:
        yield terminal
    finally:
        Compositor.render_update = real  # type: ignore[method-assign]


def repainted_in_full(app: App[None], size: tuple[int, int]) -> Terminal:
    screen = app.screen
    update = screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    terminal = Terminal(*size)
    terminal.write(update, app.console)
    return terminal


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_the_terminal_shows_what_a_full_repaint_shows_after_each_key(
    size: tuple[int, int],
) -> None:
    """Steps, vectors, the explain pane, focus, zoom, sparklines, the loss view and a
    dialog: after each key, the cells the partial repaints left on the terminal are the
    cells a full repaint draws (so the fix leaves nothing stale, nor do the widgets that
    repaint a few rows)."""
    from optiscope.core.surfaces import get_surface
    from optiscope.tui.model import ExplorerModel

    assert Compositor._render_chops is textual_fixes._render_drawn_lines  # installed
    app = OptiscopeApp(ExplorerModel.create(get_surface("rosenbrock")))
    with terminal_of(app, size) as terminal:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in [*"nnnnV", *"nnppx", *"nnonn", *"s+nn-", "C", *"nnvnn", "v", "g", "escape"]:
                await pilot.press(key)
                for _ in range(3):  # a repaint a key asks for after its frame
                    await pilot.pause()
                assert terminal.differences(repainted_in_full(app, size)) == [], key


async def test_textual_still_asks_every_widget_beside_a_change_for_all_its_lines() -> None:
    """Why the fix is there: with Textual's own repaint a step of the explorer renders the
    controls pane (nothing in it changed) in full; with the fix, not at all."""
    from optiscope.core.surfaces import get_surface
    from optiscope.tui.model import ExplorerModel
    from optiscope.tui.widgets.controls import ControlsPane

    app = OptiscopeApp(ExplorerModel.create(get_surface("rosenbrock")))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        await pilot.pause()
        pane = app.query_one(ControlsPane)
        asked: list[int] = []
        real_render_lines = pane.render_lines

        def counted(crop: Region) -> list[Strip]:
            asked.append(crop.height)
            return real_render_lines(crop)

        pane.render_lines = counted  # type: ignore[method-assign]
        for render_chops in (
            textual_fixes._original_render_chops,
            textual_fixes._render_drawn_lines,
        ):
            Compositor._render_chops = render_chops  # type: ignore[method-assign]
            try:
                asked.clear()
                await pilot.press("n")
                await pilot.pause()
            finally:
                Compositor._render_chops = textual_fixes._render_drawn_lines  # type: ignore[method-assign]
            if render_chops is textual_fixes._original_render_chops:
                assert asked == [pane.size.height]
            else:
                assert asked == []
