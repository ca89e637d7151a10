"""Quadratic bowls: the cleanest place to see how conditioning and axes shape each update."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from ..params import Param
from .base import Array, ArrayLike, Minimum, Surface
from .common import Box, FixedSurface, as_pair, constant_hessian

_ORIGIN = (Minimum((0.0, 0.0), 0.0),)


class LectureBowl(FixedSurface):
    """The course's running example: axis-aligned, condition number 20."""

    name = "lecture-bowl"
    title = "Lecture bowl"
    formula = "f(w, b) = 0.1·w² + 2·b²"
    teaches = (
        "GD zig-zags across the steep b direction while crawling along the shallow w "
        "direction (κ = 20): the problem momentum and RMSprop were invented for."
    )
    coords = ("w", "b")
    # λmax = 4, so GD is stable for lr < 0.5; 0.4 shows the zig-zag without diverging.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.4, "adaptive": 0.1, "sign": 0.1}
    DOMAIN = ((-6.0, 6.0), (-3.0, 3.0))
    MINIMA = _ORIGIN
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "A": (-4.7, -1.3),
        "B": (0.3, -2.3),
        "C": (-4.7, 0.03),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        w, b = as_pair(x, y)
        return 0.1 * w * w + 2.0 * b * b

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        w, b = as_pair(x, y)
        return 0.2 * w, 4.0 * b

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        w, _ = as_pair(x, y)
        return constant_hessian(w, 0.2, 0.0, 4.0)


