"""Figures that compare runs: path length, steps to a tolerance, which minimum was reached."""

from __future__ import annotations

import numpy as np

from .surfaces import Minimum, Surface
from .trajectory import Trajectory


def path_length(traj: Trajectory, upto: int | None = None) -> float:
    """Total distance travelled between recorded points 0..upto."""
    p = traj.column("params")[: None if upto is None else upto + 1]
    if len(p) < 2:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        return float(np.sum(np.linalg.norm(np.diff(p, axis=0), axis=1)))


def steps_to_loss(traj: Trajectory, target: float) -> int | None:
    """First step whose loss is within ``target`` of the surface's global minimum value."""
    best = min((m.value for m in traj.surface.minima), default=0.0)
    loss = traj.column("loss")
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(loss - best <= target)
    return int(hits[0]) if hits.size else None


def nearest_minimum(
    surface: Surface, point: tuple[float, float] | np.ndarray, radius: float = 1e-2
) -> Minimum | None:
    """The listed minimum within ``radius`` (relative to the plot size) of ``point``, if any."""
    p = np.asarray(point, dtype=np.float64)
    if not np.isfinite(p).all() or not surface.minima:
        return None
    (x0, x1), (y0, y1) = surface.domain
    scale = max(x1 - x0, y1 - y0)
    dists = [float(np.hypot(*(p - np.asarray(m.point)))) for m in surface.minima]
    k = int(np.argmin(dists))
    return surface.minima[k] if dists[k] <= radius * scale else None
