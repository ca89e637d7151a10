"""Which minimum each start reached: the surface's known minima first, then clusters.

A start "reached" a known minimum when its end point lies within ``radius`` of it, the
radius being relative to the size of the surface's domain (the rule the explorer's
summary uses, ``metrics.nearest_minimum``). Starts that settled (gradient below the
tolerance) somewhere else, at a local minimum the surface does not list, at a saddle, or
anywhere on a surface with no known minima such as a user's formula, are grouped by
greedy clustering: the lowest settled point not yet grouped opens a group that takes every
settled point within the same radius. Groups are kept deepest first, up to ``max_groups``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..format import fmt
from ..surfaces import Minimum, Surface

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Reached means within this fraction of the domain's longer side (as the explorer says).
REACH_RADIUS = 1e-2
MAX_GROUPS = 8
NONE = -1


def domain_scale(surface: Surface) -> float:
    (x0, x1), (y0, y1) = surface.domain
    return max(x1 - x0, y1 - y0)


def nearest_known(
    minima: tuple[Minimum, ...], end: Array, usable: BoolArray, radius: float
) -> IntArray:
    """Index of the known minimum within ``radius`` (absolute) of each end point, else -1."""
    labels = np.full(end.shape[0], NONE, dtype=np.int64)
    if not minima:
        return labels
    centres = np.array([m.point for m in minima], dtype=np.float64)
    rows = np.flatnonzero(usable)
    if rows.size == 0:
        return labels
    dist = np.hypot(
        end[rows, 0, None] - centres[None, :, 0], end[rows, 1, None] - centres[None, :, 1]
    )
    k = np.argmin(dist, axis=1)
    near = dist[np.arange(rows.size), k] <= radius
    labels[rows[near]] = k[near]
    return labels


def group_settled(
    end: Array, loss: Array, settled: BoolArray, radius: float, max_groups: int = MAX_GROUPS
) -> tuple[IntArray, list[Minimum]]:
    """Cluster settled end points; returns each point's group (-1 if none) and the groups.

    A group is described as a ``Minimum`` at its lowest point, labelled "settled near (x, y)"
    since it may as well be a saddle the run is balanced on.
    """
    labels = np.full(end.shape[0], NONE, dtype=np.int64)
    groups: list[Minimum] = []
    remaining = np.flatnonzero(settled & np.isfinite(loss))
    while remaining.size and len(groups) < max_groups:
        seed = remaining[np.argmin(loss[remaining])]
        dist = np.hypot(end[remaining, 0] - end[seed, 0], end[remaining, 1] - end[seed, 1])
        members = dist <= radius
        labels[remaining[members]] = len(groups)
        x, y = float(end[seed, 0]), float(end[seed, 1])
        groups.append(Minimum((x, y), float(loss[seed]), f"settled near ({fmt(x)}, {fmt(y)})"))
        remaining = remaining[~members]
    return labels, groups


def label_minima(
    surface: Surface,
    end: Array,
    loss: Array,
    converged: BoolArray,
    diverged: BoolArray,
    radius: float = REACH_RADIUS,
) -> tuple[IntArray, tuple[Minimum, ...]]:
    """Each start's minimum (index into the returned tuple; -1 none or diverged).

    The tuple lists the surface's known minima, then the groups of starts that converged
    elsewhere.
    """
    absolute = radius * domain_scale(surface)
    known = tuple(surface.minima)
    usable = ~diverged & np.isfinite(end).all(axis=1)
    labels = nearest_known(known, end, usable, absolute)
    elsewhere = usable & converged & (labels == NONE)
    if elsewhere.any():
        grouped, groups = group_settled(end, loss, elsewhere, absolute)
        hit = grouped != NONE
        labels[hit] = grouped[hit] + len(known)
        return labels, known + tuple(groups)
    return labels, known
