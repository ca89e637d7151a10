"""Which minimum each start reached: the surface's known minima first, then clusters.

The rule. A start *reached* a minimum only if it *stays* there: every point of its final
window, the last ``final_window(steps)`` updates (10% of the steps, at least 1 and at most
``MAX_WINDOW``), lies within ``radius`` of the minimum, the radius being ``REACH_RADIUS``
(1%) of the domain's longer side. An end point that merely passes near a minimum, as a
chaotic GD orbit or an RMSprop burst does, is "no minimum reached". Starts that settled
somewhere else (some step's gradient norm at most gtol, and every point of the final window
within ``radius`` of the end point), at a local minimum the surface does not list, at a
saddle, or anywhere on a surface with no known minima such as a user's formula, are grouped
by greedy clustering: the lowest settled point not yet grouped opens a group that takes
every settled point within the same radius. Groups are kept deepest first, up to
``max_groups``.
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
#: The final window is this share of the steps, at least 1 and at most ``MAX_WINDOW``.
WINDOW_SHARE = 0.1
MAX_WINDOW = 100
MAX_GROUPS = 8
NONE = -1


def final_window(steps: int) -> int:
    """Updates in the final window of a ``steps``-update run (0 for a run of no steps)."""
    if steps <= 0:
        return 0
    return min(MAX_WINDOW, max(1, round(WINDOW_SHARE * steps)))


def reach_rule(steps: int, radius: float) -> str:
    """The rule in one sentence, with this map's numbers (``radius`` absolute)."""
    window = final_window(steps)
    return (
        f"reached = within {fmt(radius)} of the minimum at every step from {steps - window} "
        f"to {steps} (the last {window} of {steps}); else no minimum reached"
    )


def window_strays(minima: tuple[Minimum, ...], window: Array) -> tuple[IntArray, Array, Array]:
    """For points ``window[w, n]`` (the last row is each start's end point): the known
    minimum nearest each end point (-1 without any), the farthest each start strayed from
    it over the window, and the farthest it strayed from its own end point."""
    end = window[-1]
    with np.errstate(invalid="ignore", over="ignore"):
        from_end = np.max(np.hypot(*(window - end[None]).transpose(2, 0, 1)), axis=0)
        if not minima:
            return np.full(end.shape[0], NONE, np.int64), np.full(end.shape[0], np.inf), from_end
        centres = np.array([m.point for m in minima], dtype=np.float64)
        dist = np.hypot(end[:, 0, None] - centres[:, 0], end[:, 1, None] - centres[:, 1])
        nearest = np.argmin(np.where(np.isnan(dist), np.inf, dist), axis=1)
        centre = centres[nearest]
        from_min = np.max(np.hypot(*(window - centre[None]).transpose(2, 0, 1)), axis=0)
    return nearest.astype(np.int64), from_min, from_end


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
    strays: tuple[IntArray, Array, Array] | None = None,
) -> tuple[IntArray, tuple[Minimum, ...], BoolArray]:
    """Each start's minimum (index into the returned tuple; -1 none or diverged), the
    minima, and which starts settled elsewhere (grouped or, past ``MAX_GROUPS``, not).

    ``strays`` is ``window_strays`` of the starts' final windows: a start counts only if it
    stayed within ``radius`` over it (None: the end point alone decides, for callers that
    have no window). The tuple lists the surface's known minima, then the groups of starts
    that settled elsewhere.
    """
    absolute = radius * domain_scale(surface)
    known = tuple(surface.minima)
    usable = ~diverged & np.isfinite(end).all(axis=1)
    near = nearest_known(known, end, usable, absolute)
    labels = near
    stayed = np.ones(end.shape[0], dtype=bool)
    if strays is not None:
        nearest, from_min, from_end = strays
        with np.errstate(invalid="ignore"):
            held = (near == nearest) & (from_min <= absolute)
            stayed = from_end <= absolute
        labels = np.where(held, near, NONE)
    # An end point near a listed minimum that did not hold there is not "elsewhere".
    elsewhere = usable & converged & stayed & (near == NONE)
    if elsewhere.any():
        grouped, groups = group_settled(end, loss, elsewhere, absolute)
        hit = grouped != NONE
        labels[hit] = grouped[hit] + len(known)
        return labels, known + tuple(groups), elsewhere
    return labels, known, elsewhere
