"""Plain gradient descent and the two momentum conventions (course EWMA and torch heavy ball)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..explain_text import (
    Coordinate,
    StepInputs,
    SubStep,
    decayed_grad,
    ewma,
    line,
    num,
    op,
    per_coordinate,
)
from ..params import Param
from ..step_parts import StepParts, Vector, decay_term, plus_decay, vec
from .base import (
    WEIGHT_DECAY,
    Array,
    BatchHyper,
    CountOnly,
    Hyper,
    Optimizer,
    StateField,
    beta_param,
    l2_rule,
    lr_param,
    meaning,
    value,
    with_weight_decay,
)


class VelocityState(NamedTuple):
    step: int
    v: Array


def _gd_init(params: Array, hp: BatchHyper) -> CountOnly:
    return CountOnly(0)


def _gd_update(
    grad: Array, state: CountOnly, params: Array, hp: BatchHyper
) -> tuple[Array, CountOnly]:
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    return -value(hp, "lr") * g, CountOnly(state.step + 1)


def _gd_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    lines.append(line(f"{x.lhs} = −η·g_{x.c}", f"−{num(x.step.lr)}·{op(g)}", x.update))
    return lines


def _gd_parts(inputs: StepInputs) -> StepParts:
    grad = Vector("grad", "g", "−η·g", "gradient seen", -inputs.lr * vec(inputs.grad))
    return StepParts(plus_decay([grad], decay_term(inputs)))


GD = Optimizer(
    name="gd",
    aliases=("sgd",),
    title="Gradient descent",
    summary="p ← p − η·g: steps along the negative gradient, scaled by η",
    family="gd",
    schema=(lr_param(0.1), WEIGHT_DECAY),
    state_fields=(),
    rule=("g ← ∇f(p) + λ·p", "Δp = −η·g"),
    rule_for=lambda hp: (*l2_rule(hp), "Δp = −η·g"),
    init=_gd_init,
    update=_gd_update,
    explain=per_coordinate(_gd_lines),
    parts=_gd_parts,
    convention="torch.optim.SGD with momentum 0",
    sub_steps=(
        SubStep(
            "η times the gradient, downhill",
            "GD's whole rule: step against g, scaled by η, every coordinate alike",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η on every coordinate", "= η|g+λp|/|g|"),
)


def _velocity_init(params: Array, hp: BatchHyper) -> VelocityState:
    return VelocityState(0, np.zeros_like(params, dtype=np.float64))


def _momentum_update(
    grad: Array, state: VelocityState, params: Array, hp: BatchHyper
) -> tuple[Array, VelocityState]:
    beta = value(hp, "beta")
    v = beta * state.v + (1.0 - beta) * grad
    return -value(hp, "lr") * v, VelocityState(state.step + 1, v)


def _momentum_lines(x: Coordinate) -> list[str]:
    v = x.now("v")
    return [
        ewma(f"v_{x.c}", x.step.h("beta"), x.prev("v"), op(x.g), v),
        line(f"{x.lhs} = −η·v_{x.c}", f"−{num(x.step.lr)}·{op(v)}", x.update),
    ]


def _momentum_parts(inputs: StepInputs) -> StepParts:
    beta, lr = inputs.h("beta"), inputs.lr
    return StepParts(
        (
            Vector(
                "carried", "v", "−η·β·v", "carried velocity", -lr * beta * vec(inputs.before["v"])
            ),
            Vector(
                "fresh", "g", "−η·(1−β)·g", "new gradient", -lr * (1.0 - beta) * vec(inputs.grad)
            ),
        )
    )


MOMENTUM = Optimizer(
    name="momentum",
    title="Momentum (course EWMA)",
    summary="steps along an exponentially weighted average of past gradients",
    family="gd",
    schema=(lr_param(0.1), beta_param("beta", 0.9, "weight of the past in the average")),
    state_fields=(StateField("v", "velocity", "v", "velocity v (EWMA of g)"),),
    rule=("v ← β·v + (1−β)·g", "Δp = −η·v"),
    init=_velocity_init,
    update=_momentum_update,
    explain=per_coordinate(_momentum_lines),
    parts=_momentum_parts,
    sub_steps=(
        SubStep(
            "the gradient folded into the velocity",
            "v is a running average of past gradients: β of the old v, 1−β of this g",
            ("v",),
        ),
        SubStep(
            "the step along the velocity",
            "the step follows v, not g: past gradients still push",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η|v|/|g|: > η when v outruns g"),
    convention=(
        "course EWMA v = βv + (1−β)g, no bias correction; at lr η it traces heavy ball at η·(1−β)"
    ),
)


def _heavy_ball(
    grad: Array, state: VelocityState, params: Array, hp: BatchHyper, nesterov: bool
) -> tuple[Array, VelocityState]:
    mu = value(hp, "momentum")
    dampening = value(hp, "dampening", 0.0)
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    # torch starts the buffer as the first gradient itself: no dampening on step 1.
    v = g.copy() if state.step == 0 else mu * state.v + (1.0 - dampening) * g
    direction = g + mu * v if nesterov else v
    return -value(hp, "lr") * direction, VelocityState(state.step + 1, v)


def _heavyball_update(
    grad: Array, state: VelocityState, params: Array, hp: BatchHyper
) -> tuple[Array, VelocityState]:
    return _heavy_ball(grad, state, params, hp, nesterov=False)


def _nesterov_update(
    grad: Array, state: VelocityState, params: Array, hp: BatchHyper
) -> tuple[Array, VelocityState]:
    return _heavy_ball(grad, state, params, hp, nesterov=True)


def _buffer_line(x: Coordinate, g: float) -> str:
    """torch's buffer: the gradient itself on the first update, then μ·v + (1−τ)·g."""
    v = x.now("v")
    if x.step.count == 1:
        return f"v_{x.c} ← g_{x.c} = {num(v)}"
    keep = 1.0 - float(x.step.hp.get("dampening", 0.0))
    new = op(g) if keep == 1 else f"{num(keep)}·{op(g)}"
    return line(f"v_{x.c}", f"{num(x.step.h('momentum'))}·{op(x.prev('v'))} + {new}", v)


