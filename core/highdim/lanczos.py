"""The top eigenvalue of many symmetric matrices known only by their products with vectors.

A high-dimensional problem's sharpness λmax(∇²f) along a run needs one eigenvalue per
record, and forming each D×D Hessian costs n·D² per point; Hessian-vector products cost n·D.
Lanczos iteration builds, from products alone, a small tridiagonal matrix whose largest
eigenvalue converges to λmax far faster than power iteration's last Rayleigh quotient.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def lanczos_top(hvp: Callable[[Array], Array], count: int, start: Array, steps: int) -> Array:
    """The top eigenvalue of ``count`` symmetric matrices known only by products:
    ``hvp(V)`` multiplies matrix i by row i of V. ``steps`` Lanczos steps from ``start``,
    with full reorthogonalisation (the vectors stay orthogonal in floating point); the
    answer is the largest eigenvalue of each tridiagonal matrix T built, exact once
    ``steps`` reaches the dimension."""
    dim = start.shape[0]
    basis = np.zeros((count, steps, dim))
    alpha = np.zeros((count, steps))
    beta = np.zeros((count, steps))
    v = np.tile(start / np.linalg.norm(start), (count, 1))
    with np.errstate(all="ignore"):
        for j in range(steps):
            basis[:, j] = v
            w = hvp(v)
            alpha[:, j] = np.einsum("ij,ij->i", v, w)
            # w minus its projection on every vector so far, twice (Kahan's "twice is enough").
            done = basis[:, : j + 1]
            for _ in range(2):
                w = w - (np.swapaxes(done, 1, 2) @ (done @ w[:, :, None]))[:, :, 0]
            norm = np.linalg.norm(w, axis=1)
            beta[:, j] = norm
            # A breakdown (norm 0) means the Krylov space is complete: the rest of T is 0.
            v = np.where(norm[:, None] > 0, w / np.where(norm > 0, norm, 1.0)[:, None], 0.0)
        tri = np.zeros((count, steps, steps))
        idx = np.arange(steps)
        tri[:, idx, idx] = alpha
        tri[:, idx[:-1], idx[1:]] = beta[:, :-1]
        tri[:, idx[1:], idx[:-1]] = beta[:, :-1]
        finite = np.isfinite(tri).all(axis=(1, 2))
        out = np.full(count, np.nan)
        if finite.any():
            out[finite] = np.linalg.eigvalsh(tri[finite])[:, -1]
    return out
