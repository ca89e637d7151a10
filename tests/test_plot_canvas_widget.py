"""The contour-plot widget in an app: what plotext would draw, cheap refreshes, well behaved.

Checks the screen against the plotext oracle, that stepping repaints only the rows that
changed, zoom, pan, aspect, clicks, the wheel, the legend, any size, and no colour.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from plot_canvas_helpers import COLORS, MARKERS, NormCell, _norm, plotext_draws_everything
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Offset

from optiscope.core.surfaces import get_surface
from optiscope.tui.widgets.plot_canvas import ContourPlot, PlotSeries, series_style


# -- the widget in an app -------------------------------------------------------------------------
class Host(App[None]):
    def __init__(self, plot: ContourPlot) -> None:
        super().__init__()
        self.plot = plot
        self.clicks: list[tuple[float, float]] = []

    def compose(self) -> ComposeResult:
        yield self.plot

    def on_contour_plot_clicked(self, message: ContourPlot.Clicked) -> None:
        self.clicks.append((message.x, message.y))


def bowl_series(count: int = 3, n: int = 120) -> list[PlotSeries]:
    surface = get_surface("lecture-bowl")
    out = []
    for j in range(count):
        p = np.array(surface.start("A"))
        pts = [p]
        for _ in range(n - 1):
            p = p - (0.1 + 0.12 * j) * np.array(surface.grad(*p))
            pts.append(p)
        out.append(PlotSeries(f"gd{j}", COLORS[j], MARKERS[j], np.array(pts)))
    return out


def screen_cells(plot: ContourPlot) -> list[list[NormCell]]:
    rows = []
    for y in range(plot.size.height):
        row: list[NormCell] = []
        for seg in plot.render_line(y):
            for ch in seg.text:
                row.append((ch, *_norm("", seg.style)[1:]))  # type: ignore[arg-type]
        rows.append(row)
    return rows


async def test_widget_shows_exactly_what_plotext_would_draw() -> None:
    surface = get_surface("rosenbrock")
    plot = ContourPlot(surface, n_levels=6, show_legend=False)
    series = [
        PlotSeries(
            "a", "#e06c75", "●", np.array([[-1.5, 2.0], [-1.0, 1.0], [0.0, 0.2], [1.0, 1.0]])
        ),
        PlotSeries(
            "b",
            "bright_blue",
            "▲",
            np.array([[-1.5, 2.0], [0.5, 2.5], [1.9, -0.9], [np.nan, np.nan]]),
        ),
    ]
    async with Host(plot).run_test(size=(90, 30)) as pilot:
        plot.set_series(series, 2, focused=1)
        await pilot.pause()
        canvas = plot.canvas
        assert canvas is not None
        window = plot.window
        ((levels, lines),) = plot._contours.values()
        assert plot.axes is not None
        x_axis, y_axis = plot.axes
        theirs = plotext_draws_everything(
            tuple(plot.size),
            window,
            {  # type: ignore[arg-type]
                "title": surface.title,
                "xlabel": "x →",
                "ylabel": "↑ y",
                "xticks": (x_axis.ticks, x_axis.labels),
                "yticks": (y_axis.ticks, y_axis.labels),
            },
            lines,
            levels,
            [m.point for m in surface.minima],
            series,
            2,
            1,
            (-1.5, 2.0),
        )
        mine = screen_cells(plot)
        _, fg, bold, dim, bg = _norm("", plot.visual_style.rich_style)
        # What plotext leaves uncoloured takes the widget's own colours.
        theirs = [
            [(g, f or fg, b or bold, d or dim, k or bg) for g, f, b, d, k in row] for row in theirs
        ]
        # A blank shows only its background (row_strip may draw it in a neighbour's ink).
        assert _blanks_as_shown(mine) == _blanks_as_shown(theirs)


async def test_stepping_refreshes_only_the_rows_that_changed() -> None:
    plot = ContourPlot(get_surface("lecture-bowl"))
    series = bowl_series()
    async with Host(plot).run_test(size=(100, 32)) as pilot:
        plot.set_series(series, 10)
        await pilot.pause()
        frames = plot.frames_built
        for upto in range(11, 30):
            composed = plot.rows_composed
            plot.set_series(series, upto)
            dirty = plot.last_dirty_rows
            assert 0 < len(dirty) <= 8
            await pilot.pause()
            assert plot.rows_composed - composed == len(dirty)
        assert plot.frames_built == frames
        plot.set_series(series, 29)  # nothing changed: nothing refreshed
        assert plot.last_dirty_rows == frozenset()


def shows(plot: ContourPlot, view: tuple[tuple[float, float], tuple[float, float]]) -> bool:
    """The plot asks for ``view`` and draws it whole, widened by at most a tenth per axis
    (for evenly spaced ticks)."""
    if plot.view != view:
        return False
    for (lo, hi), (a, b) in zip(view, plot.window, strict=True):
        if not (a <= lo and b >= hi and (b - a) <= 1.1 * (hi - lo)):
            return False
    return True


async def test_zoom_pan_and_reset_move_the_window() -> None:
    surface = get_surface("lecture-bowl")
    plot = ContourPlot(surface)
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shows(plot, ((-6.0, 6.0), (-3.0, 3.0)))
        plot.zoom(0.5)
        assert shows(plot, ((-3.0, 3.0), (-1.5, 1.5)))
        (x0, x1), (y0, y1) = plot.window  # pans by a fraction of what is on screen
        dx, dy = 0.25 * (x1 - x0), -0.5 * (y1 - y0)
        plot.pan(0.25, -0.5)
        assert shows(plot, ((-3.0 + dx, 3.0 + dx), (-1.5 + dy, 1.5 + dy)))
        plot.zoom(2.0, about=(-1.5, -3.0))
        (vx0, vx1), (vy0, vy1) = plot.view
        assert vx1 - vx0 == pytest.approx(12.0) and vy1 - vy0 == pytest.approx(6.0)
        plot.reset_view()
        assert shows(plot, surface.domain)
        await pilot.pause()


async def test_equal_aspect_spans_the_same_length_per_unit_on_both_axes() -> None:
    plot = ContourPlot(get_surface("rosenbrock"))
    async with Host(plot).run_test(size=(100, 30)) as pilot:
        plot.equal_aspect = True
        await pilot.pause()
        (x0, x1), (y0, y1) = plot.window
        canvas = plot.canvas
        assert canvas is not None
        # Cells are twice as tall as wide: a row holds twice the data a column does.
        per_col, per_row = (x1 - x0) / canvas.cols, (y1 - y0) / canvas.rows
        assert per_row == pytest.approx(2.0 * per_col, rel=0.03)
        assert x0 <= -2 and x1 >= 2 and y0 <= -1 and y1 >= 3
        plot.equal_aspect = False
        await pilot.pause()
        assert shows(plot, ((-2.0, 2.0), (-1.0, 3.0)))


async def test_data_at_and_clicks_map_a_marker_cell_back_to_its_point() -> None:
    plot = ContourPlot(get_surface("lecture-bowl"), show_legend=False)
    point = np.array([2.2, -1.1])
    series = [PlotSeries("one", "#e06c75", "▲", np.array([[-4.7, -1.3], point]))]
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        plot.set_series(series, 1)
        await pilot.pause()
        lines = [plot.render_line(y).text for y in range(plot.size.height)]
        (y,) = [i for i, text in enumerate(lines) if "▲" in text]
        x = lines[y].index("▲")
        canvas = plot.canvas
        assert canvas is not None
        got = plot.data_at(Offset(x, y))
        assert got is not None
        cell_w = (canvas.xlim[1] - canvas.xlim[0]) / (canvas.cols - 1)
        cell_h = (canvas.ylim[1] - canvas.ylim[0]) / (canvas.rows - 1)
        assert abs(got[0] - point[0]) <= cell_w and abs(got[1] - point[1]) <= cell_h
        assert plot.data_at(Offset(0, 0)) is None  # the title row is not data
        await pilot.click(ContourPlot, offset=(x, y))
        await pilot.pause()
        assert plot.app.clicks == [got]  # type: ignore[attr-defined]


async def test_the_wheel_zooms_about_the_pointer() -> None:
    plot = ContourPlot(get_surface("lecture-bowl"))
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        canvas = plot.canvas
        assert canvas is not None
        x, y = canvas.left + 10, canvas.top + 3
        before = plot.data_at(Offset(x, y))
        assert before is not None
        region = plot.content_region
        event = events.MouseScrollUp(
            plot, x, y, 0, 0, 0, False, False, False, screen_x=region.x + x, screen_y=region.y + y
        )
        (vx0, vx1), (vy0, vy1) = plot.view
        plot.on_mouse_scroll_up(event)
        (x0, x1), (y0, y1) = plot.view
        assert x1 - x0 == pytest.approx(12 * 0.8) and y1 - y0 == pytest.approx(6 * 0.8)
        # Zooming about the pointer keeps the data point there at the same place in the view
        # (the window drawn widens it by a few percent about its centre).
        bx, by = before
        assert (bx - x0) / (x1 - x0) == pytest.approx((bx - vx0) / (vx1 - vx0))
        assert (by - y0) / (y1 - y0) == pytest.approx((by - vy0) / (vy1 - vy0))


async def test_legend_names_every_series_with_its_marker() -> None:
    plot = ContourPlot(get_surface("lecture-bowl"))
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        plot.set_series(bowl_series(3), 5, focused=2)
        await pilot.pause()
        text = "\n".join(plot.render_line(y).text for y in range(plot.size.height))
        for j in range(3):
            assert f"{MARKERS[j]} gd{j}" in text


@pytest.mark.parametrize("size", [(20, 6), (10, 3), (1, 1), (5, 30), (200, 4), (26, 7), (40, 12)])
async def test_any_size_draws_without_crashing(size: tuple[int, int]) -> None:
    plot = ContourPlot(get_surface("himmelblau"))
    async with Host(plot).run_test(size=size) as pilot:
        plot.set_series(bowl_series(2, 10), 5)
        await pilot.pause()
        lines = [plot.render_line(y).text for y in range(plot.size.height)]
        assert all(len(t) == plot.size.width for t in lines)
        if plot.canvas is None and plot.size.height:
            assert lines[0].startswith("plot too small"[: plot.size.width])
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert plot.canvas is not None
        assert plot.render_line(0).cell_length == 60


async def test_empty_series_diverged_paths_and_resizes_are_fine() -> None:
    plot = ContourPlot()
    async with Host(plot).run_test(size=(70, 20)) as pilot:
        plot.set_series([], 0)
        await pilot.pause()
        plot.set_surface(get_surface("saddle"))
        bad = np.array([[0.1, 0.1], [np.inf, 0.0], [np.nan, np.nan]])
        empty = np.empty((0, 2))
        plot.set_series(
            [PlotSeries("bad", "red", "●", bad), PlotSeries("none", "blue", "▲", empty)], 9
        )
        plot.set_start((0.1, 0.1))
        await pilot.pause()
        for size in [(90, 30), (30, 9), (70, 20)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert [plot.render_line(y).cell_length for y in range(plot.size.height)] == [
                size[0]
            ] * size[1]
        assert math.isfinite(plot.window[0][0])


def test_series_style_tolerates_unknown_colours() -> None:
    assert series_style("not-a-colour", True) == Style(bold=True)


async def test_paths_that_grow_each_step_are_extended_not_redrawn() -> None:
    plot = ContourPlot(get_surface("lecture-bowl"))
    full = bowl_series(2, 80)
    async with Host(plot).run_test(size=(90, 30)) as pilot:
        plot.set_series([PlotSeries(s.label, s.color, s.marker, s.points[:10]) for s in full], 9)
        await pilot.pause()
        lines = [p.line for p in plot._paths if p is not None]
        for k in range(11, 80):
            plot.set_series(
                [PlotSeries(s.label, s.color, s.marker, s.points[:k]) for s in full], k - 1
            )
            assert len(plot.last_dirty_rows) <= 8
        assert [p.line for p in plot._paths if p is not None] == lines  # the same objects
        await pilot.pause()
        grown = [plot.render_line(y).text for y in range(plot.size.height)]
        plot.set_series(full, 200)  # new arrays, same points: nothing to redo
        fresh = ContourPlot(get_surface("lecture-bowl"))
    async with Host(fresh).run_test(size=(90, 30)) as pilot:
        fresh.set_series(full, 79)
        await pilot.pause()
        assert [fresh.render_line(y).text for y in range(fresh.size.height)] == grown


async def test_without_colour_the_series_still_differ_by_glyph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    plot = ContourPlot(get_surface("lecture-bowl"))
    host = Host(plot)
    assert host.no_color
    async with host.run_test(size=(80, 24)) as pilot:
        plot.set_series(bowl_series(3, 30), 3, focused=0)
        await pilot.pause()
        svg = pilot.app.export_screenshot()  # rendered through Textual's no-colour filter
        for j in range(3):
            assert MARKERS[j] in svg and f"gd{j}" in svg


def _blanks_as_shown(rows: list[list[tuple[str, object, object, object, object]]]) -> object:
    return [
        [(g, None, None, None, k) if g == " " else (g, f, b, d, k) for g, f, b, d, k in row]
        for row in rows
    ]
