"""Adam and its relatives: momentum on the gradient, RMSprop on its square, bias-corrected."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ..explain_text import (
    Coordinate,
    StepInputs,
    SubStep,
    bias,
    count_line,
    decayed_grad,
    ewma,
    line,
    num,
    op,
    per_coordinate,
    sq,
    sqrt,
    sub,
    sup,
)
from ..params import Param
from ..step_parts import StepParts, Vector, decay_term, unscaled, used_grad, vec
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
    power,
    square_root,
    value,
    with_weight_decay,
)

#: The Adam family's extra record column: the step in units of the learning rate in force.
_LR_UNITS = ("update_over_lr",)


class AdamState(NamedTuple):
    step: int
    m: Array
    v: Array
    v_max: Array | None


def _adam_init(params: Array, hp: BatchHyper) -> AdamState:
    zeros = np.zeros_like(params, dtype=np.float64)
    return AdamState(0, zeros, zeros.copy(), zeros.copy() if hp["amsgrad"] else None)


def _adam_core(
    g: Array, state: AdamState, hp: BatchHyper, bias_correction: bool
) -> tuple[Array, AdamState]:
    """The Adam step for an already weight-decayed gradient; shared by Adam and AdamW."""
    beta1, beta2 = value(hp, "beta1"), value(hp, "beta2")
    count = state.step + 1
    m = lerp(state.m, g, 1.0 - beta1)
    v = state.v * beta2 + (1.0 - beta2) * (g * g)
    v_max = None if state.v_max is None else np.maximum(state.v_max, v)
    second = v if v_max is None else v_max
    if bias_correction:
        step_size = value(hp, "lr") / (1.0 - power(beta1, count))
        denom = np.sqrt(second) / square_root(1.0 - power(beta2, count)) + value(hp, "eps")
    else:
        step_size = value(hp, "lr")
        denom = np.sqrt(second) + value(hp, "eps")
    return -step_size * (m / denom), AdamState(count, m, v, v_max)


def _adam_update(
    grad: Array, state: AdamState, params: Array, hp: BatchHyper
) -> tuple[Array, AdamState]:
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    return _adam_core(g, state, hp, bool(hp["bias_correction"]))


def _adamw_update(
    grad: Array, state: AdamState, params: Array, hp: BatchHyper
) -> tuple[Array, AdamState]:
    decayed = params * (1.0 - value(hp, "lr") * value(hp, "weight_decay"))
    step, new_state = _adam_core(grad, state, hp, bias_correction=True)
    return (decayed + step) - params, new_state


def _bias_corrected(columns: Mapping[str, Array], hp: Hyper) -> dict[str, Array]:
    """m̂ = m/(1−β₁ᵏ) and the second moment the step divides by, bias-corrected: v̂ = v/(1−β₂ᵏ),
    or with AMSGrad v̂max = vmax/(1−β₂ᵏ) (torch corrects the running max, not v); k is the
    recorded update count. Without bias correction the step uses m and v as they are."""
    if not _corrected(hp):
        return {}
    count = columns["step"]
    with np.errstate(divide="ignore", invalid="ignore"):
        c1 = 1.0 - float(hp["beta1"]) ** count
        c2 = 1.0 - float(hp["beta2"]) ** count
        m_hat = np.where(count > 0, columns["m"] / np.where(c1 == 0, 1.0, c1), 0.0)
        second = columns["v_max" if hp["amsgrad"] else "v"]
        v_hat = np.where(count > 0, second / np.where(c2 == 0, 1.0, c2), 0.0)
    return {"m_hat": m_hat, "v_hat_max" if hp["amsgrad"] else "v_hat": v_hat}


def _corrected(hp: Hyper) -> bool:
    return bool(hp.get("bias_correction", True))


_ADAM_FIELDS = (
    StateField("m", "first_moment", "m", "1st moment m (avg of g)"),
    StateField("v", "second_moment", "v", "2nd moment v (avg of g²)"),
    StateField("v_max", "second_moment_max", "vmax", "running max of v (AMSGrad), uncorrected"),
)
_HAT_FIELDS = (
    StateField("m_hat", "bias_corrected_first_moment", "m̂", "bias-corrected m̂", _corrected),
    StateField(
        "v_hat",
        "bias_corrected_second_moment",
        "v̂",
        "bias-corrected v̂: what the step divides by",
        lambda hp: _corrected(hp) and not hp["amsgrad"],
    ),
    StateField(
        "v_hat_max",
        "bias_corrected_second_moment_max",
        "v̂max",
        "bias-corrected max of v: what AMSGrad divides by",
        lambda hp: _corrected(hp) and bool(hp["amsgrad"]),
    ),
)


def _adam_lines(x: Coordinate) -> list[str]:
    hp, c, eps, lr = x.step.hp, x.c, x.step.h("eps"), x.step.lr
    decoupled = "bias_correction" not in hp  # AdamW: decay applied to p, not folded into g
    lines: list[str] = []
    g = x.g if decoupled else decayed_grad(x, lines)
    m, v = x.now("m"), x.now("v")
    lines.append(ewma(f"m_{c}", x.step.h("beta1"), x.prev("m"), op(g), m))
    lines.append(ewma(f"v_{c}", x.step.h("beta2"), x.prev("v"), sq(g), v))
    amsgrad = x.step.flag("amsgrad")
    raw, second = "v", v
    if amsgrad:
        raw, second = "vmax", x.now("v_max")
        lines.append(line(f"vmax_{c}", f"max({num(x.prev('v_max'))}, {num(v)})", second))
    if _corrected(hp):
        k = sup(x.step.count)
        c1, c2 = bias(x.step.count, x.step.h("beta1")), bias(x.step.count, x.step.h("beta2"))
        m_used, m_name = x.now("m_hat"), "m̂"
        lines.append(line(f"m̂_{c} = m_{c}/(1−β₁{k})", f"{num(m)}/{op(c1)}", m_used))
        v_name = "v̂max" if amsgrad else "v̂"
        v_used = x.now("v_hat_max" if amsgrad else "v_hat")
        lines.append(line(f"{v_name}_{c} = {raw}_{c}/(1−β₂{k})", f"{num(second)}/{op(c2)}", v_used))
    else:
        m_used, m_name, v_used, v_name = m, "m", second, raw
    r = sqrt(v_used) + eps
    lines.append(line(f"√{v_name}_{c} + ε", f"√{op(v_used)} + {num(eps)}", r))
    adam_term = f"η·{m_name}_{c}/(√{v_name}_{c} + ε)"
    term = f"{num(lr)}·{op(m_used)}/{op(r)}"
    lam = float(hp.get("weight_decay", 0.0))
    if decoupled and lam != 0:
        # Decoupled decay: p·(1 − η·λ) is the same as a −η·λ·p term in the step.
        arith = f"−{num(lr)}·{num(lam)}·{op(x.p)} − {term}"
        lines.append(line(f"{x.lhs} = −η·λ·{c} − {adam_term}", arith, x.update))
    else:
        lines.append(line(f"{x.lhs} = −{adam_term}", f"−{term}", x.update))
    return lines


def _momentum_split(
    inputs: StepInputs, g: Array, step_size: float, denom: Array, hat: str
) -> tuple[Vector, Vector, Vector]:
    """Δ = −s·m/r with m = β₁·m_old + (1−β₁)·g: the carried moment and the new gradient's
    share, both divided by r; beside them −s·m, the step without the division."""
    beta1 = inputs.h("beta1")
    m_old = vec(inputs.before["m"])
    carried = -step_size * (beta1 * m_old) / denom
    fresh = -step_size * ((1.0 - beta1) * g) / denom
    return (
        Vector("carried", "m", "−η·β₁·m/r", "carried moment", carried),
        Vector("fresh", "g", "−η·(1−β₁)·g/r", "new gradient", fresh),
        unscaled(-step_size * vec(inputs.after["m"]), f"−η·{hat}"),
    )


def _adam_parts(inputs: StepInputs) -> StepParts:
    """Adam's step split like momentum's, in the rescaled coordinates; AdamW adds its
    decoupled decay −η·λ·p."""
    hp = inputs.hp
    decoupled = "bias_correction" not in hp
    g = vec(inputs.grad) if decoupled else used_grad(inputs)
    k, eps = inputs.count, inputs.h("eps")
    second = vec(inputs.after["v_max" if hp["amsgrad"] else "v"])
    if _corrected(hp):
        step_size = inputs.lr / (1.0 - inputs.h("beta1") ** k)
        denom = np.sqrt(second) / math.sqrt(1.0 - inputs.h("beta2") ** k) + eps
    else:
        step_size, denom = inputs.lr, np.sqrt(second) + eps
    carried, fresh, before = _momentum_split(
        inputs, g, step_size, denom, "m̂" if _corrected(hp) else "m"
    )
    decay = decay_term(inputs) if decoupled else None
    addends = (carried, fresh) if decay is None else (carried, fresh, decay)
    return StepParts(addends, (before,))


def _adam_shared(inputs: StepInputs) -> list[str]:
    return [count_line(inputs)] if _corrected(inputs.hp) else []


def _adam_rule(hp: Hyper) -> tuple[str, ...]:
    decoupled = "bias_correction" not in hp
    decays = float(hp.get("weight_decay", 0.0)) != 0
    rule = ["p ← p·(1 − η·λ)"] if decoupled and decays else [*l2_rule(hp)]
    rule += ["m ← β₁·m + (1−β₁)·g", "v ← β₂·v + (1−β₂)·g²"]
    raw = "vmax" if hp["amsgrad"] else "v"
    if hp["amsgrad"]:
        rule.append("vmax ← max(vmax, v)")
    if _corrected(hp):
        hat = "v̂max" if hp["amsgrad"] else "v̂"
        rule.append(f"m̂ = m/(1−β₁ᵏ),  {hat} = {raw}/(1−β₂ᵏ),  k = t + 1")
        step = f"η·m̂/(√{hat} + ε)"
    else:
        step = f"η·m/(√{raw} + ε)"
    rule.append(f"Δp = −η·λ·p − {step}" if decoupled and decays else f"Δp = −{step}")
    return tuple(rule)


_ADAM_STEPS = (
    SubStep(
        "the two averages",
        "m averages g (the momentum), v averages g² (RMSprop's S), per coordinate",
        ("m", "v", "vmax"),
    ),
    SubStep(
        "the scale the step divides by",
        "the root of the second moment, bias-corrected for the zero start where that is on",
        ("m̂", "v̂", "v̂max", "√v̂", "√v̂max", "√v", "√vmax"),
    ),
    SubStep(
        "the step",
        "the momentum divided by its scale, times η: past gradients still push",
        ("Δp", "p"),
    ),
)


def _adam_meaning(hp: Hyper) -> str:
    """ηeff under Adam's rule: the momentum over its scale, per unit of g (short enough for
    the sparklines' note)."""
    v = "v̂max" if hp["amsgrad"] else "v̂"
    if not _corrected(hp):
        v = "vmax" if hp["amsgrad"] else "v"
    if "bias_correction" not in hp and float(hp["weight_decay"]) != 0:  # AdamW's decay
        return "= |Δ|/|g|, Δ: decay λp, past g"
    m = "m̂" if _corrected(hp) else "m"
    return f"= η|{m}|/(|g|(√{v}+ε))" + (f", {m}: past g" if v in ("v̂", "v") else ": past g")


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
    extra_columns=_LR_UNITS,
    rule=(
        "g ← ∇f(p) + λ·p",
        "m ← β₁·m + (1−β₁)·g",
        "v ← β₂·v + (1−β₂)·g²",
        "[AMSGrad] vmax ← max(vmax, v), used in place of v",
        "m̂ = m/(1−β₁ᵏ),  v̂ = v/(1−β₂ᵏ),  k = t + 1",
        "Δp = −η·m̂/(√v̂ + ε)",
    ),
    rule_for=_adam_rule,
    init=_adam_init,
    update=_adam_update,
    explain=per_coordinate(_adam_lines, _adam_shared),
    parts=_adam_parts,
    convention="torch.optim.Adam: ε outside the root",
    sub_steps=_ADAM_STEPS,
    eff_lr_means=_adam_meaning,
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
    extra_columns=_LR_UNITS,
    rule=(
        "p ← p·(1 − η·λ)",
        "m ← β₁·m + (1−β₁)·g",
        "v ← β₂·v + (1−β₂)·g²",
        "[AMSGrad] vmax ← max(vmax, v), used in place of v",
        "m̂ = m/(1−β₁ᵏ),  v̂ = v/(1−β₂ᵏ),  k = t + 1",
        "Δp = −η·λ·p − η·m̂/(√v̂ + ε)",
    ),
    rule_for=_adam_rule,
    init=_adam_init,
    update=_adamw_update,
    explain=per_coordinate(_adam_lines, _adam_shared),
    parts=_adam_parts,
    convention="torch.optim.AdamW: decoupled weight decay",
    sub_steps=_ADAM_STEPS,
    eff_lr_means=_adam_meaning,
)


