"""N-dimensional problems the same optimizers run on: a quadratic of any conditioning and
basis, and logistic regression on a dataset generated in code.

Every function works on points of shape ``(..., D)``: one point, a path, or a grid of
points in a plane. ``grad_at_step(p, t, seed)`` is the gradient an optimizer sees at step
``t``; it samples a mini-batch fixed by ``(seed, t)``, so every optimizer in a comparison
sees the same batches at the same step, whatever order they run in.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from ..errors import OptiscopeError
from ..optimizers import Optimizer
from ..params import Param, Value, resolve
from .lanczos import lanczos_top

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike
#: ``plane_loss(a, b)``: the loss at ``origin + a·u + b·v``, broadcast over a and b.
PlaneLoss = Callable[[ArrayLike, ArrayLike], Array]
MAX_DIM = 1000
#: Lanczos steps (Hessian-vector products) per point for λmax: all D when D is at most
#: this, which makes the answer exact to rounding; beyond, λmax has converged long before.
LANCZOS_STEPS = 40
#: Points whose Krylov vectors are held at once (points × steps × D floats: ~16 MB).
_LANCZOS_FLOATS = 2_000_000
#: Points evaluated at once by the generic plane loss (bounds memory at ~16 MB per chunk).
_PLANE_CHUNK_FLOATS = 2_000_000
_SEED = Param(
    "seed", 0, "seed of every random draw of the problem", low=0, high=2**32 - 1, kind="int"
)


class Problem(ABC):
    """A differentiable loss over D parameters, with what the views need to explain it.

    Subclasses set the class attributes, declare ``PARAMS`` (validated into
    ``self.settings``) and implement ``loss`` and ``grad``. ``x0`` is the default start,
    ``p_star`` the minimiser and ``f_min`` the minimum value when known (else None).
    """

    name: ClassVar[str]
    title: ClassVar[str]
    formula: ClassVar[str]
    teaches: ClassVar[str]
    PARAMS: ClassVar[tuple[Param, ...]] = ()

    dim: int
    x0: Array
    p_star: Array | None = None
    f_min: float | None = None

    def __init__(self, **settings: object) -> None:
        owner = f"problem {self.name}"
        try:
            self.settings: dict[str, Value] = resolve(self.PARAMS, settings, owner)
        except OptiscopeError:
            raise
        except (OverflowError, ValueError):
            # Param.validate lets int(inf) and int(nan) escape as bare Python errors.
            raise OptiscopeError(f"{owner}: settings must be finite numbers") from None

    # -- the function -------------------------------------------------------------------------
    @abstractmethod
    def loss(self, p: ArrayLike) -> Array:
        """f(p) for p of shape (..., D); returns shape (...)."""

    @abstractmethod
    def grad(self, p: ArrayLike) -> Array:
        """∇f(p) for p of shape (..., D); returns shape (..., D)."""

    def grad_at_step(self, p: ArrayLike, t: int, seed: int) -> Array:
        """The gradient an optimizer sees at step ``t``: exact here, mini-batch where overridden."""
        return self.grad(p)

    @abstractmethod
    def hessian(self, p: ArrayLike) -> Array:
        """∇²f(p) for one point p of shape (D,): a (D, D) matrix (for tests and small D)."""

    @abstractmethod
    def hvp(self, p: ArrayLike, v: ArrayLike) -> Array:
        """∇²f(p)·v for points and vectors of shape (..., D), without forming the matrix."""

    def hvp_at(self, points: Array) -> Callable[[Array], Array]:
        """v -> ∇²f(points)·v for many v at fixed points (what depends on the points only
        is worked out once where a subclass can)."""
        return lambda v: self.hvp(points, v)

    def sharpness(self, points: ArrayLike) -> Array:
        """λmax(∇²f) at every point (..., D) -> (...), from Hessian-vector products alone.

        Lanczos iteration, the power iteration that keeps every vector it made: the
        Rayleigh quotient is maximised over the whole Krylov space {v, Hv, H²v, …} instead
        of read off its last vector, so a small eigengap costs a few more products, not
        hundreds (power iteration took 81 products per point on average and 822 at worst
        on the default logistic regression). Every point starts from the top eigenvector
        at the minimum (where known) plus a little of every direction, so no eigenvector
        is missed.
        """
        pts = as_points(points, self.dim)
        flat = pts.reshape(-1, self.dim)
        curvature = self.curvature()
        start = np.full(self.dim, 1.0 / np.sqrt(self.dim))
        if curvature is not None:
            start = start + curvature[1][:, 0]
        steps = min(self.dim, LANCZOS_STEPS)
        chunk = max(1, _LANCZOS_FLOATS // (steps * self.dim))
        out = np.empty(len(flat))
        for lo in range(0, len(flat), chunk):
            rows = flat[lo : lo + chunk]
            out[lo : lo + chunk] = lanczos_top(self.hvp_at(rows), len(rows), start, steps)
        return out.reshape(pts.shape[:-1])

    @property
    def stochastic(self) -> bool:
        """True when ``grad_at_step`` samples (mini-batches) rather than returning ``grad``."""
        return False

    # -- what the views use --------------------------------------------------------------------
    @property
    def suggested_lr(self) -> Mapping[str, float]:
        """Learning rates that make a first run meaningful, by optimizer family."""
        return {"gd": 0.1, "adaptive": 0.01, "sign": 0.01}

    def lr_for(self, optimizer: Optimizer) -> float:
        """The suggested learning rate for ``optimizer`` (as ``specs.suggested_lr`` does in 2-D)."""
        table = self.suggested_lr
        if optimizer.family == "heavyball":
            # Heavy ball at η·(1−μ) moves like EWMA momentum at η.
            return table["gd"] * (1.0 - float(optimizer.param("momentum").default))
        if optimizer.family in table:
            return float(table[optimizer.family])
        return float(optimizer.param("lr").default)

    def curvature(self) -> tuple[Array, Array] | None:
        """Eigenvalues (largest first) and eigenvectors (columns) of the Hessian at the
        minimum, or None when unknown. The top two columns span the "eigen" view plane."""
        return None

    def plane_loss(self, origin: ArrayLike, u: ArrayLike, v: ArrayLike) -> PlaneLoss:
        """f(origin + a·u + b·v) as a function of (a, b), vectorised over grids.

        Evaluated in chunks of points, so a 300x300 grid in 1,000 dimensions never holds
        more than ~16 MB at once. Subclasses replace it with something cheaper.
        """
        o, du, dv = _plane_vectors(origin, u, v, self.dim)
        chunk = max(1, _PLANE_CHUNK_FLOATS // self.dim)

        def plane(a: ArrayLike, b: ArrayLike) -> Array:
            aa, bb = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
            flat_a, flat_b = aa.ravel(), bb.ravel()
            out = np.empty(flat_a.shape, dtype=np.float64)
            for lo in range(0, flat_a.size, chunk):
                sl = slice(lo, lo + chunk)
                points = o + flat_a[sl, None] * du + flat_b[sl, None] * dv
                out[sl] = self.loss(points)
            return out.reshape(aa.shape)

        return plane

    def __repr__(self) -> str:
        """The problem as it was built (readable in test ids and tracebacks)."""
        settings = ", ".join(f"{key}={value!r}" for key, value in self.settings.items())
        return f"{type(self).__name__}({settings})"

    def describe(self) -> dict[str, Any]:
        """Plain data for JSON output and the view's header."""
        return {
            "name": self.name,
            "title": self.title,
            "formula": self.formula,
            "dim": self.dim,
            "settings": dict(self.settings),
            "f_min": self.f_min,
            "stochastic": self.stochastic,
            "teaches": self.teaches,
        }


