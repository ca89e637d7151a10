"""Arrows on a plot canvas: a braille shaft from a point, a one-cell head, a one-letter tag.

An arrow is drawn in data units through the plot's own mapping (``mapping.to_bins`` and
plotext's line rasterisation), so its dots lie on the segment from its tail to its tip
exactly as a path there would, and in equal-aspect mode it keeps its true angle. A tip
outside the window is clipped at the window's edge and its head drawn as a double arrow
(⇒): the arrow goes on beyond the view. Shafts can be dotted or dashed, so arrows of one
colour stay apart without colour too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style

from .layers import Layer
from .mapping import BRAILLE, Canvas, dot_bit, segment_dots, to_bin

#: Heads by direction on screen, counter-clockwise from east; clipped ones are doubled.
HEADS = "→↗↑↖←↙↓↘"
CLIPPED_HEADS = "⇒⇗⇑⇖⇐⇙⇓⇘"
#: Which of a shaft's dots are drawn, by dot index along it.
PATTERNS = {"solid": (1,), "dotted": (1, 0), "dashed": (1, 1, 1, 0, 0)}


@dataclass(frozen=True)
class Arrow:
    """``vector`` drawn from ``tail`` (data units), tagged with ``symbol`` past its head."""

    tail: tuple[float, float]
    vector: tuple[float, float]
    symbol: str = ""
    pattern: str = "solid"
    style: Style | None = None


@dataclass(frozen=True)
class ArrowCells:
    """Where an arrow lands: shaft dots per canvas cell, its head, whether it was clipped."""

    shaft: dict[tuple[int, int], int]
    head: tuple[int, int]
    head_glyph: str
    clipped: bool
    direction: tuple[int, int]
    #: Shorter than a cell: the head lands where the arrow starts (under the run's marker).
    within_a_cell: bool = False


def clip(
    tail: tuple[float, float], tip: tuple[float, float], canvas: Canvas
) -> tuple[float, float] | None:
    """(t0, t1): the part of tail → tip inside the window (Liang–Barsky), or None."""
    (x0, x1), (y0, y1) = canvas.xlim, canvas.ylim
    t0, t1 = 0.0, 1.0
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    for p, q in ((-dx, tail[0] - x0), (dx, x1 - tail[0]), (-dy, tail[1] - y0), (dy, y1 - tail[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        r = q / p
        if p < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return None
    return t0, t1


def head_index(dx: float, dy: float) -> int:
    """The 45° sector of the direction (dx, dy) on screen, 0 = east, counter-clockwise."""
    return round(math.atan2(dy, dx) / (math.pi / 4)) % 8


def _subdots(point: tuple[float, float], canvas: Canvas) -> tuple[int, int] | None:
    x = to_bin(point[0], *canvas.xlim, 2 * canvas.cols)
    y = to_bin(point[1], *canvas.ylim, 4 * canvas.rows)
    return None if x is None or y is None else (x, y)


def arrow_cells(arrow: Arrow, canvas: Canvas) -> ArrowCells | None:
    """The cells ``arrow`` covers on ``canvas``; None when none of it is in the window."""
    tail = (float(arrow.tail[0]), float(arrow.tail[1]))
    tip = (tail[0] + float(arrow.vector[0]), tail[1] + float(arrow.vector[1]))
    if not all(math.isfinite(v) for v in (*tail, *tip)):
        return None
    span = clip(tail, tip, canvas)
    if span is None:
        return None
    t0, t1 = span
    dx, dy = tip[0] - tail[0], tip[1] - tail[1]
    a = _subdots((tail[0] + t0 * dx, tail[1] + t0 * dy), canvas)
    b = _subdots((tail[0] + t1 * dx, tail[1] + t1 * dy), canvas)
    if a is None or b is None:
        return None
    xbins, ybins = 2 * canvas.cols, 4 * canvas.rows
    xs, ys = segment_dots(a, b)
    keep = PATTERNS.get(arrow.pattern, (1,))
    shaft: dict[tuple[int, int], int] = {}
    for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if keep[k % len(keep)] and 0 <= x < xbins and 0 <= y < ybins:
            cell = (x // 2, y // 4)
            shaft[cell] = shaft.get(cell, 0) | dot_bit(x, y)
    # Direction on screen: braille dots are about square (2 across, 4 up a 1x2 cell).
    scale_x = (xbins - 1) / (canvas.xlim[1] - canvas.xlim[0])
    scale_y = (ybins - 1) / (canvas.ylim[1] - canvas.ylim[0])
    sector = head_index(dx * scale_x, dy * scale_y)
    clipped = t1 < 1.0
    head = (min(b[0] // 2, canvas.cols - 1), min(b[1] // 4, canvas.rows - 1))
    start = (min(a[0] // 2, canvas.cols - 1), min(a[1] // 4, canvas.rows - 1))
    glyph = (CLIPPED_HEADS if clipped else HEADS)[sector]
    step = [(1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)][sector]
    return ArrowCells(shaft, head, glyph, clipped, step, head == start)


def arrows_layer(canvas: Canvas, arrows: Sequence[Arrow]) -> tuple[Layer, list[bool]]:
    """All shafts (dots of one cell OR-ed, the later arrow's style kept), then the tags,
    then every head on top; and for each arrow whether it was clipped (False if not drawn).
    """
    shafts: dict[tuple[int, int], tuple[int, Style | None]] = {}
    heads: list[tuple[tuple[int, int], str, Style | None]] = []
    tags: list[tuple[tuple[int, int], str, Style | None]] = []
    clipped: list[bool] = []
    for arrow in arrows:
        cells = arrow_cells(arrow, canvas)
        clipped.append(bool(cells and cells.clipped))
        if cells is None:
            continue
        for cell, mask in cells.shaft.items():
            old = shafts.get(cell)
            shafts[cell] = ((old[0] if old else 0) | mask, arrow.style)
        heads.append((cells.head, cells.head_glyph, arrow.style))
        if arrow.symbol and not cells.within_a_cell:
            tag = (cells.head[0] + cells.direction[0], cells.head[1] + cells.direction[1])
            if 0 <= tag[0] < canvas.cols and 0 <= tag[1] < canvas.rows:
                tags.append((tag, arrow.symbol[:1], arrow.style))
    layer: Layer = {}
    for (col, row), (mask, style) in shafts.items():
        x, y = canvas.screen(col, row)
        layer.setdefault(y, {})[x] = (BRAILLE[mask], style)
    for (col, row), glyph, style in (*tags, *heads):
        x, y = canvas.screen(col, row)
        layer.setdefault(y, {})[x] = (glyph, style)
    return layer, clipped
