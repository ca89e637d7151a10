"""A step repaints what changed and lays nothing out, whatever panes are open.

Textual rebuilds the whole layout (~5 ms at 120x40) when a widget asks for a layout pass or
when a widget that has no place on the screen asks for a repaint. Either, on every step,
cost a third of the key → screen budget; these tests catch both, at both sizes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual._compositor import Compositor
from textual.widget import Widget

from optiscope.core.surfaces import get_surface
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.widgets.explain_pane import ExplainPane

ROSENBROCK = get_surface("rosenbrock")
#: Keys that open panes and views, each tried on its own, then all together.
PANES = ["", "V", "x", "s", "C", "v", "t", "i", "G", "z", "xsC"]


class Layouts:
    """What the screen's compositor did while stepping."""

    def __init__(self) -> None:
        self.reflows = 0
        self.offscreen: list[str] = []


@contextmanager
def watching() -> Iterator[Layouts]:
    seen = Layouts()
    reflow, update_widgets = Compositor.reflow, Compositor.update_widgets

    def counted_reflow(compositor: Compositor, *args: object, **kwargs: object) -> object:
        seen.reflows += 1
        return reflow(compositor, *args, **kwargs)  # type: ignore[arg-type]

    def checked_update(compositor: Compositor, widgets: set[Widget]) -> None:
        if not compositor._full_map_invalidated:
            shown = compositor.visible_widgets
            seen.offscreen += [repr(w) for w in widgets if w not in shown]
        update_widgets(compositor, widgets)

    Compositor.reflow = counted_reflow  # type: ignore[assignment,method-assign]
    Compositor.update_widgets = checked_update  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Compositor.reflow = reflow  # type: ignore[method-assign]
        Compositor.update_widgets = update_widgets  # type: ignore[method-assign]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
@pytest.mark.parametrize("panes", PANES, ids=lambda keys: keys or "plain")
async def test_stepping_lays_nothing_out_and_paints_nothing_off_screen(
    tmp_path: Path, size: tuple[int, int], panes: str
) -> None:
    app = OptiscopeApp(ExplorerModel.create(ROSENBROCK), export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*panes)
        await pilot.press(*"nnnn")  # the first steps may size a column or the pane
        await pilot.pause()
        cursor = app.explorer.model.cursor
        with watching() as seen:
            for key in "nnnnnnnnnnnnppppp":
                await pilot.press(key)
                await pilot.pause()
        assert app.explorer.model.cursor == cursor + 7  # the keys did step
        assert seen.offscreen == []
        assert seen.reflows == 0


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_the_explain_pane_fits_each_optimizers_explanation_as_focus_moves(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """The pane lays itself out again only when its text takes another number of lines:
    GD's explanation is short, Adam's long, and the pane follows both ways."""
    app = OptiscopeApp(ExplorerModel.create(ROSENBROCK), export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "x")
        await pilot.pause()
        pane = app.query_one(ExplainPane)
        heights = []
        for _ in range(4):  # gd, momentum, rmsprop, adam
            lines = len(pane.content.wrap(app.console, pane.scrollable_content_region.width))
            assert pane.scrollable_content_region.height == lines
            heights.append(lines)
            await pilot.press("o")
            await pilot.pause()
        assert heights[3] > heights[0] + 3  # Adam's moments and corrections
        lines = len(pane.content.wrap(app.console, pane.scrollable_content_region.width))
        assert pane.scrollable_content_region.height == lines == heights[0]  # back at gd
