"""The explorer's contour plot: iso-lines of the surface with optimizer paths on top.

Drawing is split by how often things change. The frame (axes, ticks, labels, title, built
by plotext) and the contour layer (iso-lines and minima, rasterised with plotext's exact
mapping) are rebuilt only when the surface, view window or size changes. Each
``set_series`` recomputes just the paths, their current points and the legend, and
refreshes only the terminal rows whose cells changed: one optimizer step costs a fraction
of a millisecond instead of a full plotext redraw (see benchmarks/bench_plot.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from rich.style import Style
from textual import events
from textual.geometry import Offset
from textual.message import Message
from textual.reactive import reactive

from optiscope.core.contours import contour_levels, contour_lines
from optiscope.core.format import fmt
from optiscope.core.surfaces import Surface

from ..plotting.contour_layers import (
    MINIMUM_GLYPH,
    MINIMUM_RGB,
    MINIMUM_STYLE,
    START_GLYPH,
    PlotSeries,
    contour_layer,
    contour_rgb,
    draw_order,
    marker_layer,
    minima_layer,
    series_layers,
    series_style,
    trail_marks,
)
from ..plotting.frame import Frame, build_frame, nice_limits
from ..plotting.layered import LayeredPlot
from ..plotting.layers import Layer
from ..plotting.legend import (
    Entry,
    best_corner,
    best_corner_of,
    covers,
    legend_box,
    legend_layer,
    legend_size,
    occupancy,
)
from ..plotting.mapping import BrailleLine, Canvas
from ..plotting.marks import mark_every
from ..plotting.paths import PathLayer
from ..plotting.ticks import Axis
from ..plotting.window import CELL_ASPECT, Window, aspect_window, plot_axes
from ..recent import Recent

if TYPE_CHECKING:  # drawn only once asked for (V, G, z): imported then, not at start-up
    from ..plotting.field import Field
    from ..plotting.step_arrows import VectorOverlay

#: Content rows needed before the title, and the axis labels, are worth a row each.
TITLE_MIN_HEIGHT, LABELS_MIN_HEIGHT = 12, 10
_DEFAULT_VIEW: Window = ((-1.0, 1.0), (-1.0, 1.0))
_CONTOUR_CACHE = 16

__all__ = [
    "CELL_ASPECT",
    "MINIMUM_GLYPH",
    "MINIMUM_RGB",
    "MINIMUM_STYLE",
    "START_GLYPH",
    "ContourPlot",
    "PlotSeries",
    "aspect_window",
    "contour_layer",
    "contour_rgb",
    "draw_order",
    "marker_layer",
    "series_layers",
    "series_style",
]


def _same_points(old: PlotSeries, new: PlotSeries, points: npt.NDArray[np.float64]) -> bool:
    a = old.points
    if a is points:
        return True
    if new.source is not None and new.source is old.source:
        return len(a) == len(points)  # a source's points never change once given
    return a.shape == points.shape and bool(np.array_equal(a, points, equal_nan=True))


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
    shaded: reactive[bool] = reactive(False)
    """Filled bands between the levels instead of iso-lines."""
    field: reactive[bool] = reactive(False)
    """A sparse quiver of −∇f over the contours."""

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
        self._contours: Recent[tuple[np.ndarray, list[tuple[float, np.ndarray]]]] = Recent(
            _CONTOUR_CACHE
        )
        self._contour_layer: Layer = {}
        self._legend_key: Hashable = None
        self._legend_corner = (True, True)
        self._legend_drawn: tuple[Hashable, Layer] = (None, {})
        #: The vectors' legend corner and what it was chosen for (see ``_overlay_legend``).
        self._overlay_corner: tuple[Hashable, tuple[bool, bool]] | None = None
        self._vectors: VectorOverlay | None = None
        self._axes: tuple[Axis, Axis] | None = None
        self._field: Field | None = None
        self._field_key: Hashable = None
        self._field_cells: Layer = {}
        #: Where the vectors' legend was drawn: (x, y, width, rows) in the widget's content.
        self.overlay_legend_box: tuple[int, int, int, int] | None = None
        self._paths_grid_key: Hashable = None
        self._paths_grid = np.zeros((0, 0), dtype=np.int64)
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
            if old is not None and _same_points(old, new, points):
                points = old.points
            else:
                grown = old is not None and (
                    len(points) > len(old.points)
                    if new.source is not None and new.source is old.source
                    else _extends(points, old.points)
                )
                points = _as_points(points)
                if path is not None and not (grown and path.line.extend(points)):
                    self._paths[i] = None
            kept.append(PlotSeries(new.label, new.color, new.marker, points, new.source))
        series = kept
        del self._paths[len(series) :]
        self._series = series
        self._upto = max(int(upto), 0)
        self._focused = int(focused)
        self._update_layers()

    def set_vectors(self, overlay: VectorOverlay | None) -> None:
        """Arrows at the current point (a step's vectors) and their legend; None hides them.
        Call it before ``set_series``, which repaints the rows that changed."""
        self._vectors = overlay if overlay is not None and overlay.arrows else None

    @property
    def axes(self) -> tuple[Axis, Axis] | None:
        """The x and y axes drawn (range and ticks), once a frame is built."""
        return self._axes if self._frame is not None else None

    @property
    def vectors(self) -> VectorOverlay | None:
        return self._vectors

    @property
    def quiver(self) -> Field | None:
        """The gradient field drawn (its arrows and scale), or None when it is off."""
        return self._field

    def set_start(self, point: tuple[float, float]) -> None:
        """Mark the start point (by default the first point of the first series)."""
        self._start = (float(point[0]), float(point[1]))
        self._update_layers()

    def zoom(self, factor: float, about: tuple[float, float] | None = None) -> None:
        """Scale the window span by ``factor`` about a point: 0.5 zooms in 2x, 2.0 out.

        ``about`` (data coordinates) stays where it is on screen; it defaults to where the
        vectors are drawn while they are, else to the centre.
        """
        if not (np.isfinite(factor) and factor > 0):
            return
        (x0, x1), (y0, y1) = self._view
        if about is None and self._vectors is not None:
            about = self._vectors.arrows[-1].tail  # the step Δ, drawn last, starts there
            inside = x0 <= about[0] <= x1 and y0 <= about[1] <= y1
            about = about if inside else None
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
    def view(self) -> Window:
        """The window asked for by zoom and pan; ``window`` is it widened to draw."""
        return self._view

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
        """((x0, x1), (y0, y1)) on screen: the view, widened when ``equal_aspect`` is on and
        a little (a few percent) so the ticks fall evenly on the terminal's grid. While the
        plot is hidden (another view in its place) it is the window last drawn for this
        view, so what depends on it (a convergence map) does not move."""
        frame = self._ensure_frame() if self.size.width and self.size.height else None
        if frame is None:
            last = self._frame
            key = self._frame_key
            if (
                last is not None
                and isinstance(key, tuple)
                and key[2][:2]
                == (
                    self._view,
                    self.equal_aspect,
                )
            ):
                return last.canvas.xlim, last.canvas.ylim
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

    def watch_field(self, _value: bool) -> None:
        self._update_layers()

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
        return (self._view, self.equal_aspect, self._surface, self.n_levels, self.shaded)

    def _build_frame(self, width: int, height: int) -> Frame | None:
        surface = self._surface
        title = surface.title if surface is not None and height >= TITLE_MIN_HEIGHT else None
        xname, yname = surface.coords if surface is not None else ("x", "y")
        labels = height >= LABELS_MIN_HEIGHT
        xlabel, ylabel = (f"{xname} →", f"↑ {yname}") if labels else (None, None)

        def frame_for(window: Window, axes: tuple[Axis, Axis] | None = None) -> Frame | None:
            return build_frame(
                width,
                height,
                window[0],
                window[1],
                title=title,
                xlabel=xlabel,
                ylabel=ylabel,
                xticks=(axes[0].ticks, axes[0].labels) if axes else None,
                yticks=(axes[1].ticks, axes[1].labels) if axes else None,
            )

        frame = frame_for(self._view)
        # Ticks an exact number of cells apart need the canvas size, which the tick labels'
        # width can change in turn: settle in a few builds (3 ms each, on resize or zoom).
        used: tuple[int, int] | None = None
        for _ in range(4):
            if frame is None:
                break
            size = (frame.canvas.cols, frame.canvas.rows)
            if size == used:
                break
            used = size
            axes = plot_axes(self._view, size[0], size[1], self.equal_aspect)
            frame = frame_for((axes[0].limits, axes[1].limits), axes)
            self._axes = axes
        if frame is not None:
            self._field_key = None
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

    def _levels_and_lines(
        self, surface: Surface, canvas: Canvas
    ) -> tuple[np.ndarray, list[tuple[float, np.ndarray]]]:
        """Levels spaced for this canvas, and their iso-lines (cached per window and size)."""
        window = (canvas.xlim, canvas.ylim)
        dots = (2 * canvas.cols, 4 * canvas.rows)
        resolution = (int(np.clip(dots[0], 40, 400)), int(np.clip(dots[1], 40, 400)))
        key = (surface, window, resolution, self.n_levels, dots)

        def make() -> tuple[np.ndarray, list[tuple[float, np.ndarray]]]:
            levels = contour_levels(surface, window, self.n_levels, dots)
            return levels, contour_lines(surface, window, levels, resolution)

        return self._contours.get(key, make)

    def _make_contour_layer(self, canvas: Canvas) -> Layer:
        surface = self._surface
        if surface is None:
            return {}
        levels, lines = self._levels_and_lines(surface, canvas)
        minima = [m.point for m in surface.minima]
        if not self.shaded:
            return contour_layer(canvas, lines, levels, minima)
        from ..plotting.shading import band_layer

        colours = [contour_rgb(i, len(levels) + 1) for i in range(len(levels) + 1)]
        layer = band_layer(surface, canvas, levels, colours, half_blocks=not self._no_color)
        marks: Layer = {}
        minima_layer(marks, canvas, minima)
        for y, row in marks.items():  # over the band, keeping its colour behind the glyph
            for x, (glyph, style) in row.items():
                under = layer.get(y, {}).get(x, ("", None))[1]
                bg = Style(bgcolor=under.bgcolor) if under is not None else Style()
                layer.setdefault(y, {})[x] = (glyph, bg + (style or Style()))
        return layer

    @property
    def _no_color(self) -> bool:
        try:
            return bool(self.app.no_color)
        except RuntimeError:  # no app (a plot drawn outside one): draw in colour
            return False

    def _field_layer(self, canvas: Canvas) -> Layer:
        """The quiver, computed once per canvas while it is shown."""
        if not self.field or self._surface is None:
            self._field = None
            return {}
        key = (canvas, self._surface)
        if key != self._field_key:
            from ..plotting.arrows import arrows_layer
            from ..plotting.field import field_arrows

            self._field_key = key
            self._field = field_arrows(self._surface, canvas)
            self._field_cells = arrows_layer(canvas, self._field.arrows)[0]
        return self._field_cells

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
        layers = [self._contour_layer, self._field_layer(canvas)]
        for i in draw_order(len(self._series), self._focused):
            style = series_style(self._series[i].color, i == self._focused)
            layers.append(paths[i].update(self._upto, style))
        layers.append(trail_marks(canvas, self._series, lines, self._upto, self._focused))
        clipped = False
        arrows: Layer = {}
        if self._vectors is not None:
            from ..plotting.arrows import arrows_layer

            arrows, each = arrows_layer(canvas, self._vectors.arrows)
            layers.append(arrows)
            clipped = any(each)
        layers.append(marker_layer(canvas, self._series, lines, self._upto, self._focused, start))
        if self.show_legend and self._series:
            layers.append(self._make_legend(canvas))
        layers.append(self._overlay_legend(canvas, clipped, arrows))
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
        every = mark_every(self._upto, len(self._series))
        if self._upto >= every:
            entries.append(("·", None, f"marks every {every} step{'s' if every > 1 else ''}", None))
        key = (canvas, tuple(s.label for s in self._series))
        if key != self._legend_key:
            self._legend_key = key
            size = legend_size(entries, canvas)
            if size[0]:
                self._legend_corner = best_corner(canvas, size, [s.points for s in self._series])
        drawn = (canvas, tuple(entries), self._legend_corner)
        if drawn != self._legend_drawn[0]:  # the same legend: the same layer, skipped by identity
            self._legend_drawn = (drawn, legend_layer(canvas, entries, self._legend_corner, None))
        return self._legend_drawn[1]

    def _overlay_legend(self, canvas: Canvas, clipped: bool, arrows: Layer) -> Layer:
        """Names and true lengths of the step's arrows, and the field's scale, in the corner
        the paths and the series legend leave freest."""
        self.overlay_legend_box = None
        entries: list[Entry] = list(self._vectors.entries) if self._vectors else []
        if clipped:
            entries.append(("⇒", None, "goes on off the view", None))
        if self._field is not None and self._field.arrows:
            style = self._field.arrows[0].style
            entries.append(("→", style, f"field −∇f × {fmt(self._field.scale)}", None))
        if not entries:
            return {}
        size = legend_size(entries, canvas)
        if not size[0]:
            return {}
        avoid = self._legend_corner if self.show_legend and self._series else None
        key = (canvas, tuple(id(s.points) for s in self._series))
        if key != self._paths_grid_key:  # the paths' cells, once per set of paths
            self._paths_grid_key = key
            self._paths_grid = occupancy(canvas, [s.points for s in self._series])
        # The corner stays while stepping unless the arrows come under it: a legend that
        # jumped corners at every step would be hard to read (and choosing costs ~0.1 ms).
        chosen_for = (key, size, avoid)
        kept = self._overlay_corner
        if (
            kept is None
            or kept[0] != chosen_for
            or covers(legend_box(canvas, size, kept[1]), arrows)
        ):
            grid = self._paths_grid
            if self._vectors is not None:  # the arrows weigh more than the paths: 10 a point
                t = np.linspace(0.0, 1.0, 10)[:, None]
                along = [np.array(a.tail) + t * np.array(a.vector) for a in self._vectors.arrows]
                grid = grid + 10 * occupancy(canvas, along)
            kept = (chosen_for, best_corner_of(grid, size, avoid))
            self._overlay_corner = kept
        corner = kept[1]
        self.overlay_legend_box = legend_box(canvas, size, corner)
        return legend_layer(canvas, entries, corner, None)


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
