"""What the contour plot draws over its frame, as layers: iso-lines, paths, marks, markers.

Pure functions of a canvas and data, shared by the widget (which builds the paths
incrementally) and by the oracle test (which checks them against plotext drawing the
same things). Stacking, bottom to top: contours (or bands) and minima, the gradient
field, every path (the focused one last), every trail's marks, the step's arrows, then
the start and each run's current point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rich.color import Color, ColorParseError
from rich.style import Style

from .layers import Layer, put
from .mapping import BrailleLine, Canvas
from .marks import mark_every, marks_layer

START_GLYPH = "◎"
MINIMUM_GLYPH = "✦"
#: Contour colours from the lowest level to the highest (drawn dim, so paths stand out).
CONTOUR_RAMP: tuple[tuple[int, int, int], ...] = (
    (94, 129, 172),
    (136, 192, 208),
    (163, 190, 140),
    (235, 203, 139),
    (208, 135, 112),
)
MINIMUM_RGB = (255, 215, 0)
MINIMUM_STYLE = Style(color=Color.from_rgb(*MINIMUM_RGB), bold=True)
START_STYLE: Style | None = None


@dataclass(frozen=True, eq=False)
class PlotSeries:
    """One optimizer's path as the plot draws it (compared by identity: it holds an array)."""

    label: str
    """Legend text, e.g. ``"rmsprop(lr=0.1)"``."""
    color: str
    """A Rich colour, e.g. ``"#e06c75"`` or ``"bright_red"``."""
    marker: str
    """One-cell glyph for the current point, distinct per series (legible without colour)."""
    points: npt.NDArray[np.float64] = field(repr=False)
    """(n, 2) path points; non-finite rows at the end (a diverged run) are not drawn."""
    source: object = field(default=None, repr=False)
    """Where the points come from, when its points never change once given (a trajectory:
    records are only appended): the same source and length are the same points, which the
    plot then need not compare value by value on every step."""


def contour_rgb(index: int, count: int) -> tuple[int, int, int]:
    """Colour of the ``index``-th of ``count`` levels: a ramp from low to high."""
    t = index / (count - 1) if count > 1 else 0.0
    pos = t * (len(CONTOUR_RAMP) - 1)
    i = min(int(pos), len(CONTOUR_RAMP) - 2)
    f = pos - i
    a, b = CONTOUR_RAMP[i], CONTOUR_RAMP[i + 1]
    r, g, bl = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return int(r), int(g), int(bl)


def contour_style(index: int, count: int) -> Style:
    return Style(color=Color.from_rgb(*contour_rgb(index, count)), dim=True)


@lru_cache(maxsize=256)
def series_style(color: str, focused: bool) -> Style:
    """The series colour (ignored if Rich cannot parse it), bold when focused."""
    try:
        parsed: Color | None = Color.parse(color)
    except ColorParseError:
        parsed = None
    return Style(color=parsed, bold=focused)


def draw_order(count: int, focused: int) -> list[int]:
    """Series indices bottom to top: the focused one last, so it is never hidden."""
    order = [i for i in range(count) if i != focused]
    if 0 <= focused < count:
        order.append(focused)
    return order


def contour_layer(
    canvas: Canvas,
    lines: Sequence[tuple[float, npt.NDArray[np.float64]]],
    levels: npt.ArrayLike,
    minima: Sequence[tuple[float, float]],
) -> Layer:
    """Iso-lines (one braille signal per polyline, coloured by level) and minima markers."""
    layer: Layer = {}
    lv = np.asarray(levels, dtype=np.float64)
    styles = [contour_style(i, len(lv)) for i in range(len(lv))]
    for level, points in lines:
        i = int(np.argmin(np.abs(lv - level))) if lv.size else 0
        put(layer, canvas, BrailleLine(points, canvas).cells(), None, styles[i] if styles else None)
    minima_layer(layer, canvas, minima)
    return layer


def minima_layer(layer: Layer, canvas: Canvas, minima: Sequence[tuple[float, float]]) -> None:
    """The known minima, marked in ``layer``."""
    if minima:
        cx, cy, inside = canvas.marker_cells(np.asarray(minima, dtype=np.float64))
        cells = list(zip(cx[inside].tolist(), cy[inside].tolist(), strict=True))
        put(layer, canvas, cells, MINIMUM_GLYPH, MINIMUM_STYLE)


def trail_marks(
    canvas: Canvas,
    series: Sequence[PlotSeries],
    lines: Sequence[BrailleLine],
    upto: int,
    focused: int,
) -> Layer:
    """Each trail's own glyph every k steps (``marks``), the focused trail's on top."""
    return marks_layer(
        canvas,
        [s.marker for s in series],
        [series_style(s.color, False) for s in series],
        [s.points for s in series],
        lines,
        upto,
        draw_order(len(series), focused),
        mark_every(upto, len(series)),
    )


def series_layers(
    canvas: Canvas,
    series: Sequence[PlotSeries],
    lines: Sequence[BrailleLine],
    upto: int,
    focused: int,
    start: tuple[float, float] | None,
) -> list[Layer]:
    """Every path up to ``upto`` (focused last), the marks, then the markers: drawn from
    scratch. The widget gets the same cells incrementally (``PathLayer``); this is the
    reference."""
    layers: list[Layer] = []
    for i in draw_order(len(series), focused):
        layer: Layer = {}
        put(layer, canvas, lines[i].cells(upto), None, series_style(series[i].color, i == focused))
        layers.append(layer)
    layers.append(trail_marks(canvas, series, lines, upto, focused))
    layers.append(marker_layer(canvas, series, lines, upto, focused, start))
    return layers


def marker_layer(
    canvas: Canvas,
    series: Sequence[PlotSeries],
    lines: Sequence[BrailleLine],
    upto: int,
    focused: int,
    start: tuple[float, float] | None,
) -> Layer:
    """The start marker, then each series' current point (the focused one on top)."""
    layer: Layer = {}
    # One point at a time in plain Python (``marker_cell``): NumPy's per-call cost on a
    # handful of points was most of a step's plot update.
    if start is not None:
        cell = canvas.marker_cell(float(start[0]), float(start[1]))
        if cell is not None:
            put(layer, canvas, [cell], START_GLYPH, START_STYLE)
    for i in draw_order(len(series), focused):
        if not lines[i].n:
            continue
        s = series[i]
        x, y = s.points[lines[i].clamp(upto)].tolist()
        cell = canvas.marker_cell(x, y)
        if cell is not None:
            put(layer, canvas, [cell], s.marker[:1] or "●", series_style(s.color, i == focused))
    return layer