def _plane_vectors(
    origin: ArrayLike, u: ArrayLike, v: ArrayLike, dim: int
) -> tuple[Array, Array, Array]:
    out = []
    for name, x in (("origin", origin), ("u", u), ("v", v)):
        arr = np.asarray(x, dtype=np.float64)
        if arr.shape != (dim,):
            raise OptiscopeError(f"plane {name} must have shape ({dim},); got {arr.shape}")
        out.append(arr)
    return out[0], out[1], out[2]


def as_points(p: ArrayLike, dim: int) -> Array:
    """``p`` as float64 with last axis D (integers would overflow silently)."""
    arr = np.asarray(p, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != dim:
        raise OptiscopeError(f"points must have shape (..., {dim}); got {arr.shape}")
    return arr


def random_orthogonal(dim: int, rng: np.random.Generator) -> Array:
    """A Haar-distributed orthogonal matrix: QR of a Gaussian matrix with R's diagonal made
    positive (without the sign fix, QR's sign convention biases the distribution)."""
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    signs = np.where(np.diag(r) < 0, -1.0, 1.0)
    out: Array = q * signs
    return out


# -- the quadratic -----------------------------------------------------------------------------
class Quadratic(Problem):
    """f(p) = ½ (p − p*)ᵀ A (p − p*),  A = Q·diag(λ)·Qᵀ,  p* = 0.

    λ are log-spaced from 1 down to 1/κ (κ = ``condition``), largest first: λmax = 1
    whatever κ, so plain GD is stable for every η < 2 and η = 1 is a sensible default.
    Q is the identity (axis-aligned: coordinate i has curvature λᵢ) or, when ``rotated``,
    a seeded random orthogonal matrix. The start is x0 = p* + Q·z0 with z0 ~ N(0, I) drawn
    from the seed independently of Q, so the rotated and the unrotated problem with one
    seed are the same problem in eigen-coordinates: GD cannot tell them apart, and any
    difference a coordinate-wise method shows comes from the basis alone.
    """

    name = "quadratic"
    title = "N-dimensional quadratic"
    formula = "f(p) = ½ (p − p*)ᵀ Q·diag(λ)·Qᵀ (p − p*),  λ log-spaced in [1/κ, 1]"
    teaches = (
        "Same spectrum, two bases: GD takes the same steps either way, while RMSprop, "
        "Adam and sign-GD rescale coordinates, which helps only when the coordinates are "
        "the eigen-directions."
    )
    PARAMS = (
        Param("dim", 100, "number of parameters D", low=2, high=MAX_DIM, kind="int", symbol="D"),
        Param(
            "condition",
            1000.0,
            "condition number κ = λmax/λmin",
            low=1.0,
            high=1e12,
            log_scale=True,
            symbol="κ",
        ),
        Param(
            "rotated", False, "rotate the eigenbasis by a seeded random orthogonal Q", kind="bool"
        ),
        _SEED,
    )

    def __init__(
        self, dim: int = 100, condition: float = 1000.0, rotated: bool = False, seed: int = 0
    ) -> None:
        super().__init__(dim=dim, condition=condition, rotated=rotated, seed=seed)
        self.dim = int(self.settings["dim"])
        self.condition = float(self.settings["condition"])
        self.rotated = bool(self.settings["rotated"])
        self.seed = int(self.settings["seed"])
        self.eigenvalues: Array = np.geomspace(1.0, 1.0 / self.condition, self.dim)
        if self.rotated:
            self.eigenvectors: Array = random_orthogonal(
                self.dim, np.random.default_rng((self.seed, 0))
            )
            a = (self.eigenvectors * self.eigenvalues) @ self.eigenvectors.T
            # Exactly symmetric, so A·d and dᵀ·A are the same numbers.
            self._matrix: Array | None = (a + a.T) / 2.0
        else:
            self.eigenvectors = np.eye(self.dim)
            self._matrix = None
        self.minimiser: Array = np.zeros(self.dim)
        self.p_star = self.minimiser
        self.f_min = 0.0
        self.z0: Array = np.random.default_rng((self.seed, 1)).standard_normal(self.dim)
        self.x0 = self.minimiser + (self.eigenvectors @ self.z0 if self.rotated else self.z0)

    @property
    def matrix(self) -> Array:
        """The Hessian A (built on demand when axis-aligned: it is diag(λ))."""
        if self._matrix is None:
            return np.diag(self.eigenvalues)
        return self._matrix

    @property
    def suggested_lr(self) -> Mapping[str, float]:
        # λmax = 1: GD is stable for η < 2; η = 1 removes the top eigen-component in one step.
        return {"gd": 1.0, "adaptive": 0.01, "sign": 0.01}

    def loss(self, p: ArrayLike) -> Array:
        d = as_points(p, self.dim) - self.minimiser
        # In eigen-coordinates the sum has no cancellation: f ≥ 0 and f(p*) = 0 exactly.
        z = d @ self.eigenvectors if self.rotated else d
        out: Array = 0.5 * ((z * z) @ self.eigenvalues)
        return out

    def grad(self, p: ArrayLike) -> Array:
        d = as_points(p, self.dim) - self.minimiser
        if self._matrix is None:
            out: Array = d * self.eigenvalues
            return out
        g: Array = d @ self._matrix
        return g

    def curvature(self) -> tuple[Array, Array]:
        return self.eigenvalues, self.eigenvectors

    def hessian(self, p: ArrayLike) -> Array:
        as_points(p, self.dim)
        return self.matrix

    def hvp(self, p: ArrayLike, v: ArrayLike) -> Array:
        return self.grad(np.asarray(v, dtype=np.float64) + self.minimiser)

    def sharpness(self, points: ArrayLike) -> Array:
        """λmax = the top eigenvalue, exactly, at every point: a quadratic's Hessian is A."""
        pts = as_points(points, self.dim)
        return np.full(pts.shape[:-1], float(self.eigenvalues[0]))

    def plane_loss(self, origin: ArrayLike, u: ArrayLike, v: ArrayLike) -> QuadraticPlane:
        o, du, dv = _plane_vectors(origin, u, v, self.dim)
        au, av = self.grad(du + self.minimiser), self.grad(dv + self.minimiser)
        g0 = self.grad(o)
        return QuadraticPlane(
            c=float(self.loss(o)),
            gu=float(du @ g0),
            gv=float(dv @ g0),
            huu=float(du @ au),
            huv=float(du @ av),
            hvv=float(dv @ av),
        )

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["eigenvalues"] = {"max": float(self.eigenvalues[0]), "min": float(self.eigenvalues[-1])}
        return out


class QuadraticPlane:
    """A quadratic restricted to a plane is a 2-D quadratic:
    f(a, b) = c + gu·a + gv·b + ½(huu·a² + 2·huv·a·b + hvv·b²)."""

    def __init__(self, c: float, gu: float, gv: float, huu: float, huv: float, hvv: float):
        self.c, self.gu, self.gv = c, gu, gv
        self.huu, self.huv, self.hvv = huu, huv, hvv

    def __call__(self, a: ArrayLike, b: ArrayLike) -> Array:
        aa = np.asarray(a, dtype=np.float64)
        bb = np.asarray(b, dtype=np.float64)
        out: Array = (
            self.c
            + self.gu * aa
            + self.gv * bb
            + 0.5 * (self.huu * aa * aa + 2.0 * self.huv * aa * bb + self.hvv * bb * bb)
        )
        return out


# -- logistic regression -----------------------------------------------------------------------
class LogisticRegression(Problem):
    """Binary logistic regression with L2, on a dataset generated from the seed.

    Data: n samples of F Gaussian features whose scales are log-spaced from 1 to
    ``spread`` (the loss is ill-conditioned along the coordinate axes, the case where a
    per-coordinate step size helps); labels y ∈ {−1, +1} from a random linear teacher,
    each flipped with probability ``label_noise`` so the classes overlap.
    Parameters p = (w₁..w_F, b): D = F + 1, the bias last.

        f(p) = mean_i log(1 + exp(−yᵢ·(xᵢ·w + b))) + ½·l2·‖p‖²

    The L2 term (on the bias too) makes f strictly convex: one minimiser p*, found once
    at construction by damped Newton (f_min to ~machine precision). ``batch_size`` 0 is
    full batch; otherwise step t's gradient uses ``batch_size`` samples drawn without
    replacement by ``np.random.default_rng((seed, t))``, with the run's seed.
    """

    name = "logistic"
    title = "Logistic regression"
    formula = "f(w, b) = mean log(1 + exp(−y·(x·w + b))) + ½·l2·‖(w, b)‖²"
    teaches = (
        "A real model: features on different scales make the loss steep along some "
        "coordinates and flat along others, which per-coordinate step sizes undo."
    )
    PARAMS = (
        Param("n_samples", 500, "number of training samples", low=10, high=20_000, kind="int"),
        Param("n_features", 20, "number of features F (D = F + 1)", low=1, high=200, kind="int"),
        Param(
            "batch_size",
            0,
            "samples per mini-batch (0 = full batch)",
            low=0,
            high=20_000,
            kind="int",
        ),
        Param("l2", 1e-2, "L2 penalty on every parameter", low=0.0, low_open=True, high=10.0),
        Param(
            "label_noise",
            0.1,
            "probability that a label is flipped",
            low=0.0,
            high=0.5,
            high_open=True,
        ),
        Param("spread", 10.0, "largest feature scale (the smallest is 1)", low=1.0, high=1e4),
        _SEED,
    )

    def __init__(
        self,
        n_samples: int = 500,
        n_features: int = 20,
        seed: int = 0,
        batch_size: int | None = None,
        l2: float = 1e-2,
        label_noise: float = 0.1,
        spread: float = 10.0,
    ) -> None:
        super().__init__(
            n_samples=n_samples,
            n_features=n_features,
            seed=seed,
            batch_size=0 if batch_size is None else batch_size,
            l2=l2,
            label_noise=label_noise,
            spread=spread,
        )
        s = self.settings
        self.n_samples, self.n_features = int(s["n_samples"]), int(s["n_features"])
        self.batch_size = int(s["batch_size"])
        if self.batch_size > self.n_samples:
            raise OptiscopeError(
                f"problem logistic: batch_size must be at most n_samples ({self.n_samples}); "
                f"got {self.batch_size}"
            )
        self.l2, self.seed = float(s["l2"]), int(s["seed"])
        self.dim = self.n_features + 1
        rng = np.random.default_rng((self.seed, 2))
        scales = np.geomspace(1.0, float(s["spread"]), self.n_features)
        features = rng.standard_normal((self.n_samples, self.n_features)) * scales
        teacher = rng.standard_normal(self.n_features) / scales
        margin = features @ teacher + 0.5
        labels = np.where(margin >= 0, 1.0, -1.0)
        flips = rng.random(self.n_samples) < float(s["label_noise"])
        self.X: Array = np.column_stack([features, np.ones(self.n_samples)])
        self.y: Array = np.where(flips, -labels, labels)
        self.x0 = np.zeros(self.dim)
        self.minimiser, self.f_min = self._newton()
        self.p_star = self.minimiser
        h_star = self.hessian(self.minimiser)
        lam, vec = np.linalg.eigh(h_star)
        self._curvature = (lam[::-1].copy(), vec[:, ::-1].copy())
        # σ(1−σ) ≤ ¼ bounds the Hessian everywhere by Xᵀ X/(4n) + l2·I: a safe GD step.
        bound = float(np.linalg.eigvalsh(self.X.T @ self.X / (4.0 * self.n_samples))[-1])
        self._lipschitz = bound + self.l2

    @property
    def stochastic(self) -> bool:
        return self.batch_size > 0

    @property
    def suggested_lr(self) -> Mapping[str, float]:
        return {"gd": 1.0 / self._lipschitz, "adaptive": 0.05, "sign": 0.01}

    def loss(self, p: ArrayLike) -> Array:
        pts = as_points(p, self.dim)
        z = pts @ self.X.T
        data = np.mean(np.logaddexp(0.0, -self.y * z), axis=-1)
        out: Array = data + 0.5 * self.l2 * np.sum(pts * pts, axis=-1)
        return out

    def grad(self, p: ArrayLike) -> Array:
        return self._grad(as_points(p, self.dim), self.X, self.y)

    def batch(self, t: int, seed: int) -> npt.NDArray[np.intp]:
        """Indices of the samples in step t's mini-batch (all of them when full batch)."""
        if self.batch_size == 0:
            return np.arange(self.n_samples)
        rng = np.random.default_rng((seed, t))
        return np.sort(rng.choice(self.n_samples, size=self.batch_size, replace=False))

    def grad_at_step(self, p: ArrayLike, t: int, seed: int) -> Array:
        if self.batch_size == 0:
            return self.grad(p)
        rows = self.batch(t, seed)
        return self._grad(as_points(p, self.dim), self.X[rows], self.y[rows])

    def _grad(self, pts: Array, x: Array, y: Array) -> Array:
        yz = y * (pts @ x.T)
        # σ(−y·z) = exp(−log(1 + exp(y·z))): no overflow for any margin.
        r = y * np.exp(-np.logaddexp(0.0, yz))
        out: Array = -(r @ x) / x.shape[0] + self.l2 * pts
        return out

    def hessian(self, p: ArrayLike) -> Array:
        """∇²f(p) = Xᵀ·diag(σ(1−σ))·X / n + l2·I for one point p."""
        pts = as_points(p, self.dim)
        z = self.X @ pts
        w = np.exp(-np.logaddexp(0.0, z) - np.logaddexp(0.0, -z))
        out: Array = (self.X.T * w) @ self.X / self.n_samples + self.l2 * np.eye(self.dim)
        return out

    def hvp(self, p: ArrayLike, v: ArrayLike) -> Array:
        """(Xᵀ·diag(σ(1−σ))·X / n + l2·I)·v, point by point: two passes over the data."""
        pts = as_points(p, self.dim)
        vec = np.asarray(v, dtype=np.float64)
        z = pts @ self.X.T
        w = np.exp(-np.logaddexp(0.0, z) - np.logaddexp(0.0, -z))
        out: Array = ((vec @ self.X.T) * w) @ self.X / self.n_samples + self.l2 * vec
        return out

    def hvp_at(self, points: Array) -> Callable[[Array], Array]:
        pts = as_points(points, self.dim)
        z = pts @ self.X.T
        w = np.exp(-np.logaddexp(0.0, z) - np.logaddexp(0.0, -z)) / self.n_samples

        def product(v: Array) -> Array:
            out: Array = ((v @ self.X.T) * w) @ self.X + self.l2 * v
            return out

        return product

    def _newton(self) -> tuple[Array, float]:
        """Damped Newton from 0 with Armijo backtracking: f is strictly convex and smooth."""
        p = np.zeros(self.dim)
        f = float(self.loss(p))
        for _ in range(100):
            g = self.grad(p)
            step = np.linalg.solve(self.hessian(p), g)
            decrement = float(g @ step)
            if decrement <= 1e-30:
                break
            t = 1.0
            while t > 1e-12:
                trial = p - t * step
                f_trial = float(self.loss(trial))
                if f_trial <= f - 1e-4 * t * decrement:
                    break
                t *= 0.5
            else:
                break
            p, f = trial, f_trial
        return p, f

    def curvature(self) -> tuple[Array, Array]:
        return self._curvature

    def plane_loss(self, origin: ArrayLike, u: ArrayLike, v: ArrayLike) -> PlaneLoss:
        # Margins are affine in (a, b): z = X·o + a·X·u + b·X·v, so a grid costs n per point.
        o, du, dv = _plane_vectors(origin, u, v, self.dim)
        zo, zu, zv = self.X @ o, self.X @ du, self.X @ dv
        oo, ou, ov = float(o @ o), float(o @ du), float(o @ dv)
        uu, uv, vv = float(du @ du), float(du @ dv), float(dv @ dv)
        chunk = max(1, _PLANE_CHUNK_FLOATS // self.n_samples)
        y, l2 = self.y, self.l2

        def plane(a: ArrayLike, b: ArrayLike) -> Array:
            aa, bb = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
            flat_a, flat_b = aa.ravel(), bb.ravel()
            out = np.empty(flat_a.shape, dtype=np.float64)
            for lo in range(0, flat_a.size, chunk):
                sl = slice(lo, lo + chunk)
                ca, cb = flat_a[sl, None], flat_b[sl, None]
                z = zo + ca * zu + cb * zv
                out[sl] = np.mean(np.logaddexp(0.0, -y * z), axis=-1)
            norm2 = oo + 2.0 * (flat_a * ou + flat_b * ov)
            norm2 += flat_a * flat_a * uu + 2.0 * flat_a * flat_b * uv + flat_b * flat_b * vv
            out += 0.5 * l2 * norm2
            return out.reshape(aa.shape)

        return plane

    def describe(self) -> dict[str, Any]:
        out = super().describe()
        out["accuracy_at_minimum"] = self.accuracy(self.minimiser)
        return out

    def accuracy(self, p: ArrayLike) -> float:
        """Share of training samples on the right side of the boundary at p."""
        z = self.X @ as_points(p, self.dim)
        return float(np.mean(np.sign(z) == self.y))
