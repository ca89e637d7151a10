"""Sharpness beside every step, each optimizer's stability threshold, and why a run diverged.

On a quadratic of curvature λ an optimizer's step is stable only while η·λ stays under a
bound that depends on the rule: 2 for GD, (2+2β)/(1−β) for the course's EWMA momentum
(heavy ball at η(1−β)), 2(1+μ)/(1−τ) for torch's heavy ball, 2(1+μ)/(1+2μ) for Nesterov.
Elsewhere λ is the sharpness λmax(∇²f) at the point: GD drives it up to 2/η and hovers
there (Cohen et al. 2021). Adaptive methods step along P⁻¹·(their momentum), so the same
bounds apply to the preconditioned sharpness λmax(P⁻¹H) (Cohen et al. 2022: 38/η for Adam
at β₁ = 0.9, 2/η for RMSprop); P changes every step, which makes those approximate.

Everything here is derived column-wise from a run's recorded params, state and learning
rate: nothing in the stepping loop computes or waits for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .curvature import largest_preconditioned, largest_symmetric
from .format import fmt
from .optimizers.base import Hyper
from .surfaces.base import Surface

if TYPE_CHECKING:
    from .trajectory import Status, Trajectory

Array = npt.NDArray[np.float64]
Columns = Mapping[str, Any]
#: Derived column names: λmax(∇²f), λmax(P⁻¹H) and the threshold either is compared with.
SHARPNESS = "sharpness"
PRECONDITIONED = "preconditioned_sharpness"
THRESHOLD = "stability_threshold"


class StabilityRule(NamedTuple):
    """Stable while η·λ < ``bound(hp)``, λ the (preconditioned) sharpness.

    ``threshold`` is the same bound in sharpness units, bound/η, written with the rule's
    hyperparameters (``2/η``); ``preconditioner`` gives P per record for the adaptive
    methods, whose λ is λmax(P⁻¹H).
    """

    bound: Callable[[Hyper], float]
    threshold: Callable[[Hyper], str]
    preconditioner: Callable[[Columns, Hyper], Array] | None = None

    @property
    def approximate(self) -> bool:
        """The bound is exact for a fixed quadratic; with P changing every step it is not."""
        return self.preconditioner is not None

    @property
    def quantity(self) -> str:
        return "η·λmax(P⁻¹H)" if self.approximate else "η·λmax"


def _hp(hp: Hyper, name: str, default: float = 0.0) -> float:
    return float(hp.get(name, default))


def _dampened(hp: Hyper) -> str:
    return "2(1+μ)/η" if _hp(hp, "dampening") == 0 else "2(1+μ)/((1−τ)η)"


def _rmsprop_p(cols: Columns, hp: Hyper) -> Array:
    """P = diag(√S + ε), centered: √(S − ḡ²) + ε: what RMSprop divides g by."""
    s = np.asarray(cols["s"], dtype=np.float64)
    if hp.get("centered"):
        g_avg = np.asarray(cols["g_avg"], dtype=np.float64)
        s = s - g_avg * g_avg
    with np.errstate(invalid="ignore"):
        out: Array = np.sqrt(s) + _hp(hp, "eps")
    return out


def _adam_p(cols: Columns, hp: Hyper) -> Array:
    """P with Δ = −η·P⁻¹·m for the raw m (Cohen et al. 2022): (1−β₁ᵏ)·(√v̂ + ε), where v̂
    is what the step divides by (v/(1−β₂ᵏ), AMSGrad's vmax/(1−β₂ᵏ)); without bias
    correction √v + ε. k is the record's update count."""
    second = np.asarray(cols["v_max" if hp.get("amsgrad") else "v"], dtype=np.float64)
    if not hp.get("bias_correction", True):
        out: Array = np.sqrt(second) + _hp(hp, "eps")
        return out
    k = np.asarray(cols["step"], dtype=np.float64)[..., None]
    c1 = 1.0 - _hp(hp, "beta1") ** k
    c2 = 1.0 - _hp(hp, "beta2") ** k
    with np.errstate(all="ignore"):
        corrected: Array = c1 * (np.sqrt(second / c2) + _hp(hp, "eps"))
    return corrected


RULES: dict[str, StabilityRule] = {
    "gd": StabilityRule(lambda hp: 2.0, lambda hp: "2/η"),
    "momentum": StabilityRule(
        lambda hp: (2.0 + 2.0 * _hp(hp, "beta")) / (1.0 - _hp(hp, "beta")),
        lambda hp: "(2+2β)/((1−β)η)",
    ),
    "heavyball": StabilityRule(
        lambda hp: 2.0 * (1.0 + _hp(hp, "momentum")) / (1.0 - _hp(hp, "dampening")),
        _dampened,
    ),
    "nesterov": StabilityRule(
        lambda hp: 2.0 * (1.0 + _hp(hp, "momentum")) / (1.0 + 2.0 * _hp(hp, "momentum")),
        lambda hp: "2(1+μ)/((1+2μ)η)",
    ),
    "rmsprop": StabilityRule(
        lambda hp: 2.0 * (1.0 + _hp(hp, "momentum")),
        lambda hp: "2/η" if _hp(hp, "momentum") == 0 else "2(1+μ)/η",
        _rmsprop_p,
    ),
    "adam": StabilityRule(
        lambda hp: (2.0 + 2.0 * _hp(hp, "beta1")) / (1.0 - _hp(hp, "beta1")),
        lambda hp: "(2+2β₁)/((1−β₁)η)",
        _adam_p,
    ),
}
RULES["adamw"] = RULES["adam"]


def rule_for(optimizer: str, hp: Hyper) -> StabilityRule | None:
    """The rule of these settings, or None where no threshold is known: other optimizers,
    weight decay (the optimizer then sees f + ½λ‖p‖², not f), or a bound that is not
    finite (heavy ball with dampening 1 never moves)."""
    rule = RULES.get(optimizer)
    if rule is None or _hp(hp, "weight_decay") != 0:
        return None
    with np.errstate(all="ignore"):
        try:
            bound = rule.bound(hp)
        except ZeroDivisionError:
            return None
    return rule if math.isfinite(bound) and bound > 0 else None


def has_hessian(surface: Surface) -> bool:
    """Whether ``surface`` defines ∇²f (every built-in and formula surface does)."""
    return type(surface).hessian is not Surface.hessian


def stability_names(surface: Surface, optimizer: str, hp: Hyper) -> list[str]:
    """The columns ``stability_columns`` gives for this surface, optimizer and settings."""
    if not has_hessian(surface):
        return []
    rule = rule_for(optimizer, hp)
    if rule is None:
        return [SHARPNESS]
    return [SHARPNESS, *([PRECONDITIONED] if rule.approximate else []), THRESHOLD]


def stability_columns(
    surface: Surface, optimizer: str, hp: Hyper, cols: Columns
) -> dict[str, Array]:
    """``sharpness`` per record, and where a rule is known its ``stability_threshold``
    (bound/ηₜ, the lr in force) and, for the adaptive methods, the
    ``preconditioned_sharpness`` that threshold is for. ``cols`` holds the run's columns
    (params, lr, step and the optimizer's state by name) over the rows wanted."""
    if not has_hessian(surface):
        return {}
    params = np.asarray(cols["params"], dtype=np.float64)
    with np.errstate(all="ignore"):
        hessian = surface.hessian(params[..., 0], params[..., 1])
    out: dict[str, Array] = {SHARPNESS: largest_symmetric(hessian)}
    rule = rule_for(optimizer, hp)
    if rule is None:
        return out
    if rule.preconditioner is not None:
        out[PRECONDITIONED] = largest_preconditioned(hessian, rule.preconditioner(cols, hp))
    with np.errstate(divide="ignore"):
        out[THRESHOLD] = rule.bound(hp) / np.asarray(cols["lr"], dtype=np.float64)
    return out


def divergence_cause(traj: Trajectory, status: Status) -> str:
    """``η·λmax = 2.2 > 2 since step 0`` when a diverged run's last sound point was past its
    rule's bound, and had been since step k; else "" (a run can leave for other reasons:
    a formula's domain, a saddle's negative curvature)."""
    if status.kind != "diverged" or status.step is None or status.step < 1:
        return ""
    hp = traj.setup.hyperparameters
    rule = rule_for(traj.setup.name, hp)
    if rule is None or not has_hessian(traj.surface):
        return ""
    try:
        curvature = traj.column(PRECONDITIONED if rule.approximate else SHARPNESS)
    except KeyError:
        return ""
    last = status.step - 1
    bound = rule.bound(hp)
    with np.errstate(all="ignore"):
        lr = np.asarray(traj.column("lr"), dtype=np.float64)[: last + 1]
        products = lr * curvature[: last + 1]
        over = products > bound
    if not over[last]:
        return ""
    calm = np.flatnonzero(~over)
    since = int(calm[-1]) + 1 if calm.size else 0
    text = f"{rule.quantity} = {fmt(float(products[since]))} > {fmt(bound)} since step {since}"
    return text + (" (approximate for an adaptive method)" if rule.approximate else "")
