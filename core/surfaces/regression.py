"""Least-squares line fitting: the lecture's (w, b) on a real loss, with real mini-batches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from ..errors import OptiscopeError
from ..params import Param
from .base import Array, ArrayLike, Minimum, Surface
from .common import Box, as_pair, constant_hessian

# Centred x of spread ±0.4 gives mean(x²) ≈ 0.053 against the bias's curvature 1: an
# axis-aligned bowl with κ ≈ 19, close to the lecture's 20.
_X_HALF_WIDTH = 0.4
_TRUE_W = 2.0
_TRUE_B = 0.5


class Regression(Surface):
    """L(w, b) = 1/(2n)·Σ (w·xᵢ + b − yᵢ)² over a seeded synthetic dataset.

    The full-batch loss is exactly quadratic, so it is evaluated about its minimum from the
    data's moments: O(1) per point whatever ``n_samples`` is (a contour grid costs no more
    than for a bowl) and without the cancellation of summing residuals near the minimum.
    """

    name = "regression"
    title = "Least-squares regression"
    formula = "L(w, b) = 1/(2n)·Σᵢ (w·xᵢ + b − yᵢ)²"
    teaches = (
        "The lecture's (w, b) on a real least-squares loss; shrink batch_size to see "
        "genuine mini-batch noise jitter every optimizer's path."
    )
    coords = ("w", "b")
    PARAMS = (
        Param(
            "n_samples", 64, "number of data points", low=2, high=100_000, kind="int", symbol="n"
        ),
        Param(
            "batch_size",
            0,
            "points per mini-batch gradient; 0 means the full batch",
            low=0,
            high=100_000,
            kind="int",
            symbol="B",
        ),
        Param(
            "data_noise", 0.3, "std of the noise added to each yᵢ", low=0.0, high=10.0, symbol="σ"
        ),
        Param("seed", 0, "seed of the synthetic dataset", low=0, high=2**32 - 1, kind="int"),
    )
    # Curvatures ≈ 1 (b) and 0.053 (w): GD is stable for lr < 2; 1.5 zig-zags in b like
    # the lecture. A batch's Hessian averages [xᵢ, 1]ᵀ[xᵢ, 1], so its λmax ≤ 1 + max xᵢ² ≈ 1.17
    # and lr = 1.5 stays stable for every batch size.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 1.5, "adaptive": 0.1, "sign": 0.1}

    def __init__(self, **settings: object) -> None:
        super().__init__(**settings)
        n = int(self.settings["n_samples"])
        batch = int(self.settings["batch_size"])
        if batch > n:
            raise OptiscopeError(
                f"surface {self.name}: batch_size must be at most n_samples ({n}); got {batch}"
            )
        self._n = n
        self._batch = n if batch == 0 else batch
        rng = np.random.default_rng(int(self.settings["seed"]))
        x = rng.uniform(-_X_HALF_WIDTH, _X_HALF_WIDTH, n)
        x -= x.mean()
        y = _TRUE_W * x + _TRUE_B + float(self.settings["data_noise"]) * rng.standard_normal(n)
        x.setflags(write=False)
        y.setflags(write=False)
        self.x_data: Array = x
        self.y_data: Array = y
        # Normal equations with centred data; x is centred, so mean(x) is 0 up to rounding.
        self._mx = float(x.mean())
        self._mxx = float(np.mean(x * x))
        yc = y - y.mean()
        xc = x - self._mx
        self._w_star = float(np.mean(xc * yc) / np.mean(xc * xc))
        self._b_star = float(y.mean() - self._w_star * self._mx)
        residual = self._w_star * x + self._b_star - y
        self._loss_star = float(0.5 * np.mean(residual * residual))

    # -- geometry ----------------------------------------------------------------------------
    @property
    def optimum(self) -> tuple[float, float]:
        """The least-squares (w, b)."""
        return (self._w_star, self._b_star)

    @property
    def _centre(self) -> tuple[float, float]:
        return (round(self._w_star, 1), round(self._b_star, 1))

    @property
    def domain(self) -> Box:
        # The lecture's window, centred on this dataset's optimum.
        cw, cb = self._centre
        return ((cw - 6.0, cw + 6.0), (cb - 3.0, cb + 3.0))

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return (Minimum(self.optimum, self._loss_star, "least-squares fit"),)

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        # The lecture's A, B and C, placed relative to the optimum as they are in its bowl.
        cw, cb = self._centre
        return {
            "A": (round(cw - 4.7, 6), round(cb - 1.3, 6)),
            "B": (round(cw + 0.3, 6), round(cb - 2.3, 6)),
            "C": (round(cw - 4.7, 6), round(self._b_star + 0.03, 6)),
        }

    # -- the function ------------------------------------------------------------------------
    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        w, b = as_pair(x, y)
        dw = w - self._w_star
        db = b - self._b_star
        quad = self._mxx * dw * dw + 2.0 * self._mx * dw * db + db * db
        return self._loss_star + 0.5 * quad

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        w, b = as_pair(x, y)
        dw = w - self._w_star
        db = b - self._b_star
        return self._mxx * dw + self._mx * db, self._mx * dw + db

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        """The full-batch loss's (also under mini-batches): mean of [xᵢ, 1]ᵀ[xᵢ, 1]."""
        w, _ = as_pair(x, y)
        return constant_hessian(w, self._mxx, self._mx, 1.0)

    @property
    def stochastic(self) -> bool:
        return self._batch < self._n

    def batch_indices(self, t: int, seed: int) -> npt.NDArray[np.intp]:
        """The mini-batch of step ``t``: one stream per (seed, t), shared by every optimizer."""
        rng = np.random.default_rng((seed, t))
        return rng.choice(self._n, size=self._batch, replace=False)

    def batch_grad(self, x: ArrayLike, y: ArrayLike, indices: ArrayLike) -> tuple[Array, Array]:
        """The gradient of the loss over the data points ``indices`` only."""
        w, b = as_pair(x, y)
        idx = np.asarray(indices, dtype=np.intp)
        xb = self.x_data[idx]
        yb = self.y_data[idx]
        # Residuals on a trailing data axis: (..., batch).
        r = w[..., None] * xb + b[..., None] - yb
        gw: Array = np.mean(r * xb, axis=-1)
        gb: Array = np.mean(r, axis=-1)
        return gw, gb

    def grad_at_step(self, x: ArrayLike, y: ArrayLike, t: int, seed: int) -> tuple[Array, Array]:
        if not self.stochastic:
            return self.grad(x, y)
        return self.batch_grad(x, y, self.batch_indices(t, seed))
