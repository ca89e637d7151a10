"""Iso-lines of a surface over a view window: which levels to draw, and where they run.

Pure NumPy + contourpy, so the CLI, tests and any front end share one definition of the
levels. Views cache the result per (surface, window, resolution): contouring a 300x300
grid costs a few milliseconds, far too much to repeat on every optimizer step.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

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
#: A basin must fill this share of the window before its closed curves are drawn.
_MIN_BASIN = 0.01
#: Closed curves are drawn at least this many braille dots apart.
_MIN_GAP = 2.0


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


def contour_levels(
    surface: Surface, window: Window, n: int = 12, dots: tuple[int, int] | None = None
) -> Array:
    """Up to ``n`` strictly increasing levels for the part of ``surface`` inside ``window``.

    Levels run from just above the lowest value in the window to a high quantile of f there.
    Steep surfaces (``surface.log_levels``) get levels log-spaced in ``f - f_min``, so the
    flat basin gets as many lines as the steep walls; negative minima are handled by that
    offset. Others get ``basin_levels``: nested closed curves where the window holds a
    basin. ``dots`` is the drawing's resolution (braille dots across and up), so closed
    curves are spaced for it. Returns an empty array when f is constant or nowhere finite.
    """
    if n < 1:
        return np.empty(0)
    x, y = _grid(window, _LEVEL_GRID, _LEVEL_GRID)
    grid = _values(surface, x, y)
    z = grid[np.isfinite(grid)]
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
        levels = basin_levels(grid, f_min, f_high, n, dots)
    levels = np.unique(levels)
    levels = levels[np.isfinite(levels) & (levels > f_min) & (levels <= f_high)]
    return levels.astype(np.float64)


def basin_levels(
    grid: Array, f_min: float, f_high: float, n: int, dots: tuple[int, int] | None
) -> Array:
    """Levels of a smooth surface on a grid of f: closed curves first, then the walls.

    The rim (the lowest f on the window's edge) is the highest level whose curve can close
    inside the window. Below it, levels are chosen so the area each curve encloses grows as
    (i / (k + ½))²: the curves are evenly spaced in size, nested ellipses on a bowl
    whatever its elongation (the old evenly spaced values left a long bowl as stacked
    dashes). Above the rim, a few levels evenly spaced in area show the walls.
    """
    z = grid[np.isfinite(grid)]
    edge = np.concatenate([grid[0], grid[-1], grid[:, 0], grid[:, -1]])
    edge = edge[np.isfinite(edge)]
    rim = float(edge.min()) if edge.size else f_high
    inside = float(np.mean(z < rim))
    open_ = max(1, n // 4) if n > 2 else 0
    closed = _closed_count(grid, rim, n - open_, dots) if inside >= _MIN_BASIN else 0
    if not closed:
        open_ = n
    parts = []
    if closed:
        fractions = inside * (np.arange(1, closed + 1) / (closed + 0.5)) ** 2
        parts.append(np.quantile(z, fractions))
    if open_ and rim < f_high:
        low = max(inside, float(np.mean(z <= f_min)))
        fractions = low + (_HIGH_QUANTILE - low) * np.arange(1, open_ + 1) / open_
        parts.append(np.quantile(z, np.minimum(fractions, _HIGH_QUANTILE)))
    if not parts:
        return np.linspace(f_min, f_high, n + 1)[1:]
    return np.concatenate(parts)


def _closed_count(grid: Array, rim: float, wanted: int, dots: tuple[int, int] | None) -> int:
    """How many closed curves fit: ``wanted``, fewer when the basin is so small on screen
    that they would come closer than ``_MIN_GAP`` braille dots."""
    if dots is None:
        return wanted
    ny, nx = grid.shape
    rows, cols = np.nonzero(grid < rim)
    if rows.size == 0:
        return 0
    half_x = (cols.max() - cols.min()) / (nx - 1) * dots[0] / 2
    half_y = (rows.max() - rows.min()) / (ny - 1) * dots[1] / 2
    fit = int(min(half_x, half_y) / _MIN_GAP - 0.5)
    return max(0, min(wanted, fit))


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
    # Imported here: the explorer's first frame is drawn before any contour.
    import contourpy

    generator = contourpy.contour_generator(x, y, z, line_type=contourpy.LineType.Separate)
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
