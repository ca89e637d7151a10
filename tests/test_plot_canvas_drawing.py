"""The contour plot's drawing: cell-exact against plotext, and incremental.

The oracle draws everything with plotext itself (contours, minima, paths, start and
current-point markers) and compares every cell, glyph and colour, with our cached frame
plus layers, over many sizes, windows and seeded random paths. The pieces (binning, line
segments, path layers that grow and step) are checked against plotext's own helpers or a
drawing from scratch. Pinned to plotext 5.3.2.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import plotext
import pytest
from plot_canvas_helpers import COLORS, MARKERS, NormCell, _norm, plotext_draws_everything
from rich.style import Style

from optiscope.core.contours import contour_levels, contour_lines
from optiscope.core.surfaces import Surface, get_surface
from optiscope.tui.plotting import mapping
from optiscope.tui.plotting.frame import build_frame
from optiscope.tui.plotting.layers import Layer, compose_row, put
from optiscope.tui.plotting.mapping import BrailleLine, Canvas
from optiscope.tui.plotting.paths import PathLayer
from optiscope.tui.widgets.plot_canvas import (
    PlotSeries,
    aspect_window,
    contour_layer,
    series_layers,
)


def test_plotext_is_the_version_the_oracle_was_checked_with() -> None:
    assert plotext.__version__ == "5.3.2"


# -- the oracle, drawn by plot_canvas_helpers.plotext_draws_everything ----------------------------
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


def test_a_row_looks_the_same_with_blanks_joined_to_their_neighbours() -> None:
    """``row_strip`` lets a blank cell take its neighbour's style when that style only says
    how ink is drawn: every glyph keeps its style, every blank keeps what a blank shows
    (background, underline, reverse, ...), and there are fewer changes of style."""
    from rich.color import Color
    from rich.style import Style

    from optiscope.tui.plotting.layers import row_strip

    rng = np.random.default_rng(3)
    inks = [None, Style(color="red"), Style(color=Color.from_rgb(10, 200, 30), bold=True)]
    marks = [Style(bgcolor="blue"), Style(underline=True), Style(color="red", reverse=True)]
    base = Style(color="#e0e0e0", bgcolor="#1e1e1e")
    for _ in range(200):
        cells = [
            (
                " " if rng.random() < 0.5 else "⠁⡀⣿●"[int(rng.integers(4))],
                (inks + marks)[int(rng.integers(len(inks) + (2 if rng.random() < 0.3 else 0)))],
            )
            for _ in range(int(rng.integers(1, 40)))
        ]
        strip = row_strip(cells, base)
        drawn = [(ch, seg.style) for seg in strip for ch in seg.text]
        assert [ch for ch, _ in drawn] == [glyph for glyph, _ in cells]
        for (glyph, style), (_, shown) in zip(cells, drawn, strict=True):
            want = base + style if style is not None else base
            assert shown is not None
            if glyph != " ":
                assert shown == want
            else:
                for name in ("bgcolor", "underline", "reverse", "strike", "overline"):
                    assert getattr(shown, name) == getattr(want, name), (name, cells)
        changes = sum(1 for a, b in itertools.pairwise(cells) if a[1] != b[1])
        assert len(list(strip)) <= changes + 1


def test_one_segments_dots_and_bits_in_plain_python_are_numpys() -> None:
    """``segment_dots`` and ``dot_bit`` (an arrow's shaft, drawn on every step without
    NumPy; the few-segment rasteriser is built on it) give what the vectorised
    ``_segment_dots`` and ``DOT_BITS`` give."""
    rng = np.random.default_rng(3)
    for a, b in rng.integers(0, 120, size=(500, 2, 2)).tolist():
        xs, ys, _ = mapping._segment_dots(
            np.array([a[0], b[0]], dtype=np.int64), np.array([a[1], b[1]], dtype=np.int64), 120, 120
        )
        inside = (xs >= 0) & (xs < 120) & (ys >= 0) & (ys < 120)  # all of it: both ends are
        want = (xs[inside].tolist(), ys[inside].tolist())
        assert mapping.segment_dots((a[0], a[1]), (b[0], b[1])) == want
    for x in range(-3, 5):
        for y in range(-5, 9):
            assert mapping.dot_bit(x, y) == int(mapping.DOT_BITS[y % 4, x % 2])
