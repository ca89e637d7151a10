"""What every loss surface offers: a vectorised value, an analytic gradient and its story."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

import numpy as np
import numpy.typing as npt

from ..curvature import largest_symmetric
from ..params import Param, Value, resolve

Array = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike


class Minimum(NamedTuple):
    """A known minimum: where it is, the loss there, and a short label."""

    point: tuple[float, float]
    value: float
    label: str = "global minimum"


class Surface:
    """A 2-D loss surface f(x, y).

    Subclasses set the class attributes and implement ``f``, ``grad`` and ``hessian`` with
    NumPy so they accept arrays of any (broadcastable) shape: one point, a path, or a
    300x300 grid.
    Parameterised surfaces declare ``PARAMS``; their values are validated and available as
    ``self.settings``.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    formula: ClassVar[str]
    teaches: ClassVar[str]
    coords: ClassVar[tuple[str, str]] = ("x", "y")
    PARAMS: ClassVar[tuple[Param, ...]] = ()
    #: Contour levels spaced logarithmically (steep surfaces) rather than linearly.
    log_levels: ClassVar[bool] = False
    #: Learning rates that make a first run meaningful, by optimizer family:
    #: "gd" (plain and EWMA momentum), "adaptive" (RMSprop, Adam, Adagrad, ...) and
    #: "sign" (sign-GD, normalized GD, Lion: lr is the step length).
    suggested_lr: ClassVar[Mapping[str, float]] = {"gd": 0.01, "adaptive": 0.01, "sign": 0.01}

    def __init__(self, **settings: object) -> None:
        self.settings: dict[str, Value] = resolve(self.PARAMS, settings, f"surface {self.name}")

    # -- geometry, overridden where it depends on settings ---------------------------------
    @property
    def domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((x_lo, x_hi), (y_lo, y_hi)): the window the explorer shows first."""
        raise NotImplementedError

    @property
    def minima(self) -> tuple[Minimum, ...]:
        raise NotImplementedError

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        """Named start points; the first is the default."""
        raise NotImplementedError

    # -- the function ------------------------------------------------------------------------
    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        raise NotImplementedError

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        raise NotImplementedError

    def hessian(self, x: ArrayLike, y: ArrayLike) -> Array:
        """∇²f at every point, shape (..., 2, 2): analytic, like ``grad``.

        Where f has a kink (|w|) the Hessian is taken on either side of it: the kink itself
        is a line of no area, and a Dirac delta is not a number a table can show.
        """
        raise NotImplementedError

    def grad_at_step(self, x: ArrayLike, y: ArrayLike, t: int, seed: int) -> tuple[Array, Array]:
        """The gradient an optimizer sees at step ``t``: exact here, mini-batch where overridden.

        ``(seed, t)`` fixes any sampling, so every optimizer in a comparison sees the same
        batches at the same step.
        """
        return self.grad(x, y)

    @property
    def stochastic(self) -> bool:
        """True when ``grad_at_step`` samples (mini-batches) rather than returning ``grad``."""
        return False

    # -- conveniences over stacked points (..., 2) --------------------------------------------
    def value(self, points: ArrayLike) -> Array:
        p = np.asarray(points, dtype=np.float64)
        return np.asarray(self.f(p[..., 0], p[..., 1]), dtype=np.float64)

    def gradient(self, points: ArrayLike) -> Array:
        p = np.asarray(points, dtype=np.float64)
        gx, gy = self.grad(p[..., 0], p[..., 1])
        return np.stack(np.broadcast_arrays(gx, gy), axis=-1).astype(np.float64, copy=False)

    def sharpness(self, points: ArrayLike) -> Array:
        """λmax(∇²f) at stacked points (..., 2): the curvature GD's step must stay under
        2/η along the steepest direction. For a mini-batch surface, the full loss's."""
        p = np.asarray(points, dtype=np.float64)
        return largest_symmetric(self.hessian(p[..., 0], p[..., 1]))

    def start(self, name: str | None = None) -> tuple[float, float]:
        """A named start, or the default one."""
        if name is None:
            return next(iter(self.starts.values()))
        return self.starts[name]

    def describe(self) -> dict[str, Any]:
        """Plain data for JSON output and the explorer's header."""
        return {
            "name": self.name,
            "title": self.title,
            "formula": self.formula,
            "coords": list(self.coords),
            "settings": dict(self.settings),
            "domain": [list(self.domain[0]), list(self.domain[1])],
            "minima": [
                {"point": list(m.point), "value": m.value, "label": m.label} for m in self.minima
            ],
            "starts": {k: list(v) for k, v in self.starts.items()},
            "teaches": self.teaches,
        }
