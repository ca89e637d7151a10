"""Figures that compare runs: path length, steps to a tolerance, which minimum was reached."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .errors import OptiscopeError
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


def settled_at(loss: npt.ArrayLike, f_star: float, tol: float) -> npt.NDArray[np.int64]:
    """The sweep's ``steps`` metric, per row of ``loss`` (records 0..T along the last axis).

    The first record k from which f − f* stays at most ``tol``·(f(x₀) − f*) through the
    last record; −1 if there is none (the last record is above it, or any value is NaN
    after k). A run that reached the band and bounced out does not count until it is back
    for good.
    """
    gaps = np.asarray(loss, dtype=np.float64) - f_star
    gaps = gaps.reshape(-1, gaps.shape[-1])
    with np.errstate(invalid="ignore"):
        inside = gaps <= tol * gaps[:, :1]
    # Index of the last record outside the band, or −1 when all are inside.
    outside_rev = ~inside[:, ::-1]
    any_out = outside_rev.any(axis=1)
    last_out = gaps.shape[1] - 1 - np.argmax(outside_rev, axis=1)
    first_in = np.where(any_out, last_out + 1, 0)
    return np.where(first_in < gaps.shape[1], first_in, -1).astype(np.int64)


def steps_to_settle(traj: Trajectory, tol: float) -> int | None:
    """``settled_at`` for one recorded run, against the surface's lowest known minimum."""
    if traj.status.kind == "diverged":
        return None
    found = settled_at(traj.column("loss"), minimum_value(traj.surface), tol)[0]
    return None if found < 0 else int(found)


def minimum_value(surface: Surface) -> float:
    """f*: the lowest known minimum's value (what "the gap to the minimum" is measured to)."""
    if not surface.minima:
        raise OptiscopeError(
            f"{surface.title} has no known minimum, so f − f* is undefined "
            "(use the final-loss or mean-loss metric)"
        )
    return min(m.value for m in surface.minima)
