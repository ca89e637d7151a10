"""Bowls covered in ripples: many local minima, where step size and noise decide everything."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np

from .base import Array, ArrayLike, Minimum
from .common import FixedSurface, as_pair, symmetric

_TWO_PI = 2.0 * math.pi


class Rastrigin(FixedSurface):
    """A paraboloid plus a cosine egg-box (A = 10): a local minimum near every integer point."""

    name = "rastrigin"
    title = "Rastrigin"
    formula = "f(x, y) = 20 + x² − 10·cos(2πx) + y² − 10·cos(2πy)"
    teaches = (
        "A bowl covered in regular pits: GD stops in the nearest one; only large steps or "
        "noise carry an optimizer further down."
    )
    # Curvature at the pits is 2 + 40π² ≈ 397: GD is stable for lr < 0.005.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.002, "adaptive": 0.1, "sign": 0.05}
    DOMAIN = ((-5.12, 5.12), (-5.12, 5.12))
    MINIMA = (Minimum((0.0, 0.0), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "far": (-4.3, 3.6),
        "two pits out": (2.2, -1.7),
        "near a ridge": (0.5, 0.45),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return 20.0 + xa * xa - 10.0 * np.cos(_TWO_PI * xa) + ya * ya - 10.0 * np.cos(_TWO_PI * ya)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        k = 10.0 * _TWO_PI
        return 2.0 * xa + k * np.sin(_TWO_PI * xa), 2.0 * ya + k * np.sin(_TWO_PI * ya)

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        k = 10.0 * _TWO_PI * _TWO_PI
        return symmetric(2.0 + k * np.cos(_TWO_PI * xa), 0.0 * xa, 2.0 + k * np.cos(_TWO_PI * ya))


class Ackley(FixedSurface):
    """A near-flat plateau with a cone at the centre and ripples everywhere."""

    name = "ackley"
    title = "Ackley"
    formula = "f(x, y) = −20·exp(−0.2·√(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20"
    teaches = (
        "A nearly flat plateau with a funnel in the middle: far out the gradient is tiny "
        "and ripples trap small steps; noise helps."
    )
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.01, "adaptive": 0.1, "sign": 0.05}
    DOMAIN = ((-5.0, 5.0), (-5.0, 5.0))
    MINIMA = (Minimum((0.0, 0.0), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "plateau": (3.3, -2.6),
        "ripples": (1.3, 1.1),
        "corner": (-4.6, 4.4),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        # hypot, not sqrt(x² + y²): no overflow for huge inputs.
        r = np.hypot(xa, ya) * math.sqrt(0.5)
        waves = np.exp(0.5 * (np.cos(_TWO_PI * xa) + np.cos(_TWO_PI * ya)))
        return -20.0 * np.exp(-0.2 * r) - waves + (math.e + 20.0)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        rho = np.hypot(xa, ya)
        r = rho * math.sqrt(0.5)
        # The cone's gradient 2·exp(−0.2r)·(x, y)/(2r) has no limit at the origin; take 0
        # there (a valid subgradient) by dividing by inf instead of 0: no NaN, no warning.
        cone = 2.0 * np.exp(-0.2 * r) / np.where(rho > 0.0, r, np.inf)
        waves = math.pi * np.exp(0.5 * (np.cos(_TWO_PI * xa) + np.cos(_TWO_PI * ya)))
        return cone * xa + waves * np.sin(_TWO_PI * xa), cone * ya + waves * np.sin(_TWO_PI * ya)

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        """The cone's gradient is φ(r)·(x, y) with φ = 2·exp(−0.2r)/r and r = ρ/√2, so its
        Hessian is φ·I + φ'(r)/(2r)·(x, y)(x, y)ᵀ; at the origin, its tip, there is none
        (NaN). The ripples add π²·e^w·(2cos 2πx − sin² 2πx) on the diagonal and
        −π²·e^w·sin 2πx·sin 2πy across, w = ½(cos 2πx + cos 2πy)."""
        xa, ya = as_pair(x, y)
        r = np.hypot(xa, ya) * math.sqrt(0.5)
        with np.errstate(divide="ignore", invalid="ignore"):
            decay = np.exp(-0.2 * r)
            phi = 2.0 * decay / r
            radial = -2.0 * decay * (0.2 * r + 1.0) / (r * r) / (2.0 * r)
        radial = np.where(r > 0.0, radial, np.nan)
        sx, sy = np.sin(_TWO_PI * xa), np.sin(_TWO_PI * ya)
        cx, cy = np.cos(_TWO_PI * xa), np.cos(_TWO_PI * ya)
        waves = math.pi**2 * np.exp(0.5 * (cx + cy))
        return symmetric(
            phi + radial * xa * xa + waves * (2.0 * cx - sx * sx),
            radial * xa * ya - waves * sx * sy,
            phi + radial * ya * ya + waves * (2.0 * cy - sy * sy),
        )
