"""Iso-lines of a surface over a view window: which levels to draw, and where they run.

Pure NumPy + contourpy, so the CLI, tests and any front end share one definition of the
levels. Views cache the result per (surface, window, resolution): contouring a 300x300
grid costs a few milliseconds, far too much to repeat on every optimizer step.
"""

from __future__ import annotations

import contourpy
import numpy as np
import numpy.typing as npt
from contourpy import LineType

from .surfaces import Surface

Array = npt.NDArray[np.float64]
Window = tuple[tuple[float, float], tuple[float, float]]

#: Grid used to choose levels: fine enough for the quantiles, cheap enough to be instant.
_LEVEL_GRID = 121
#: Levels stop at this quantile of f over the window: corners of a steep surface would
#: otherwise take every level, leaving the interesting basin with none.
_HIGH_QUANTILE = 0.95
#: Log-spaced levels start this far above the minimum, relative to the span they cover.
_LOG_FLOOR = 1e-4


def _grid(window: Window, nx: int, ny: int) -> tuple[Array, Array]:
    (x0, x1), (y0, y1) = window
    return np.linspace(x0, x1, nx), np.linspace(y0, y1, ny)


def _values(surface: Surface, x: Array, y: Array) -> Array:
    """f on the grid (rows follow y), overflow and invalid arithmetic kept silent."""
    xx, yy = np.meshgrid(x, y)
    with np.errstate(all="ignore"):
        return np.asarray(surface.f(xx, yy), dtype=np.float64)


def _window_min(surface: Surface, window: Window, sampled: float) -> float:
    """The lowest value in the window: a grid can miss a sharp minimum, a known one cannot."""
    (x0, x1), (y0, y1) = window
    known = [
        m.value
        for m in surface.minima
        if x0 <= m.point[0] <= x1 and y0 <= m.point[1] <= y1 and np.isfinite(m.value)
    ]
    return min([sampled, *known])


def contour_levels(surface: Surface, window: Window, n: int = 12) -> Array:
    """Up to ``n`` strictly increasing levels for the part of ``surface`` inside ``window``.

    Levels run from just above the lowest value in the window to a high quantile of f there.
    Steep surfaces (``surface.log_levels``) get levels log-spaced in ``f - f_min``, so the
    flat basin gets as many lines as the steep walls; negative minima are handled by that
    offset. Returns an empty array when f is constant or nowhere finite in the window.
    """
    if n < 1:
        return np.empty(0)
    x, y = _grid(window, _LEVEL_GRID, _LEVEL_GRID)
    z = _values(surface, x, y)
    z = z[np.isfinite(z)]
    if z.size == 0:
        return np.empty(0)
    f_min = _window_min(surface, window, float(z.min()))
    f_high = float(np.quantile(z, _HIGH_QUANTILE))
    span = f_high - f_min
    if not np.isfinite(span) or span <= 0.0:
        return np.empty(0)
    if surface.log_levels:
        rise = z - f_min
        floor = max(float(np.quantile(rise, 0.002)), span * _LOG_FLOOR)
        if floor >= span:
            floor = span * _LOG_FLOOR
        levels = f_min + np.geomspace(floor, span, n)
    else:
        levels = np.linspace(f_min, f_high, n + 1)[1:]
    levels = np.unique(levels)
    return levels[np.isfinite(levels)].astype(np.float64)


def contour_lines(
    surface: Surface,
    window: Window,
    levels: npt.ArrayLike,
    resolution: tuple[int, int] = (160, 160),
) -> list[tuple[float, Array]]:
    """Polylines of ``surface`` at each level, as ``(level, points)`` with points of shape (m, 2).

    f is sampled on a ``resolution = (nx, ny)`` grid spanning ``window``; non-finite samples
    are masked, so an overflowing corner leaves a gap instead of a spurious line. Closed
    loops repeat their first point at the end.
    """
    nx, ny = max(int(resolution[0]), 2), max(int(resolution[1]), 2)
    x, y = _grid(window, nx, ny)
    z = np.ma.masked_invalid(_values(surface, x, y))
    if z.count() == 0:
        return []
    generator = contourpy.contour_generator(x, y, z, line_type=LineType.Separate)
    out: list[tuple[float, Array]] = []
    for level in np.asarray(levels, dtype=np.float64).ravel():
        if not np.isfinite(level):
            continue
        lines = generator.lines(float(level))
        for line in lines:  # LineType.Separate: a list of (m, 2) arrays
            points = np.asarray(line, dtype=np.float64)
            if points.ndim == 2 and points.shape[0] >= 2:
                out.append((float(level), points))
    return out