class RoundBowl(FixedSurface):
    """The well-conditioned control: what the lecture bowl would be with κ = 1."""

    name = "round-bowl"
    title = "Round bowl"
    formula = "f(x, y) = x² + y²"
    teaches = (
        "With κ = 1 the gradient points straight at the minimum, so GD walks a straight "
        "line; sign-based steps still bend towards the diagonals."
    )
    # λ = 2 in every direction: GD is stable for lr < 1 (and lands in one step at 0.5).
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.1, "adaptive": 0.1, "sign": 0.1}
    DOMAIN = ((-5.0, 5.0), (-5.0, 5.0))
    MINIMA = _ORIGIN
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "off-diagonal": (-4.0, 2.0),
        "diagonal": (3.5, 3.5),
        "on an axis": (0.0, -4.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return xa * xa + ya * ya

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        return 2.0 * xa, 2.0 * ya

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, _ = as_pair(x, y)
        return constant_hessian(xa, 2.0, 0.0, 2.0)


# The lecture's starts, expressed in the bowl's own (u, v) frame before rotation.
_LECTURE_STARTS = {"A": (-4.7, -1.3), "B": (0.3, -2.3), "C": (-4.7, 0.03)}
_LAMBDA_MAX = 4.0


class RotatedBowl(Surface):
    """The lecture bowl's eigenvalues (rescaled by κ) turned by θ.

    It answers "is it about the axes?": rotation changes nothing for GD and momentum, but
    everything for methods that scale each coordinate separately.
    """

    name = "rotated-bowl"
    title = "Rotated bowl"
    formula = (
        "f(x, y) = ½(λmax·v² + λmin·u²), u = x·cos θ + y·sin θ, v = −x·sin θ + y·cos θ, "
        "λmax = 4, λmin = 4/κ"
    )
    teaches = (
        "GD, momentum and normalized GD ignore a rotation; RMSprop, Adam, Adagrad and "
        "sign-GD do not, because they rescale each axis separately."
    )
    PARAMS = (
        Param(
            "kappa",
            20.0,
            "condition number λmax/λmin",
            low=1.0,
            high=1e4,
            log_scale=True,
            symbol="κ",
        ),
        Param(
            "theta",
            30.0,
            "angle of the shallow axis from the x axis, in degrees",
            low=-90.0,
            high=90.0,
            symbol="θ",
        ),
    )
    # λmax is 4 whatever κ and θ are, so the lecture bowl's rates carry over.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.4, "adaptive": 0.1, "sign": 0.1}

    def __init__(self, **settings: object) -> None:
        super().__init__(**settings)
        kappa = float(self.settings["kappa"])
        theta = math.radians(float(self.settings["theta"]))
        self._cos, self._sin = math.cos(theta), math.sin(theta)
        lam_min = _LAMBDA_MAX / kappa
        # The Hessian in (x, y), so f and grad cost a handful of multiplies per point.
        c2, s2, cs = self._cos**2, self._sin**2, self._cos * self._sin
        self._hxx = lam_min * c2 + _LAMBDA_MAX * s2
        self._hyy = lam_min * s2 + _LAMBDA_MAX * c2
        self._hxy = (lam_min - _LAMBDA_MAX) * cs

    @property
    def domain(self) -> Box:
        # Square, because the long axis can point anywhere; the lecture starts all lie
        # within radius 4.9 of the centre, so they stay inside at every angle.
        return ((-6.0, 6.0), (-6.0, 6.0))

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return _ORIGIN

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        c, s = self._cos, self._sin
        return {
            label: (round(c * u - s * v, 6), round(s * u + c * v, 6))
            for label, (u, v) in _LECTURE_STARTS.items()
        }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return 0.5 * (self._hxx * xa * xa + self._hyy * ya * ya) + self._hxy * xa * ya

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        return self._hxx * xa + self._hxy * ya, self._hxy * xa + self._hyy * ya

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, _ = as_pair(x, y)
        return constant_hessian(xa, self._hxx, self._hxy, self._hyy)


class Matyas(FixedSurface):
    """A fixed diagonal valley, the classic benchmark version of the rotated bowl."""

    name = "matyas"
    title = "Matyas"
    formula = "f(x, y) = 0.26·(x² + y²) − 0.48·x·y"
    teaches = (
        "A narrow valley along the diagonal (κ = 25): per-axis scaling cannot help when "
        "the long axis is not a coordinate axis."
    )
    # Hessian eigenvalues 1 and 0.04: GD is stable for lr < 2.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 1.5, "adaptive": 0.3, "sign": 0.2}
    DOMAIN = ((-10.0, 10.0), (-10.0, 10.0))
    MINIMA = _ORIGIN
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "across the valley": (-8.0, -3.0),
        "far corner": (9.0, -7.0),
        "valley floor": (8.0, 7.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return 0.26 * (xa * xa + ya * ya) - 0.48 * xa * ya

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        return 0.52 * xa - 0.48 * ya, 0.52 * ya - 0.48 * xa

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, _ = as_pair(x, y)
        return constant_hessian(xa, 0.52, -0.48, 0.52)


class Booth(FixedSurface):
    """A sum of two squared linear residuals: a tilted bowl away from the origin."""

    name = "booth"
    title = "Booth"
    formula = "f(x, y) = (x + 2y − 7)² + (2x + y − 5)²"
    teaches = (
        "A tilted bowl with one steep and one gentle direction (κ = 9): the steep one "
        "alone sets the largest stable GD learning rate (lr < 2/18)."
    )
    log_levels = True
    # Hessian [[10, 8], [8, 10]], eigenvalues 18 and 2: GD is stable for lr < 0.111.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.09, "adaptive": 0.3, "sign": 0.2}
    DOMAIN = ((-10.0, 10.0), (-10.0, 10.0))
    MINIMA = (Minimum((1.0, 3.0), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "lower left": (-7.0, -6.0),
        "upper right": (8.0, 9.0),
        "along the valley": (-6.0, 9.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        r1 = xa + 2.0 * ya - 7.0
        r2 = 2.0 * xa + ya - 5.0
        return r1 * r1 + r2 * r2

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        r1 = xa + 2.0 * ya - 7.0
        r2 = 2.0 * xa + ya - 5.0
        return 2.0 * r1 + 4.0 * r2, 4.0 * r1 + 2.0 * r2

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, _ = as_pair(x, y)
        return constant_hessian(xa, 10.0, 8.0, 10.0)
