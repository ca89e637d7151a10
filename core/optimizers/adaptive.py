"""Per-coordinate step sizes from gradient magnitudes: Adagrad, RMSprop, Adadelta."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..explain_text import (
    Coordinate,
    StepInputs,
    SubStep,
    decayed_grad,
    div,
    ewma,
    line,
    num,
    op,
    per_coordinate,
    sq,
    sqrt,
    sub,
)
from ..params import Param
from ..step_parts import StepParts, Vector, unscaled, used_grad, vec
from .base import (
    WEIGHT_DECAY,
    Array,
    BatchHyper,
    Hyper,
    Optimizer,
    StateField,
    beta_param,
    eps_param,
    l2_rule,
    lerp,
    lr_param,
    meaning,
    value,
    with_weight_decay,
)


class AdagradState(NamedTuple):
    step: int
    s: Array


def _adagrad_init(params: Array, hp: BatchHyper) -> AdagradState:
    return AdagradState(0, np.full_like(params, value(hp, "initial_accumulator"), np.float64))


def _adagrad_update(
    grad: Array, state: AdagradState, params: Array, hp: BatchHyper
) -> tuple[Array, AdagradState]:
    count = state.step + 1
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    clr = value(hp, "lr") / (1.0 + (count - 1) * value(hp, "lr_decay"))
    s = state.s + g * g
    return -clr * (g / (np.sqrt(s) + value(hp, "eps"))), AdagradState(count, s)


def _adagrad_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    c, eps, S = x.c, x.step.h("eps"), x.now("s")
    lines.append(line(f"S_{c}", f"{num(x.prev('s'))} + {sq(g)}", S))
    r = sqrt(S) + eps
    lines.append(line(f"√S_{c} + ε", f"√{op(S)} + {num(eps)}", r))
    lr_name, lr_text = "η", num(x.step.lr)
    decay, t = x.step.h("lr_decay"), x.step.count - 1
    if decay != 0:
        clr = div(x.step.lr, 1.0 + t * decay)
        lr_name = f"η{sub(t)}"
        lines.append(line(f"{lr_name} = η/(1 + t·d)", f"{lr_text}/(1 + {t}·{num(decay)})", clr))
        lr_text = num(clr)
    head = f"{x.lhs} = −{lr_name}·g_{c}/(√S_{c} + ε)"
    lines.append(line(head, f"−{lr_text}·{op(g)}/{op(r)}", x.update))
    return lines


def _adagrad_parts(inputs: StepInputs) -> StepParts:
    """The whole step is the gradient divided by √S + ε, coordinate by coordinate; beside
    it, the step without that division."""
    clr = inputs.lr / (1.0 + (inputs.count - 1) * inputs.h("lr_decay"))
    g = used_grad(inputs)
    r = np.sqrt(vec(inputs.after["s"])) + inputs.h("eps")
    scaled = Vector("scaled", "Δ", "−η·g/(√S+ε)", "scaled gradient", -clr * (g / r))
    return StepParts((scaled,), (unscaled(-clr * g),))


def _adagrad_rule(hp: Hyper) -> tuple[str, ...]:
    decayed = float(hp["lr_decay"]) != 0
    step = "Δp = −η/(1 + t·d) · g/(√S + ε)" if decayed else "Δp = −η·g/(√S + ε)"
    return (*l2_rule(hp), "S ← S + g²", step)


def _adagrad_meaning(hp: Hyper) -> str:
    rate = "ηₜ" if float(hp["lr_decay"]) != 0 else "η"
    return meaning(f"= {rate}/(√S+ε): S only grows", f"= {rate}|g+λp|/(|g|(√S+ε))")(hp)


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
    state_fields=(StateField("s", "squared_grad_sum", "S", "sum S of g²"),),
    rule=(
        "g ← ∇f(p) + λ·p",
        "S ← S + g²",
        "Δp = −η/(1 + t·d) · g/(√S + ε)",
    ),
    rule_for=_adagrad_rule,
    init=_adagrad_init,
    update=_adagrad_update,
    explain=per_coordinate(_adagrad_lines),
    parts=_adagrad_parts,
    convention="torch.optim.Adagrad: ε outside the root",
    sub_steps=(
        SubStep(
            "its square added to the sum S",
            "S adds up every squared gradient so far, per coordinate: it only grows",
            ("S",),
        ),
        SubStep(
            "the root of S per coordinate",
            "√S + ε is each coordinate's own gradient scale so far (η shrinks too if d > 0)",
            ("√S", "η"),
        ),
        SubStep(
            "the division by √S",
            "g divided by its own scale: coordinates with large past gradients step less",
            ("Δp",),
        ),
    ),
    eff_lr_means=_adagrad_meaning,
)


class RMSpropState(NamedTuple):
    step: int
    s: Array
    g_avg: Array | None
    buf: Array | None


def _rmsprop_init(params: Array, hp: BatchHyper) -> RMSpropState:
    zeros = np.zeros_like(params, dtype=np.float64)
    return RMSpropState(
        0,
        zeros,
        zeros.copy() if hp["centered"] else None,
        zeros.copy() if _with_momentum(hp) else None,
    )


def _with_momentum(hp: BatchHyper) -> bool:
    """Whether RMSprop keeps a momentum buffer: one answer for a whole batch (μ > 0 somewhere;
    a row with μ = 0 then adds 0·B, which is not bit for bit its run without a buffer)."""
    mu = hp["momentum"]
    if isinstance(mu, np.ndarray):
        if (mu > 0).any() and not (mu > 0).all():
            raise ValueError("RMSprop's momentum must be > 0 in every row of a batch or in none")
        return bool((mu > 0).all())
    return float(mu) > 0


def _rmsprop_update(
    grad: Array, state: RMSpropState, params: Array, hp: BatchHyper
) -> tuple[Array, RMSpropState]:
    beta = value(hp, "beta")
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    s = state.s * beta + (1.0 - beta) * (g * g)
    g_avg = None
    if state.g_avg is not None:
        g_avg = lerp(state.g_avg, g, 1.0 - beta)
        avg = np.sqrt(s - g_avg * g_avg) + value(hp, "eps")
    else:
        avg = np.sqrt(s) + value(hp, "eps")
    lr = value(hp, "lr")
    buf = None
    if state.buf is not None:
        buf = state.buf * value(hp, "momentum") + g / avg
        step = -lr * buf
    else:
        step = -lr * (g / avg)
    return step, RMSpropState(state.step + 1, s, g_avg, buf)


def _rmsprop_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    c, beta, eps, S = x.c, x.step.h("beta"), x.step.h("eps"), x.now("s")
    lines.append(ewma(f"S_{c}", beta, x.prev("s"), sq(g), S))
    if x.step.flag("centered"):
        ga = x.now("g_avg")
        lines.append(ewma(f"ḡ_{c}", beta, x.prev("g_avg"), op(g), ga))
        r = sqrt(S - ga * ga) + eps
        lhs, arith = f"r_{c} = √(S_{c} − ḡ_{c}²) + ε", f"√({num(S)} − {sq(ga)}) + {num(eps)}"
    else:
        r = sqrt(S) + eps
        lhs, arith = f"r_{c} = √S_{c} + ε", f"√{op(S)} + {num(eps)}"
    lines.append(line(lhs, arith, r))
    lr = num(x.step.lr)
    if x.step.h("momentum") > 0:
        b = x.now("buf")
        arith = f"{num(x.step.h('momentum'))}·{op(x.prev('buf'))} + {op(g)}/{op(r)}"
        lines.append(line(f"B_{c} = μ·B_{c} + g_{c}/r_{c}", arith, b))
        lines.append(line(f"{x.lhs} = −η·B_{c}", f"−{lr}·{op(b)}", x.update))
    else:
        lines.append(line(f"{x.lhs} = −η·g_{c}/r_{c}", f"−{lr}·{op(g)}/{op(r)}", x.update))
    return lines


def _rmsprop_parts(inputs: StepInputs) -> StepParts:
    """−η·g/r, plus −η·μ·B carried over when momentum is on; beside it, −η·g: the step
    without the division by r = √S + ε."""
    lr, g = inputs.lr, used_grad(inputs)
    S = vec(inputs.after["s"])
    if inputs.flag("centered"):
        ga = vec(inputs.after["g_avg"])
        r = np.sqrt(S - ga * ga) + inputs.h("eps")
    else:
        r = np.sqrt(S) + inputs.h("eps")
    parts: list[Vector] = []
    if inputs.h("momentum") > 0:
        carried = -lr * inputs.h("momentum") * vec(inputs.before["buf"])
        parts.append(Vector("carried", "B", "−η·μ·B", "carried buffer", carried))
    parts.append(Vector("scaled", "r", "−η·g/r", "scaled gradient", -lr * (g / r)))
    return StepParts(tuple(parts), (unscaled(-lr * g),))


def _rmsprop_rule(hp: Hyper) -> tuple[str, ...]:
    rule = [*l2_rule(hp), "S ← β·S + (1−β)·g²"]
    if hp["centered"]:
        rule += ["ḡ ← β·ḡ + (1−β)·g", "r = √(S − ḡ²) + ε"]
    else:
        rule.append("r = √S + ε")
    if float(hp["momentum"]) > 0:
        rule += ["B ← μ·B + g/r", "Δp = −η·B"]
    else:
        rule.append("Δp = −η·g/r")
    return tuple(rule)


def _rmsprop_meaning(hp: Hyper) -> str:
    if float(hp["momentum"]) > 0:
        return "= η|B|/|g|, B: sum of past g/r"
    return meaning("= η/r: r follows recent |g|", "= η|g+λp|/(|g|·r)")(hp)


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
        StateField("s", "second_moment", "S", "cache S (avg of g²)"),
        StateField("g_avg", "first_moment", "ḡ", "avg ḡ of g (centered)"),
        StateField("buf", "scaled_momentum_buffer", "B", "momentum buffer B of g/r"),
    ),
    rule=(
        "g ← ∇f(p) + λ·p",
        "S ← β·S + (1−β)·g²",
        "[centered] ḡ ← β·ḡ + (1−β)·g;  r = √(S − ḡ²) + ε, else r = √S + ε",
        "[momentum μ>0] B ← μ·B + g/r;  Δp = −η·B",
        "Δp = −η·g/r",
    ),
    rule_for=_rmsprop_rule,
    init=_rmsprop_init,
    update=_rmsprop_update,
    explain=per_coordinate(_rmsprop_lines),
    parts=_rmsprop_parts,
    convention="torch.optim.RMSprop with alpha = β: ε outside the root, no bias correction",
    sub_steps=(
        SubStep(
            "its square folded into S",
            "S is a running average of g² per coordinate: β of the old S, 1−β of this square",
            ("S", "ḡ"),
        ),
        SubStep(
            "the root of S per coordinate",
            "r is each coordinate's recent gradient scale",
            ("r",),
        ),
        SubStep(
            "the division by r",
            "g divided by its own scale, per coordinate: large recent gradients shrink the "
            "step, small ones grow it",
            ("B", "Δp"),
        ),
    ),
    eff_lr_means=_rmsprop_meaning,
)


class AdadeltaState(NamedTuple):
    step: int
    s: Array
    delta_acc: Array


def _adadelta_init(params: Array, hp: BatchHyper) -> AdadeltaState:
    return AdadeltaState(0, np.zeros_like(params, np.float64), np.zeros_like(params, np.float64))


def _adadelta_update(
    grad: Array, state: AdadeltaState, params: Array, hp: BatchHyper
) -> tuple[Array, AdadeltaState]:
    rho, eps = value(hp, "rho"), value(hp, "eps")
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    s = state.s * rho + (1.0 - rho) * (g * g)
    delta = np.sqrt(state.delta_acc + eps) / np.sqrt(s + eps) * g
    delta_acc = state.delta_acc * rho + (1.0 - rho) * (delta * delta)
    return -value(hp, "lr") * delta, AdadeltaState(state.step + 1, s, delta_acc)


def _adadelta_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    c, rho, eps = x.c, x.step.h("rho"), x.step.h("eps")
    S, D_old = x.now("s"), x.prev("delta_acc")
    lines.append(ewma(f"S_{c}", rho, x.prev("s"), sq(g), S))
    delta = div(sqrt(D_old + eps), sqrt(S + eps)) * g
    arith = f"√({num(D_old)} + {num(eps)})/√({num(S)} + {num(eps)})·{op(g)}"
    lines.append(line(f"Δ_{c}", arith, delta))
    lines.append(ewma(f"D_{c}", rho, D_old, sq(delta), x.now("delta_acc")))
    lines.append(line(f"{x.lhs} = −η·Δ_{c}", f"−{num(x.step.lr)}·{op(delta)}", x.update))
    return lines


def _adadelta_parts(inputs: StepInputs) -> StepParts:
    g = used_grad(inputs)
    eps = inputs.h("eps")
    ratio = np.sqrt(vec(inputs.before["delta_acc"]) + eps) / np.sqrt(vec(inputs.after["s"]) + eps)
    step = -inputs.lr * (ratio * g)
    scaled = Vector("scaled", "Δ", "−η·√(D+ε)/√(S+ε)·g", "scaled gradient", step)
    return StepParts((scaled,), (unscaled(-inputs.lr * g),))


_ADADELTA_RULE = (
    "S ← ρ·S + (1−ρ)·g²",
    "Δ = √(D + ε)/√(S + ε) · g",
    "D ← ρ·D + (1−ρ)·Δ²",
    "Δp = −η·Δ",
)

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
        StateField("s", "second_moment", "S", "avg S of g²"),
        StateField("delta_acc", "update_second_moment", "D", "avg D of Δ² (Δ before η)"),
    ),
    rule=("g ← ∇f(p) + λ·p", *_ADADELTA_RULE),
    rule_for=lambda hp: (*l2_rule(hp), *_ADADELTA_RULE),
    init=_adadelta_init,
    update=_adadelta_update,
    explain=per_coordinate(_adadelta_lines),
    parts=_adadelta_parts,
    convention="torch.optim.Adadelta: ε inside both roots",
    sub_steps=(
        SubStep(
            "its square folded into S",
            "S is a running average of g² per coordinate: ρ of the old S, 1−ρ of this square",
            ("S",),
        ),
        SubStep(
            "the rescaled gradient",
            "g times √(D + ε)/√(S + ε): past steps' scale over past gradients'; D then "
            "folds in this Δ²",
            ("Δ", "D"),
        ),
        SubStep("the step", "η times the rescaled gradient", ("Δp",)),
    ),
    eff_lr_means=meaning("= η√(D+ε)/√(S+ε)", "= η√(D+ε)/√(S+ε)·|g+λp|/|g|"),
)
