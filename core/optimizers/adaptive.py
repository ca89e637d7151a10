"""Per-coordinate step sizes from gradient magnitudes: Adagrad, RMSprop, Adadelta."""

from __future__ import annotations

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


class AdagradState(NamedTuple):
    step: int
    s: Array


def _adagrad_init(params: Array, hp: Hyper) -> AdagradState:
    return AdagradState(0, np.full_like(params, float(hp["initial_accumulator"]), np.float64))


def _adagrad_update(
    grad: Array, state: AdagradState, params: Array, hp: Hyper
) -> tuple[Array, AdagradState]:
    count = state.step + 1
    g = with_weight_decay(grad, params, float(hp["weight_decay"]))
    clr = float(hp["lr"]) / (1.0 + (count - 1) * float(hp["lr_decay"]))
    s = state.s + g * g
    return -clr * (g / (np.sqrt(s) + float(hp["eps"]))), AdagradState(count, s)


ADAGRAD = Optimizer(
    name="adagrad",
    title="Adagrad",
    summary="divides by the root of the SUM of all past squared gradients: steps only shrink",
    family="adaptive",
    schema=(
        lr_param(0.1),
        eps_param(1e-10),
        Param("lr_decay", 0.0, "η is divided by 1 + (t−1)·decay", low=0.0, symbol="d"),
        Param("initial_accumulator", 0.0, "starting value of the sum S", low=0.0, symbol="S₀"),
        WEIGHT_DECAY,
    ),
    state_fields=(StateField("s", "S", "sum S of g²"),),
    rule=(
        "g ← ∇f(p) + λ·p",
        "S ← S + g²",
        "Δp = −η/(1 + (t−1)·d) · g/(√S + ε)",
    ),
    init=_adagrad_init,
    update=_adagrad_update,
    convention="torch.optim.Adagrad: ε outside the root",
)


class RMSpropState(NamedTuple):
    step: int
    s: Array
    g_avg: Array | None
    buf: Array | None


def _rmsprop_init(params: Array, hp: Hyper) -> RMSpropState:
    zeros = np.zeros_like(params, dtype=np.float64)
    return RMSpropState(
        0,
        zeros,
        zeros.copy() if hp["centered"] else None,
        zeros.copy() if float(hp["momentum"]) > 0 else None,
    )


def _rmsprop_update(
    grad: Array, state: RMSpropState, params: Array, hp: Hyper
) -> tuple[Array, RMSpropState]:
    beta = float(hp["beta"])
    g = with_weight_decay(grad, params, float(hp["weight_decay"]))
    s = state.s * beta + (1.0 - beta) * (g * g)
    g_avg = None
    if state.g_avg is not None:
        g_avg = lerp(state.g_avg, g, 1.0 - beta)
        avg = np.sqrt(s - g_avg * g_avg) + float(hp["eps"])
    else:
        avg = np.sqrt(s) + float(hp["eps"])
    lr = float(hp["lr"])
    buf = None
    if state.buf is not None:
        buf = state.buf * float(hp["momentum"]) + g / avg
        step = -lr * buf
    else:
        step = -lr * (g / avg)
    return step, RMSpropState(state.step + 1, s, g_avg, buf)


RMSPROP = Optimizer(
    name="rmsprop",
    title="RMSprop",
    summary="divides each coordinate by the root of a running average of its squared gradient",
    family="adaptive",
    schema=(
        lr_param(0.01),
        beta_param("beta", 0.9, "decay of the average of g² (torch calls it alpha)"),
        eps_param(1e-8),
        Param(
            "momentum",
            0.0,
            "momentum on the scaled step (0 = none)",
            low=0.0,
            high=1.0,
            high_open=True,
            symbol="μ",
        ),
        Param("centered", False, "divide by the variance (S − ḡ²) instead of S", kind="bool"),
        WEIGHT_DECAY,
    ),
    state_fields=(
        StateField("s", "S", "cache S (avg of g²)"),
        StateField("g_avg", "ḡ", "avg of g (centered)"),
        StateField("buf", "B", "momentum buffer B"),
    ),
    rule=(
        "g ← ∇f(p) + λ·p",
        "S ← β·S + (1−β)·g²",
        "[centered] ḡ ← β·ḡ + (1−β)·g;  r = √(S − ḡ²) + ε, else r = √S + ε",
        "[momentum μ>0] B ← μ·B + g/r;  Δp = −η·B",
        "Δp = −η·g/r",
    ),
    init=_rmsprop_init,
    update=_rmsprop_update,
    convention="torch.optim.RMSprop with alpha = β: ε outside the root, no bias correction",
)


class AdadeltaState(NamedTuple):
    step: int
    s: Array
    delta_acc: Array


def _adadelta_init(params: Array, hp: Hyper) -> AdadeltaState:
    return AdadeltaState(0, np.zeros_like(params, np.float64), np.zeros_like(params, np.float64))


def _adadelta_update(
    grad: Array, state: AdadeltaState, params: Array, hp: Hyper
) -> tuple[Array, AdadeltaState]:
    rho, eps = float(hp["rho"]), float(hp["eps"])
    g = with_weight_decay(grad, params, float(hp["weight_decay"]))
    s = state.s * rho + (1.0 - rho) * (g * g)
    delta = np.sqrt(state.delta_acc + eps) / np.sqrt(s + eps) * g
    delta_acc = state.delta_acc * rho + (1.0 - rho) * (delta * delta)
    return -float(hp["lr"]) * delta, AdadeltaState(state.step + 1, s, delta_acc)


ADADELTA = Optimizer(
    name="adadelta",
    title="Adadelta",
    summary="RMSprop whose step size is itself a running RMS of past steps: units match p",
    family="adadelta",
    schema=(
        lr_param(1.0),
        Param(
            "rho",
            0.9,
            "decay of both running averages",
            low=0.0,
            high=1.0,
            high_open=True,
            symbol="ρ",
        ),
        eps_param(1e-6),
        WEIGHT_DECAY,
    ),
    state_fields=(
        StateField("s", "S", "avg S of g²"),
        StateField("delta_acc", "D", "avg D of Δ²"),
    ),
    rule=(
        "g ← ∇f(p) + λ·p",
        "S ← ρ·S + (1−ρ)·g²",
        "Δ = √(D + ε)/√(S + ε) · g",
        "D ← ρ·D + (1−ρ)·Δ²",
        "Δp = −η·Δ",
    ),
    init=_adadelta_init,
    update=_adadelta_update,
    convention="torch.optim.Adadelta: ε inside both roots",
)
