"""References for the convergence-map tests: plain loops, closed forms, literature values.

The references never call ``core.batch``/``core.batch_run``: each is the optimizer's
formula as a textbook writes it, stepped over Python floats or a NumPy array. Import as
``from maps_helpers import ...`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from optiscope.core.maps.compute import ConvergenceMap

GTOL = 1e-6
# Himmelblau's minima as the literature gives them (Himmelblau 1972; digits from solving
# the gradient equations), not read from the surface.
HIMMELBLAU_MINIMA = np.array(
    [
        [3.0, 2.0],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.283185991286170],
        [3.584428340330492, -1.848126526964404],
    ]
)


# -- references -----------------------------------------------------------------------------
def centres(lo: float, hi: float, n: int) -> list[float]:
    return [lo + (i + 0.5) * (hi - lo) / n for i in range(n)]


def grid_starts(window: tuple[float, float, float, float], nx: int, ny: int) -> np.ndarray:
    """starts[j, i] = (x_i, y_j), cell centres, y from the bottom."""
    x0, x1, y0, y1 = window
    xs, ys = centres(x0, x1, nx), centres(y0, y1, ny)
    return np.array([[(x, y) for x in xs] for y in ys])


def himmelblau_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return np.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b], axis=-1)


def gd_loop(
    gradient: Callable[[np.ndarray], np.ndarray], starts: np.ndarray, lr: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """p ← p − η∇f(p), ``steps`` times; returns the end points and the first step (0..steps)
    at which ‖∇f‖ ≤ GTOL, -1 if none."""
    p = starts.astype(float).copy()
    first = np.full(p.shape[:-1], -1)
    for k in range(steps + 1):
        g = gradient(p)
        hit = (first < 0) & (np.sqrt(g[..., 0] ** 2 + g[..., 1] ** 2) <= GTOL)
        first[hit] = k
        if k < steps:
            p = p - lr * g
    return p, first


def nearest_of(points: np.ndarray, minima: np.ndarray, radius: float) -> np.ndarray:
    """Index of the minimum within ``radius`` of each point, -1 if none."""
    d = np.linalg.norm(points[..., None, :] - minima, axis=-1)
    k = d.argmin(axis=-1)
    return np.where(d.min(axis=-1) <= radius, k, -1)


def bowl_gd_first_hit(w: float, b: float, lr: float, steps: int, gtol: float = GTOL) -> int:
    """Lecture bowl f = 0.1w² + 2b², GD over Python floats: first k with ‖∇f‖ ≤ gtol."""
    for k in range(steps + 1):
        gw, gb = 0.2 * w, 4.0 * b
        if math.sqrt(gw * gw + gb * gb) <= gtol:
            return k
        w, b = w - lr * gw, b - lr * gb
    return -1


def bowl_rmsprop_first_hit(
    w: float, b: float, lr: float, beta: float, steps: int, gtol: float = GTOL
) -> int:
    """RMSprop as Hinton's lecture writes it, ε = 1e-8 outside the root, over Python floats."""
    sw = sb = 0.0
    for k in range(steps + 1):
        gw, gb = 0.2 * w, 4.0 * b
        if math.sqrt(gw * gw + gb * gb) <= gtol:
            return k
        sw = sw * beta + (1 - beta) * (gw * gw)
        sb = sb * beta + (1 - beta) * (gb * gb)
        w = w - lr * (gw / (math.sqrt(sw) + 1e-8))
        b = b - lr * (gb / (math.sqrt(sb) + 1e-8))
    return -1


def minimum_point(cmap: ConvergenceMap, j: int, i: int) -> tuple[float, float] | None:
    k = int(cmap.minimum[j, i])
    return None if k < 0 else cmap.minima[k].point
