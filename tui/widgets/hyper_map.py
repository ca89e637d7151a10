"""The lr×β map: how the focused optimizer's run from the current start ends at every
(η, β) of a grid, with the closed-form stability boundary drawn over it where one is known.

One cell per canvas cell: η across (log scale), β up. Cells are drawn by the start map's
``heat_layer`` (a colour per class, the class glyph under ``NO_COLOR``) and coloured by the
same metrics (``M``: how the run ends → steps → final loss). Over them: the boundary (``│``,
``─`` where it turns), the current setting ``◎`` and the cell cursor ``╋``, which the arrows
move; the caption row says what happened in the cursor's cell, and Enter posts ``Chosen``
with its (η, β) for the screen to apply. The legend panel is the start map's.

The map is computed in a worker thread from a ``HyperRequest`` of plain values; a new
request, Escape or closing the view cancels it, and a stale result is never drawn.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import ClassVar

import numpy as np
from rich.style import Style
from textual import work
from textual.binding import BindingType
from textual.message import Message
from textual.worker import get_current_worker

from optiscope.core.format import fmt
from optiscope.core.maps.classes import CellClasses
from optiscope.core.maps.over import CELL_CLASSES, OVER_METRICS, OverMetric
from optiscope.core.maps.over_export import over_classes

from ..bindings import HYPER_MAP, bindings
from ..cli.map_output import colour
from ..hyper_view import HyperPicture, HyperRequest, HyperSetup, compute_hyper, request_for
from ..plotting.frame import Frame, build_frame
from ..plotting.heatmap import heat_layer
from ..plotting.layers import Layer, put, put_text
from ..plotting.mapping import Canvas
from .map_plot import ON_CELLS, legend_entry
from .worker_plot import Part, WorkerPlot, clip, panel_width

CURRENT_GLYPH = "◎"
CURSOR_GLYPH = "╋"
BOUNDARY_GLYPHS = ("│", "─")
#: The cursor's cell: lit, so it reads on every class colour and on the boundary.
CURSOR_STYLE = Style(color="#000000", bgcolor="#ffffff", bold=True)
REVERSED = Style(bold=True, reverse=True)
TITLE_MIN_HEIGHT = 12
METRIC_WORDS: dict[OverMetric, str] = {
    "class": "how the run ends",
    "steps": "steps to settle",
    "loss": "final loss",
}


def log_ticks(low: float, high: float) -> tuple[list[float], list[str]]:
    """Ticks at the powers of ten in [low, high] (log10 positions), or at both ends."""
    a, b = math.log10(low), math.log10(high)
    decades = [float(k) for k in range(math.ceil(a - 1e-9), math.floor(b + 1e-9) + 1)]
    if len(decades) < 2:
        decades = [a, b]
    return decades, [fmt(10**d) for d in decades]


class HyperMapPlot(WorkerPlot[HyperRequest, HyperPicture], can_focus=True):
    """A heatmap over (η, β) with a legend and a cell cursor; see the module docstring."""

    #: Its own keys (arrows, Enter) are bindings: a key is never consumed before them.
    PASSIVE_KEYS = True
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(HYPER_MAP)]

    DEFAULT_CSS = """
    HyperMapPlot {
        display: none;
    }
    """

    CANCELLED = "cancelled: M or any change computes again"

    class Chosen(Message):
        """Enter on a cell: set the focused optimizer's η (and β, if it has one) to these."""

        def __init__(self, lr: float, beta_name: str | None, beta: float | None) -> None:
            super().__init__()
            self.lr = lr
            self.beta_name = beta_name
            self.beta = beta

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.metric: OverMetric = "class"
        self._setup: HyperSetup | None = None
        self._grid_canvas: Canvas | None = None
        self._heat: tuple[Hashable, Layer] | None = None
        #: The cell cursor (i: η column, j: β row), kept across recomputes by value.
        self.cursor = (0, 0)
        self._cursor_at: tuple[float, float | None] | None = None

    # -- public API --------------------------------------------------------------------------
    def show_setup(self, setup: HyperSetup, retry: bool = False) -> None:
        """The focused run's setup as plain values; recompute if the map would change."""
        if self._setup is None or setup.setup != self._setup.setup:
            self._cursor_at = None  # a new setting: the cursor starts on it
        self._setup = setup
        self._sync(retry)

    def set_metric(self, metric: OverMetric) -> None:
        self.metric = metric
        self._cells = None
        self._update_layers()

    def next_metric(self) -> OverMetric:
        return OVER_METRICS[(OVER_METRICS.index(self.metric) + 1) % len(OVER_METRICS)]

    def _classify(self, picture: HyperPicture) -> CellClasses:
        return over_classes(picture.hmap, self.metric)

    def cell_value(self, i: int, j: int) -> tuple[float, float | None]:
        """(η, β) of cell (i, j) of the request drawn."""
        request = self._request
        assert request is not None
        beta = None if request.betas is None else request.betas[j]
        return request.lrs[i], beta

    def caption(self) -> str:
        """What the run in the cursor's cell does, in one line."""
        picture, request = self._picture, self._request
        if picture is None or request is None:
            return self.status or ""
        i, j = self.cursor
        lr, beta = self.cell_value(i, j)
        hmap = picture.hmap
        jj = j if request.betas is not None else 0
        name = CELL_CLASSES[int(hmap.classes()[jj, i])]
        parts = [f"▸ η {fmt(lr)}"]
        if beta is not None:
            parts.append(f"{self._beta_symbol()} {fmt(beta)}")
        settled = float(hmap.settled[jj, i])
        if name == "diverged":
            parts.append(f"diverged at step {int(hmap.diverged_at[jj, i])}")
        else:
            parts.append(name)
            settles = f"settles at {int(settled)}" if math.isfinite(settled) else "never settles"
            parts.append(settles)
            parts.append(f"loss {fmt(float(hmap.final_loss[jj, i]))}")
        boundary = hmap.boundary
        if boundary is not None:
            margin = float(boundary.margin(lr, beta))
            parts.append(f"η/limit {fmt(margin, 3)}")
        return "  ".join(parts)

    def _beta_symbol(self) -> str:
        setup = self._setup
        if setup is None or setup.beta_name is None:
            return "β"
        param = setup.setup.optimizer.param(setup.beta_name)
        return param.symbol or param.name

    # -- keys ------------------------------------------------------------------------------
    def action_move(self, dx: int, dy: int) -> None:
        request = self._request
        if request is None:
            return
        nx = len(request.lrs)
        ny = 1 if request.betas is None else len(request.betas)
        i, j = self.cursor
        self.cursor = (min(max(i + dx, 0), nx - 1), min(max(j + dy, 0), ny - 1))
        self._cursor_at = self.cell_value(*self.cursor)
        self._update_layers()

    def action_choose(self) -> None:
        if self._request is None or self._picture is None or self._setup is None:
            self.notify("the map is not computed yet", timeout=2)
            return
        lr, beta = self.cell_value(*self.cursor)
        self.post_message(self.Chosen(lr, self._setup.beta_name, beta))

    # -- computing ---------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._sync()

    def _sync(self, retry: bool = False) -> None:
        setup = self._setup
        if setup is None or not self.display or not self.size.width or not self.size.height:
            return
        frame = self._ensure_frame()
        if frame is None:
            self.cancel()
            return
        canvas = frame.canvas
        request = request_for(setup, canvas.cols, canvas.rows)
        if request != self._request or (retry and self._picture is None and not self.computing):
            self._request, self._grid_canvas = request, canvas
            job = self._begin()
            self._place_cursor(request)
            self._worker = self._compute(job, request)
        self._update_layers()

    def _place_cursor(self, request: HyperRequest) -> None:
        """On the cell nearest the value it was on, or on the current setting."""
        setup = request.setup
        lr, beta = self._cursor_at or (setup.lr, setup.beta)
        logs = np.log10(np.array(request.lrs))
        with np.errstate(all="ignore"):
            i = int(np.argmin(np.abs(logs - math.log10(lr)))) if lr > 0 else 0
        j = 0
        if request.betas is not None and beta is not None:
            j = int(np.argmin(np.abs(np.array(request.betas) - beta)))
        self.cursor = (i, j)

    @work(thread=True, exclusive=True, group="hyper-map", exit_on_error=False)
    def _compute(self, job: int, request: HyperRequest) -> HyperPicture:
        worker = get_current_worker()
        return compute_hyper(request, self._reporter(job), lambda: worker.is_cancelled)

    # -- drawing -----------------------------------------------------------------------------
    def _wanted_frame_key(self, width: int, height: int) -> Hashable:
        setup = self._setup
        if setup is None:
            return None
        return (setup.lr_range(), setup.beta_range() if setup.beta_name else None)

    def _build_frame(self, width: int, height: int) -> Frame | None:
        setup = self._setup
        if setup is None:
            return None
        panel = panel_width(width)
        low, high = setup.lr_range()
        with_beta = setup.beta_name is not None
        ylim = setup.beta_range() if with_beta else (0.0, 1.0)
        frame = build_frame(
            width - panel,
            height - 1,  # the caption's row
            (math.log10(low), math.log10(high)),
            ylim,
            title="map" if height >= TITLE_MIN_HEIGHT else None,
            xlabel="η (log) →" if height >= TITLE_MIN_HEIGHT - 2 else None,
            ylabel=f"↑ {self._beta_symbol()}" if with_beta else None,
            xticks=log_ticks(low, high),
            yticks=None if with_beta else ([0.5], [""]),
        )
        if frame is None:
            return None
        blank_row = (" ",) * width
        return Frame(
            width,
            height,
            (*(row + (" ",) * panel for row in frame.chars), blank_row),
            (*(row + (None,) * panel for row in frame.styles), (None,) * width),
            frame.canvas,
        )

    def _compute_layers(self, frame: Frame) -> list[Layer]:
        canvas = frame.canvas
        classes = self.cell_classes if canvas == self._grid_canvas else None
        layers: list[Layer] = []
        if classes is not None:
            layers.append(self._heat_layer(canvas, classes))
            layers.append(self._boundary_layer(canvas))
        else:
            layers.append(self._centre_message(canvas))
        layers.append(self._markers(canvas, drawn=classes is not None))
        layers.append(self._title_layer(frame))
        # The bottom row is the caption's.
        layers.append(self._panel_layer(frame, classes, frame.height - 1))
        layers.append(self._caption_layer(frame))
        return layers

    def _heat_layer(self, canvas: Canvas, classes: CellClasses) -> Layer:
        # One grid row per terminal row: in colour both halves of a cell are that row's.
        block = (1, 2 if self.half_blocks else 1)
        key = (canvas, id(classes), self.half_blocks)
        if self._heat is None or self._heat[0] != key:
            rgb = [colour(c, k) for k, c in enumerate(classes.classes)]
            glyphs = [c.glyph for c in classes.classes]
            layer = heat_layer(canvas, classes.cells, block, rgb, glyphs, self.half_blocks)
            self._heat = (key, layer)
        return self._heat[1]

    def boundary_cells(self, canvas: Canvas) -> list[tuple[int, int]]:
        """Canvas cells (col, row) the stability boundary passes through, bottom row first."""
        picture = self._picture
        if picture is None or picture.hmap.boundary is None:
            return []
        boundary = picture.hmap.boundary
        request = picture.request
        rows = range(canvas.rows)
        if request.betas is None:
            limits = [float(boundary.lr_limit(picture.hmap.beta_at(0)))] * canvas.rows
        else:
            last = len(request.betas) - 1
            limits = [float(boundary.lr_limit(request.betas[min(r, last)])) for r in rows]
        with np.errstate(all="ignore"):
            xs = np.log10(np.array(limits))
        y0, y1 = canvas.ylim
        ys = y0 + np.arange(canvas.rows) * (y1 - y0) / max(canvas.rows - 1, 1)
        cx, _, _ = canvas.marker_cells(np.stack([xs, ys], axis=1))
        ok = np.isfinite(xs)
        return [(int(cx[r]), r) if ok[r] else (-1, r) for r in rows]

    def _boundary_layer(self, canvas: Canvas) -> Layer:
        layer: Layer = {}
        cells = self.boundary_cells(canvas)
        style = ON_CELLS if self.half_blocks else Style(bold=True)
        vertical, across = BOUNDARY_GLYPHS
        previous: int | None = None
        for col, row in cells:
            if 0 <= col < canvas.cols:
                put(layer, canvas, [(col, row)], vertical, style)
            if previous is not None and col >= 0 and abs(col - previous) > 1:
                lo, hi = sorted((previous, col))
                run = [(c, row) for c in range(lo + 1, hi) if 0 <= c < canvas.cols]
                put(layer, canvas, run, across, style)
            previous = col if col >= 0 else None
        return layer

    def _cell_of(self, canvas: Canvas, i: int, j: int) -> tuple[int, int]:
        request = self._request
        if request is None or request.betas is None:
            return i, canvas.rows // 2
        return i, j

    def _markers(self, canvas: Canvas, drawn: bool) -> Layer:
        """The current setting ◎ and the cell cursor: a lit cell (reversed without colour)
        holding ╋, or ◎ when it is on the current setting."""
        layer: Layer = {}
        setup, request = self._setup, self._request
        if setup is None or request is None:
            return layer
        over = ON_CELLS if drawn and self.half_blocks else Style(bold=True)
        lr, beta = setup.lr, setup.beta
        current: tuple[int, int] | None = None
        if lr > 0:
            y = beta if beta is not None else 0.5
            cx, cy, inside = canvas.marker_cells([(math.log10(lr), y)])
            if inside[0]:
                current = (int(cx[0]), int(cy[0]) if beta is not None else canvas.rows // 2)
                put(layer, canvas, [current], CURRENT_GLYPH, over)
        if drawn:
            cell = self._cell_of(canvas, *self.cursor)
            glyph = CURRENT_GLYPH if cell == current else CURSOR_GLYPH
            put(layer, canvas, [cell], glyph, CURSOR_STYLE if self.half_blocks else REVERSED)
        return layer

    def map_title(self, width: int) -> str:
        setup = self._setup
        if setup is None:
            return "lr×β map"
        what = METRIC_WORDS[self.metric]
        axes = f"η × {self._beta_symbol()}" if setup.beta_name else "η"
        for text in (
            f"{setup.setup.label}: {what} over {axes}, from ({fmt(setup.start[0])}, "
            f"{fmt(setup.start[1])})",
            f"{setup.setup.label}: {what} over {axes}",
            f"{what} over {axes}",
        ):
            if len(text) <= width:
                return text
        return clip(text, width)

    def _caption_layer(self, frame: Frame) -> Layer:
        layer: Layer = {}
        text = clip(self.caption(), frame.width - 1)
        put_text(layer, 0, frame.height - 1, [(text.ljust(frame.width), Style(bold=True))])
        return layer

    def _panel_lines(
        self, classes: CellClasses | None, width: int, height: int
    ) -> list[list[Part]]:
        bold, dim = Style(bold=True), Style(dim=True)
        title = classes.title if classes else METRIC_WORDS[self.metric]
        head: list[list[Part]] = [[(title, bold)]]
        entries: list[list[Part]] = []
        if classes is not None:
            shares = classes.fractions()
            for k, cell in enumerate(classes.classes):
                if shares[k]:
                    rgb = colour(cell, k) if self.half_blocks else None
                    entries += legend_entry(cell, rgb, cell.label, shares[k], width)
        marks: list[list[Part]] = [
            [(f" {CURRENT_GLYPH} ", bold), ("the current setting", None)],
            [(f" {CURSOR_GLYPH} ", bold), ("the cell cursor", None)],
        ]
        picture = self._picture
        boundary = picture.hmap.boundary if picture is not None else None
        if boundary is not None:
            marks.append([(f" {BOUNDARY_GLYPHS[0]} ", bold), ("stability boundary:", None)])
            for line in _wrap(f"{boundary.rule}, λmax = {fmt(boundary.lam_max)}", width - 3):
                marks.append([("   " + line, None)])
        elif picture is not None:
            marks.append([("no closed-form boundary here", dim)])
        status: list[list[Part]] = []
        if self._message is not None or self.computing:
            style = None if self.computing or not self._message else self._message[1]
            status.append([(self.status or "", style or Style(bold=True, color="yellow"))])
        details: list[list[Part]] = []
        request = self._request
        if request is not None:
            ny = 1 if request.betas is None else len(request.betas)
            details.append([(f"{len(request.lrs)}×{ny} cells, {request.steps} steps", dim)])
            details.append([(f"converged: ‖∇f‖ ≤ {request.gtol:g}", dim)])
        hint = "Esc cancels  B back" if self.computing else "←→↑↓ cell  Enter set  M metric"
        keys: list[list[Part]] = [[(hint, dim)]]
        blank: list[list[Part]] = [[]]
        for tail in (
            blank + marks + blank + details + status + keys,
            marks + details + status + keys,
            marks + status + keys,
            marks + status,
            status,
        ):
            lines = head + entries + tail
            if len(lines) <= height:
                return lines
        return (head + status + entries)[:height]


def _wrap(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` cells."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines
