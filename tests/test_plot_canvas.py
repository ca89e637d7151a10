"""The contour plot: cell-exact against plotext, incremental, and well behaved in an app.

The oracle draws everything with plotext itself (contours, minima, paths, start and
current-point markers) and compares every cell, glyph and colour, with our cached frame
plus layers, over many sizes, windows and seeded random paths. Pinned to plotext 5.3.2.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import plotext
import pytest
from rich.ansi import AnsiDecoder
from rich.console import Console
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Offset

from optiscope.core.contours import contour_levels, contour_lines
from optiscope.core.surfaces import Surface, get_surface
from optiscope.tui.plotting import mapping
from optiscope.tui.plotting.frame import build_frame, dress, new_figure, rich_to_plotext
from optiscope.tui.plotting.layers import Layer, compose_row, put
from optiscope.tui.plotting.mapping import BrailleLine, Canvas
from optiscope.tui.plotting.paths import PathLayer
from optiscope.tui.widgets.loss_plot import LossPlot, log_floor, log_ticks, transform, y_limits
from optiscope.tui.widgets.plot_canvas import (
    MINIMUM_GLYPH,
    MINIMUM_RGB,
    START_GLYPH,
    ContourPlot,
    PlotSeries,
    aspect_window,
    contour_layer,
    contour_rgb,
    draw_order,
    series_layers,
    series_style,
)

COLORS = ("#e06c75", "bright_green", "#61afef", "color(208)", "magenta")
MARKERS = ("●", "▲", "■", "◆", "✚")
NormCell = tuple[str, tuple[int, int, int] | None, bool, bool, tuple[int, int, int] | None]


def test_plotext_is_the_version_the_oracle_was_checked_with() -> None:
    assert plotext.__version__ == "5.3.2"


# -- the oracle -----------------------------------------------------------------------------------
def _norm(glyph: str, style: Style | None) -> NormCell:
    if style is None:
        return glyph, None, False, False, None
    fg = style.color.get_truecolor() if style.color and not style.color.is_default else None
    bg = style.bgcolor.get_truecolor() if style.bgcolor and not style.bgcolor.is_default else None
    return (
        glyph,
        None if fg is None else tuple(fg),
        bool(style.bold),
        bool(style.dim),
        None if bg is None else tuple(bg),
    )


def _parse_ansi(text: str, width: int) -> list[list[NormCell]]:
    console = Console(color_system="truecolor", width=width + 10, legacy_windows=False)
    rows = []
    for line in AnsiDecoder().decode(text.removesuffix("\n")):
        cells: list[NormCell] = []
        for segment in line.render(console, end=""):
            for ch in segment.text:
                cells.append(_norm(ch, segment.style))
        rows.append(cells)
    return rows


def _valid_prefix(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    finite = np.isfinite(points).all(axis=1)
    bad = np.flatnonzero(~finite)
    return points[: bad[0]] if bad.size else points


def plotext_draws_everything(
    size: tuple[int, int],
    window: tuple[tuple[float, float], tuple[float, float]],
    labels: dict[str, str | None],
    lines: Sequence[tuple[float, npt.NDArray[np.float64]]],
    levels: npt.NDArray[np.float64],
    minima: Sequence[tuple[float, float]],
    series: Sequence[PlotSeries],
    upto: int,
    focused: int,
    start: tuple[float, float] | None,
) -> list[list[NormCell]]:
    """The whole figure drawn by plotext, signal by signal, in our stacking order."""
    width, height = size
    fig = new_figure(width, height)
    dress(fig, *window, **labels)
    for level, pts in lines:
        i = int(np.argmin(np.abs(levels - level)))
        rgb = contour_rgb(i, len(levels))
        fig._draw(
            pts[:, 0].tolist(),
            pts[:, 1].tolist(),
            lines=True,
            marker="braille",
            color=rgb,
            style="dim",
        )
    if minima:
        xs, ys = [m[0] for m in minima], [m[1] for m in minima]
        fig._draw(xs, ys, lines=False, marker=MINIMUM_GLYPH, color=MINIMUM_RGB, style="bold")
    heads = []
    for i in draw_order(len(series), focused):
        pts = _valid_prefix(series[i].points)
        if len(pts) == 0:
            continue
        k = min(upto, len(pts) - 1)
        style = "bold" if i == focused else None
        color = rich_to_plotext(series[i].color)
        fig._draw(
            pts[: k + 1, 0].tolist(),
            pts[: k + 1, 1].tolist(),
            lines=True,
            marker="braille",
            color=color,
            style=style,
        )
        heads.append((i, pts[k], color, style))
    if start is not None:
        fig._draw([start[0]], [start[1]], lines=False, marker=START_GLYPH, color="default")
    for i, (x, y), color, style in heads:
        fig._draw(
            [float(x)], [float(y)], lines=False, marker=series[i].marker, color=color, style=style
        )
    return _parse_ansi(fig.build(), width)


def ours(frame_canvas_layers: tuple[object, list[Layer]]) -> list[list[NormCell]]:
    frame, layers = frame_canvas_layers
    return [[_norm(g, s) for g, s in compose_row(frame, y, layers)] for y in range(frame.height)]  # type: ignore[attr-defined]


def random_walk(
    rng: np.random.Generator, window: tuple[tuple[float, float], tuple[float, float]]
) -> npt.NDArray[np.float64]:
    """A path that wanders in and out of the window, sometimes far out, sometimes diverging."""
    (x0, x1), (y0, y1) = window
    span = np.array([x1 - x0, y1 - y0])
    n = int(rng.integers(1, 60))
    start = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
    steps = rng.normal(size=(n, 2)) * span * rng.uniform(0.01, 0.25)
    points = start + np.cumsum(np.vstack([np.zeros(2), steps[:-1]]), axis=0)
    if n > 3 and rng.random() < 0.3:
        points[rng.integers(1, n)] += span * rng.uniform(-15, 15, size=2)  # a wild excursion
    if n > 3 and rng.random() < 0.3:
        points[rng.integers(2, n) :] = rng.choice([np.nan, np.inf, -np.inf])  # diverged
    return points


def random_case(seed: int) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    surface = get_surface(
        str(rng.choice(["lecture-bowl", "rosenbrock", "himmelblau", "six-hump-camel", "saddle"]))
    )
    (x0, x1), (y0, y1) = surface.domain
    zoom = rng.uniform(0.3, 2.0)
    cx = (x0 + x1) / 2 + rng.uniform(-0.3, 0.3) * (x1 - x0)
    cy = (y0 + y1) / 2 + rng.uniform(-0.3, 0.3) * (y1 - y0)
    hx, hy = (x1 - x0) / 2 / zoom, (y1 - y0) / 2 / zoom
    window = ((cx - hx, cx + hx), (cy - hy, cy + hy))
    size = (int(rng.integers(24, 131)), int(rng.integers(8, 46)))
    count = int(rng.integers(0, 5))
    series = [
        PlotSeries(f"s{i}", COLORS[i], MARKERS[i], random_walk(rng, window)) for i in range(count)
    ]
    labels = {
        "title": surface.title if rng.random() < 0.7 else None,
        "xlabel": "w →" if rng.random() < 0.7 else None,
        "ylabel": "↑ b" if rng.random() < 0.7 else None,
    }
    start = (float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))) if rng.random() < 0.6 else None
    return {
        "surface": surface,
        "window": window,
        "size": size,
        "series": series,
        "upto": int(rng.integers(0, 70)),
        "focused": int(rng.integers(-1, count + 1)),
        "start": start,
        "labels": labels,
        "n_levels": int(rng.integers(4, 9)),
    }


def compare_case(case: dict[str, object]) -> tuple[int, int]:
    """(mismatching cells, cells) between plotext and frame + layers for one case."""
    surface: Surface = case["surface"]  # type: ignore[assignment]
    window = case["window"]
    width, height = case["size"]  # type: ignore[misc]
    labels = case["labels"]
    frame = build_frame(width, height, window[0], window[1], **labels)  # type: ignore[index, arg-type]
    if frame is None:
        return 0, 0
    canvas = frame.canvas
    levels = contour_levels(surface, window, case["n_levels"])  # type: ignore[arg-type]
    lines = contour_lines(surface, window, levels, (48, 36))  # type: ignore[arg-type]
    minima = [m.point for m in surface.minima]
    series: list[PlotSeries] = case["series"]  # type: ignore[assignment]
    upto, focused, start = case["upto"], case["focused"], case["start"]
    braille = [BrailleLine(s.points, canvas) for s in series]
    layers = [contour_layer(canvas, lines, levels, minima)]
    layers += series_layers(canvas, series, braille, upto, focused, start)  # type: ignore[arg-type]
    mine = ours((frame, layers))
    theirs = plotext_draws_everything(
        (width, height),
        window,
        labels,
        lines,
        levels,
        minima,
        series,
        upto,
        focused,
        start,  # type: ignore[arg-type]
    )
    assert len(theirs) == height
    bad = sum(
        a != b
        for row_a, row_b in zip(mine, theirs, strict=True)
        for a, b in zip(row_a, row_b, strict=True)
    )
    return bad, width * height


@pytest.mark.parametrize("seed", range(24))
def test_frame_plus_layers_equal_plotext_drawing_everything(seed: int) -> None:
    case = random_case(seed)
    bad, total = compare_case(case)
    assert bad == 0, f"{bad} of {total} cells differ for {case['size']} {case['window']}"


def test_oracle_catches_the_natural_off_by_one_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    def natural(
        values: npt.ArrayLike, lo: float, hi: float, bins: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        v = np.asarray(values, dtype=np.float64)
        with np.errstate(all="ignore"):
            t = (v - lo) / (hi - lo) * bins
        ok = np.isfinite(t) & (np.abs(t) < 1e15)
        return np.floor(np.where(ok, t, 0.0)).astype(np.int64), ok

    monkeypatch.setattr(mapping, "to_bins", natural)
    mismatches = [compare_case(random_case(seed))[0] for seed in range(4)]
    assert sum(m > 0 for m in mismatches) >= 3, mismatches


def test_oracle_catches_floor_instead_of_truncation(monkeypatch: pytest.MonkeyPatch) -> None:
    real_trunc = np.trunc
    monkeypatch.setattr(mapping.np, "trunc", np.floor)
    try:
        mismatches = [compare_case(random_case(seed))[0] for seed in range(12)]
    finally:
        monkeypatch.setattr(mapping.np, "trunc", real_trunc)
    assert any(mismatches), mismatches


# -- the pieces -----------------------------------------------------------------------------------
def test_to_bins_matches_plotext_get_matrix_data() -> None:
    from plotext._utility import get_matrix_data

    rng = np.random.default_rng(3)
    for _ in range(200):
        lo, hi = sorted(rng.normal(size=2) * 10 ** rng.uniform(-3, 3))
        bins = int(rng.integers(1, 500))
        values = np.concatenate([rng.uniform(lo, hi, 50), np.linspace(lo, hi, 31), [lo, hi]])
        ours_bins, ok = mapping.to_bins(values, lo, hi, bins)
        assert ok.all()
        assert ours_bins.tolist() == get_matrix_data(values.tolist(), [lo, hi], bins)


def test_segment_dots_match_plotext_get_lines_including_far_segments() -> None:
    from plotext._utility import get_lines

    rng = np.random.default_rng(4)
    for _ in range(100):
        xbins, ybins = int(rng.integers(2, 80)), int(rng.integers(4, 80))
        n = int(rng.integers(2, 12))
        xs = rng.integers(-3 * xbins, 4 * xbins, n)
        ys = rng.integers(-3 * ybins, 4 * ybins, n)
        lx, ly, _ = get_lines(xs.tolist(), ys.tolist(), [0] * n)
        want = {
            (x, y)
            for x, y in zip(lx[:-1], ly[:-1], strict=True)
            if 0 <= x < xbins and 0 <= y < ybins
        }
        dx, dy, _ = mapping._segment_dots(xs.astype(np.int64), ys.astype(np.int64), xbins, ybins)
        got = {
            (x, y)
            for x, y in zip(dx.tolist(), dy.tolist(), strict=True)
            if 0 <= x < xbins and 0 <= y < ybins
        }
        assert got == want


def test_the_plain_python_rasteriser_for_a_few_segments_agrees_with_numpy() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 9))
        xs = rng.integers(-30, 60, n).astype(np.int64)
        ys = rng.integers(-30, 60, n).astype(np.int64)
        few = mapping._few_segment_dots(xs, ys, 40, 48)
        full = mapping._segment_dots(xs, ys, 40, 48)
        inside = [(x >= 0) & (x < 40) & (y >= 0) & (y < 48) for x, y, _ in (few, full)]
        for a, b in zip(few, full, strict=True):
            assert a[inside[0]].tolist() == b[inside[1]].tolist()


def test_path_layer_stepping_forward_and_back_equals_drawing_from_scratch() -> None:
    rng = np.random.default_rng(5)
    canvas = Canvas(left=5, top=2, cols=50, rows=20, xlim=(-1.0, 1.0), ylim=(-1.0, 1.0))
    points = np.cumsum(rng.normal(size=(120, 2)) * 0.08, axis=0)
    line = BrailleLine(points, canvas)
    path = PathLayer(line, canvas)
    style = Style(color="red")
    for upto in [0, 1, 2, 5, 6, 7, 30, 29, 31, 31, 32, 80, 119, 500, 3, 4]:
        want: Layer = {}
        put(want, canvas, line.cells(upto), None, style)
        assert path.update(upto, style) == want
    before = path.layer
    assert path.update(4, style) is before  # nothing changed: same object, rows skipped by identity


def test_far_and_non_finite_points_are_cut_not_crashed_on() -> None:
    canvas = Canvas(left=0, top=0, cols=10, rows=5, xlim=(0.0, 1.0), ylim=(0.0, 1.0))
    points = np.array([[0.5, 0.5], [1e300, 0.5], [0.2, 0.2], [np.nan, 0.0]])
    line = BrailleLine(points, canvas)
    assert line.n == 1  # cut at the first point that cannot be mapped
    # 0.5 is sub-dot 0.5 + 19·0.5 = 10 of 20 across and up: cell (5, 2), its lower-left dot.
    assert line.cells() == {(5, 2): mapping.BRAILLE[int(mapping._DOT_BITS[10 % 4, 10 % 2])]}


def test_aspect_window_makes_a_data_unit_equally_long_across_and_up() -> None:
    view = ((-6.0, 6.0), (-3.0, 3.0))
    (x0, x1), (y0, y1) = aspect_window(view, cols=116, rows=35)
    assert (x0, x1) == view[0] or (y0, y1) == view[1]
    assert x0 <= -6 and x1 >= 6 and y0 <= -3 and y1 >= 3
    per_col = (x1 - x0) / (116 - 0.5)
    per_row = (y1 - y0) / (35 - 0.25)
    assert per_row == pytest.approx(2.0 * per_col)


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
        theirs = plotext_draws_everything(
            tuple(plot.size),
            window,
            {"title": surface.title, "xlabel": "x →", "ylabel": "↑ y"},  # type: ignore[arg-type]
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
        assert mine == theirs


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


async def test_zoom_pan_and_reset_move_the_window() -> None:
    surface = get_surface("lecture-bowl")
    plot = ContourPlot(surface)
    async with Host(plot).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert plot.window == ((-6.0, 6.0), (-3.0, 3.0))
        plot.zoom(0.5)
        assert plot.window == ((-3.0, 3.0), (-1.5, 1.5))
        plot.pan(0.25, -0.5)
        assert plot.window == ((-1.5, 4.5), (-3.0, 0.0))
        plot.zoom(2.0, about=(-1.5, -3.0))
        assert plot.window == ((-1.5, 10.5), (-3.0, 3.0))
        plot.reset_view()
        assert plot.window == surface.domain
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
        assert plot.window == ((-2.0, 2.0), (-1.0, 3.0))


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
        plot.on_mouse_scroll_up(event)
        (x0, x1), (y0, y1) = plot.window
        assert x1 - x0 == pytest.approx(12 * 0.8) and y1 - y0 == pytest.approx(6 * 0.8)
        # Zooming about the pointer keeps the data point there at the same place in the window.
        bx, by = before
        assert (bx - x0) / (x1 - x0) == pytest.approx((bx + 6) / 12)
        assert (by - y0) / (y1 - y0) == pytest.approx((by + 3) / 6)


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


# -- the loss plot --------------------------------------------------------------------------------
class LossHost(App[None]):
    def compose(self) -> ComposeResult:
        yield LossPlot(show_legend=True)


def loss_series(count: int = 3, n: int = 60) -> list[tuple[str, str, str, npt.NDArray[np.float64]]]:
    steps = np.arange(n, dtype=np.float64)
    return [
        (f"run{j}", COLORS[j], MARKERS[j], 5.0 * np.exp(-0.1 * (j + 1) * steps))
        for j in range(count)
    ]


def test_log_axis_when_no_loss_is_below_the_minimum() -> None:
    curves, log = transform([np.array([4.0, 1.0, 0.0, np.inf, 2.0])], 0.0)
    assert log
    assert curves[0].tolist() == pytest.approx([math.log10(4), 0.0, math.log10(log_floor(0.0))])
    curves, log = transform([np.array([4.0, 1.0, -0.5])], 0.0)
    assert not log and curves[0].tolist() == [4.0, 1.0, -0.5]
    assert log_ticks(-6.0, 1.0, 4) == ([-6.0, -4.0, -2.0, 0.0], ["1e-6", "1e-4", "0.01", "1"])
    assert y_limits(-3.2, 0.7, True) == (-4.0, 1.0)


async def test_loss_plot_moves_its_cursor_cheaply_and_labels_its_axis() -> None:
    async with LossHost().run_test(size=(80, 14)) as pilot:
        plot = pilot.app.query_one(LossPlot)
        series = loss_series()
        plot.set_losses(series, 10, 0.0)
        await pilot.pause()
        text = "\n".join(plot.render_line(y).text for y in range(plot.size.height))
        assert plot.log_scale and "loss − f* (log)" in text and "step" in text
        for marker in MARKERS[:3]:
            assert marker in text
        frames = plot.frames_built
        dirty = []
        for upto in range(11, 20):
            plot.set_losses(series, upto, 0.0)
            dirty.append(len(plot.last_dirty_rows))
            await pilot.pause()
        assert any(dirty)  # the cursor moved, but only the rows it crosses are repainted
        assert plot.frames_built == frames  # limits unchanged: the frame is reused
        column = [plot.render_line(y).text for y in range(plot.size.height)]
        assert sum("│" in row[6:-1] for row in column) >= 3  # the cursor line


async def test_loss_plot_handles_negative_gaps_divergence_emptiness_and_tiny_sizes() -> None:
    async with LossHost().run_test(size=(60, 12)) as pilot:
        plot = pilot.app.query_one(LossPlot)
        plot.set_losses([], 0, 0.0)
        await pilot.pause()
        diverged = np.array([1.0, 3.0, 1e10, np.inf, np.nan])
        plot.set_losses(
            [("a", "red", "●", diverged), ("b", "blue", "▲", np.array([-2.0, -1.0]))], 4, 0.0
        )
        await pilot.pause()
        assert not plot.log_scale
        text = "\n".join(plot.render_line(y).text for y in range(plot.size.height))
        assert "loss" in text and "(log)" not in text and "●" in text and "▲" in text
        plot.set_losses([("a", "red", "●", np.full(3, np.nan))], 2, math.nan)
        for size in [(20, 6), (8, 3), (1, 1), (60, 12)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            widths = [plot.render_line(y).cell_length for y in range(plot.size.height)]
            assert widths == [plot.size.width] * plot.size.height


def test_a_growing_line_equals_one_built_at_once() -> None:
    rng = np.random.default_rng(6)
    canvas = Canvas(left=0, top=0, cols=40, rows=12, xlim=(-1.0, 1.0), ylim=(-1.0, 1.0))
    points = np.cumsum(rng.normal(size=(90, 2)) * 0.2, axis=0)
    grown = BrailleLine(points[:0], canvas)
    path = PathLayer(grown, canvas)
    for stop in [1, 2, 3, 10, 11, 40, 90]:
        assert grown.extend(points[:stop])
        whole = BrailleLine(points[:stop], canvas)
        assert grown.n == whole.n
        for upto in [0, stop // 2, stop - 1]:
            assert grown.cells(upto) == whole.cells(upto)
        assert path.update(stop - 1, None) == {
            y: {x: (g, None) for x, (g, _) in row.items()}
            for y, row in _layer(whole, canvas).items()
        }
    cut = np.vstack([points[:5], [[np.nan, 0.0]], points[5:8]])
    line = BrailleLine(cut[:4], canvas)
    assert line.extend(cut[:7]) and line.n == 5
    assert not line.extend(cut)  # cut short by the NaN: must be rebuilt


def _layer(line: BrailleLine, canvas: Canvas) -> Layer:
    layer: Layer = {}
    put(layer, canvas, line.cells(), None, None)
    return layer


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
