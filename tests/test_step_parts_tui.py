"""u plays the current update in parts: each part shows lines of the explain pane (the same
numbers), n/→ and p/← walk them, past the last the step is taken, any other key ends it,
and keys typed in a burst keep their order."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import burst, go_to, settle

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.step_parts import StepPartsScreen
from optiscope.tui.widgets.explain_pane import ExplainPane
from optiscope.tui.widgets.step_caption import StepCaption


def make_app(tmp_path: Path) -> OptiscopeApp:
    return OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)


def parts(app: OptiscopeApp) -> StepPartsScreen:
    screen = app.screen
    assert isinstance(screen, StepPartsScreen)
    return screen


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_each_part_shows_the_explain_panes_lines_and_the_last_takes_the_step(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for focus in range(4):  # gd, momentum, rmsprop, adam: 3, 4, 5 and 5 parts
            await go_to(pilot, app, 3)
            await pilot.press("x")
            await pilot.pause()
            explain = str(app.query_one(ExplainPane).content)
            await pilot.press("x", "u")
            screen = parts(app)
            count = len(screen.played.frames)
            assert count == (3, 4, 5, 5)[focus]
            shown_lines: list[str] = []
            for i in range(count):
                caption = screen.query_one(StepCaption)
                assert caption.region.height > 0
                text = caption.render().plain
                frame = screen.played.frame
                assert frame.index == i + 1 and f"part {i + 1} of {count}" in text
                for line in frame.lines:
                    assert line in text, line
                    # The point and gradient the step starts from are the table's value and
                    # ∂ columns; every other line is the explain pane's own.
                    assert line in explain or line.startswith("p = (w, b) = ("), line
                shown_lines += frame.lines
                assert app.explorer.model.cursor == 3
                await pilot.press("n")
            # Every line of the explain pane's arithmetic was in some part.
            body = explain.split("\n")[2:]
            assert [ln for ln in body if ln and ln not in shown_lines] == []
            assert app.screen is app.explorer and app.explorer.model.cursor == 4
            await pilot.press("o")


async def test_back_forward_and_any_other_key_ends_without_acting(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o", "o", "n", "u")
        screen = parts(app)
        assert screen.played.shown == 0
        await pilot.press("p")  # at the first part: stays
        assert screen.played.shown == 0
        await pilot.press("right", "right", "left")
        assert screen.played.shown == 1
        await pilot.press("v")  # not a walking key: ends it, and the loss view stays off
        await pilot.pause()
        assert app.screen is app.explorer
        assert app.explorer.plot_view == "contours" and app.explorer.model.cursor == 1
        await pilot.press("u", "escape")
        await pilot.pause()
        assert app.screen is app.explorer and app.explorer.model.cursor == 1
        await pilot.press("u", "1")  # a named start, were the parts not playing
        await pilot.pause()
        assert app.screen is app.explorer and app.explorer.model.start == (-4.7, -1.3)


async def test_a_burst_of_keys_keeps_its_order(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o", "o")  # RMSprop: five parts
        await settle(pilot, app)
        burst(app, "u", "n", "n", "n", "n", "n", "u", "right")
        await settle(pilot, app)
        await pilot.pause()
        screen = parts(app)
        # Five parts walked, the step taken, the next update opened at its second part.
        assert app.explorer.model.cursor == 1
        assert screen.played.t == 1 and screen.played.shown == 1
        burst(app, "x", "x")
        await settle(pilot, app)
        # The first x ended the parts (and nothing else); the second opened the explain pane.
        assert app.screen is app.explorer and app.explorer.explaining


async def test_narrow_with_a_lesson_shown_the_parts_bring_the_plot_back(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("L", "a")
        await settle(pilot, app)
        assert app.explorer.plot.region.height == 0  # the lesson takes the column
        await pilot.press("u")
        await pilot.pause()
        assert app.explorer.plot.region.height >= 8
        caption = parts(app).query_one(StepCaption)
        assert caption.region.y >= app.explorer.plot.region.y + 8
