"""plotext's data -> canvas arithmetic, reproduced exactly and vectorised.

Everything drawn inside the plot canvas (contours, paths, markers) goes through this module,
so it lands in the very cell and braille dot where plotext 5.3.2 would have put it; the
oracle test in tests/test_plot_canvas_drawing.py compares the two cell by cell. The rules, from
plotext's ``_utility.py``:

* ``get_matrix_data``: a value v becomes ``floor(round8(0.5 + (bins-1)·(v-lo)/(hi-lo)))``
  with plotext's half-up 8-digit rounding. Braille lines use ``bins = 2·cols`` (x) and
  ``4·rows`` (y) sub-dots; one-character markers use ``cols`` and ``rows``.
* ``get_lines``/``get_line``: each segment between two sub-dot points becomes
  ``a = max(|dx|, |dy|) + 1`` points ``int(p0 + k·(p1-p0)/(a-1))`` (truncation toward zero),
  the segment's last point is dropped and the path's final point appended.
* ``hd_group``: the dots of one signal falling in one cell are OR-ed into one braille glyph.

The "natural" ``floor((v-lo)/(hi-lo)·bins)`` is off by a sub-dot in most configurations.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Cell = tuple[int, int]
"""(canvas column, canvas row), row 0 at the bottom as in plotext."""

#: Sub-dot positions beyond this are treated like non-finite ones: no terminal is that
#: wide, and it keeps every coordinate an exact integer in a float64.
_FAR = 1e15

# Unicode braille: bit for the dot at (sub-row from the bottom, sub-column).
_DOT_BITS = np.array([[0x40, 0x80], [0x04, 0x20], [0x02, 0x10], [0x01, 0x08]], dtype=np.int64)
#: The same, for drawing code outside this module (arrows).
DOT_BITS = _DOT_BITS
_DOT_BIT_ROWS = ((0x40, 0x80), (0x04, 0x20), (0x02, 0x10), (0x01, 0x08))  # = _DOT_BITS
#: Glyph for each 8-bit dot mask (mask 0 is a blank, as plotext draws it).
BRAILLE = tuple(" " if m == 0 else chr(0x2800 + m) for m in range(256))


def round8_floor(t: Array) -> IntArray:
    """``math.floor(plotext._utility.round(t, 8))`` element-wise (half-up at 8 digits)."""
    n = t * 1e8
    f = np.floor(n)
    r = np.where(n - f < 0.5, f, np.ceil(n))
    return np.floor(r * 1e-8).astype(np.int64)


def to_bin(value: float, lo: float, hi: float, bins: int) -> int | None:
    """``to_bins`` of one value in plain Python (the same float operations, in the same
    order, so the same bin): a marker a step costs no NumPy call. None where the mask is
    False."""
    try:
        t = 0.5 + ((bins - 1) * (value - lo)) / (hi - lo)
    except (ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(t) or abs(t) >= _FAR:
        return None
    n = t * 1e8
    f = float(math.floor(n))
    r = f if n - f < 0.5 else float(math.ceil(n))
    return math.floor(r * 1e-8)


def to_bins(
    values: npt.ArrayLike, lo: float, hi: float, bins: int
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """plotext's ``get_matrix_data``: bin indices, and which values could be mapped.

    Values that are not finite, or map absurdly far outside the canvas, get index 0 and
    ``False`` in the mask: callers cut paths there instead of crashing as plotext would.
    """
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        t = 0.5 + ((bins - 1) * (v - lo)) / (hi - lo)
    ok = np.isfinite(t) & (np.abs(t) < _FAR)
    return round8_floor(np.where(ok, t, 0.0)), ok


class Canvas(NamedTuple):
    """Where plotext put the data area inside a ``width x height`` figure, and its limits."""

    left: int
    top: int
    cols: int
    rows: int
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def screen(self, col: int, row: int) -> tuple[int, int]:
        """Figure (x, y) of canvas cell (col, row); y counts from the top like a terminal."""
        return self.left + col, self.top + self.rows - 1 - row

    def cell_at(self, x: int, y: int) -> Cell | None:
        """Canvas cell under figure position (x, y), or None outside the canvas."""
        col, row = x - self.left, self.top + self.rows - 1 - y
        if 0 <= col < self.cols and 0 <= row < self.rows:
            return col, row
        return None

    def data_at(self, x: int, y: int) -> tuple[float, float] | None:
        """Data point that maps to the middle of the cell at figure position (x, y).

        Inverts the one-character-marker mapping, so a marker drawn for point p sits in a
        cell whose ``data_at`` is within half a cell of p.
        """
        cell = self.cell_at(x, y)
        if cell is None:
            return None
        return _centre(cell[0], self.cols, self.xlim), _centre(cell[1], self.rows, self.ylim)

    def marker_cell(self, x: float, y: float) -> Cell | None:
        """``marker_cells`` of one point: its cell, or None off the canvas."""
        col = to_bin(x, *self.xlim, self.cols)
        row = to_bin(y, *self.ylim, self.rows)
        if col is None or row is None or not (0 <= col < self.cols and 0 <= row < self.rows):
            return None
        return col, row

    def marker_cells(
        self, points: npt.ArrayLike
    ) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
        """Cells of one-character markers at ``points`` (n, 2), and which lie on the canvas."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        cx, okx = to_bins(p[:, 0], *self.xlim, self.cols)
        cy, oky = to_bins(p[:, 1], *self.ylim, self.rows)
        inside = okx & oky & (cx >= 0) & (cx < self.cols) & (cy >= 0) & (cy < self.rows)
        return cx, cy, inside


