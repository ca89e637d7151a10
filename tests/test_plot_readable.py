"""Contours and paths you can read: trails that differ without colour and never hide one
another, ticks an exact number of cells apart at every size, the gradient field, shaded
bands, and a loss view with a legend and a step axis that ends at the run's length."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from tui_helpers import go_to

from optiscope.core.surfaces import get_surface
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.plotting.mapping import BrailleLine
from optiscope.tui.plotting.marks import mark_every, mark_glyph, mark_points
from optiscope.tui.plotting.shading import SHADE, UPPER_HALF, bands
from optiscope.tui.widgets.loss_plot import LossPlot
from optiscope.tui.widgets.plot_canvas import ContourPlot


def screen(plot: ContourPlot | LossPlot) -> list[str]:
    return [plot.render_line(y).text for y in range(plot.size.height)]


def trail_glyphs(app: OptiscopeApp) -> list[dict[tuple[int, int], str]]:
    """For each run: the glyph on screen at every cell its trail passes through."""
    plot = app.explorer.plot
    canvas = plot.canvas
    assert canvas is not None
    text = screen(plot)
    shown = app.explorer.snapshot()
    out = []
    for run in shown.runs:
        points = run.trajectory.column("params")[: shown.step + 1]
        cells = BrailleLine(points, canvas).cells()
        out.append({c: text[canvas.screen(*c)[1]][canvas.screen(*c)[0]] for c in cells})
    return out


@pytest.mark.parametrize(
    "optimizers",
    [["gd(lr=0.4)", "momentum(lr=0.4)"], ["gd(lr=0.4)", "gd(lr=0.4)"]],
    ids=["overlapping", "identical"],
)
async def test_without_colour_trails_differ_cell_by_cell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, optimizers: list[str]
) -> None:
    """Under NO_COLOR every trail is one grey: each must still show its own glyph along
    it, at cells the other trail does not mark, even when both runs take the same path."""
    monkeypatch.setenv("NO_COLOR", "1")
    model = ExplorerModel.create(get_surface("lecture-bowl"), None, optimizers)
    app = OptiscopeApp(model, export_dir=tmp_path)
    assert app.no_color
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await go_to(pilot, app, 30)
        glyphs = trail_glyphs(app)
        markers = [r.marker for r in app.explorer.snapshot().runs]
        own = [mark_glyph(m) for m in markers]
        assert own[0] != own[1]
        marked = [{c for c, g in trail.items() if g == own[i]} for i, trail in enumerate(glyphs)]
        assert marked[0] and marked[1]
        assert marked[0] != marked[1]
        # Each run's marks sit where its own steps k, 2k, ... land (phase shifted per run).
        canvas = app.explorer.plot.canvas
        assert canvas is not None
        every = mark_every(30, 2)
        for i, run in enumerate(app.explorer.snapshot().runs):
            points = run.trajectory.column("params")
            steps = mark_points(i, 2, every, 30)
            cx, cy, inside = canvas.marker_cells(points[steps])
            expected = set(zip(cx[inside].tolist(), cy[inside].tolist(), strict=True))
            assert marked[i] <= expected
        svg = app.export_screenshot()
        assert own[0] in svg and own[1] in svg


async def test_a_later_run_never_hides_an_earlier_trail_entirely(tmp_path: Path) -> None:
    model = ExplorerModel.create(get_surface("lecture-bowl"), None, ["gd(lr=0.4)", "gd(lr=0.4)"])
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await go_to(pilot, app, 40)
        first, _second = trail_glyphs(app)
        assert mark_glyph("●") in first.values()  # run 0's trail, under run 1's, still shows


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (140, 50), (90, 20)])
@pytest.mark.parametrize("keys", [(), ("e",), ("plus", "plus", "l")], ids=["fit", "aspect", "zoom"])
async def test_ticks_fall_an_exact_number_of_cells_apart(
    tmp_path: Path, size: tuple[int, int], keys: tuple[str, ...]
) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        plot = app.explorer.plot
        canvas = plot.canvas
        assert canvas is not None
        text = screen(plot)
        axis_x = canvas.left - 1
        rows = [y for y, line in enumerate(text) if line[axis_x] == "┤"]
        assert len(rows) >= 2, "\n".join(text)
        assert len({b - a for a, b in itertools.pairwise(rows)}) == 1, rows
        if "e" not in keys:  # in equal aspect x keeps y's scale: its ticks may not be even
            bottom = text[canvas.top + canvas.rows]
            cols = [x for x, ch in enumerate(bottom) if ch == "┬"]
            assert len(cols) >= 2
            assert len({b - a for a, b in itertools.pairwise(cols)}) == 1, cols


async def test_the_gradient_field_draws_a_few_dozen_downhill_arrows_and_states_its_scale(
    tmp_path: Path,
) -> None:
    surface = get_surface("himmelblau")
    app = OptiscopeApp(ExplorerModel.create(surface), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        plot = app.explorer.plot
        field = plot.quiver
        assert field is not None and 24 <= len(field.arrows) <= 80
        text = "\n".join(screen(plot))
        assert "field −∇f ×" in text
        for arrow in field.arrows:
            g = np.array(surface.grad(*arrow.tail))
            v = np.array(arrow.vector)
            cos = -(g @ v) / (np.hypot(*g) * np.hypot(*v))
            assert cos == pytest.approx(1.0, abs=1e-9)  # along −∇f, whatever its scale
            assert np.hypot(*v) <= field.scale * np.hypot(*g) * (1 + 1e-9)  # capped, never longer
        await pilot.press("G")
        await pilot.pause()
        assert plot.quiver is None and "field −∇f" not in "\n".join(screen(plot))


@pytest.mark.parametrize("no_color", [False, True])
async def test_shaded_contours_fill_the_bands_in_half_blocks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause()
        plot = app.explorer.plot
        canvas = plot.canvas
        assert canvas is not None and plot.shaded
        cells = [
            line[canvas.left : canvas.left + canvas.cols]
            for line in screen(plot)[canvas.top : canvas.top + canvas.rows]
        ]
        glyph = SHADE if no_color else UPPER_HALF
        share = sum(row.count(glyph) for row in cells) / (canvas.cols * canvas.rows)
        assert share > (0.3 if no_color else 0.8)


def test_bands_are_nested_around_the_bowls_minimum() -> None:
    """Along b = 0 the band index falls to 0 at the minimum and rises either side."""
    from optiscope.core.contours import contour_levels
    from optiscope.tui.plotting.mapping import Canvas

    surface = get_surface("lecture-bowl")
    canvas = Canvas(0, 0, 60, 20, (-6.0, 6.0), (-3.0, 3.0))
    levels = contour_levels(surface, surface.domain, 12)
    grid = bands(surface, canvas, levels, 2)
    middle = grid[grid.shape[0] // 2]
    low = int(np.argmin(middle))
    assert middle[low] == 0
    assert np.all(np.diff(middle[: low + 1]) <= 0) and np.all(np.diff(middle[low:]) >= 0)


async def test_the_loss_view_has_a_legend_and_ends_at_the_runs_length(tmp_path: Path) -> None:
    model = ExplorerModel.create(steps=300)
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await go_to(pilot, app, 40)
        await pilot.press("v")
        await pilot.pause()
        loss = app.query_one(LossPlot)
        canvas = loss.canvas
        assert canvas is not None
        assert canvas.xlim == (0.0, 300.0)  # not 500, the next round number
        text = screen(loss)
        for run in app.explorer.snapshot().runs:
            assert f"{run.marker[:1]} {run.label}" in "\n".join(text)
        last_label = text[canvas.top + canvas.rows + 1].rstrip()
        assert last_label.endswith("300")
