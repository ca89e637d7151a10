"""Methods that throw away the gradient's size: sign-GD, normalized GD and Lion.

They are the honest baselines for RMSprop and Adam: a learner can see how much of an
adaptive method's behaviour is just "take a step of length η in a sensible direction".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..explain_text import (
    Coordinate,
    StepInputs,
    SubStep,
    ewma,
    line,
    num,
    op,
    per_coordinate,
    sq,
    sqrt,
)
from ..params import Param
from ..step_parts import StepParts, Vector, decay_term, unscaled, vec
from .base import (
    Array,
    BatchHyper,
    CountOnly,
    Hyper,
    Optimizer,
    StateField,
    beta_param,
    lr_param,
    meaning,
    value,
)


def _count_init(params: Array, hp: BatchHyper) -> CountOnly:
    return CountOnly(0)


def _signgd_update(
    grad: Array, state: CountOnly, params: Array, hp: BatchHyper
) -> tuple[Array, CountOnly]:
    return -value(hp, "lr") * np.sign(grad), CountOnly(state.step + 1)


def _signgd_lines(x: Coordinate) -> list[str]:
    arith = f"−{num(x.step.lr)}·sign({num(x.g)})"
    return [line(f"{x.lhs} = −η·sign(g_{x.c})", arith, x.update)]


def _signgd_parts(inputs: StepInputs) -> StepParts:
    g = vec(inputs.grad)
    step = Vector("scaled", "s", "−η·sign(g)", "sign of the gradient", -inputs.lr * np.sign(g))
    return StepParts((step,), (unscaled(-inputs.lr * g),))


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
    explain=per_coordinate(_signgd_lines),
    parts=_signgd_parts,
    convention="sign(0) = 0: a coordinate with zero gradient does not move",
    sub_steps=(
        SubStep(
            "only the sign of each coordinate",
            "the size of g is thrown away: each coordinate with a nonzero gradient moves by η",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η/|g|: every |Δ| is η"),
)


def _normgd_update(
    grad: Array, state: CountOnly, params: Array, hp: BatchHyper
) -> tuple[Array, CountOnly]:
    norm = np.sqrt(np.sum(grad * grad, axis=-1, keepdims=True))
    unit = np.divide(grad, norm, out=np.zeros_like(grad, dtype=np.float64), where=norm > 0)
    return -value(hp, "lr") * unit, CountOnly(state.step + 1)


def _normgd_explain(inputs: StepInputs) -> list[str]:
    """‖g‖ once, then each coordinate's share of a step of length η."""
    parts = [float(g) for g in inputs.grad]
    norm = sqrt(sum(g * g for g in parts))
    lines = [line("‖g‖", "√(" + " + ".join(sq(g) for g in parts) + ")", norm)]
    for x in inputs.coordinates():
        if norm == 0:
            lines.append(f"{x.lhs} = 0")
        else:
            arith = f"−{num(inputs.lr)}·{op(x.g)}/{op(norm)}"
            lines.append(line(f"{x.lhs} = −η·g_{x.c}/‖g‖", arith, x.update))
    return lines


