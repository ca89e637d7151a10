"""One optimizer path as a layer that follows the step cursor at the cost of one segment.

Stepping forward only adds dots: the cells of points 0..u+1 are those of 0..u OR-ed with
segment u's dots and point u+1 (point u is segment u's first dot, or equal to the next
point). So a forward step touches a few cells and returns a layer that shares every
unchanged row with the previous one, which the widget's row diff then skips by identity.
Stepping back, a new style (focus) or a new canvas redraws the path from scratch.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style

from .layers import Layer
from .mapping import BRAILLE, BrailleLine, Canvas

#: Dots a step adds at most to be ORed in plain Python rather than with NumPy.
SMALL = 64


class PathLayer:
    """The braille path of one series, drawn up to a movable cursor."""

    def __init__(self, line: BrailleLine, canvas: Canvas) -> None:
        self.line = line
        self.canvas = canvas
        self.layer: Layer = {}
        self._upto = -2
        self._style: Style | None = None
        self._masks = np.zeros(line.cell_count, dtype=np.int64)

    def update(self, upto: int, style: Style | None) -> Layer:
        """The layer for points 0..upto in ``style`` (the previous object if nothing changed)."""
        u = self.line.clamp(upto)
        if u == self._upto and style == self._style:
            return self.layer
        if u < self._upto or style != self._style or self._upto < 0:
            self._redraw(u, style)
        else:
            self._extend(u)
        self._upto, self._style = u, style
        return self.layer

    def _redraw(self, u: int, style: Style | None) -> None:
        self._masks[:] = 0
        ids, masks = self.line.masks(u) if u >= 0 else (np.empty(0, np.int64),) * 2
        self._masks[ids] = masks
        layer: Layer = {}
        cols, rows, left, top = (
            self.canvas.cols,
            self.canvas.rows,
            self.canvas.left,
            self.canvas.top,
        )
        for i, m in zip(ids.tolist(), masks.tolist(), strict=True):
            row, col = divmod(i, cols)
            layer.setdefault(top + rows - 1 - row, {})[left + col] = (BRAILLE[m], style)
        self.layer = layer

    def _extend(self, u: int) -> None:
        ids, bits = self.line.dots(self._upto, u)
        final = self.line.final_dot(u)
        if ids.size <= SMALL:
            changed = self._or_few(ids.tolist(), bits.tolist(), final)
        else:
            if final is not None:
                ids = np.append(ids, final[0])
                bits = np.append(bits, final[1])
            touched = np.unique(ids)
            before = self._masks[touched].copy()
            np.bitwise_or.at(self._masks, ids, bits)
            after = self._masks[touched]
            grew = touched[after != before]
            changed = list(zip(grew.tolist(), self._masks[grew].tolist(), strict=True))
        if changed:
            self._draw_cells(changed)

    def _or_few(
        self, ids: list[int], bits: list[int], final: tuple[int, int] | None
    ) -> list[tuple[int, int]]:
        """The vectorised OR of ``_extend`` for the dots of a step or two, in plain Python
        (NumPy's per-call cost was most of a step's path update): (cell, new mask) of each
        cell whose mask changed."""
        if final is not None:
            ids.append(int(final[0]))
            bits.append(int(final[1]))
        masks = self._masks
        before: dict[int, int] = {}
        after: dict[int, int] = {}
        for i, bit in zip(ids, bits, strict=True):
            if i not in after:
                before[i] = after[i] = int(masks[i])
            after[i] |= bit
        changed = [(i, m) for i, m in after.items() if m != before[i]]
        for i, m in changed:
            masks[i] = m
        return changed

    def _draw_cells(self, changed: list[tuple[int, int]]) -> None:
        """Put the new glyphs of ``changed`` cells in a copy of the layer (rows copied once)."""
        layer = dict(self.layer)
        copied: set[int] = set()
        cols, rows, left, top = (
            self.canvas.cols,
            self.canvas.rows,
            self.canvas.left,
            self.canvas.top,
        )
        style = self._style
        for i, m in changed:
            row, col = divmod(i, cols)
            y = top + rows - 1 - row
            if y not in copied:
                layer[y] = dict(layer.get(y, {}))
                copied.add(y)
            layer[y][left + col] = (BRAILLE[m], style)
        self.layer = layer
