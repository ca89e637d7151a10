"""The convergence map of the surface in view: which minimum, how fast, how low, per start.

The optimizer in focus (or it and the next one, compared) runs from every start of a grid
over the contour plot's window, and each start is drawn as a cell coloured by its class,
with a legend beside the plot: each class's colour, glyph, meaning and share of the grid.
The grid follows the widget's size: one start per canvas column and two per row (half
blocks; one per row and a glyph under ``NO_COLOR``), so what is drawn is exactly the grid
that was computed. Axes and ticks come from plotext through ``build_frame``, as on the
contour plot.

The map is computed in a worker thread from a ``MapRequest`` of plain values; the thread
reports progress as messages, stops between chunks once the worker is cancelled (Escape,
closing the map, a new request, quitting) and its result arrives as the worker's
``StateChanged`` message, so a stale or cancelled result is never drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from rich.style import Style
from textual import work
from textual.worker import get_current_worker

from optiscope.core.format import fmt
from optiscope.core.maps.classes import CellClass, CellClasses
from optiscope.core.maps.compute import ConvergenceMap, Metric
from optiscope.core.maps.summary import percent

from ..cli.map_output import colour
from ..map_view import (
    MAP_STEPS,
    METRIC_PHRASES,
    GridLayout,
    MapPicture,
    MapRequest,
    MapSetup,
    compute_picture,
    grid_layout,
)
from ..plotting.frame import Frame, build_frame
from ..plotting.heatmap import heat_layer, swatch_style
from ..plotting.layers import Layer, put
from ..plotting.mapping import Canvas
from .plot_canvas import MINIMUM_GLYPH, MINIMUM_STYLE, START_GLYPH
from .worker_plot import Part, WorkerPlot, clip, panel_width

#: Content rows needed before the title, and the axis labels, get a row each (as contours).
TITLE_MIN_HEIGHT, LABELS_MIN_HEIGHT = 12, 10
#: Markers over coloured cells: dark on every class colour.
ON_CELLS = Style(color="#000000", bold=True)


def short_label(cell: CellClass, cmap: ConvergenceMap | None, index: int) -> str:
    """A legend label that fits a narrow panel: a known minimum by its point."""
    if cell.kind == "minimum" and cmap is not None and index < cmap.known_minima:
        x, y = cmap.minima[index].point
        return f"({fmt(x, 3)}, {fmt(y, 3)})"
    return cell.label


class MapPlot(WorkerPlot[MapRequest, MapPicture], can_focus=True):
    """A heatmap of a convergence map with a legend; see the module docstring.

    ``show_setup`` hands it the model's setup; it computes when shown and the setup, the
    window or its size changed. ``metric`` and ``compare`` say what is drawn.
    """

    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    DEFAULT_CSS = """
    MapPlot {
        display: none;
    }
    """

    CANCELLED = "cancelled: M, b or any change computes again"

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.metric: Metric = "minimum"
        #: Compare the focused optimizer (A) with the next one (B).
        self.compare = False
        self.steps = MAP_STEPS
        self._setup: MapSetup | None = None
        self._grid: GridLayout | None = None
        self._grid_canvas: Canvas | None = None
        self._heat: tuple[Hashable, Layer] | None = None
        self._threads = 0
        self._lock = threading.Lock()

    # -- public API --------------------------------------------------------------------------
    def show_setup(self, setup: MapSetup, retry: bool = False) -> None:
        """The model's setup as plain values; recompute if it changed what the map shows.

        ``retry`` also recomputes a map that was cancelled or failed for this same setup.
        """
        self._setup = setup
        self._sync(retry)

    def set_metric(self, metric: Metric) -> None:
        self.metric = metric
        self._cells = None
        if self._picture is None and not self.computing:
            self._sync(retry=True)
        self._update_layers()

    @property
    def threads_running(self) -> int:
        """Map threads still running (a cancelled one stops within a chunk of steps)."""
        with self._lock:
            return self._threads

    def _classify(self, picture: MapPicture) -> CellClasses:
        return picture.classes(self.metric)

    @property
    def grid(self) -> GridLayout | None:
        return self._grid

    @property
    def canvas(self) -> Canvas | None:
        """Where the data area is inside the widget's content, and its axis limits."""
        frame = self._ensure_frame() if self.size.width and self.size.height else None
        return frame.canvas if frame else None

    def map_title(self, width: int = 200) -> str:
        """E.g. "adam(lr=0.1): which minimum, 500 steps, 96×40 starts", shortened to fit."""
        request = self._request
        if request is None:
            return "convergence map"
        phrase = METRIC_PHRASES[self.metric]
        nx, ny = request.grid
        labels = [s.label for s in request.setups]
        who = f"A {labels[0]} vs B {labels[1]}" if len(labels) == 2 else labels[0]
        for text in (
            f"{who}: {phrase}, {request.steps} steps, {nx}×{ny} starts",
            f"{who}: {phrase}",
            f"{'A vs B' if len(labels) == 2 else who}: {phrase}",
        ):
            if len(text) <= width:
                return text
        return clip(text, width)

    # -- computing ---------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._sync()

    def _sync(self, retry: bool = False) -> None:
        setup = self._setup
        if setup is None or not self.display or not self.size.width or not self.size.height:
            return  # shown or resized later: on_resize comes back here
        frame = self._ensure_frame()
        if frame is None:
            self.cancel()
            return
        canvas = frame.canvas
        per_row = 2 if self.half_blocks else 1
        layout = grid_layout(canvas.xlim, canvas.ylim, canvas.cols, canvas.rows * per_row, per_row)
        request = MapRequest(
            setup.surface,
            setup.setups,
            setup.noise,
            setup.schedule,
            layout.window,
            layout.grid,
            self.steps,
        )
        stale = request != self._request
        if stale or (retry and self._picture is None and not self.computing):
            self._start(request, layout, canvas)
        self._update_layers()

    def _start(self, request: MapRequest, layout: GridLayout, canvas: Canvas) -> None:
        ready = self._reusable(request)
        self._request, self._grid, self._grid_canvas = request, layout, canvas
        self._worker = self._compute(self._begin(), request, ready)

    def _reusable(self, request: MapRequest) -> tuple[ConvergenceMap | None, ...]:
        """Maps already computed for setups of ``request`` on the same grid (b toggles)."""
        old = self._picture
        if old is None:
            return ()
        o = old.request
        same = (o.surface, o.noise, o.schedule, o.window, o.grid, o.steps, o.gtol) == (
            request.surface,
            request.noise,
            request.schedule,
            request.window,
            request.grid,
            request.steps,
            request.gtol,
        )
        if not same:
            return ()
        pairs = list(zip(o.setups, old.maps, strict=True))
        return tuple(next((m for s, m in pairs if s == setup), None) for setup in request.setups)

    @work(thread=True, exclusive=True, group="map", exit_on_error=False)
    def _compute(
        self, job: int, request: MapRequest, ready: tuple[ConvergenceMap | None, ...]
    ) -> MapPicture:
        worker = get_current_worker()
        with self._lock:
            self._threads += 1
        try:
            return compute_picture(request, ready, self._reporter(job), lambda: worker.is_cancelled)
        finally:
            with self._lock:
                self._threads -= 1

    # -- drawing -----------------------------------------------------------------------------
    def _wanted_frame_key(self, width: int, height: int) -> Hashable:
        return self._setup.window if self._setup else None

    def _build_frame(self, width: int, height: int) -> Frame | None:
        if self._setup is None:
            return None
        panel = panel_width(width)
        (x0, x1), (y0, y1) = self._setup.window
        x, y = self._setup.surface.coords
        labels = height >= LABELS_MIN_HEIGHT
        frame = build_frame(
            width - panel,
            height,
            (x0, x1),
            (y0, y1),
            # A placeholder that keeps the title row: the title layer writes the real one.
            title="map" if height >= TITLE_MIN_HEIGHT else None,
            xlabel=f"{x} →" if labels else None,
            ylabel=f"↑ {y}" if labels else None,
        )
        if frame is None or not panel:
            return frame
        return Frame(
            width,
            height,
            tuple(row + (" ",) * panel for row in frame.chars),
            tuple(row + (None,) * panel for row in frame.styles),
            frame.canvas,
        )

    def _compute_layers(self, frame: Frame) -> list[Layer]:
        canvas = frame.canvas
        classes = self.cell_classes if canvas == self._grid_canvas else None
        layers: list[Layer] = []
        if classes is not None and self._grid is not None:
            layers.append(self._heat_layer(canvas, classes, self._grid))
        else:
            layers.append(self._centre_message(canvas))
        layers.append(self._markers(canvas, drawn=classes is not None))
        layers.append(self._title_layer(frame))
        layers.append(self._panel_layer(frame, classes, frame.height))
        return layers

    def _heat_layer(self, canvas: Canvas, classes: CellClasses, layout: GridLayout) -> Layer:
        key = (canvas, id(classes), layout.block, self.half_blocks)
        if self._heat is None or self._heat[0] != key:
            rgb = [colour(c, k) for k, c in enumerate(classes.classes)]
            glyphs = [c.glyph for c in classes.classes]
            layer = heat_layer(canvas, classes.cells, layout.block, rgb, glyphs, self.half_blocks)
            self._heat = (key, layer)
        return self._heat[1]

    def _markers(self, canvas: Canvas, drawn: bool) -> Layer:
        """Known minima and the start, dark over coloured cells."""
        layer: Layer = {}
        setup = self._setup
        if setup is None:
            return layer
        over = ON_CELLS if drawn and self.half_blocks else None
        minima = [m.point for m in setup.surface.minima]
        if minima:
            cx, cy, inside = canvas.marker_cells(minima)
            cells = list(zip(cx[inside].tolist(), cy[inside].tolist(), strict=True))
            put(layer, canvas, cells, MINIMUM_GLYPH, over or MINIMUM_STYLE)
        cx, cy, inside = canvas.marker_cells([setup.start])
        if inside[0]:
            put(layer, canvas, [(int(cx[0]), int(cy[0]))], START_GLYPH, over or Style(bold=True))
        return layer

    def _panel_lines(
        self, classes: CellClasses | None, width: int, height: int
    ) -> list[list[Part]]:
        """Heading, one line per class present, then the run's figures and the keys."""
        request = self._request
        bold = Style(bold=True)
        dim = Style(dim=True)
        head: list[list[Part]] = []
        if request is not None and len(request.setups) == 2:
            head.append([("where does A beat B?", bold)])
            head.append([("A ", bold), (request.setups[0].label, None)])
            head.append([("B ", bold), (request.setups[1].label, None)])
        head.append([(classes.title if classes else METRIC_PHRASES[self.metric], bold)])
        entries: list[list[Part]] = []
        if classes is not None and self._picture is not None:
            cmap = self._picture.maps[0] if len(self._picture.maps) == 1 else None
            shares = classes.fractions()
            for k, cell in enumerate(classes.classes):
                if shares[k]:
                    rgb = colour(cell, k) if self.half_blocks else None
                    entries += legend_entry(cell, rgb, short_label(cell, cmap, k), shares[k], width)
        status: list[list[Part]] = []
        if self._message is not None or self.computing:
            style = None if self.computing or not self._message else self._message[1]
            status.append([(self.status or "", style or Style(bold=True, color="yellow"))])
        details: list[list[Part]] = []
        if request is not None:
            nx, ny = request.grid
            details.append([(f"{nx}×{ny} starts, {request.steps} steps", dim)])
            details.append([(f"converged: ‖∇f‖ ≤ {request.gtol:g}", dim)])
        hint = "Esc cancels  m back" if self.computing else "M metric  b A vs B"
        keys: list[list[Part]] = [[(hint, dim)]]
        blank: list[list[Part]] = [[]]
        # Shed what matters least until it fits: the key hint, the figures, the gap.
        for tail in (blank + details + status + keys, details + status, status):
            lines = head + entries + tail
            if len(lines) <= height:
                return lines
        return (head + status + entries)[:height]


def legend_entry(
    cell: CellClass, rgb: tuple[int, int, int] | None, label: str, share: float, width: int
) -> list[list[Part]]:
    """``██ g label  12.3%`` (no swatch without colour); a long label takes a second line."""
    text = percent(share)
    room = max(width - 6 - len(text), 4)
    first, rest = label, ""
    if len(label) > room:
        cut = label.rfind(" ", 0, room + 1)
        cut = cut if cut > 0 else room
        first, rest = label[:cut], label[cut:].strip()
    swatch: Part = ("██", swatch_style(rgb)) if rgb else ("  ", None)
    lines: list[list[Part]] = [
        [
            swatch,
            (f" {cell.glyph} ", Style(bold=True)),
            (first.ljust(room + 1), None),
            (text, Style(dim=True)),
        ]
    ]
    if rest:
        lines.append([("     " + clip(rest, width - 5), None)])
    return lines