class AdamaxState(NamedTuple):
    step: int
    m: Array
    u: Array


def _adamax_init(params: Array, hp: BatchHyper) -> AdamaxState:
    return AdamaxState(0, np.zeros_like(params, np.float64), np.zeros_like(params, np.float64))


def _adamax_update(
    grad: Array, state: AdamaxState, params: Array, hp: BatchHyper
) -> tuple[Array, AdamaxState]:
    beta1, beta2 = value(hp, "beta1"), value(hp, "beta2")
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    count = state.step + 1
    m = lerp(state.m, g, 1.0 - beta1)
    u = np.maximum(state.u * beta2, np.abs(g) + value(hp, "eps"))
    clr = value(hp, "lr") / (1.0 - power(beta1, count))
    return -clr * (m / u), AdamaxState(count, m, u)


def _adamax_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    c, b1, b2, eps = x.c, x.step.h("beta1"), x.step.h("beta2"), x.step.h("eps")
    m, u = x.now("m"), x.now("u")
    lines.append(ewma(f"m_{c}", b1, x.prev("m"), op(g), m))
    lines.append(line(f"u_{c}", f"max({num(b2)}·{op(x.prev('u'))}, {num(abs(g))} + {num(eps)})", u))
    c1 = bias(x.step.count, b1)
    head = f"{x.lhs} = −η/(1−β₁{sup(x.step.count)})·m_{c}/u_{c}"
    lines.append(line(head, f"−{num(x.step.lr)}/{op(c1)}·{op(m)}/{op(u)}", x.update))
    return lines