def _heavyball_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    lines.append(_buffer_line(x, g))
    v = x.now("v")
    lines.append(line(f"{x.lhs} = −η·v_{x.c}", f"−{num(x.step.lr)}·{op(v)}", x.update))
    return lines


def _nesterov_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    lines.append(_buffer_line(x, g))
    v, mu = x.now("v"), x.step.h("momentum")
    arithmetic = f"−{num(x.step.lr)}·({num(g)} + {num(mu)}·{op(v)})"
    lines.append(line(f"{x.lhs} = −η·(g_{x.c} + μ·v_{x.c})", arithmetic, x.update))
    return lines


def _heavyball_parts(inputs: StepInputs) -> StepParts:
    """−η·μ·v (the buffer carried over) plus −η·(1−τ)·g (the new gradient's share); on the
    first update the buffer is the gradient itself, so nothing is carried."""
    lr, mu = inputs.lr, inputs.h("momentum")
    first = inputs.count == 1
    keep = 1.0 if first else 1.0 - float(inputs.hp.get("dampening", 0.0))
    parts: list[Vector] = []
    if not first:
        carried = -lr * mu * vec(inputs.before["v"])
        parts.append(Vector("carried", "v", "−η·μ·v", "carried buffer", carried))
    share = "" if keep == 1 else "(1−τ)·"
    fresh = -lr * keep * vec(inputs.grad)
    parts.append(Vector("fresh", "g", f"−η·{share}g", "new gradient", fresh))
    return StepParts(plus_decay(parts, decay_term(inputs, keep, f"−η·{share}λ·p")))


