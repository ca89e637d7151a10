"""Contours as filled bands: each half cell coloured by the band its value falls in.

With colour, a cell is an upper half block whose foreground is the band of its upper
half and whose background that of its lower half (as the convergence map draws starts),
so bands are twice as fine vertically as the terminal. Paths drawn over it keep the
background. Without colour, bands alternate between blank and a light shade, so the
nested rings still read.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from rich.color import Color
from rich.style import Style

from optiscope.core.surfaces import Surface

from .layers import Layer
from .mapping import Canvas

UPPER_HALF = "▀"
SHADE = "░"
#: Bands are drawn this bright (of the contour colour), so paths stay the brightest thing.
DIMMING = 0.42

RGB = tuple[int, int, int]


def band_rgb(colour: RGB) -> RGB:
    r, g, b = (round(c * DIMMING) for c in colour)
    return r, g, b


def bands(
    surface: Surface, canvas: Canvas, levels: npt.ArrayLike, per_cell: int
) -> npt.NDArray[np.int64]:
    """Band index (0 below the first level) of ``per_cell`` samples up each cell: shape
    (rows·per_cell, cols), row 0 at the bottom."""
    lv = np.asarray(levels, dtype=np.float64)
    (x0, x1), (y0, y1) = canvas.xlim, canvas.ylim
    cols, rows = canvas.cols, canvas.rows * per_cell
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
    xx, yy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = np.asarray(surface.f(xx, yy), dtype=np.float64)
    index = np.searchsorted(lv, np.where(np.isfinite(z), z, np.inf))
    return np.asarray(index, dtype=np.int64)


def band_layer(
    surface: Surface,
    canvas: Canvas,
    levels: npt.ArrayLike,
    colours: list[RGB],
    half_blocks: bool,
) -> Layer:
    """Filled bands over the canvas; ``colours[i]`` is band i's (len(levels) + 1 of them)."""
    layer: Layer = {}
    if half_blocks:
        grid = bands(surface, canvas, levels, 2)
        rgb = [Color.from_rgb(*band_rgb(c)) for c in colours]
        styles: dict[tuple[int, int], Style] = {}
        for r in range(canvas.rows):
            lower, upper = grid[2 * r].tolist(), grid[2 * r + 1].tolist()
            row: dict[int, tuple[str, Style | None]] = {}
            for c, (u, lo) in enumerate(zip(upper, lower, strict=True)):
                style = styles.get((u, lo))
                if style is None:
                    style = styles[(u, lo)] = Style(color=rgb[u], bgcolor=rgb[lo])
                row[canvas.left + c] = (UPPER_HALF, style)
            layer[canvas.top + canvas.rows - 1 - r] = row
        return layer
    grid = bands(surface, canvas, levels, 1)
    for r in range(canvas.rows):
        cells: dict[int, tuple[str, Style | None]] = {
            canvas.left + c: (SHADE, None) for c, k in enumerate(grid[r].tolist()) if k % 2 == 1
        }
        if cells:
            layer[canvas.top + canvas.rows - 1 - r] = cells
    return layer
