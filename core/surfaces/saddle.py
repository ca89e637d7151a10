"""A saddle with a floor: the simplest place to watch optimizers escape a ridge."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

from .base import Array, ArrayLike, Minimum
from .common import FixedSurface, as_pair, symmetric

_ROOT2 = math.sqrt(2.0)


class Saddle(FixedSurface):
    """x² − y² with a quartic wall in y, so escaping the saddle ends somewhere."""

    name = "saddle"
    title = "Bounded saddle"
    formula = "f(x, y) = x² − y² + y⁴/4"
    teaches = (
        "Escaping a saddle: from just off the ridge adaptive methods leave first and GD "
        "last; started exactly on it, no deterministic method ever leaves."
    )
    # Curvature is 2 and 4 at the minima and -2 across the ridge: GD is stable for lr < 0.5.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.1, "adaptive": 0.05, "sign": 0.05}
    DOMAIN = ((-2.0, 2.0), (-2.5, 2.5))
    MINIMA = (
        Minimum((0.0, _ROOT2), -1.0, "global minimum (upper)"),
        Minimum((0.0, -_ROOT2), -1.0, "global minimum (lower)"),
    )
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {
        "near the ridge": (1.5, 0.001),
        "on the ridge": (1.5, 0.0),
        "off the ridge": (-1.5, 0.5),
    }

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        y2 = ya * ya
        return xa * xa + y2 * (0.25 * y2 - 1.0)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        return 2.0 * xa, ya * (ya * ya - 2.0)

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return symmetric(2.0 + 0.0 * xa, 0.0 * xa, 3.0 * ya * ya - 2.0)