def _adamax_parts(inputs: StepInputs) -> StepParts:
    clr = inputs.lr / (1.0 - inputs.h("beta1") ** inputs.count)
    carried, fresh, before = _momentum_split(
        inputs, used_grad(inputs), clr, vec(inputs.after["u"]), "m̂"
    )
    return StepParts((carried, fresh), (before,))


_ADAMAX_RULE = (
    "m ← β₁·m + (1−β₁)·g",
    "u ← max(β₂·u, |g| + ε)",
    "Δp = −η/(1−β₁ᵏ) · m/u,  k = t + 1",
)

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
        StateField("m", "first_moment", "m", "1st moment m (avg of g)"),
        StateField("u", "decaying_max_abs_grad", "u", "decaying max u of |g|"),
    ),
    extra_columns=_LR_UNITS,
    rule=("g ← ∇f(p) + λ·p", *_ADAMAX_RULE),
    rule_for=lambda hp: (*l2_rule(hp), *_ADAMAX_RULE),
    init=_adamax_init,
    update=_adamax_update,
    explain=per_coordinate(_adamax_lines, lambda inputs: [count_line(inputs)]),
    parts=_adamax_parts,
    convention="torch.optim.Adamax",
    sub_steps=(
        SubStep(
            "the average m and the decaying max u",
            "m averages g; u is the largest |g| seen, each older one shrunk by β₂",
            ("m", "u"),
        ),
        SubStep(
            "the step",
            "m divided by u, times η, corrected by 1−β₁ᵏ for m's zero start",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= η|m|/(|g|u(1−β₁ᵏ)), m: past g"),
)


class NAdamState(NamedTuple):
    step: int
    m: Array
    v: Array
    #: A float, or one per row where β₁ or ψ is given per row.
    mu_product: float | Array


def _nadam_init(params: Array, hp: BatchHyper) -> NAdamState:
    return NAdamState(0, np.zeros_like(params, np.float64), np.zeros_like(params, np.float64), 1.0)


def _nadam_update(
    grad: Array, state: NAdamState, params: Array, hp: BatchHyper
) -> tuple[Array, NAdamState]:
    beta1, beta2 = value(hp, "beta1"), value(hp, "beta2")
    decay, lr = value(hp, "momentum_decay"), value(hp, "lr")
    g = with_weight_decay(grad, params, value(hp, "weight_decay"))
    count = state.step + 1
    mu = beta1 * (1.0 - 0.5 * power(0.96, count * decay))
    mu_next = beta1 * (1.0 - 0.5 * power(0.96, (count + 1) * decay))
    mu_product = state.mu_product * mu
    m = lerp(state.m, g, 1.0 - beta1)
    v = state.v * beta2 + (1.0 - beta2) * (g * g)
    denom = np.sqrt(v / (1.0 - power(beta2, count))) + value(hp, "eps")
    current = (-lr * (1.0 - mu) / (1.0 - mu_product)) * (g / denom)
    ahead = ((-lr * mu_next) / (1.0 - mu_product * mu_next)) * (m / denom)
    return current + ahead, NAdamState(count, m, v, mu_product)


def _nadam_mu(count: int, hp: Mapping[str, object]) -> tuple[float, float]:
    """μₖ and the inner power 0.96^(k·ψ) it is built from, exactly as torch computes them."""
    power = 0.96 ** (count * float(hp["momentum_decay"]))  # type: ignore[arg-type]
    return float(hp["beta1"]) * (1.0 - 0.5 * power), power  # type: ignore[arg-type]


def _nadam_hat(columns: Mapping[str, Array], hp: Hyper) -> dict[str, Array]:
    """v̂ = v/(1−β₂ᵏ): the second moment NAdam's step divides by (its m has no m̂)."""
    count = columns["step"]
    with np.errstate(divide="ignore", invalid="ignore"):
        c2 = 1.0 - float(hp["beta2"]) ** count
        v_hat = np.where(count > 0, columns["v"] / np.where(c2 == 0, 1.0, c2), 0.0)
    return {"v_hat": v_hat}


def _nadam_shared(inputs: StepInputs) -> list[str]:
    """k, μₖ, Πμ and μₖ₊₁: scalars shared by every coordinate."""
    k, b1 = inputs.count, inputs.h("beta1")
    mu, power = _nadam_mu(k, inputs.hp)
    mu_next, power_next = _nadam_mu(k + 1, inputs.hp)
    before, after = float(inputs.before["mu_product"]), float(inputs.after["mu_product"])
    return [
        count_line(inputs),
        line(f"μ{sub(k)} = β₁·(1 − ½·0.96^({k}·ψ))", f"{num(b1)}·(1 − 0.5·{num(power)})", mu),
        line(f"Πμ = Πμ·μ{sub(k)}", f"{num(before)}·{num(mu)}", after),
        line(
            f"μ{sub(k + 1)} = β₁·(1 − ½·0.96^({k + 1}·ψ))",
            f"{num(b1)}·(1 − 0.5·{num(power_next)})",
            mu_next,
        ),
    ]


def _nadam_lines(x: Coordinate) -> list[str]:
    lines: list[str] = []
    g = decayed_grad(x, lines)
    c, eps, k = x.c, x.step.h("eps"), x.step.count
    m, v, v_hat = x.now("m"), x.now("v"), x.now("v_hat")
    lines.append(ewma(f"m_{c}", x.step.h("beta1"), x.prev("m"), op(g), m))
    lines.append(ewma(f"v_{c}", x.step.h("beta2"), x.prev("v"), sq(g), v))
    c2 = bias(k, x.step.h("beta2"))
    lines.append(line(f"v̂_{c} = v_{c}/(1−β₂{sup(k)})", f"{num(v)}/{op(c2)}", v_hat))
    r = sqrt(v_hat) + eps
    lines.append(line(f"r_{c} = √v̂_{c} + ε", f"√{op(v_hat)} + {num(eps)}", r))
    mu, _ = _nadam_mu(k, x.step.hp)
    mu_next, _ = _nadam_mu(k + 1, x.step.hp)
    prod = float(x.step.after["mu_product"])
    lr = num(x.step.lr)
    now_term = f"−{lr}·{num(1.0 - mu)}/{num(1.0 - prod)}·{op(g)}/{op(r)}"
    ahead = f"{lr}·{num(mu_next)}/{num(1.0 - prod * mu_next)}·{op(m)}/{op(r)}"
    lines.append(line(x.lhs, f"{now_term} − {ahead}", x.update))
    return lines


def _nadam_parts(inputs: StepInputs) -> StepParts:
    """NAdam's two terms as torch adds them: the new gradient's, and the look-ahead on m."""
    k, lr = inputs.count, inputs.lr
    g = used_grad(inputs)
    mu, _ = _nadam_mu(k, inputs.hp)
    mu_next, _ = _nadam_mu(k + 1, inputs.hp)
    prod = float(inputs.after["mu_product"])
    v = vec(inputs.after["v"])
    denom = np.sqrt(v / (1.0 - inputs.h("beta2") ** k)) + inputs.h("eps")
    now = (-lr * (1.0 - mu) / (1.0 - prod)) * (g / denom)
    ahead = ((-lr * mu_next) / (1.0 - prod * mu_next)) * (vec(inputs.after["m"]) / denom)
    return StepParts(
        (
            Vector("fresh", "g", "−η·(1−μₖ)/(1−Πμ)·g/r", "new gradient", now),
            Vector("ahead", "m", "−η·μₖ₊₁/(1−Πμ·μₖ₊₁)·m/r", "look-ahead on m", ahead),
        )
    )


_NADAM_RULE = (
    "μₖ = β₁·(1 − ½·0.96^(k·ψ)),  Πμ ← Πμ·μₖ,  k = t + 1",
    "m ← β₁·m + (1−β₁)·g,  v ← β₂·v + (1−β₂)·g²",
    "v̂ = v/(1−β₂ᵏ),  r = √v̂ + ε",
    "Δp = −η·(1−μₖ)/(1−Πμ)·g/r − η·μₖ₊₁/(1−Πμ·μₖ₊₁)·m/r",
)

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
        StateField("m", "first_moment", "m", "1st moment m (avg of g)"),
        StateField("v", "second_moment", "v", "2nd moment v (avg of g²)"),
        StateField("mu_product", "mu_product", "Πμ", "product of μ so far"),
    ),
    extra_fields=(StateField("v_hat", "bias_corrected_second_moment", "v̂", "bias-corrected v̂"),),
    extras=_nadam_hat,
    extra_columns=_LR_UNITS,
    rule=("g ← ∇f(p) + λ·p", *_NADAM_RULE),
    rule_for=lambda hp: (*l2_rule(hp), *_NADAM_RULE),
    init=_nadam_init,
    update=_nadam_update,
    explain=per_coordinate(_nadam_lines, _nadam_shared),
    parts=_nadam_parts,
    convention="torch.optim.NAdam (weight decay through the gradient)",
    sub_steps=(
        SubStep(
            "the momentum schedule",
            "μₖ weighs the momentum in this update, μₖ₊₁ in the next; Πμ is their product",
            ("μ", "Πμ"),
        ),
        SubStep(
            "the averages and the root",
            "m averages g, v averages g²; v̂ corrects v for its zero start",
            ("m", "v", "v̂", "r"),
        ),
        SubStep(
            "the step: now and ahead",
            "part of this g, part of the momentum as it will be next: Nesterov's look-ahead",
            ("Δp",),
        ),
    ),
    eff_lr_means=meaning("= |Δ|/|g|: Δ mixes g and past m"),
)