def _nesterov_parts(inputs: StepInputs) -> StepParts:
    """Δ = −η·(g + μ·v) with v = μ·v_old + g: −η·μ²·v_old carried, −η·(1+μ)·g new."""
    lr, mu = inputs.lr, inputs.h("momentum")
    parts: list[Vector] = []
    if inputs.count != 1:
        carried = -lr * mu * mu * vec(inputs.before["v"])
        parts.append(Vector("carried", "v", "−η·μ²·v", "carried buffer", carried))
    fresh = -lr * (1.0 + mu) * vec(inputs.grad)
    parts.append(Vector("fresh", "g", "−η·(1+μ)·g", "new gradient", fresh))
    return StepParts(plus_decay(parts, decay_term(inputs, 1.0 + mu, "−η·(1+μ)·λ·p")))


def _buffer_rule(hp: Hyper) -> str:
    new = "(1−τ)·g" if float(hp.get("dampening", 0.0)) != 0 else "g"
    return f"v ← g on the first update (t = 0), then v ← μ·v + {new}"


_BUFFER = StateField("v", "momentum_buffer", "v", "momentum buffer v (μ·v + g)")
_INTO_BUFFER = SubStep(
    "the gradient added to the buffer",
    "v sums past gradients, each older one shrunk by μ (the first update sets v to g)",
    ("v",),
)

_MU = Param(
    "momentum",
    0.9,
    "momentum factor μ: how much of the buffer carries over",
    low=0.0,
    high=1.0,
    high_open=True,
    symbol="μ",
)

HEAVYBALL = Optimizer(
    name="heavyball",
    title="Heavy-ball momentum (torch SGD)",
    summary="steps along a running sum of gradients, v = μ·v + g",
    family="heavyball",
    schema=(
        lr_param(0.01),
        _MU,
        Param(
            "dampening",
            0.0,
            "share of the new gradient left out (1−τ)",
            low=0.0,
            high=1.0,
            symbol="τ",
        ),
        WEIGHT_DECAY,
    ),
    state_fields=(_BUFFER,),
    rule=(
        "g ← ∇f(p) + λ·p",
        "v ← g on the first update (t = 0), then v ← μ·v + (1−τ)·g",
        "Δp = −η·v",
    ),
    rule_for=lambda hp: (*l2_rule(hp), _buffer_rule(hp), "Δp = −η·v"),
    init=_velocity_init,
    update=_heavyball_update,
    explain=per_coordinate(_heavyball_lines),
    parts=_heavyball_parts,
    convention="torch.optim.SGD(momentum=μ, dampening=τ): the buffer starts as g₁",
    sub_steps=(
        _INTO_BUFFER,
        SubStep(
            "the step along the buffer",
            "the step follows v, not g: past gradients still push",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η|v|/|g|, v: sum of past g"),
)

NESTEROV = Optimizer(
    name="nesterov",
    title="Nesterov momentum (torch SGD)",
    summary="heavy ball that steps from where the momentum is about to carry it",
    family="heavyball",
    schema=(lr_param(0.01), _MU, WEIGHT_DECAY),
    state_fields=(_BUFFER,),
    rule=(
        "g ← ∇f(p) + λ·p",
        "v ← g on the first update (t = 0), then v ← μ·v + g",
        "Δp = −η·(g + μ·v)",
    ),
    rule_for=lambda hp: (*l2_rule(hp), _buffer_rule(hp), "Δp = −η·(g + μ·v)"),
    init=_velocity_init,
    update=_nesterov_update,
    explain=per_coordinate(_nesterov_lines),
    parts=_nesterov_parts,
    convention="torch.optim.SGD(momentum=μ, nesterov=True)",
    sub_steps=(
        _INTO_BUFFER,
        SubStep(
            "the look-ahead step",
            "g plus μ times the new buffer: the step from where momentum is about to carry it",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η|g+μv|/|g|, v: sum of past g", "= η|g+λp+μv|/|g|, v: past g"),
)
