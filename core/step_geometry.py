"""How a step relates to steepest descent: its length and its angle to −∇f.

Shared by the step table, the explain pane and the lessons, so "RMSprop turns 40° away
from the gradient" is the same number wherever it is read. Works on one step (shape (2,))
or on a run of them (shape (n, 2)).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def step_length(update: npt.ArrayLike) -> Array:
    """‖Δ‖: how far the step moves the parameters."""
    d = np.asarray(update, dtype=np.float64)
    return np.asarray(np.hypot(d[..., 0], d[..., 1]), dtype=np.float64)


def angle_to_descent(grad: npt.ArrayLike, update: npt.ArrayLike) -> Array:
    """Degrees between the step Δ and −∇f: 0 is steepest descent, 90 is sideways, 180 is
    uphill; NaN where either vector is zero (no direction to compare) or not finite."""
    g = np.asarray(grad, dtype=np.float64)
    d = np.asarray(update, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Unit vectors first: a dot product of huge (diverging) steps would overflow.
        g_norm = np.hypot(g[..., 0], g[..., 1])
        d_norm = np.hypot(d[..., 0], d[..., 1])
        ug, ud = g / g_norm[..., None], d / d_norm[..., None]
        # atan2(sin, cos), not arccos(cos): arccos of a cosine rounded to 1 − 1e-16 is
        # already 8.5e-7°, so GD would not read 0; the sine keeps the small angles exact.
        cos = -(ug[..., 0] * ud[..., 0] + ug[..., 1] * ud[..., 1])
        sin = np.abs(ug[..., 0] * ud[..., 1] - ug[..., 1] * ud[..., 0])
        defined = (g_norm > 0) & (d_norm > 0)
        angles = np.where(defined, np.degrees(np.arctan2(sin, cos)), np.nan)
    return np.asarray(angles, dtype=np.float64)


def degrees(angle: float) -> str:
    """An angle as tables print it: one decimal and a degree sign; "—" where undefined."""
    if np.isnan(angle):
        return "—"
    return f"{angle:.1f}°"