def _centre(index: int, bins: int, lim: tuple[float, float]) -> float:
    lo, hi = lim
    if bins <= 1:
        return (lo + hi) / 2
    return lo + index * (hi - lo) / (bins - 1)


class BrailleLine:
    """One polyline's braille dots on one canvas, ready to draw any prefix of it.

    Built once per (points, canvas) and extended as the path grows; ``cells(upto)`` then
    costs a slice and a sort. Only dots that can land on the canvas are enumerated, so a
    segment to a far-away diverged point costs no more than one across the canvas.
    """

    def __init__(self, points: npt.ArrayLike, canvas: Canvas) -> None:
        self.canvas = canvas
        self._cols = canvas.cols
        self._xbins, self._ybins = 2 * canvas.cols, 4 * canvas.rows
        empty = np.empty(0, dtype=np.int64)
        self._xs = self._ys = self._cell = self._bit = empty
        self._prefix = np.zeros(1, dtype=np.int64)
        self.n = 0
        self._given = 0
        self._append(np.asarray(points, dtype=np.float64).reshape(-1, 2))

    def extend(self, points: npt.ArrayLike) -> bool:
        """Take on ``points``, of which the ones already given must be unchanged, at the cost
        of the new segments only. False (and nothing done) when the line was cut short by a
        point that cannot be drawn: then build a new line."""
        p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        if self.n < self._given or len(p) < self._given:
            return False
        self._append(p[self._given :])
        return True

    def _append(self, p: npt.NDArray[np.float64]) -> None:
        """Map and rasterise more points, continuing from the last one (if any)."""
        xbins, ybins = self._xbins, self._ybins
        xs, okx = to_bins(p[:, 0], *self.canvas.xlim, xbins)
        ys, oky = to_bins(p[:, 1], *self.canvas.ylim, ybins)
        bad = np.flatnonzero(~(okx & oky))
        m = int(bad[0]) if bad.size else len(p)
        self._given += len(p)
        if m == 0:
            return
        first = max(self.n - 1, 0)  # the first new segment starts at the old last point
        xs = np.concatenate([self._xs[first:], xs[:m]])
        ys = np.concatenate([self._ys[first:], ys[:m]])
        longest = max(np.abs(np.diff(xs)).max(initial=0), np.abs(np.diff(ys)).max(initial=0))
        few = len(xs) <= 8 and longest < 2 * (xbins + ybins)
        dots = _few_segment_dots if few else _segment_dots
        dx, dy, seg = dots(xs, ys, xbins, ybins)
        keep = (dx >= 0) & (dx < xbins) & (dy >= 0) & (dy < ybins)
        dx, dy, seg = dx[keep], dy[keep], seg[keep] + first
        self._cell = np.concatenate([self._cell, (dy // 4) * self._cols + dx // 2])
        self._bit = np.concatenate([self._bit, _DOT_BITS[dy % 4, dx % 2]])
        self._xs = np.concatenate([self._xs[:first], xs])
        self._ys = np.concatenate([self._ys[:first], ys])
        old_n, self.n = self.n, first + len(xs)
        # _prefix[u]: how many kept dots belong to segments before point u. Entries for the
        # old points stand: every new dot belongs to a segment starting at or after them.
        keep_n = max(old_n, 1)
        tail = np.searchsorted(seg, np.arange(keep_n, self.n), side="left")
        earlier = len(self._cell) - len(seg)
        self._prefix = np.concatenate([self._prefix[:keep_n], earlier + tail])

    @property
    def cell_count(self) -> int:
        """Cells on the canvas; ids run over ``range(cell_count)``, row-major from the bottom."""
        return self._cols * (self._ybins // 4)

    def clamp(self, upto: int | None) -> int:
        """The last drawn point index for ``upto`` (None: the whole line); -1 when empty."""
        if self.n == 0:
            return -1
        return self.n - 1 if upto is None else min(max(int(upto), 0), self.n - 1)

    def dots(self, first: int, last: int) -> tuple[IntArray, IntArray]:
        """Cell ids and braille bits of the dots of segments ``first .. last-1``.

        The dots of points 0..u are ``dots(0, u)`` plus ``final_dot(u)``: plotext draws each
        segment without its last point and then appends the path's final point.
        """
        a, b = int(self._prefix[first]), int(self._prefix[last])
        return self._cell[a:b], self._bit[a:b]

    def final_dot(self, u: int) -> tuple[int, int] | None:
        """(cell id, bit) of point u's own dot, or None when it is off the canvas."""
        x, y = int(self._xs[u]), int(self._ys[u])
        if 0 <= x < self._xbins and 0 <= y < self._ybins:
            return (y // 4) * self._cols + x // 2, int(_DOT_BITS[y % 4, x % 2])
        return None

    def masks(self, upto: int | None = None) -> tuple[IntArray, IntArray]:
        """Cell ids (ascending) and OR-ed dot masks for points 0..upto."""
        u = self.clamp(upto)
        if u < 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        cell, bit = self.dots(0, u)
        final = self.final_dot(u)
        if final is not None:
            cell = np.append(cell, final[0])
            bit = np.append(bit, final[1])
        if cell.size == 0:
            return cell, bit
        order = np.argsort(cell, kind="stable")
        cell, bit = cell[order], bit[order]
        starts = np.flatnonzero(np.r_[True, cell[1:] != cell[:-1]])
        return cell[starts], np.bitwise_or.reduceat(bit, starts)

    def cells(self, upto: int | None = None) -> dict[Cell, str]:
        """Braille glyph per canvas cell for points 0..upto (clipped to the drawable ones)."""
        ids, masks = self.masks(upto)
        cols = self._cols
        return {
            (i % cols, i // cols): BRAILLE[m]
            for i, m in zip(ids.tolist(), masks.tolist(), strict=True)
        }


def _few_segment_dots(
    xs: IntArray, ys: IntArray, xbins: int, ybins: int
) -> tuple[IntArray, IntArray, IntArray]:
    """``_segment_dots`` for a handful of short segments (a path growing by a step), in plain
    Python: plotext's own float expression, without NumPy's per-call overhead."""
    out_x: list[int] = []
    out_y: list[int] = []
    out_s: list[int] = []
    px, py = xs.tolist(), ys.tolist()
    for i in range(len(px) - 1):
        dots_x, dots_y = segment_dots((px[i], py[i]), (px[i + 1], py[i + 1]))
        out_x += dots_x
        out_y += dots_y
        out_s += [i] * len(dots_x)
    return (
        np.array(out_x, dtype=np.int64),
        np.array(out_y, dtype=np.int64),
        np.array(out_s, dtype=np.int64),
    )


def segment_dots(a: tuple[int, int], b: tuple[int, int]) -> tuple[list[int], list[int]]:
    """The sub-dots plotext draws from dot ``a`` to dot ``b``, in order along the segment,
    without b itself (``get_line`` minus its last point), with plotext's own float
    expression, in plain Python (an arrow drawn on every step costs no NumPy call)."""
    (x0, y0), (x1, y1) = a, b
    steps = max(abs(x1 - x0), abs(y1 - y0))
    if steps == 0:
        return [], []
    sx, sy = (x1 - x0) / steps, (y1 - y0) / steps
    return [int(x0 + k * sx) for k in range(steps)], [int(y0 + k * sy) for k in range(steps)]


def dot_bit(x: int, y: int) -> int:
    """The braille bit of sub-dot (x, y): ``DOT_BITS[y % 4, x % 2]`` without NumPy."""
    return _DOT_BIT_ROWS[y % 4][x % 2]


def _segment_dots(
    xs: IntArray, ys: IntArray, xbins: int, ybins: int
) -> tuple[IntArray, IntArray, IntArray]:
    """plotext's ``get_line`` for every segment, minus each segment's last point.

    Returns the dots' x, y and segment index, in drawing order. Per segment only the range
    of k whose dot can fall inside [0, xbins) x [0, ybins) is enumerated (with a margin;
    callers filter exactly), evaluated with plotext's own float expression so truncation
    matches bit for bit.
    """
    empty = np.empty(0, dtype=np.int64)
    if len(xs) < 2:
        return empty, empty, empty
    x0, y0 = xs[:-1].astype(np.float64), ys[:-1].astype(np.float64)
    ddx, ddy = (xs[1:] - xs[:-1]), (ys[1:] - ys[:-1])
    steps = np.maximum(np.abs(ddx), np.abs(ddy))  # a - 1: dots per segment after the drop
    live = steps > 0
    safe = np.where(live, steps, 1).astype(np.float64)
    sx, sy = ddx / safe, ddy / safe  # plotext: (upper - lower) / (length - 1)
    lo = np.zeros(len(steps))
    hi = steps.astype(np.float64) - 1.0
    for p0, s, top in ((x0, sx, xbins), (y0, sy, ybins)):
        with np.errstate(divide="ignore", invalid="ignore"):
            a = (-1.0 - p0) / s
            b = (top - p0) / s
        moving = s != 0
        k_min = np.where(moving, np.minimum(a, b), -np.inf)
        k_max = np.where(moving, np.maximum(a, b), np.inf)
        still_inside = (p0 > -1.0) & (p0 < top)
        k_max = np.where(~moving & ~still_inside, -np.inf, k_max)
        lo = np.maximum(lo, np.floor(k_min) - 1.0)
        hi = np.minimum(hi, np.ceil(k_max) + 1.0)
    drawn = live & (hi >= lo)
    counts = np.where(drawn, hi - lo + 1.0, 0.0).astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return empty, empty, empty
    start = np.where(drawn, lo, 0.0).astype(np.int64)
    seg = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    k = (start[seg] + (np.arange(total, dtype=np.int64) - first[seg])).astype(np.float64)
    dots_x = np.trunc(x0[seg] + k * sx[seg]).astype(np.int64)
    dots_y = np.trunc(y0[seg] + k * sy[seg]).astype(np.int64)
    return dots_x, dots_y, seg
