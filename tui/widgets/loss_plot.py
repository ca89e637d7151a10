"""Loss against step for every optimizer, with a cursor at the step being shown.

Same machinery as the contour plot: the frame (axes, ticks, labels) is rebuilt only when
the axis limits or the size change. The step axis ends at the run's length (the steps
asked for), the loss axis is rounded outward (whole decades) so a growing run rarely moves
it, and its ticks fall an exact number of rows apart. A legend names each run by marker,
colour and label. The curves layer is redrawn when the data change; moving the cursor
redraws only the cursor column and the markers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
from rich.style import Style

from ..plotting.contour_layers import series_style
from ..plotting.frame import Frame, build_frame, nice_limits
from ..plotting.layered import LayeredPlot
from ..plotting.layers import Layer, put
from ..plotting.legend import Entry, best_corner, legend_layer, legend_size
from ..plotting.mapping import BrailleLine, Canvas
from ..plotting.ticks import Axis, even_axis, ticks_within

LossSeries = tuple[str, str, str, npt.NDArray[np.float64]]
"""(label, colour, marker, losses) — losses[k] is the loss at step k."""

CURSOR_GLYPH = "│"
CURSOR_STYLE = Style(dim=True)
LABELS_MIN_HEIGHT = 8
#: Loss gaps below this (relative to |f*|) are rounding noise: the log plot's floor.
_TINY = 1e-15


def log_floor(f_min: float) -> float:
    """What is added to ``loss - f*`` before taking logs, so exact convergence stays plottable."""
    return _TINY * max(1.0, abs(f_min))


def transform(
    losses: Sequence[npt.NDArray[np.float64]], f_min: float
) -> tuple[list[npt.NDArray[np.float64]], bool]:
    """Finite prefix of each loss curve as plotted, and whether the y axis is logarithmic.

    Log scale (``log10(loss - f* + tiny)``) when no finite loss lies below ``f*``; otherwise
    the raw losses on a linear axis.
    """
    cut = []
    for values in losses:
        v = np.asarray(values, dtype=np.float64).ravel()
        bad = np.flatnonzero(~np.isfinite(v))
        cut.append(v[: bad[0]] if bad.size else v)
    tiny = log_floor(f_min) if math.isfinite(f_min) else 0.0
    gaps = [v - f_min for v in cut]
    log = math.isfinite(f_min) and all(g.size == 0 or g.min() >= -tiny for g in gaps)
    if not log:
        return cut, False
    return [np.log10(np.maximum(g, 0.0) + tiny) for g in gaps], True


def nice_ceil(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k that is >= value (so limits move rarely)."""
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * power >= value * (1 - 1e-12):
            return m * power
    return 10.0 * power


def y_limits(lo: float, hi: float, log: bool) -> tuple[float, float]:
    """Limits rounded outward: whole decades on a log axis, nice steps on a linear one."""
    if log:
        a, b = math.floor(lo), math.ceil(hi)
        return (float(a), float(b if b > a else a + 1))
    lo, hi = nice_limits(lo, hi)
    step = nice_ceil((hi - lo) / 4)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def decade_label(k: int) -> str:
    """10^k as a tick label: plain for 0.001 .. 1000, ``1e-6`` style beyond."""
    if 0 <= k <= 3:
        return str(10**k)
    if -3 <= k < 0:
        return f"{10.0**k:.{-k}f}"
    return f"1e{k}"


def log_ticks(lo: float, hi: float, max_ticks: int) -> tuple[list[float], list[str]]:
    """Whole decades from lo to hi, thinned to at most ``max_ticks``."""
    decades = list(range(math.ceil(lo), math.floor(hi) + 1))
    stride = max(1, math.ceil(len(decades) / max(max_ticks, 2)))
    chosen = decades[::stride]
    if decades and chosen[-1] != decades[-1] and len(chosen) < max_ticks:
        chosen.append(decades[-1])
    return [float(k) for k in chosen], [decade_label(k) for k in chosen]


def _decade(value: float, step: float) -> str:
    return decade_label(round(value))


def loss_axes(
    xlim: tuple[float, float], ylim: tuple[float, float], log: bool, cols: int, rows: int
) -> tuple[Axis, Axis]:
    """The step axis exactly as asked (its ticks the most even round steps) and the loss
    axis widened so its ticks (whole decades on a log axis) fall evenly."""
    x_width = len(str(int(xlim[1]))) + 2
    x = ticks_within(*xlim, cols, min_gap=x_width, target=12.0, integers=True)
    if log:
        y = even_axis(*ylim, rows, min_gap=2, target=4.0, integers=True, label=_decade)
    else:
        y = even_axis(*ylim, rows, min_gap=2, target=4.0)
    return x, y


