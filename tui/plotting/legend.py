"""A legend drawn inside a plot's canvas, in the corner where it hides the least."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rich.style import Style

from .layers import Layer, put_text
from .mapping import Canvas

#: Corners in order of preference: (from the top?, from the right?).
CORNERS = ((True, True), (True, False), (False, True), (False, False))

Entry = tuple[str, Style | None, str, Style | None]
"""(marker glyph, marker style, label, label style)."""


def legend_size(entries: Sequence[Entry], canvas: Canvas) -> tuple[int, int]:
    """(width, rows) of the legend box: at most half the canvas wide and leaving two rows
    free (labels are shortened, surplus entries dropped); (0, 0) when that leaves no room."""
    if not entries:
        return 0, 0
    rows = min(len(entries), canvas.rows - 2)
    width = min(max(len(label) for _, _, label, _ in entries) + 4, canvas.cols // 2)
    if width < 6 or rows < 1:
        return 0, 0
    return width, rows


def best_corner(
    canvas: Canvas,
    size: tuple[int, int],
    points: Sequence[npt.ArrayLike],
    avoid: tuple[bool, bool] | None = None,
) -> tuple[bool, bool]:
    """The corner whose legend box covers the fewest of ``points`` (preference breaks ties),
    other than ``avoid`` (a corner another legend holds)."""
    width, rows = size
    counts = []
    cells = [canvas.marker_cells(p) for p in points if np.size(p)]
    corners = [c for c in CORNERS if c != avoid]
    for top, right in corners:
        c0 = canvas.cols - width if right else 0
        r0 = canvas.rows - rows if top else 0
        hidden = 0
        for cx, cy, inside in cells:
            box = inside & (cx >= c0) & (cx < c0 + width) & (cy >= r0) & (cy < r0 + rows)
            hidden += int(np.count_nonzero(box))
        counts.append(hidden)
    return corners[int(np.argmin(counts))]


def occupancy(canvas: Canvas, points: Sequence[npt.ArrayLike]) -> npt.NDArray[np.int64]:
    """How many of ``points`` fall in each canvas cell: an array (rows, cols), row 0 at the
    bottom. Built once, it prices any legend box by a sum over a slice."""
    grid = np.zeros((canvas.rows, canvas.cols), dtype=np.int64)
    for p in points:
        if np.size(p):
            cx, cy, inside = canvas.marker_cells(p)
            np.add.at(grid, (cy[inside], cx[inside]), 1)
    return grid


def best_corner_of(
    grid: npt.NDArray[np.int64], size: tuple[int, int], avoid: tuple[bool, bool] | None = None
) -> tuple[bool, bool]:
    """``best_corner`` over an ``occupancy`` grid (same choice, same tie-break)."""
    width, rows = size
    n_rows, n_cols = grid.shape
    corners = [c for c in CORNERS if c != avoid]
    counts = []
    for top, right in corners:
        c0 = n_cols - width if right else 0
        r0 = n_rows - rows if top else 0
        counts.append(int(grid[max(r0, 0) : r0 + rows, max(c0, 0) : c0 + width].sum()))
    return corners[int(np.argmin(counts))]


def legend_box(
    canvas: Canvas, size: tuple[int, int], corner: tuple[bool, bool]
) -> tuple[int, int, int, int]:
    """(x, y, width, rows) of a legend of ``size`` in ``corner`` (top?, right?) of the canvas."""
    top, right = corner
    x = canvas.left + (canvas.cols - size[0] if right else 0)
    y = canvas.top + (0 if top else canvas.rows - size[1])
    return x, y, size[0], size[1]


def covers(box: tuple[int, int, int, int], layer: Layer) -> bool:
    """Whether any cell of ``layer`` lies in ``box``."""
    x, y, width, rows = box
    return any(x <= cx < x + width for row in range(y, y + rows) for cx in layer.get(row, ()))


def legend_layer(
    canvas: Canvas, entries: Sequence[Entry], corner: tuple[bool, bool], fill: Style | None
) -> Layer:
    """One line per entry, `` ● label ``, padded to a box that hides what lies beneath."""
    layer: Layer = {}
    width, rows = legend_size(entries, canvas)
    if not width:
        return layer
    x, y, _, _ = legend_box(canvas, (width, rows), corner)
    for i, (glyph, glyph_style, label, label_style) in enumerate(entries[:rows]):
        text = label[: width - 4]
        if len(label) > width - 4:
            text = label[: width - 5] + "…"
        pad = " " * (width - 4 - len(text))
        put_text(
            layer,
            x,
            y + i,
            [
                (" ", fill),
                (glyph[:1], glyph_style),
                (" ", fill),
                (text, label_style),
                (pad + " ", fill),
            ],
        )
    return layer
