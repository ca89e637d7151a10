"""Every run's trail marked with its own glyph every k steps.

Paths drawn one over another hide each other: GD's zig-zag disappears under momentum's,
and without colour every trail is the same grey. A small copy of each run's marker
(● → •, ▲ → ▴, ...) every k steps, drawn above all the paths, keeps each trail findable
and tells the trails apart by pattern (NO_COLOR, 16 colours). Runs start their marks at
different steps (run i of n at i·k/n), so two runs on one path still show both. The
spacing also reads as speed: marks crowd where a run crawls.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
from rich.style import Style

from .layers import Layer, put
from .mapping import BrailleLine, Canvas

#: A trail's mark: the run's marker, smaller, so the current point still stands out.
MARK_GLYPHS = {
    "●": "•",
    "▲": "▴",
    "■": "▪",
    "◆": "⬩",
    "✚": "+",
    "▼": "▾",
    "◇": "⋄",
    "○": "◦",
}
#: Steps between marks, the smallest that keeps a trail to ``MAX_MARKS`` marks.
LADDER = (1, 2, 5, 10, 25, 50, 100, 250, 500)
MAX_MARKS = 12


def mark_glyph(marker: str) -> str:
    """The small glyph that marks a trail whose current point is ``marker``."""
    glyph = marker[:1] or "●"
    return MARK_GLYPHS.get(glyph, glyph)


def mark_every(upto: int, runs: int) -> int:
    """k for a cursor at step ``upto``: at most ``MAX_MARKS`` marks per trail, and at
    least as many steps as runs, so each run has a step of its own to mark."""
    for k in LADDER:
        if k >= runs and upto <= MAX_MARKS * k:
            return k
    k = LADDER[-1]
    while upto > MAX_MARKS * k:
        k *= 10
    return k


def mark_points(index: int, runs: int, every: int, last: int) -> list[int]:
    """The steps run ``index`` of ``runs`` marks up to step ``last`` (never step 0, the
    start, which has its own marker)."""
    phase = (index * every) // max(runs, 1)
    first = phase if phase > 0 else every
    return list(range(first, last + 1, every))


def marks_layer(
    canvas: Canvas,
    markers: Sequence[str],
    styles: Sequence[Style | None],
    points: Sequence[np.ndarray],
    lines: Sequence[BrailleLine],
    upto: int,
    order: Sequence[int],
    every: int,
) -> Layer:
    """The marks of each run in ``order`` (later ones on top), up to step ``upto``."""
    layer: Layer = {}
    runs = len(markers)
    for i in order:
        last = lines[i].clamp(upto)
        if last < 1:
            continue
        steps, cells = _run_marks(canvas, points[i], i, runs, every)
        shown = [cell for cell in cells[: bisect_right(steps, last)] if cell is not None]
        if shown:
            put(layer, canvas, shown, mark_glyph(markers[i]), styles[i])
    return layer


Cell = tuple[int, int]
#: Each run's mark cells over its whole path, by (canvas, run, runs, k, path): a step
#: then only picks the marks up to the cursor instead of mapping them all again.
_MARKS: dict[tuple[object, ...], tuple[np.ndarray, list[int], list[Cell | None]]] = {}
_MARKS_KEPT = 64


def _run_marks(
    canvas: Canvas, points: np.ndarray, i: int, runs: int, every: int
) -> tuple[list[int], list[Cell | None]]:
    """The steps run ``i`` marks along its whole path and their cells (None off the canvas)."""
    key = (canvas, i, runs, every, id(points), len(points))
    hit = _MARKS.get(key)
    if hit is not None and hit[0] is points:
        return hit[1], hit[2]
    steps = mark_points(i, runs, every, len(points) - 1)
    cells: list[Cell | None] = []
    if steps:
        cx, cy, inside = canvas.marker_cells(points[steps])
        cells = [
            (x, y) if ok else None
            for x, y, ok in zip(cx.tolist(), cy.tolist(), inside.tolist(), strict=True)
        ]
    if len(_MARKS) >= _MARKS_KEPT:
        _MARKS.clear()
    _MARKS[key] = (points, steps, cells)
    return steps, cells