class LossPlot(LayeredPlot):
    """Loss vs step for several runs; ``set_losses`` per cursor move is cheap."""

    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    def __init__(
        self,
        *,
        show_legend: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.show_legend = show_legend
        self._meta: list[tuple[str, str, str]] = []
        self._raw: list[npt.NDArray[np.float64]] = []
        self._f_min = math.nan
        self._curves: list[npt.NDArray[np.float64]] = []
        self._log = False
        self._limits: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 1.0), (0.0, 1.0))
        self._upto = 0
        self._version = 0
        self._curves_key: Hashable = None
        self._curves_layer: Layer = {}
        self._last_step: int | None = None
        self._legend_corner = (True, True)
        self._legend_key: Hashable = None

    # -- public API --------------------------------------------------------------------------
    def set_losses(
        self,
        series: Sequence[LossSeries],
        upto: int,
        f_min: float,
        last_step: int | None = None,
    ) -> None:
        """Show each series' losses (non-finite tails cut) and put the cursor at step ``upto``.

        The step axis ends at ``last_step`` (the run's length; by default the longest
        series). The curves are redrawn only when labels, colours or losses changed.
        """
        meta = [(str(label), str(color), str(marker)) for label, color, marker, _ in series]
        arrays = [np.asarray(values, dtype=np.float64).ravel() for *_, values in series]
        f_min = float(f_min)
        same = (
            meta == self._meta
            and (f_min == self._f_min or (math.isnan(f_min) and math.isnan(self._f_min)))
            and len(arrays) == len(self._raw)
            and all(
                a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
                for a, b in zip(arrays, self._raw, strict=True)
            )
        )
        if last_step != self._last_step:
            self._last_step, same = last_step, False
        if not same:
            self._meta, self._f_min = meta, f_min
            self._raw = [a.copy() for a in arrays]
            self._curves, self._log = transform(self._raw, f_min)
            self._limits = self._compute_limits()
            self._version += 1
        self._upto = max(int(upto), 0)
        self._update_layers()

    @property
    def log_scale(self) -> bool:
        """True when the y axis shows log10(loss - f*)."""
        return self._log

    def _compute_limits(self) -> tuple[tuple[float, float], tuple[float, float]]:
        longest = max((len(c) for c in self._curves), default=0)
        last = self._last_step if self._last_step is not None else longest - 1
        xlim = (0.0, float(max(last, 1)))
        values = [c for c in self._curves if c.size]
        if not values:
            return xlim, (0.0, 1.0)
        lo = min(float(c.min()) for c in values)
        hi = max(float(c.max()) for c in values)
        return xlim, y_limits(lo, hi, self._log)

    # -- drawing -------------------------------------------------------------------------------
    def _wanted_frame_key(self, width: int, height: int) -> Hashable:
        return (self._limits, self._log)

    def _build_frame(self, width: int, height: int) -> Frame | None:
        xlim, ylim = self._limits
        labels = height >= LABELS_MIN_HEIGHT

        def frame_for(axes: tuple[Axis, Axis] | None) -> Frame | None:
            yticks = None
            if axes is None and self._log:
                yticks = log_ticks(ylim[0], ylim[1], max(2, (height - 4) // 2))
            return build_frame(
                width,
                height,
                xlim if axes is None else axes[0].limits,
                ylim if axes is None else axes[1].limits,
                xlabel="step" if labels else None,
                ylabel=("loss − f* (log)" if self._log else "loss") if labels else None,
                yticks=(axes[1].ticks, axes[1].labels) if axes else yticks,
                xticks=(axes[0].ticks, axes[0].labels) if axes else None,
            )

        frame = frame_for(None)
        used: tuple[int, int] | None = None
        for _ in range(4):  # tick labels can change the canvas they are spaced for
            if frame is None:
                break
            size = (frame.canvas.cols, frame.canvas.rows)
            if size == used:
                break
            used = size
            frame = frame_for(loss_axes(xlim, ylim, self._log, *size))
        return frame

    def _compute_layers(self, frame: Frame) -> list[Layer]:
        canvas = frame.canvas
        key = (self._version, canvas)
        if key != self._curves_key:
            self._curves_key = key
            self._curves_layer = self._draw_curves(canvas)
        layers = [self._curves_layer, self._cursor_layer(canvas)]
        if self.show_legend and self._meta:
            entries: list[Entry] = [
                (marker[:1] or "●", series_style(color, False), label, None)
                for label, color, marker in self._meta
            ]
            size = legend_size(entries, canvas)
            if size[0]:
                if key != self._legend_key:
                    self._legend_key = key
                    points = [
                        np.column_stack([np.arange(c.size, dtype=np.float64), c])
                        for c in self._curves
                    ]
                    self._legend_corner = best_corner(canvas, size, points)
                layers.append(legend_layer(canvas, entries, self._legend_corner, None))
        return layers

    def _draw_curves(self, canvas: Canvas) -> Layer:
        layer: Layer = {}
        for (_, color, _), ys in zip(self._meta, self._curves, strict=True):
            if ys.size:
                points = np.column_stack([np.arange(ys.size, dtype=np.float64), ys])
                put(
                    layer,
                    canvas,
                    BrailleLine(points, canvas).cells(),
                    None,
                    series_style(color, False),
                )
        return layer

    def _cursor_layer(self, canvas: Canvas) -> Layer:
        """The cursor column where the curves leave it blank, then each run's marker."""
        layer: Layer = {}
        cx, _, inside = canvas.marker_cells(np.array([[float(self._upto), canvas.ylim[0]]]))
        if inside[0]:
            x = canvas.left + int(cx[0])
            curves = self._curves_layer
            free = [
                (int(cx[0]), row)
                for row in range(canvas.rows)
                if x not in curves.get(canvas.top + canvas.rows - 1 - row, {})
            ]
            put(layer, canvas, free, CURSOR_GLYPH, CURSOR_STYLE)
        heads = [(i, min(self._upto, len(c) - 1)) for i, c in enumerate(self._curves) if len(c)]
        if heads:
            points = np.array([[float(k), self._curves[i][k]] for i, k in heads])
            hx, hy, ok = canvas.marker_cells(points)
            for j, (i, _) in enumerate(heads):
                if ok[j]:
                    _, color, marker = self._meta[i]
                    put(
                        layer,
                        canvas,
                        [(int(hx[j]), int(hy[j]))],
                        marker[:1] or "●",
                        series_style(color, False),
                    )
        return layer
