"""Adam and its relatives: momentum on the gradient, RMSprop on its square, bias-corrected."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ..params import Param
from .base import (
    WEIGHT_DECAY,
    Array,
    Hyper,
    Optimizer,
    StateField,
    beta_param,
    eps_param,
    lerp,
    lr_param,
    with_weight_decay,
)


class AdamState(NamedTuple):
    step: int
    m: Array
    v: Array
    v_max: Array | None


def _adam_init(params: Array, hp: Hyper) -> AdamState:
    zeros = np.zeros_like(params, dtype=np.float64)
    return AdamState(0, zeros, zeros.copy(), zeros.copy() if hp["amsgrad"] else None)


def _adam_core(
    g: Array, state: AdamState, hp: Hyper, bias_correction: bool
) -> tuple[Array, AdamState]:
    """The Adam step for an already weight-decayed gradient; shared by Adam and AdamW."""
    beta1, beta2 = float(hp["beta1"]), float(hp["beta2"])
    count = state.step + 1
    m = lerp(state.m, g, 1.0 - beta1)
    v = state.v * beta2 + (1.0 - beta2) * (g * g)
    v_max = None if state.v_max is None else np.maximum(state.v_max, v)
    second = v if v_max is None else v_max
    if bias_correction:
        step_size = float(hp["lr"]) / (1.0 - beta1**count)
        denom = np.sqrt(second) / math.sqrt(1.0 - beta2**count) + float(hp["eps"])
    else:
        step_size = float(hp["lr"])
        denom = np.sqrt(second) + float(hp["eps"])
    return -step_size * (m / denom), AdamState(count, m, v, v_max)


def _adam_update(
    grad: Array, state: AdamState, params: Array, hp: Hyper
) -> tuple[Array, AdamState]:
    g = with_weight_decay(grad, params, float(hp["weight_decay"]))
    return _adam_core(g, state, hp, bool(hp["bias_correction"]))


def _adamw_update(
    grad: Array, state: AdamState, params: Array, hp: Hyper
) -> tuple[Array, AdamState]:
    decayed = params * (1.0 - float(hp["lr"]) * float(hp["weight_decay"]))
    step, new_state = _adam_core(grad, state, hp, bias_correction=True)
    return (decayed + step) - params, new_state


def _bias_corrected(columns: Mapping[str, Array], hp: Hyper) -> dict[str, Array]:
    """m̂ = m/(1−β₁ᵗ) and v̂ = v/(1−β₂ᵗ) for recorded states (t = 0 rows give NaN-free zeros)."""
    count = columns["step"]
    if not hp.get("bias_correction", True):
        return {"m_hat": columns["m"], "v_hat": columns["v"]}
    with np.errstate(divide="ignore", invalid="ignore"):
        c1 = 1.0 - float(hp["beta1"]) ** count
        c2 = 1.0 - float(hp["beta2"]) ** count
        m_hat = np.where(count > 0, columns["m"] / np.where(c1 == 0, 1.0, c1), 0.0)
        v_hat = np.where(count > 0, columns["v"] / np.where(c2 == 0, 1.0, c2), 0.0)
    return {"m_hat": m_hat, "v_hat": v_hat}


_ADAM_FIELDS = (
    StateField("m", "m", "1st moment m (avg of g)"),
    StateField("v", "v", "2nd moment v (avg of g²)"),
    StateField("v_max", "v̂max", "max of v (AMSGrad)"),
)
_HAT_FIELDS = (
    StateField("m_hat", "m̂", "bias-corrected m̂"),
    StateField("v_hat", "v̂", "bias-corrected v̂"),
)
_BETA1 = beta_param("beta1", 0.9, "decay of the average of g (momentum)", "β₁")
_BETA2 = beta_param("beta2", 0.999, "decay of the average of g²", "β₂")
_AMSGRAD = Param("amsgrad", False, "divide by the largest v seen so far", kind="bool")

ADAM = Optimizer(
    name="adam",
    title="Adam",
    summary="momentum on g and RMSprop on g², both bias-corrected for their zero start",
    family="adaptive",
    schema=(
        lr_param(0.01),
        _BETA1,
        _BETA2,
        eps_param(1e-8),
        _AMSGRAD,
        Param("bias_correction", True, "divide m and v by 1−βᵗ", kind="bool"),
        WEIGHT_DECAY,
    ),
    state_fields=_ADAM_FIELDS,
    extra_fields=_HAT_FIELDS,
    extras=_bias_corrected,
    rule=(
        "g ← ∇f(p) + λ·p",
        "m ← β₁·m + (1−β₁)·g",
        "v ← β₂·v + (1−β₂)·g²",
        "m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)",
        "Δp = −η·m̂/(√v̂ + ε)",
    ),
    init=_adam_init,
    update=_adam_update,
    convention="torch.optim.Adam (bias_correction on): ε outside the root",
)

ADAMW = Optimizer(
    name="adamw",
    title="AdamW",
    summary="Adam with weight decay applied to p directly, not through the gradient",
    family="adaptive",
    schema=(
        lr_param(0.01),
        _BETA1,
        _BETA2,
        eps_param(1e-8),
        _AMSGRAD,
        Param("weight_decay", 0.01, "decoupled decay: p ← p·(1 − η·λ)", low=0.0, symbol="λ"),
    ),
    state_fields=_ADAM_FIELDS,
    extra_fields=_HAT_FIELDS,
    extras=_bias_corrected,
    rule=(
        "p ← p·(1 − η·λ)",
        "m ← β₁·m + (1−β₁)·g",
        "v ← β₂·v + (1−β₂)·g²",
        "m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)",
        "Δp = −η·λ·p − η·m̂/(√v̂ + ε)",
    ),
    init=_adam_init,
    update=_adamw_update,
    convention="torch.optim.AdamW: decoupled weight decay",
)


class AdamaxState(NamedTuple):
    step: int
    m: Array
    u: Array


def _adamax_init(params: Array, hp: Hyper) -> AdamaxState:
    return AdamaxState(0, np.zeros_like(params, np.float64), np.zeros_like(params, np.float64))


def _adamax_update(
    grad: Array, state: AdamaxState, params: Array, hp: Hyper
) -> tuple[Array, AdamaxState]:
    beta1, beta2 = float(hp["beta1"]), float(hp["beta2"])
    g = with_weight_decay(grad, params, float(hp["weight_decay"]))
    count = state.step + 1
    m = lerp(state.m, g, 1.0 - beta1)
    u = np.maximum(state.u * beta2, np.abs(g) + float(hp["eps"]))
    clr = float(hp["lr"]) / (1.0 - beta1**count)
    return -clr * (m / u), AdamaxState(count, m, u)


ADAMAX = Optimizer(
    name="adamax",
    title="Adamax",
    summary="Adam with the root-mean-square replaced by a decaying maximum of |g|",
    family="adaptive",
    schema=(
        lr_param(0.01),
        _BETA1,
        _BETA2,
        eps_param(1e-8),
        WEIGHT_DECAY,
    ),
    state_fields=(
        StateField("m", "m", "1st moment m (avg of g)"),
        StateField("u", "u", "decaying max u of |g|"),
    ),
    rule=(
        "g ← ∇f(p) + λ·p",
        "m ← β₁·m + (1−β₁)·g",
        "u ← max(β₂·u, |g| + ε)",
        "Δp = −η/(1−β₁ᵗ) · m/u",
    ),
    init=_adamax_init,
    update=_adamax_update,
    convention="torch.optim.Adamax",
)


class NAdamState(NamedTuple):
    step: int
    m: Array
    v: Array
    mu_product: float


def _nadam_init(params: Array, hp: Hyper) -> NAdamState:
    return NAdamState(0, np.zeros_like(params, np.float64), np.zeros_like(params, np.float64), 1.0)


def _nadam_update(
    grad: Array, state: NAdamState, params: Array, hp: Hyper
) -> tuple[Array, NAdamState]:
    beta1, beta2 = float(hp["beta1"]), float(hp["beta2"])
    decay, lr = float(hp["momentum_decay"]), float(hp["lr"])
    g = with_weight_decay(grad, params, float(hp["weight_decay"]))
    count = state.step + 1
    mu = beta1 * (1.0 - 0.5 * 0.96 ** (count * decay))
    mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((count + 1) * decay))
    mu_product = state.mu_product * mu
    m = lerp(state.m, g, 1.0 - beta1)
    v = state.v * beta2 + (1.0 - beta2) * (g * g)
    denom = np.sqrt(v / (1.0 - beta2**count)) + float(hp["eps"])
    current = (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
    ahead = ((-lr * mu_next) / (1.0 - mu_product * mu_next)) * (m / denom)
    return current + ahead, NAdamState(count, m, v, mu_product)


NADAM = Optimizer(
    name="nadam",
    title="NAdam",
    summary="Adam with Nesterov's look-ahead on the first moment",
    family="adaptive",
    schema=(
        lr_param(0.01),
        _BETA1,
        _BETA2,
        eps_param(1e-8),
        Param("momentum_decay", 4e-3, "ψ in μₜ = β₁·(1 − ½·0.96^(t·ψ))", low=0.0, symbol="ψ"),
        WEIGHT_DECAY,
    ),
    state_fields=(
        StateField("m", "m", "1st moment m (avg of g)"),
        StateField("v", "v", "2nd moment v (avg of g²)"),
        StateField("mu_product", "Πμ", "product of μ so far"),
    ),
    rule=(
        "g ← ∇f(p) + λ·p",
        "μₜ = β₁·(1 − ½·0.96^(t·ψ)),  Πμ ← Πμ·μₜ",
        "m ← β₁·m + (1−β₁)·g,  v ← β₂·v + (1−β₂)·g²",
        "r = √(v/(1−β₂ᵗ)) + ε",
        "Δp = −η·(1−μₜ)/(1−Πμ)·g/r − η·μₜ₊₁/(1−Πμ·μₜ₊₁)·m/r",
    ),
    init=_nadam_init,
    update=_nadam_update,
    convention="torch.optim.NAdam (weight decay through the gradient)",
)
