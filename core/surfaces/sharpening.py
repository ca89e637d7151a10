"""A valley whose curvature across grows along it: where the edge of stability shows in 2-D.

f = a·(x − c)² + ½(1 + x²)·y². Across the valley (y) the curvature is 1 + x², so it grows
with |x|; along it (x) a weak pull a draws the point toward the minimum at x = c. With the
minimum on the sharp side (c = 5: λmax = 26 there) GD at a fixed η sharpens as it goes,
until 1 + x² reaches 2/η, and then hovers at that edge (Cohen et al. 2021; the y² in ∂f/∂x
pushes x back whenever the y-oscillation grows: Damian et al. 2023's self-stabilization).
With the minimum at c = 0 the flat ground is the goal and a start at large |x| is sharp:
the place to see warmup (Kalra & Barkeshli 2024).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from ..params import Param
from .base import Array, ArrayLike, Minimum, Surface
from .common import Box, as_pair, symmetric


class SharpeningValley(Surface):
    """a·(x − c)² + ½(1 + x²)·y²: λmax ≈ 1 + x² near the floor, 1 at x = 0."""

    name = "sharpening"
    title = "Sharpening valley"
    formula = "f(x, y) = a·(x − c)² + ½(1 + x²)·y²"
    teaches = (
        "The valley narrows toward its minimum (curvature 1 + x² across it): GD at a fixed lr "
        "sharpens until λmax ≈ 2/η and hovers at that edge of stability, short of the minimum."
    )
    PARAMS = (
        Param(
            "center",
            5.0,
            "x of the minimum, where the curvature across is 1 + c²",
            low=-10.0,
            high=10.0,
            symbol="c",
        ),
        Param(
            "pull",
            0.02,
            "a: the pull along the valley toward the minimum",
            low=0.0,
            low_open=True,
            high=10.0,
            log_scale=True,
            symbol="a",
        ),
    )
    # At c = 5, λmax = 26 at the minimum: GD is stable there only for lr < 2/26 = 0.077.
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.05, "adaptive": 0.05, "sign": 0.05}

    def __init__(self, **settings: object) -> None:
        super().__init__(**settings)
        self._c = float(self.settings["center"])
        self._a = float(self.settings["pull"])

    @property
    def domain(self) -> Box:
        # Both named starts (x = 0 and x = 4.5) and the minimum in view.
        lo, hi = min(self._c, 0.0) - 1.5, max(self._c, 4.5) + 1.5
        return ((lo, hi), (-2.5, 2.5))

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return (Minimum((self._c, 0.0), 0.0),)

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        return {"flat": (0.0, 1.0), "sharp": (4.5, 1.0)}

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        d = xa - self._c
        return self._a * d * d + 0.5 * (1.0 + xa * xa) * ya * ya

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        xa, ya = as_pair(x, y)
        return 2.0 * self._a * (xa - self._c) + xa * ya * ya, (1.0 + xa * xa) * ya

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        xa, ya = as_pair(x, y)
        return symmetric(2.0 * self._a + ya * ya, 2.0 * xa * ya, 1.0 + xa * xa)
