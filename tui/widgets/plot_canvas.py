"""The explorer's contour plot: iso-lines of the surface with optimizer paths on top.

Drawing is split by how often things change. The frame (axes, ticks, labels, title, built
by plotext) and the contour layer (iso-lines and minima, rasterised with plotext's exact
mapping) are rebuilt only when the surface, view window or size changes. Each
``set_series`` recomputes just the paths, their current points and the legend, and
refreshes only the terminal rows whose cells changed: one optimizer step costs a fraction
of a millisecond instead of a full plotext redraw (see benchmarks/bench_plot.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rich.color import Color, ColorParseError
from rich.style import Style
from textual import events
from textual.geometry import Offset
from textual.message import Message
from textual.reactive import reactive

from optiscope.core.contours import contour_levels, contour_lines
from optiscope.core.surfaces import Surface

from ..plotting.frame import Frame, build_frame, nice_limits
from ..plotting.layered import LayeredPlot
from ..plotting.layers import Layer, put
from ..plotting.legend import Entry, best_corner, legend_layer, legend_size
from ..plotting.mapping import BrailleLine, Canvas
from ..plotting.paths import PathLayer

Window = tuple[tuple[float, float], tuple[float, float]]

#: Terminal cells are about twice as tall as wide.
CELL_ASPECT = 2.0
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
#: Content rows needed before the title, and the axis labels, are worth a row each.
TITLE_MIN_HEIGHT, LABELS_MIN_HEIGHT = 12, 10
_DEFAULT_VIEW: Window = ((-1.0, 1.0), (-1.0, 1.0))
_CONTOUR_CACHE = 16


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


MINIMUM_STYLE = Style(color=Color.from_rgb(*MINIMUM_RGB), bold=True)
START_STYLE: Style | None = None


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


def aspect_window(view: Window, cols: int, rows: int) -> Window:
    """``view`` widened along one axis so a data unit is as long on screen in x as in y.

    A braille line spans ``cols - 1/2`` cell widths across the canvas and ``rows - 1/4``
    cell heights up it; a cell is ``CELL_ASPECT`` widths tall.
    """
    (x0, x1), (y0, y1) = view
    x_len, y_len = cols - 0.5, CELL_ASPECT * (rows - 0.25)
    if x_len <= 0 or y_len <= 0:
        return view
    per_x, per_y = (x1 - x0) / x_len, (y1 - y0) / y_len
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if per_x < per_y:
        half = per_y * x_len / 2
        return (cx - half, cx + half), (y0, y1)
    half = per_x * y_len / 2
    return (x0, x1), (cy - half, cy + half)


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
    if minima:
        cx, cy, inside = canvas.marker_cells(np.asarray(minima, dtype=np.float64))
        cells = list(zip(cx[inside].tolist(), cy[inside].tolist(), strict=True))
        put(layer, canvas, cells, MINIMUM_GLYPH, MINIMUM_STYLE)
    return layer


def series_layers(
    canvas: Canvas,
    series: Sequence[PlotSeries],
    lines: Sequence[BrailleLine],
    upto: int,
    focused: int,
    start: tuple[float, float] | None,
) -> list[Layer]:
    """Every path up to ``upto`` (focused last), then the markers: drawn from scratch.

    The widget gets the same cells incrementally (``PathLayer``); this is the reference.
    """
    layers: list[Layer] = []
    for i in draw_order(len(series), focused):
        layer: Layer = {}
        put(layer, canvas, lines[i].cells(upto), None, series_style(series[i].color, i == focused))
        layers.append(layer)
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
    if start is not None:
        cx, cy, inside = canvas.marker_cells(np.asarray([start], dtype=np.float64))
        if inside[0]:
            put(layer, canvas, [(int(cx[0]), int(cy[0]))], START_GLYPH, START_STYLE)
    heads = [i for i in draw_order(len(series), focused) if lines[i].n]
    if heads:
        points = [series[i].points[lines[i].clamp(upto)] for i in heads]
        cx, cy, inside = canvas.marker_cells(np.asarray(points, dtype=np.float64))
        for j, i in enumerate(heads):
            if inside[j]:
                s = series[i]
                style = series_style(s.color, i == focused)
                put(layer, canvas, [(int(cx[j]), int(cy[j]))], s.marker[:1] or "●", style)
    return layer


def _same_points(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> bool:
    return a is b or (a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True)))


class ContourPlot(LayeredPlot, can_focus=True):
    """Contours of a surface with optimizer paths, zoomable, pannable and clickable.

    Size it with CSS like any widget (default ``1fr x 1fr``); it redraws itself for any size
    and says "plot too small" when the axes leave no room for data. Mouse: a click inside
    the data area posts ``ContourPlot.Clicked`` with data coordinates; the wheel zooms about
    the pointer (set ``wheel_zoom = False`` to let it scroll a container instead). It can
    take focus but binds no keys: they bubble to the screen and app.
    """

    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    equal_aspect: reactive[bool] = reactive(False)
    """Widen the window so one data unit spans the same length across as up the screen."""

    class Clicked(Message):
        """The data area was clicked at data coordinates (x, y)."""

        def __init__(self, plot: ContourPlot, x: float, y: float) -> None:
            super().__init__()
            self.plot = plot
            self.x = x
            self.y = y

        @property
        def control(self) -> ContourPlot:
            return self.plot

    def __init__(
        self,
        surface: Surface | None = None,
        *,
        n_levels: int = 12,
        show_legend: bool = True,
        wheel_zoom: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.n_levels = n_levels
        self.show_legend = show_legend
        self.wheel_zoom = wheel_zoom
        self._surface: Surface | None = None
        self._view: Window = _DEFAULT_VIEW
        self._series: list[PlotSeries] = []
        self._upto = 0
        self._focused = 0
        self._start: tuple[float, float] | None = None
        self._paths: list[PathLayer | None] = []
        self._paths_canvas: Canvas | None = None
        self._contours: OrderedDict[Hashable, tuple[np.ndarray, list[tuple[float, np.ndarray]]]] = (
            OrderedDict()
        )
        self._contour_layer: Layer = {}
        self._legend_key: Hashable = None
        self._legend_corner = (True, True)
        if surface is not None:
            self.set_surface(surface)

    # -- public API --------------------------------------------------------------------------
    def set_surface(self, surface: Surface) -> None:
        """Show ``surface``: new contours, view reset to its domain."""
        self._surface = surface
        self._view = _clean_window(surface.domain)
        self._invalidate()

    def set_series(self, series: Sequence[PlotSeries], upto: int, focused: int = 0) -> None:
        """Draw each path from point 0 to point ``upto`` (or its last drawable one).

        Cheap when only ``upto`` (or ``focused``) changed, and when paths only grew: paths
        already rasterised for this view are reused (extended by their new segments) and
        only rows whose cells changed are repainted.
        """
        kept: list[PlotSeries] = []
        for i, new in enumerate(series):
            old = self._series[i] if i < len(self._series) else None
            points = np.asarray(new.points)
            path = self._paths[i] if i < len(self._paths) else None
            if old is not None and _same_points(old.points, points):
                points = old.points
            else:
                grown = old is not None and _extends(points, old.points)
                points = _as_points(points)
                if path is not None and not (grown and path.line.extend(points)):
                    self._paths[i] = None
            kept.append(PlotSeries(new.label, new.color, new.marker, points))
        series = kept
        del self._paths[len(series) :]
        self._series = series
        self._upto = max(int(upto), 0)
        self._focused = int(focused)
        self._update_layers()

    def set_start(self, point: tuple[float, float]) -> None:
        """Mark the start point (by default the first point of the first series)."""
        self._start = (float(point[0]), float(point[1]))
        self._update_layers()

    def zoom(self, factor: float, about: tuple[float, float] | None = None) -> None:
        """Scale the window span by ``factor`` about a point: 0.5 zooms in 2x, 2.0 out.

        ``about`` (data coordinates) stays where it is on screen; it defaults to the centre.
        """
        if not (np.isfinite(factor) and factor > 0):
            return
        (x0, x1), (y0, y1) = self._view
        cx, cy = about if about is not None else ((x0 + x1) / 2, (y0 + y1) / 2)
        new = (
            (cx + (x0 - cx) * factor, cx + (x1 - cx) * factor),
            (cy + (y0 - cy) * factor, cy + (y1 - cy) * factor),
        )
        if _usable(new):
            self._view = new
            self.refresh()

    def pan(self, dx: float, dy: float) -> None:
        """Move the window by ``dx`` of its width to the right and ``dy`` of its height up."""
        (wx0, wx1), (wy0, wy1) = self.window
        sx, sy = dx * (wx1 - wx0), dy * (wy1 - wy0)
        (x0, x1), (y0, y1) = self._view
        new = ((x0 + sx, x1 + sx), (y0 + sy, y1 + sy))
        if _usable(new):
            self._view = new
            self.refresh()

    def reset_view(self) -> None:
        """Back to the surface's domain."""
        self._view = _clean_window(self._surface.domain) if self._surface else _DEFAULT_VIEW
        self.refresh()

    @property
    def zoomed_view(self) -> Window | None:
        """The view asked for by zoom and pan, or None while it is the surface's domain."""
        if self._surface is None or self._view == _clean_window(self._surface.domain):
            return None
        return self._view

    def set_view(self, window: Window) -> None:
        """Show ``window`` (a saved session's); an unusable one is ignored."""
        new = _clean_window(window)
        if _usable(new):
            self._view = new
            self.refresh()

    @property
    def window(self) -> Window:
        """((x0, x1), (y0, y1)) on screen: the view, widened when ``equal_aspect`` is on."""
        frame = self._ensure_frame() if self.size.width and self.size.height else None
        if frame is None:
            return self._view
        return frame.canvas.xlim, frame.canvas.ylim

    @property
    def canvas(self) -> Canvas | None:
        """Where the data area is inside the widget's content, and its limits."""
        frame = self._ensure_frame() if self.size.width and self.size.height else None
        return frame.canvas if frame else None

    def data_at(self, offset: Offset) -> tuple[float, float] | None:
        """Data coordinates at a widget-relative cell (as in ``MouseEvent.offset``).

        None outside the data area. The point returned is the middle of the cell, so it is
        within half a cell of any point whose marker is drawn there.
        """
        content = offset - self.gutter.top_left
        return self._data_at_content(content.x, content.y)

    # -- events ------------------------------------------------------------------------------
    def watch_equal_aspect(self, _value: bool) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        content = event.get_content_offset(self)
        if content is None:
            return
        point = self._data_at_content(content.x, content.y)
        if point is not None:
            self.post_message(self.Clicked(self, point[0], point[1]))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event, 0.8)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event, 1.25)

    def _wheel(self, event: events.MouseEvent, factor: float) -> None:
        if not self.wheel_zoom:
            return
        event.stop()
        content = event.get_content_offset(self)
        about = self._data_at_content(content.x, content.y) if content is not None else None
        self.zoom(factor, about)

    def _data_at_content(self, x: int, y: int) -> tuple[float, float] | None:
        canvas = self.canvas
        return canvas.data_at(x, y) if canvas else None

    # -- drawing -------------------------------------------------------------------------------
    def _wanted_frame_key(self, width: int, height: int) -> Hashable:
        return (self._view, self.equal_aspect, self._surface, self.n_levels)

    def _build_frame(self, width: int, height: int) -> Frame | None:
        surface = self._surface
        title = surface.title if surface is not None and height >= TITLE_MIN_HEIGHT else None
        xname, yname = surface.coords if surface is not None else ("x", "y")
        labels = height >= LABELS_MIN_HEIGHT
        xlabel, ylabel = (f"{xname} →", f"↑ {yname}") if labels else (None, None)

        def frame_for(window: Window) -> Frame | None:
            return build_frame(
                width, height, window[0], window[1], title=title, xlabel=xlabel, ylabel=ylabel
            )

        frame = frame_for(self._view)
        if self.equal_aspect:
            # Tick labels depend on the window and the canvas on the labels: settle in a few.
            for _ in range(4):
                if frame is None:
                    break
                window = _clean_window(
                    aspect_window(self._view, frame.canvas.cols, frame.canvas.rows)
                )
                if window == (frame.canvas.xlim, frame.canvas.ylim):
                    break
                frame = frame_for(window)
        if frame is not None:
            if self._contours:
                self._contour_layer = self._make_contour_layer(frame.canvas)
            else:
                # The very first picture goes out with axes, paths and markers; the contours
                # (tens of ms of contourpy) follow one refresh later, off the start-up path.
                self._contour_layer = {}
                self.call_after_refresh(self._add_contours, frame.canvas)
        return frame

    def _add_contours(self, canvas: Canvas) -> None:
        if self._frame is None or self._frame.canvas is not canvas:
            return  # rebuilt meanwhile, with its contours
        self._contour_layer = self._make_contour_layer(canvas)
        self._update_layers()

    def _make_contour_layer(self, canvas: Canvas) -> Layer:
        surface = self._surface
        if surface is None:
            return {}
        window = (canvas.xlim, canvas.ylim)
        resolution = (
            int(np.clip(2 * canvas.cols, 40, 400)),
            int(np.clip(4 * canvas.rows, 40, 400)),
        )
        key = (surface, window, resolution, self.n_levels)
        cached = self._contours.get(key)
        if cached is None:
            levels = contour_levels(surface, window, self.n_levels)
            cached = (levels, contour_lines(surface, window, levels, resolution))
            self._contours[key] = cached
            while len(self._contours) > _CONTOUR_CACHE:
                self._contours.popitem(last=False)
        else:
            self._contours.move_to_end(key)
        levels, lines = cached
        minima = [m.point for m in surface.minima]
        return contour_layer(canvas, lines, levels, minima)

    def _compute_layers(self, frame: Frame) -> list[Layer]:
        canvas = frame.canvas
        if self._paths_canvas != canvas:
            self._paths = []
            self._paths_canvas = canvas
        self._paths.extend([None] * (len(self._series) - len(self._paths)))
        for i, s in enumerate(self._series):
            if self._paths[i] is None:
                self._paths[i] = PathLayer(BrailleLine(s.points, canvas), canvas)
        paths = [p for p in self._paths if p is not None]
        lines = [p.line for p in paths]
        start = self._start
        if start is None and self._series and lines[0].n:
            first = self._series[0].points[0]
            start = (float(first[0]), float(first[1]))
        layers = [self._contour_layer]
        for i in draw_order(len(self._series), self._focused):
            style = series_style(self._series[i].color, i == self._focused)
            layers.append(paths[i].update(self._upto, style))
        layers.append(marker_layer(canvas, self._series, lines, self._upto, self._focused, start))
        if self.show_legend and self._series:
            layers.append(self._make_legend(canvas))
        return layers

    def _make_legend(self, canvas: Canvas) -> Layer:
        entries: list[Entry] = []
        for i, s in enumerate(self._series):
            focused = i == self._focused
            entries.append(
                (
                    s.marker[:1] or "●",
                    series_style(s.color, focused),
                    s.label,
                    Style(bold=focused) if focused else None,
                )
            )
        key = (canvas, tuple(s.label for s in self._series))
        if key != self._legend_key:
            self._legend_key = key
            size = legend_size(entries, canvas)
            if size[0]:
                self._legend_corner = best_corner(canvas, size, [s.points for s in self._series])
        return legend_layer(canvas, entries, self._legend_corner, None)


def _extends(points: npt.NDArray[np.float64], old: npt.NDArray[np.float64]) -> bool:
    """True when ``points`` are ``old`` followed by more points (a run that went on)."""
    p = points.reshape(-1, 2) if points.size else np.empty((0, 2))
    m = len(old)
    return len(p) > m and bool(np.array_equal(p[:m], old, equal_nan=True))


def _as_points(points: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """A private (n, 2) float64 copy: the caller may reuse or grow its buffer."""
    p = np.array(points, dtype=np.float64, copy=True)
    return p.reshape(-1, 2) if p.size else np.empty((0, 2))


def _clean_window(window: Window) -> Window:
    (x0, x1), (y0, y1) = window
    return nice_limits(float(x0), float(x1)), nice_limits(float(y0), float(y1))


def _usable(window: Window) -> bool:
    """Not so deep that tick labels lose their digits, nor so wide that nothing is left."""
    for lo, hi in window:
        span = hi - lo
        scale = max(abs(lo), abs(hi), 1e-300)
        if not (np.isfinite(lo) and np.isfinite(hi)) or span <= 1e-9 * scale or span > 1e12:
            return False
    return True
