"""A view plane of an N-dimensional problem presented as a 2-D ``Surface``.

The contour plot draws surfaces: f(a, b) = f(origin + a·u + b·v) is one, so the explorer's
plot shows the loss in the plane, its minimum and the projected paths with no new drawing
code. The gradient is the problem's own, projected: ∂f/∂a = u·∇f(p), ∂f/∂b = v·∇f(p).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..surfaces.base import Minimum, Surface
from .problems import Array, ArrayLike, Problem
from .views import Plane

Window = tuple[tuple[float, float], tuple[float, float]]


class PlaneSurface(Surface):
    """The loss over ``view`` for ``problem``, shown over ``domain`` (data coordinates a, b)."""

    name = "plane"
    title = "loss in the view plane"
    formula = "f(origin + a·u + b·v)"
    teaches = "A slice through the minimum: the paths are projected onto it, not inside it."
    # Paths fall to the minimum by decades: log-spaced levels keep lines near the bottom.
    log_levels: ClassVar[bool] = True

    def __init__(self, problem: Problem, view: Plane, domain: Window) -> None:
        super().__init__()
        self.problem = problem
        self.view = view
        self._domain = domain

    @property
    def domain(self) -> Window:
        return self._domain

    @property
    def minima(self) -> tuple[Minimum, ...]:
        if self.problem.p_star is None or self.problem.f_min is None:
            return ()
        a, b = self.view.coords(self.problem.p_star)
        return (Minimum((float(a), float(b)), float(self.problem.f_min), "p* (projected)"),)

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        a, b = self.view.coords(self.problem.x0)
        return {"x0": (float(a), float(b))}

    def f(self, x: ArrayLike, y: ArrayLike) -> Array:
        return self.view.loss(x, y)

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
        a, b = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
        view = self.view
        points = view.origin + a[..., None] * view.u + b[..., None] * view.v
        g = self.problem.grad(points)
        return g @ view.u, g @ view.v


class EigenPlaneSurface(PlaneSurface):
    title = "loss in the plane of the top two eigenvectors"
    coords = ("e₁", "e₂")


class RandomPlaneSurface(PlaneSurface):
    title = "loss in a plane of two seeded random directions"
    coords = ("r₁", "r₂")


def plane_surface(problem: Problem, view: Plane, domain: Window) -> PlaneSurface:
    """The surface for ``view``, titled and labelled by how its directions were chosen."""
    cls = EigenPlaneSurface if view.basis == "eigen" else RandomPlaneSurface
    return cls(problem, view, domain)
