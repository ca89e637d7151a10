"""A V-shaped valley: a gradient of constant size that flips sign at every crossing.

Seed 000's thought experiment (dw = +1e-4, −1e-4, +1e-4, …) written as a real surface: GD
sitting on the valley floor sees exactly that sequence, and so the plot, the loss and the
table all agree with the gradients the optimizers are given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from ..params import Param
from .base import Array, ArrayLike, Minimum
from .common import FixedSurface, as_pair, constant_hessian


class Vee(FixedSurface):
    """s·|w| + b²/2: in w the gradient is ±s everywhere (0 exactly on the floor)."""

    name = "vee"
    title = "V valley"
    formula = "f(w, b) = s·|w| + b²/2"
    teaches = (
        "A gradient of fixed size that flips sign at each crossing (±1e-4): GD's steps stay "
        "η·1e-4 long, RMSprop divides by √S ≈ 1e-4 and jumps about η each way."
    )
    coords = ("w", "b")
    PARAMS = (
        Param("slope", 1e-4, "|∂f/∂w| everywhere off the floor", low=1e-12, high=1e3, symbol="s"),
    )
    # Adaptive steps are ~lr long whatever the slope: 1e-3 keeps them inside the window.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.01, "adaptive": 0.001, "sign": 0.001}
    # b is a bystander: its window is narrow enough that b²/2 (≤ 2e-6) does not drown the
    # valley's walls (s·|w| ≤ 5e-6) in the contour plot.
    DOMAIN = ((-0.05, 0.05), (-0.002, 0.002))
    MINIMA = (Minimum((0.0, 0.0), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "up the side": (0.03, 0.0015),
        # Half a GD step (η·s = 1e-6 at the suggested lr) off the floor: GD then crosses it
        # at every step, and its gradient is +1e-4, −1e-4, … exactly as in the forum post.
        "on the floor": (5e-7, 0.0),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        w, b = as_pair(x, y)
        return float(self.settings["slope"]) * np.abs(w) + 0.5 * b * b

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        w, b = as_pair(x, y)
        return float(self.settings["slope"]) * np.sign(w), 1.0 * b

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        """Flat in w on either side of the floor (the kink at w = 0 is left out), 1 in b."""
        w, _ = as_pair(x, y)
        return constant_hessian(w, 0.0, 0.0, 1.0)
