"""Methods that throw away the gradient's size: sign-GD, normalized GD and Lion.

They are the honest baselines for RMSprop and Adam: a learner can see how much of an
adaptive method's behaviour is just "take a step of length η in a sensible direction".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..params import Param
from .base import (
    Array,
    CountOnly,
    Hyper,
    Optimizer,
    StateField,
    beta_param,
    lr_param,
)


def _count_init(params: Array, hp: Hyper) -> CountOnly:
    return CountOnly(0)


def _signgd_update(
    grad: Array, state: CountOnly, params: Array, hp: Hyper
) -> tuple[Array, CountOnly]:
    return -float(hp["lr"]) * np.sign(grad), CountOnly(state.step + 1)


SIGNGD = Optimizer(
    name="signgd",
    title="Sign gradient descent",
    summary="moves every coordinate by exactly η against the sign of its gradient",
    family="sign",
    schema=(lr_param(0.01),),
    state_fields=(),
    rule=("Δp = −η·sign(g)   (sign(0) = 0)",),
    init=_count_init,
    update=_signgd_update,
    convention="sign(0) = 0: a coordinate with zero gradient does not move",
)


def _normgd_update(
    grad: Array, state: CountOnly, params: Array, hp: Hyper
) -> tuple[Array, CountOnly]:
    norm = np.sqrt(np.sum(grad * grad, axis=-1, keepdims=True))
    unit = np.divide(grad, norm, out=np.zeros_like(grad, dtype=np.float64), where=norm > 0)
    return -float(hp["lr"]) * unit, CountOnly(state.step + 1)


NORMGD = Optimizer(
    name="normgd",
    title="Normalized gradient descent",
    summary="steps exactly η along −g/‖g‖: GD's direction with a fixed step length",
    family="sign",
    schema=(lr_param(0.1),),
    state_fields=(),
    rule=("Δp = −η·g/‖g‖   (no move where ‖g‖ = 0)",),
    init=_count_init,
    update=_normgd_update,
    convention="‖g‖ is the Euclidean norm over all coordinates of one point",
)


class LionState(NamedTuple):
    step: int
    m: Array


def _lion_init(params: Array, hp: Hyper) -> LionState:
    return LionState(0, np.zeros_like(params, dtype=np.float64))


def _lion_update(
    grad: Array, state: LionState, params: Array, hp: Hyper
) -> tuple[Array, LionState]:
    beta1, beta2, lr = float(hp["beta1"]), float(hp["beta2"]), float(hp["lr"])
    decayed = params * (1.0 - lr * float(hp["weight_decay"]))
    c = state.m * beta1 + grad * (1.0 - beta1)
    new_params = decayed - lr * np.sign(c)
    m = state.m * beta2 + grad * (1.0 - beta2)
    return new_params - params, LionState(state.step + 1, m)


LION = Optimizer(
    name="lion",
    title="Lion",
    summary="the sign of an interpolation between momentum and the new gradient",
    family="sign",
    schema=(
        lr_param(0.01),
        beta_param("beta1", 0.9, "weight of momentum in the step direction", "β₁"),
        beta_param("beta2", 0.99, "decay of the momentum itself", "β₂"),
        Param("weight_decay", 0.0, "decoupled decay: p ← p·(1 − η·λ)", low=0.0, symbol="λ"),
    ),
    state_fields=(StateField("m", "m", "momentum m (avg of g)"),),
    rule=(
        "c = β₁·m + (1−β₁)·g",
        "Δp = −η·sign(c) − η·λ·p",
        "m ← β₂·m + (1−β₂)·g",
    ),
    init=_lion_init,
    update=_lion_update,
    convention="Chen et al. 2023, 'Symbolic Discovery of Optimization Algorithms', Alg. 2",
)
