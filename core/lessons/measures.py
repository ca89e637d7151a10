"""Figures a lesson measures on recorded runs: the evidence its text quotes.

Each takes a Trajectory and returns plain numbers, so a claim reads like the sentence it
supports ("RMSprop needs 23 steps, GD 61").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..step_geometry import angle_to_descent, step_length
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
    return angle_to_descent(traj.column("exact_grad"), traj.column("update"))


def turning_angles(traj: Trajectory, start: int = 0) -> Array:
    """Degrees between consecutive steps from ``start`` on: how much the path wiggles."""
    d = traj.column("update")[start:]
    a, b = d[:-1], d[1:]
    dot = a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1]
    norms = np.hypot(a[:, 0], a[:, 1]) * np.hypot(b[:, 0], b[:, 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        angles: Array = np.degrees(np.arccos(np.clip(dot / norms, -1.0, 1.0)))
    return angles


def max_distance(a: Trajectory, b: Trajectory) -> float:
    """Largest distance between two runs' points at the same step."""
    n = min(len(a), len(b))
    diff = a.column("params")[:n] - b.column("params")[:n]
    return float(np.max(np.hypot(diff[:, 0], diff[:, 1])))


def first_step_where(values: Array, above: float) -> int | None:
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(values > above)
    return int(hits[0]) if hits.size else None
