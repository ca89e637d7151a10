"""The largest eigenvalue of 2×2 matrices in closed form, vectorised over any leading shape.

Sharpness (λmax of the Hessian) is read for every record of a run and every cell of a map,
so it is computed from the entries rather than by ``np.linalg.eigvalsh`` per point: the
closed form is exact to rounding and costs a handful of array operations however many
points there are.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def largest_symmetric(h: npt.ArrayLike) -> Array:
    """λmax of symmetric [[a, b], [b, c]] (shape (..., 2, 2)): (a + c)/2 + √(((a − c)/2)² + b²).

    ``hypot`` keeps the radius from overflowing where the entries are huge (a run far out
    on a steep surface); NaN in an entry gives NaN, not a warning.
    """
    m = np.asarray(h, dtype=np.float64)
    a, b, c = m[..., 0, 0], m[..., 0, 1], m[..., 1, 1]
    with np.errstate(all="ignore"):
        out: Array = (a + c) / 2 + np.hypot((a - c) / 2, b)
    return out


def largest_preconditioned(h: npt.ArrayLike, p: npt.ArrayLike) -> Array:
    """λmax(P⁻¹H) for symmetric H (..., 2, 2) and a positive diagonal P given as (..., 2).

    P⁻¹H is not symmetric, but it is similar to P^(−½)·H·P^(−½), which is: the same
    eigenvalues, all real, and the symmetric closed form applies to
    [[a/p₁, b/√(p₁p₂)], [b/√(p₁p₂), c/p₂]].
    """
    m = np.asarray(h, dtype=np.float64)
    d = np.asarray(p, dtype=np.float64)
    p1, p2 = d[..., 0], d[..., 1]
    with np.errstate(all="ignore"):
        scaled: Any = np.empty(np.broadcast_shapes(m.shape, (*d.shape[:-1], 2, 2)))
        cross = m[..., 0, 1] / np.sqrt(p1 * p2)
        scaled[..., 0, 0] = m[..., 0, 0] / p1
        scaled[..., 0, 1] = cross
        scaled[..., 1, 0] = cross
        scaled[..., 1, 1] = m[..., 1, 1] / p2
    return largest_symmetric(scaled)
