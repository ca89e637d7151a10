"""Figures a lesson measures on recorded runs: the evidence its text quotes.

Each takes a Trajectory and returns plain numbers, so a claim reads like the sentence it
supports ("RMSprop needs 23 steps, GD 61").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..metrics import minimum_value, steps_to_settle
from ..step_geometry import step_length
from ..trajectory import Trajectory

Array = npt.NDArray[np.float64]


def steps_until(traj: Trajectory, loss_at_most: float) -> int | None:
    """First step whose loss is at most ``loss_at_most`` (None if never, or diverged first)."""
    loss = traj.column("loss")
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(loss <= loss_at_most)
    return int(hits[0]) if hits.size else None


def sign_changes(traj: Trajectory, axis: int, upto: int | None = None) -> int:
    """How often coordinate ``axis`` of the step reverses direction (a zig-zag count)."""
    steps = traj.column("update")[:upto, axis]
    signs = np.sign(steps[np.isfinite(steps) & (steps != 0)])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def path_length(traj: Trajectory, upto: int | None = None) -> float:
    """Distance travelled over the first ``upto`` steps (all recorded steps by default)."""
    steps = traj.column("update")[:upto]
    return float(np.sum(np.hypot(steps[:, 0], steps[:, 1])))


def step_lengths(traj: Trajectory) -> Array:
    return step_length(traj.column("update"))


def angles_to_descent(traj: Trajectory) -> Array:
    """Degrees between each step and −∇f at the point it was taken from (NaN if either is 0).

    The exact gradient, not the noisy one the optimizer saw: how far the rule turns away
    from steepest descent.
    """
    return _angles(-traj.column("exact_grad"), traj.column("update"))


def _angles(a: Array, b: Array) -> Array:
    """Degrees between row vectors by atan2(|a×b|, a·b): exact to rounding near 0° (arccos
    resolves only ~1e-6° there); below ``ZERO_ANGLE`` it is 0, NaN where either is 0."""
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1]
    with np.errstate(invalid="ignore"):
        angles: Array = np.degrees(np.arctan2(np.abs(cross), dot))
        defined = np.hypot(*a.T) * np.hypot(*b.T) > 0
    angles = np.where(angles < ZERO_ANGLE, 0.0, angles)
    return np.where(defined, angles, np.nan)


#: Angles below this many degrees are rounding, not a direction: they read 0.
ZERO_ANGLE = 1e-9


def turning_angles(traj: Trajectory, start: int = 0) -> Array:
    """Degrees between consecutive steps from ``start`` on: how much the path wiggles."""
    d = traj.column("update")[start:]
    return _angles(d[:-1], d[1:])


def angles_between(a: Array, b: Array) -> Array:
    """Degrees between two runs of vectors, row by row (0 below ``ZERO_ANGLE``)."""
    return _angles(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))


def max_distance(a: Trajectory, b: Trajectory) -> float:
    """Largest distance between two runs' points at the same step."""
    n = min(len(a), len(b))
    diff = a.column("params")[:n] - b.column("params")[:n]
    return float(np.max(np.hypot(diff[:, 0], diff[:, 1])))


def first_step_where(values: Array, above: float) -> int | None:
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(values > above)
    return int(hits[0]) if hits.size else None


def settle_step(traj: Trajectory, tol: float = 0.01) -> int | None:
    """The sweep's ``steps``: first step from which f − f* stays ≤ tol·(f(x₀) − f*)."""
    return steps_to_settle(traj, tol)


def first_within(traj: Trajectory, tol: float = 0.01) -> int | None:
    """First step with f − f* ≤ tol·(f(x₀) − f*), whether or not it stays there."""
    f_star = minimum_value(traj.surface)
    gap = traj.column("loss") - f_star
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(gap <= tol * gap[0])
    return int(hits[0]) if hits.size else None


def lr_of(traj: Trajectory) -> float:
    return float(traj.setup.hyperparameters["lr"])
