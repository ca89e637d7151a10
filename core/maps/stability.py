"""Where a learning rate stops being stable on a quadratic: the closed forms, per optimizer.

On f(p) = ½(p − p*)ᵀH(p − p*) every method below is a linear recurrence, stable exactly when
each eigenvalue λ of H (plus an L2 weight decay λ_wd, which adds λ_wd·I to H) satisfies:

- GD: η·λ < 2;
- heavy ball (torch SGD, momentum μ, dampening τ): η(1−τ)·λ < 2(1+μ);
- Nesterov (torch SGD, nesterov=True): η·λ < 2(1+μ)/(1+2μ);
- EWMA momentum (v = βv + (1−β)g): η(1−β)·λ < 2(1+β) (heavy ball at η(1−β), μ = β).

Each bound shrinks as λ grows, so λmax decides. The rules hold for a constant learning rate
and full-batch gradients; noise adds to the iterate but leaves the recurrence's stability
alone. Adaptive methods rescale per step and have no such closed form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..format import fmt
from ..optimizers.base import Hyper
from ..schedules import Schedule
from ..specs import OptimizerSetup
from ..surfaces import Surface

Array = npt.NDArray[np.float64]
#: Points (besides the centre) at which a surface's gradient must be affine to count as quadratic.
_PROBES = ((0.31, -0.27), (-0.42, 0.38), (0.12, 0.45), (-0.25, -0.33))
_RELATIVE_TOL = 1e-9
_RULES = {
    "gd": "η·λmax < 2",
    "heavyball": "η(1−τ)·λmax < 2(1+μ)",
    "nesterov": "η·λmax < 2(1+μ)/(1+2μ)",
    "momentum": "η(1−β)·λmax < 2(1+β)",
}


@dataclass(frozen=True)
class StabilityBoundary:
    """The largest stable learning rate as a function of the momentum-like β.

    ``beta_name`` is the hyperparameter it depends on (None for GD); ``lam_max`` is the
    largest eigenvalue of the Hessian the update sees (weight decay included).
    """

    optimizer: str
    beta_name: str | None
    lam_max: float
    rule: str
    #: The optimizer's other hyperparameters (dampening), as the map holds them.
    hyperparameters: Hyper

    def lr_limit(self, beta: float | Array | None = None) -> float | Array:
        """The learning rate at which the run stops being stable, at momentum ``beta``."""
        lam = self.lam_max
        if self.optimizer == "gd":
            return 2.0 / lam
        if beta is None:
            raise ValueError(f"{self.optimizer}'s limit depends on {self.beta_name}")
        if self.optimizer == "momentum":
            return 2.0 * (1.0 + beta) / ((1.0 - beta) * lam)
        if self.optimizer == "nesterov":
            return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lam)
        # Heavy ball: full dampening (τ = 1) never moves, so no learning rate is unstable.
        kept = np.float64(1.0 - float(self.hyperparameters.get("dampening", 0.0)))
        with np.errstate(divide="ignore"):
            limit: float | Array = 2.0 * (1.0 + beta) / (kept * lam)
        return limit

    def margin(self, lr: float | Array, beta: float | Array | None = None) -> float | Array:
        """lr over the limit at ``beta``: below 1 stable, above 1 diverging."""
        return lr / self.lr_limit(beta)

    def text(self) -> str:
        """One line for a legend: the rule and λmax."""
        return (
            f"stable where {self.rule}, λmax = {fmt(self.lam_max)} "
            "(closed form on a quadratic, constant η)"
        )


def quadratic_hessian(surface: Surface) -> Array | None:
    """H if ``surface`` is a quadratic (its gradient affine across the window), else None.

    Central differences of the analytic gradient give H exactly up to rounding on a
    quadratic; the gradient at a few probe points must then match ∇f(c) + H(p − c).
    """
    (x0, x1), (y0, y1) = surface.domain
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    half = np.array([(x1 - x0) / 2, (y1 - y0) / 2])
    with np.errstate(all="ignore"):
        columns = []
        for axis in range(2):
            step = np.zeros(2)
            step[axis] = half[axis] / 2
            ahead, behind = surface.gradient(centre + step), surface.gradient(centre - step)
            columns.append((ahead - behind) / (2 * step[axis]))
        hessian = np.column_stack(columns)
        hessian = (hessian + hessian.T) / 2
        g0 = surface.gradient(centre)
        scale = max(float(np.abs(hessian).max() * half.max()), float(np.abs(g0).max()), 1e-300)
        for probe in _PROBES:
            p = centre + half * np.array(probe)
            predicted = g0 + hessian @ (p - centre)
            if not np.all(np.abs(surface.gradient(p) - predicted) <= _RELATIVE_TOL * scale):
                return None
    if not np.isfinite(hessian).all():
        return None
    found: Array = hessian
    return found


def stability_boundary(
    surface: Surface, setup: OptimizerSetup, schedule: Schedule | None = None
) -> StabilityBoundary | None:
    """The closed-form boundary where one applies: a quadratic, full-batch surface, a
    constant learning rate, and GD, heavy ball, Nesterov or EWMA momentum."""
    name = setup.name
    if name not in _RULES or surface.stochastic:
        return None
    if schedule is not None and not schedule.constant:
        return None
    hessian = quadratic_hessian(surface)
    if hessian is None:
        return None
    hp = setup.hyperparameters
    lam = float(np.linalg.eigvalsh(hessian).max()) + float(hp.get("weight_decay", 0.0))
    if not lam > 0:
        return None
    beta_name = {"gd": None, "momentum": "beta"}.get(name, "momentum")
    return StabilityBoundary(name, beta_name, lam, _RULES[name], dict(hp))
