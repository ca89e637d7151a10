"""A classified grid drawn into a plot canvas, one start per half cell or per cell.

With colour, each terminal cell shows two starts as an upper half block: foreground the
upper start's class colour, background the lower one's, so the grid is twice as fine
vertically as the terminal. Without colour (``NO_COLOR``) each cell shows one start as its
class glyph, the same glyphs the CLI's map prints. Either way every start of the grid is
drawn, and each canvas cell shows only the starts it holds (see ``map_view.GridLayout``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rich.color import Color
from rich.style import Style

from .layers import CellStyle, Layer
from .mapping import Canvas

RGB = tuple[int, int, int]
UPPER_HALF = "▀"


def heat_layer(
    canvas: Canvas,
    cells: npt.NDArray[np.int64],
    block: tuple[int, int],
    colours: Sequence[RGB],
    glyphs: Sequence[str],
    half_blocks: bool,
) -> Layer:
    """Canvas cells for the class grid ``cells[j, i]`` (row j = 0 at the bottom)."""
    ny, nx = cells.shape
    kx, ky = block
    cols = np.minimum(np.arange(canvas.cols) // kx, nx - 1)
    per_row = 2 if half_blocks else 1
    sub = np.arange(canvas.rows * per_row).reshape(canvas.rows, per_row)
    rows = np.minimum(sub // ky, ny - 1)
    layer: Layer = {}
    if half_blocks:
        lower = cells[rows[:, 0]][:, cols]
        upper = cells[rows[:, 1]][:, cols]
        styles: dict[tuple[int, int], CellStyle] = {}
        for r in range(canvas.rows):
            out: dict[int, CellStyle] = {}
            for c, (u, lo) in enumerate(zip(upper[r].tolist(), lower[r].tolist(), strict=True)):
                entry = styles.get((u, lo))
                if entry is None:
                    entry = styles[(u, lo)] = (UPPER_HALF, _pair_style(colours[u], colours[lo]))
                out[canvas.left + c] = entry
            layer[canvas.top + canvas.rows - 1 - r] = out
        return layer
    grid = cells[rows[:, 0]][:, cols]
    entries = [
        (g, Style(color=Color.from_rgb(*rgb))) for g, rgb in zip(glyphs, colours, strict=True)
    ]
    for r in range(canvas.rows):
        layer[canvas.top + canvas.rows - 1 - r] = {
            canvas.left + c: entries[k] for c, k in enumerate(grid[r].tolist())
        }
    return layer


def _pair_style(upper: RGB, lower: RGB) -> Style:
    return Style(color=Color.from_rgb(*upper), bgcolor=Color.from_rgb(*lower))


def swatch_style(rgb: RGB) -> Style:
    return Style(color=Color.from_rgb(*rgb))