def _normgd_parts(inputs: StepInputs) -> StepParts:
    g = vec(inputs.grad)
    norm = np.sqrt(np.sum(g * g, axis=-1, keepdims=True))
    unit = np.divide(g, norm, out=np.zeros_like(g), where=norm > 0)
    step = Vector("scaled", "n", "−η·g/‖g‖", "unit gradient", -inputs.lr * unit)
    return StepParts((step,), (unscaled(-inputs.lr * g),))


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
    explain=_normgd_explain,
    parts=_normgd_parts,
    convention="‖g‖ is the Euclidean norm over all coordinates of one point",
    sub_steps=(
        SubStep("the gradient's length", "‖g‖ over both coordinates together", ("‖g‖",)),
        SubStep(
            "g divided by its length",
            "GD's direction with the length thrown away: the step is always η long",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η/‖g‖: ‖Δ‖ is always η"),
)


class LionState(NamedTuple):
    step: int
    m: Array


def _lion_init(params: Array, hp: BatchHyper) -> LionState:
    return LionState(0, np.zeros_like(params, dtype=np.float64))


def _lion_update(
    grad: Array, state: LionState, params: Array, hp: BatchHyper
) -> tuple[Array, LionState]:
    beta1, beta2, lr = value(hp, "beta1"), value(hp, "beta2"), value(hp, "lr")
    decayed = params * (1.0 - lr * value(hp, "weight_decay"))
    c = state.m * beta1 + grad * (1.0 - beta1)
    new_params = decayed - lr * np.sign(c)
    m = state.m * beta2 + grad * (1.0 - beta2)
    return new_params - params, LionState(state.step + 1, m)


def _lion_lines(x: Coordinate) -> list[str]:
    c, b1, lr = x.c, x.step.h("beta1"), x.step.lr
    m_old = x.prev("m")
    interp = m_old * b1 + x.g * (1.0 - b1)
    lines = [
        ewma(f"c_{c}", b1, m_old, op(x.g), interp),
        ewma(f"m_{c}", x.step.h("beta2"), m_old, op(x.g), x.now("m")),
    ]
    lam = float(x.step.hp.get("weight_decay", 0.0))
    sign = f"−{num(lr)}·sign({num(interp)})"
    if lam != 0:
        arith = f"{sign} − {num(lr)}·{num(lam)}·{op(x.p)}"
        lines.append(line(f"{x.lhs} = −η·sign(c_{c}) − η·λ·{c}", arith, x.update))
    else:
        lines.append(line(f"{x.lhs} = −η·sign(c_{c})", sign, x.update))
    return lines


def _lion_parts(inputs: StepInputs) -> StepParts:
    """−η·sign(c) and the decoupled decay −η·λ·p; beside them −η·c, the direction before
    its sign is taken."""
    b1 = inputs.h("beta1")
    c = vec(inputs.before["m"]) * b1 + vec(inputs.grad) * (1.0 - b1)
    step = Vector("scaled", "s", "−η·sign(c)", "sign of the interpolation", -inputs.lr * np.sign(c))
    decay = decay_term(inputs)
    addends = (step,) if decay is None else (step, decay)
    return StepParts(addends, (unscaled(-inputs.lr * c, "−η·c"),))


def _lion_rule(hp: Hyper) -> tuple[str, ...]:
    decays = float(hp["weight_decay"]) != 0
    step = "Δp = −η·sign(c) − η·λ·p" if decays else "Δp = −η·sign(c)"
    return ("c = β₁·m + (1−β₁)·g", step, "m ← β₂·m + (1−β₂)·g")


def _lion_meaning(hp: Hyper) -> str:
    if float(hp["weight_decay"]) != 0:
        return "= |η·sign(c) + η·λ·p|/|g|"
    return "= η/|g|: every |Δ| is η"


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
    state_fields=(StateField("m", "first_moment", "m", "momentum m (avg of g)"),),
    rule=(
        "c = β₁·m + (1−β₁)·g",
        "Δp = −η·sign(c) − η·λ·p",
        "m ← β₂·m + (1−β₂)·g",
    ),
    rule_for=_lion_rule,
    init=_lion_init,
    update=_lion_update,
    explain=per_coordinate(_lion_lines),
    parts=_lion_parts,
    convention="Chen et al. 2023, 'Symbolic Discovery of Optimization Algorithms', Alg. 2",
    sub_steps=(
        SubStep(
            "the interpolation c",
            "c mixes the momentum m (weight β₁) with this g (weight 1−β₁)",
            ("c",),
        ),
        SubStep(
            "only the sign of c",
            "each coordinate with c ≠ 0 moves by η against c's sign (and by η·λ·p with decay)",
            ("Δp",),
        ),
        SubStep(
            "the momentum for the next update",
            "m averages g with β₂: the next step reads it, this one did not",
            ("m",),
        ),
    ),
    eff_lr_means=_lion_meaning,
)
