"""What the high-dimensional screen draws, as plain data: no terminal code here.

- ``top_k(record, field, k)``: the k coordinates largest in magnitude of |g|, √S, ηeff or
  |Δ| (or any per-coordinate state field) at one step, for bar charts;
- ``plane(...)`` / ``projection(problem, run, ...)``: two fixed orthonormal directions (the
  Hessian's top two eigenvectors, or two seeded random ones), every step's coordinates in
  that plane, and the loss over the plane for contour lines;
- ``loss_curves(runs)`` and ``steps_to_tolerance(run, rel_tol)`` for comparisons.

Views only read records; the optimizer math stays in ``core.optimizers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..errors import OptiscopeError
from ..optimizers import get_optimizer
from .problems import Array, ArrayLike, PlaneLoss, Problem
from .run import HighDimRun, Record

Basis = Literal["eigen", "random"]
Indices = npt.NDArray[np.intp]

#: Per-coordinate quantities the bars show, by name, with their labels.
FIELDS = {"grad": "|g|", "sqrt_s": "√S", "effective_lr": "ηeff", "update": "|Δ|"}
#: What a step divides by, by the state's machine name (``core.columns``), most specific
#: first: the first one a record holds is the one its step used. Adam's step divides by
#: √v̂ (with AMSGrad √v̂max, the bias-corrected running max); without bias correction by
#: the raw √v or √vmax; Adamax's u is already on the scale of |g| and shows as it is.
_DIVISORS = (
    ("bias_corrected_second_moment_max", True),
    ("bias_corrected_second_moment", True),
    ("second_moment_max", True),
    ("second_moment", True),
    ("squared_grad_sum", True),
    ("decaying_max_abs_grad", False),
)


def second_moment_root(record: Record) -> tuple[str, Array] | None:
    """("√v̂", √v̂) or the like: the root of averaged g² the record's step divided by, as the
    optimizer names it, or None for an optimizer that keeps no such average."""
    opt = get_optimizer(record.optimizer)
    by_key = {f.key: f for f in (*opt.state_fields, *opt.extra_fields) if f.name in record.state}
    for key, rooted in _DIVISORS:
        f = by_key.get(key)
        if f is not None:
            value = np.asarray(record.state[f.name], dtype=np.float64)
            return (f"√{f.symbol}", np.sqrt(value)) if rooted else (f.symbol, value.copy())
    return None


def coordinate_values(record: Record, field: str) -> tuple[str, Array]:
    """A per-coordinate quantity of one record and its label.

    ``field`` is one of ``FIELDS`` or the name of a per-coordinate state field (m, v, s, ...).
    """
    if field == "grad":
        return FIELDS[field], record.grad
    if field == "update":
        return FIELDS[field], record.update
    if field == "effective_lr":
        return FIELDS[field], record.effective_lr
    if field == "sqrt_s":
        root = second_moment_root(record)
        if root is None:
            raise OptiscopeError(f"{record.optimizer} keeps no average of g² (no √S to show)")
        return root
    value = record.state.get(field)
    if isinstance(value, np.ndarray) and value.shape == record.grad.shape:
        return field, value
    per_coordinate = [k for k, v in record.state.items() if isinstance(v, np.ndarray)]
    known = ", ".join([*FIELDS, *per_coordinate])
    raise OptiscopeError(f"no per-coordinate field {field!r} (fields: {known})")


@dataclass(frozen=True)
class TopK:
    """The k coordinates largest in magnitude: ``values[i]`` = |x[indices[i]]|, largest first.

    Ties keep the lower index first; NaN (0/0 in ηeff) ranks below every number.
    ``signed`` holds x itself at the same coordinates (the sign of g, Δ or m).
    """

    field: str
    label: str
    indices: Indices
    values: Array
    signed: Array


def top_k(record: Record, field: str, k: int) -> TopK:
    """The k coordinates of ``field`` largest in magnitude at this record (all if k ≥ D)."""
    if k < 1:
        raise OptiscopeError(f"k must be at least 1; got {k}")
    label, x = coordinate_values(record, field)
    magnitude = np.abs(x)
    key = np.where(np.isnan(magnitude), -1.0, magnitude)
    order = np.argsort(-key, kind="stable")[:k]
    return TopK(field, label, order, magnitude[order], x[order].copy())


# -- the view plane ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Plane:
    """Points origin + a·u + b·v, with u ⟂ v unit vectors, and the loss over them.

    ``loss(a, b)`` broadcasts over arrays (a meshgrid for contours). ``curvatures`` are
    the Hessian eigenvalues along u and v for the eigen basis (None for random).
    """

    basis: Basis
    seed: int
    origin: Array
    u: Array
    v: Array
    loss: PlaneLoss
    curvatures: tuple[float, float] | None

    def coords(self, points: ArrayLike) -> Array:
        """(a, b) of points (..., D): the orthogonal projection onto the plane."""
        d = np.asarray(points, dtype=np.float64) - self.origin
        with np.errstate(all="ignore"):
            out: Array = np.stack([d @ self.u, d @ self.v], axis=-1)
        return out

    def off_plane(self, points: ArrayLike) -> Array:
        """Distance of each point from the plane (how much of the path the picture hides)."""
        d = np.asarray(points, dtype=np.float64) - self.origin
        with np.errstate(all="ignore"):
            a, b = d @ self.u, d @ self.v
            rest = d - a[..., None] * self.u - b[..., None] * self.v
            out: Array = np.sqrt(np.sum(rest * rest, axis=-1))
        return out

    def grid(
        self, a_range: tuple[float, float], b_range: tuple[float, float], n: int = 101
    ) -> tuple[Array, Array, Array]:
        """(A, B, Z): an n×n meshgrid of the plane (rows follow b) and the loss on it."""
        a = np.linspace(a_range[0], a_range[1], n)
        b = np.linspace(b_range[0], b_range[1], n)
        aa, bb = np.meshgrid(a, b)
        with np.errstate(over="ignore"):
            z = self.loss(aa, bb)
        return aa, bb, z


def plane(
    problem: Problem, basis: Basis = "eigen", seed: int = 0, origin: ArrayLike | None = None
) -> Plane:
    """The view plane through ``origin`` (default: the minimiser, else the default start).

    "eigen": the Hessian's top two eigenvectors (at the minimum), the steepest directions;
    "random": two Gaussian directions from ``seed``, orthonormalised.
    """
    if origin is not None:
        o = np.array(origin, dtype=np.float64)
    elif problem.p_star is not None:
        o = problem.p_star.copy()
    else:
        o = problem.x0.copy()
    if o.shape != (problem.dim,):
        raise OptiscopeError(f"plane origin must have shape ({problem.dim},); got {o.shape}")
    curvatures: tuple[float, float] | None = None
    if basis == "eigen":
        curv = problem.curvature()
        if curv is None:
            raise OptiscopeError(f"{problem.title} has no known eigenbasis: use basis='random'")
        lam, vecs = curv
        u, v = vecs[:, 0].copy(), vecs[:, 1].copy()
        curvatures = (float(lam[0]), float(lam[1]))
    elif basis == "random":
        rng = np.random.default_rng(seed)
        q, r = np.linalg.qr(rng.standard_normal((problem.dim, 2)))
        q = q * np.where(np.diag(r) < 0, -1.0, 1.0)
        u, v = q[:, 0].copy(), q[:, 1].copy()
    else:
        raise OptiscopeError(f"basis must be 'eigen' or 'random'; got {basis!r}")
    return Plane(basis, seed, o, u, v, problem.plane_loss(o, u, v), curvatures)


@dataclass(frozen=True)
class Projection:
    """A run seen in a plane: ``coords[k]`` = (a, b) of record k, ``off_plane[k]`` its
    distance from the plane."""

    plane: Plane
    coords: Array
    off_plane: Array


def projection(
    problem: Problem,
    run: HighDimRun,
    basis: Basis = "eigen",
    seed: int = 0,
    view: Plane | None = None,
) -> Projection:
    """Every recorded step of ``run`` in a plane (pass ``view`` to share one across runs).

    Cheap to call again as the run grows: one (n, D)·(D, 2) product.
    """
    pl = view if view is not None else plane(problem, basis, seed)
    points = run.column("params")
    return Projection(pl, pl.coords(points), pl.off_plane(points))


def window(*coords: Array, margin: float = 0.1) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits holding the origin and every finite point of the given paths."""
    finite = [c[np.isfinite(c).all(axis=1)] for c in coords if len(c)]
    pts = np.concatenate([np.zeros((1, 2)), *finite])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-12)
    lo, hi = lo - margin * span, hi + margin * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


# -- comparisons -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LossCurve:
    """One run's loss per record, and its gap to the known minimum (None if unknown)."""

    label: str
    loss: Array
    gap: Array | None


def loss_curves(runs: Sequence[HighDimRun]) -> list[LossCurve]:
    """The loss curves of compared runs (read-only views; call again after extending)."""
    out = []
    for r in runs:
        loss = r.column("loss")
        f_min = r.problem.f_min
        gap = None
        if f_min is not None:
            with np.errstate(invalid="ignore", over="ignore"):
                gap = loss - f_min
        out.append(LossCurve(r.label, loss, gap))
    return out


def steps_to_tolerance(run: HighDimRun, rel_tol: float) -> int | None:
    """First record whose gap f − f_min is at most ``rel_tol`` times the gap at the start."""
    f_min = run.problem.f_min
    if f_min is None:
        raise OptiscopeError(f"{run.problem.title} has no known minimum value")
    loss = run.column("loss")
    if not len(loss):
        return None
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(loss - f_min <= rel_tol * (loss[0] - f_min))
    return int(hits[0]) if hits.size else None
