"""The explain pane's text: an optimizer's update rule with one step's numbers substituted.

Every line reads ``name = arithmetic = result``: the inputs come from the previous record's
state (the optimizer's initial state for t = 0) and this record's gradient, and the result
is the recorded value, so the pane never disagrees with the table. Quantities that are not
recorded (√S + ε, Lion's interpolation c, NAdam's μₜ) are derived from recorded ones here
for display only. Pure Python and NumPy: no terminal library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .format import fmt
from .step_geometry import angle_to_descent, degrees, step_length
from .trajectory import Trajectory

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: Optimizers whose weight decay is decoupled (applied to p, not folded into g).
_DECOUPLED = frozenset({"adamw", "lion"})


@dataclass(frozen=True)
class Explanation:
    """The rule as the optimizer states it, then the same rule with step t's numbers."""

    t: int
    rule: list[str]
    lines: list[str]
    #: One sentence on what is special about this step (first step, divergence, schedule).
    notes: list[str] = field(default_factory=list)
    #: The step as a whole: its length and its angle to steepest descent.
    geometry: str = ""


def num(value: float) -> str:
    """A number as fmt prints it, with a typographic minus: the one place the sign is styled."""
    text = fmt(value)
    return "−" + text[1:] if text.startswith("-") else text


def _op(value: float) -> str:
    """A number as an operand: negatives in parentheses, so ``0.1·(−1.80)`` reads right."""
    text = num(value)
    return f"({text})" if text.startswith("−") else text


def _sq(value: float) -> str:
    """A number to be squared: parenthesised when a bare ² would be ambiguous."""
    text = num(value)
    return f"({text})²" if text.startswith("−") or "e" in text else f"{text}²"


def _sup(n: int) -> str:
    return str(n).translate(_SUPERSCRIPT)


def _sub(n: int) -> str:
    return str(n).translate(_SUBSCRIPT)


def _line(lhs: str, arithmetic: str, result: float) -> str:
    return f"{lhs} = {arithmetic} = {num(result)}"


@dataclass(frozen=True)
class _Step:
    """What one coordinate's lines need: hyperparameters, inputs before, results after."""

    name: str
    hp: Mapping[str, Any]
    lr: float
    count: int
    c: str
    i: int
    p: float
    g: float
    update: float
    before: Mapping[str, Any]
    after: Mapping[str, Any]

    def h(self, key: str) -> float:
        return float(self.hp[key])

    def prev(self, key: str) -> float:
        return _at(self.before[key], self.i)

    def now(self, key: str) -> float:
        return _at(self.after[key], self.i)

    @property
    def step_lhs(self) -> str:
        return f"Δ{self.c}"


def _at(value: Any, i: int) -> float:
    arr = np.asarray(value, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else float(arr[i])


def _sqrt(x: float) -> float:
    return float(np.sqrt(np.float64(x)))


def _div(a: float, b: float) -> float:
    return float(np.float64(a) / np.float64(b))


# -- shared building blocks ----------------------------------------------------------------
def _decayed_grad(s: _Step, lines: list[str]) -> float:
    """g ← ∇f + λ·p, shown only when λ is nonzero (torch folds L2 decay into g)."""
    lam = float(s.hp.get("weight_decay", 0.0))
    if lam == 0 or s.name in _DECOUPLED:
        return s.g
    g = s.g + lam * s.p
    lines.append(_line(f"g_{s.c} = ∂f/∂{s.c} + λ·{s.c}", f"{num(s.g)} + {num(lam)}·{_op(s.p)}", g))
    return g


def _ewma(lhs: str, beta: float, old: float, new: str, result: float) -> str:
    return _line(lhs, f"{num(beta)}·{_op(old)} + {num(1.0 - beta)}·{new}", result)


def _bias(count: int, beta: float) -> float:
    return 1.0 - beta**count


# -- one function per optimizer: lines for coordinate s.c --------------------------------
def _gd(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    lines.append(_line(f"{s.step_lhs} = −η·g_{s.c}", f"−{num(s.lr)}·{_op(g)}", s.update))
    return lines


def _momentum(s: _Step) -> list[str]:
    beta, c = s.h("beta"), s.c
    v = s.now("v")
    return [
        _ewma(f"v_{c}", beta, s.prev("v"), _op(s.g), v),
        _line(f"{s.step_lhs} = −η·v_{c}", f"−{num(s.lr)}·{_op(v)}", s.update),
    ]


def _heavy_ball(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, mu = s.c, s.h("momentum")
    v = s.now("v")
    if s.count == 1:
        lines.append(f"v_{c} ← g_{c} = {num(v)}")
    else:
        keep = 1.0 - float(s.hp.get("dampening", 0.0))
        new = _op(g) if keep == 1 else f"{num(keep)}·{_op(g)}"
        lines.append(_line(f"v_{c}", f"{num(mu)}·{_op(s.prev('v'))} + {new}", v))
    if s.name == "nesterov":
        arithmetic = f"−{num(s.lr)}·({num(g)} + {num(mu)}·{_op(v)})"
        lines.append(_line(f"{s.step_lhs} = −η·(g_{c} + μ·v_{c})", arithmetic, s.update))
    else:
        lines.append(_line(f"{s.step_lhs} = −η·v_{c}", f"−{num(s.lr)}·{_op(v)}", s.update))
    return lines


def _adagrad(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, S = s.c, s.now("s")
    lines.append(_line(f"S_{c}", f"{num(s.prev('s'))} + {_sq(g)}", S))
    r = _sqrt(S) + s.h("eps")
    lines.append(_line(f"√S_{c} + ε", f"√{_op(S)} + {num(s.h('eps'))}", r))
    lr_name, lr_text = "η", num(s.lr)
    decay = s.h("lr_decay")
    if decay != 0:
        clr = _div(s.lr, 1.0 + (s.count - 1) * decay)
        lr_name = f"η{_sub(s.count)}"
        arith = f"{lr_text}/(1 + {s.count - 1}·{num(decay)})"
        lines.append(_line(f"{lr_name} = η/(1 + (t−1)·d)", arith, clr))
        lr_text = num(clr)
    head = f"{s.step_lhs} = −{lr_name}·g_{c}/(√S_{c} + ε)"
    lines.append(_line(head, f"−{lr_text}·{_op(g)}/{_op(r)}", s.update))
    return lines


def _rmsprop(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, beta, eps = s.c, s.h("beta"), s.h("eps")
    S = s.now("s")
    lines.append(_ewma(f"S_{c}", beta, s.prev("s"), _sq(g), S))
    if s.after.get("g_avg") is not None:
        ga = s.now("g_avg")
        lines.append(_ewma(f"ḡ_{c}", beta, s.prev("g_avg"), _op(g), ga))
        r = _sqrt(S - ga * ga) + eps
        lhs, arith = f"r_{c} = √(S_{c} − ḡ_{c}²) + ε", f"√({num(S)} − {_sq(ga)}) + {num(eps)}"
    else:
        r = _sqrt(S) + eps
        lhs, arith = f"r_{c} = √S_{c} + ε", f"√{_op(S)} + {num(eps)}"
    lines.append(_line(lhs, arith, r))
    if s.after.get("buf") is not None:
        b = s.now("buf")
        mu = s.h("momentum")
        arith = f"{num(mu)}·{_op(s.prev('buf'))} + {_op(g)}/{_op(r)}"
        lines.append(_line(f"B_{c} = μ·B_{c} + g_{c}/r_{c}", arith, b))
        lines.append(_line(f"{s.step_lhs} = −η·B_{c}", f"−{num(s.lr)}·{_op(b)}", s.update))
    else:
        arith = f"−{num(s.lr)}·{_op(g)}/{_op(r)}"
        lines.append(_line(f"{s.step_lhs} = −η·g_{c}/r_{c}", arith, s.update))
    return lines


def _adam_moments(s: _Step, g: float, lines: list[str]) -> tuple[float, float]:
    """m and v lines, then m̂ and v̂ (when bias-corrected); returns the moments Δ uses."""
    c, b1, b2 = s.c, s.h("beta1"), s.h("beta2")
    m, v = s.now("m"), s.now("v")
    lines.append(_ewma(f"m_{c}", b1, s.prev("m"), _op(g), m))
    lines.append(_ewma(f"v_{c}", b2, s.prev("v"), _sq(g), v))
    if s.after.get("v_max") is not None:
        vmax = s.now("v_max")
        lines.append(_line(f"v̂max_{c}", f"max({num(s.prev('v_max'))}, {num(v)})", vmax))
        v = vmax
    if not s.hp.get("bias_correction", True):
        return m, v
    k = _sup(s.count)
    c1, c2 = _bias(s.count, b1), _bias(s.count, b2)
    m_hat = s.now("m_hat")
    lines.append(_line(f"m̂_{c} = m_{c}/(1−β₁{k})", f"{num(m)}/{_op(c1)}", m_hat))
    if s.after.get("v_max") is not None:
        # AMSGrad divides the running maximum, not v̂ (torch's convention).
        return m_hat, _div(v, c2)
    lines.append(_line(f"v̂_{c} = v_{c}/(1−β₂{k})", f"{num(v)}/{_op(c2)}", s.now("v_hat")))
    return m_hat, s.now("v_hat")


def _adam(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, eps = s.c, s.h("eps")
    m_hat, v_hat = _adam_moments(s, g, lines)
    corrected = bool(s.hp.get("bias_correction", True))
    amsgrad = s.after.get("v_max") is not None
    if amsgrad and corrected:
        c2 = _bias(s.count, s.h("beta2"))
        root = f"√(v̂max_{c}/(1−β₂{_sup(s.count)})) + ε"
        arith = f"√({num(s.now('v_max'))}/{num(c2)}) + {num(eps)}"
    else:
        root = ("√v̂max" if amsgrad else "√v̂" if corrected else "√v") + f"_{c} + ε"
        arith = f"√{_op(v_hat)} + {num(eps)}"
    r = _sqrt(v_hat) + eps
    lines.append(_line(root, arith, r))
    m_name = ("m̂" if corrected else "m") + f"_{c}"
    adam_term = f"η·{m_name}/({root})"
    term = f"{num(s.lr)}·{_op(m_hat)}/{_op(r)}"
    lam = float(s.hp.get("weight_decay", 0.0))
    if s.name == "adamw" and lam != 0:
        # Decoupled decay: p·(1 − η·λ) is the same as a −η·λ·p term in the step.
        arith = f"−{num(s.lr)}·{num(lam)}·{_op(s.p)} − {term}"
        lines.append(_line(f"{s.step_lhs} = −η·λ·{c} − {adam_term}", arith, s.update))
    else:
        lines.append(_line(f"{s.step_lhs} = −{adam_term}", f"−{term}", s.update))
    return lines


def _adamax(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, b1, b2, eps = s.c, s.h("beta1"), s.h("beta2"), s.h("eps")
    m, u = s.now("m"), s.now("u")
    lines.append(_ewma(f"m_{c}", b1, s.prev("m"), _op(g), m))
    lines.append(
        _line(f"u_{c}", f"max({num(b2)}·{_op(s.prev('u'))}, {num(abs(g))} + {num(eps)})", u)
    )
    c1 = _bias(s.count, b1)
    head = f"{s.step_lhs} = −η/(1−β₁{_sup(s.count)})·m_{c}/u_{c}"
    lines.append(_line(head, f"−{num(s.lr)}/{_op(c1)}·{_op(m)}/{_op(u)}", s.update))
    return lines


def _nadam_mu(count: int, hp: Mapping[str, Any]) -> tuple[float, float]:
    """μₜ and the inner power 0.96^(t·ψ) it is built from, exactly as torch computes them."""
    power = 0.96 ** (count * float(hp["momentum_decay"]))
    return float(hp["beta1"]) * (1.0 - 0.5 * power), power


def _nadam_shared(s: _Step) -> list[str]:
    """μₜ, Πμ and μₜ₊₁: scalars shared by both coordinates."""
    b1 = s.h("beta1")
    mu, power = _nadam_mu(s.count, s.hp)
    mu_next, power_next = _nadam_mu(s.count + 1, s.hp)
    prod = float(s.after["mu_product"])
    k, k1 = _sub(s.count), _sub(s.count + 1)
    return [
        _line(f"μ{k} = β₁·(1 − ½·0.96^({s.count}·ψ))", f"{num(b1)}·(1 − 0.5·{num(power)})", mu),
        _line(f"Πμ = Πμ·μ{k}", f"{num(float(s.before['mu_product']))}·{num(mu)}", prod),
        _line(
            f"μ{k1} = β₁·(1 − ½·0.96^({s.count + 1}·ψ))",
            f"{num(b1)}·(1 − 0.5·{num(power_next)})",
            mu_next,
        ),
    ]


def _nadam(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, b1, b2, eps = s.c, s.h("beta1"), s.h("beta2"), s.h("eps")
    m, v = s.now("m"), s.now("v")
    lines.append(_ewma(f"m_{c}", b1, s.prev("m"), _op(g), m))
    lines.append(_ewma(f"v_{c}", b2, s.prev("v"), _sq(g), v))
    c2 = _bias(s.count, b2)
    r = _sqrt(_div(v, c2)) + eps
    lines.append(
        _line(
            f"r_{c} = √(v_{c}/(1−β₂{_sup(s.count)})) + ε", f"√({num(v)}/{num(c2)}) + {num(eps)}", r
        )
    )
    mu, _ = _nadam_mu(s.count, s.hp)
    mu_next, _ = _nadam_mu(s.count + 1, s.hp)
    prod = float(s.after["mu_product"])
    lr = num(s.lr)
    now_term = f"−{lr}·{num(1.0 - mu)}/{num(1.0 - prod)}·{_op(g)}/{_op(r)}"
    ahead = f"{lr}·{num(mu_next)}/{num(1.0 - prod * mu_next)}·{_op(m)}/{_op(r)}"
    lines.append(_line(s.step_lhs, f"{now_term} − {ahead}", s.update))
    return lines


def _adadelta(s: _Step) -> list[str]:
    lines: list[str] = []
    g = _decayed_grad(s, lines)
    c, rho, eps = s.c, s.h("rho"), s.h("eps")
    S, D_old = s.now("s"), s.prev("delta_acc")
    lines.append(_ewma(f"S_{c}", rho, s.prev("s"), _sq(g), S))
    delta = _div(_sqrt(D_old + eps), _sqrt(S + eps)) * g
    lines.append(
        _line(f"Δ_{c}", f"√({num(D_old)} + {num(eps)})/√({num(S)} + {num(eps)})·{_op(g)}", delta)
    )
    lines.append(_ewma(f"D_{c}", rho, D_old, _sq(delta), s.now("delta_acc")))
    lines.append(_line(f"{s.step_lhs} = −η·Δ_{c}", f"−{num(s.lr)}·{_op(delta)}", s.update))
    return lines


def _signgd(s: _Step) -> list[str]:
    return [_line(f"{s.step_lhs} = −η·sign(g_{s.c})", f"−{num(s.lr)}·sign({num(s.g)})", s.update)]


def _normgd_shared(s: _Step, grad: Any) -> list[str]:
    gx, gy = float(grad[0]), float(grad[1])
    norm = _sqrt(gx * gx + gy * gy)
    return [_line("‖g‖", f"√({_sq(gx)} + {_sq(gy)})", norm)]


def _normgd(s: _Step, norm: float) -> list[str]:
    if norm == 0:
        return [f"{s.step_lhs} = 0"]
    return [
        _line(f"{s.step_lhs} = −η·g_{s.c}/‖g‖", f"−{num(s.lr)}·{_op(s.g)}/{_op(norm)}", s.update)
    ]


def _lion(s: _Step) -> list[str]:
    c, b1, b2 = s.c, s.h("beta1"), s.h("beta2")
    m_old = s.prev("m")
    interp = m_old * b1 + s.g * (1.0 - b1)
    lines = [
        _ewma(f"c_{c}", b1, m_old, _op(s.g), interp),
        _ewma(f"m_{c}", b2, m_old, _op(s.g), s.now("m")),
    ]
    lam = float(s.hp.get("weight_decay", 0.0))
    sign = f"−{num(s.lr)}·sign({num(interp)})"
    if lam != 0:
        arith = f"{sign} − {num(s.lr)}·{num(lam)}·{_op(s.p)}"
        lines.append(_line(f"{s.step_lhs} = −η·sign(c_{c}) − η·λ·{c}", arith, s.update))
    else:
        lines.append(_line(f"{s.step_lhs} = −η·sign(c_{c})", sign, s.update))
    return lines


_PER_COORD: dict[str, Callable[[_Step], list[str]]] = {
    "gd": _gd,
    "momentum": _momentum,
    "heavyball": _heavy_ball,
    "nesterov": _heavy_ball,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adam": _adam,
    "adamw": _adam,
    "adamax": _adamax,
    "nadam": _nadam,
    "adadelta": _adadelta,
    "signgd": _signgd,
    "lion": _lion,
}


def _state_before(traj: Trajectory, t: int) -> dict[str, Any]:
    """The state step t starts from: record t−1's, or the optimizer's initial state."""
    if t > 0:
        return traj[t - 1].state
    setup = traj.setup
    init = setup.optimizer.init(np.array(traj.start, dtype=np.float64), setup.hyperparameters)
    return {name: getattr(init, name) for name in init._fields}


def _notes(traj: Trajectory, t: int, before: Mapping[str, Any], count: int) -> list[str]:
    notes: list[str] = []
    opt = traj.setup.optimizer
    if t == 0:
        shown = [
            f"{f.symbol} = {_initial_text(before[f.name])}"
            for f in traj.fields
            if before.get(f.name) is not None
        ]
        if shown:
            notes.append("first step: the state starts at its initial value, " + ", ".join(shown))
    if opt.name in ("heavyball", "nesterov") and count == 1:
        notes.append("step 1: the buffer starts as the gradient itself (torch's convention)")
    if not traj.schedule.constant:
        notes.append(f"scheduled learning rate at this step: η = {num(traj[t].lr)}")
    status = traj.status
    if status.step == t and status.kind != "running":
        notes.append(status.text())
    return notes


def _initial_text(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0 or bool(np.all(arr == arr.flat[0])):
        return num(float(arr.flat[0]))
    return "(" + ", ".join(num(float(x)) for x in arr.flat) + ")"


def explain_step(traj: Trajectory, t: int) -> Explanation:
    """Step t's arithmetic, per coordinate, ending in the update taken (raises IndexError
    if record t does not exist). Non-finite records produce "nan"/"inf", never an error."""
    if t < 0:
        t += len(traj)
    record = traj[t]
    setup = traj.setup
    name = setup.optimizer.name
    before = _state_before(traj, t)
    count = int(record.state["step"])
    lines: list[str] = []
    with np.errstate(all="ignore"):
        steps = [
            _Step(
                name=name,
                hp=setup.hyperparameters,
                lr=record.lr,
                count=count,
                c=coord,
                i=i,
                p=float(record.params[i]),
                g=float(record.grad[i]),
                update=float(record.update[i]),
                before=before,
                after=record.state,
            )
            for i, coord in enumerate(traj.surface.coords)
        ]
        if name == "nadam":
            lines += _nadam_shared(steps[0])
        if name == "normgd":
            lines += _normgd_shared(steps[0], record.grad)
            norm = _sqrt(float(np.sum(record.grad * record.grad)))
            for s in steps:
                lines += _normgd(s, norm)
        else:
            per_coord = _PER_COORD.get(name)
            for s in steps:
                lines += per_coord(s) if per_coord else [f"{s.step_lhs} = {num(s.update)}"]
    return Explanation(
        t=t,
        rule=list(setup.optimizer.rule),
        lines=lines,
        notes=_notes(traj, t, before, count),
        geometry=_geometry(record.exact_grad, record.update, traj.surface.coords),
    )


def _geometry(grad: Any, update: Any, coords: tuple[str, str]) -> str:
    """‖Δ‖ with its arithmetic, and how far the step turns from −∇f (the exact gradient)."""
    x, y = coords
    dx, dy = float(update[0]), float(update[1])
    length = _line(
        f"‖Δ‖ = √(Δ{x}² + Δ{y}²)", f"√({_sq(dx)} + {_sq(dy)})", float(step_length(update))
    )
    angle = float(angle_to_descent(grad, update))
    if not np.isnan(angle):
        turn = degrees(angle)
    elif np.all(np.isfinite(np.r_[grad, update])):
        turn = "undefined: a zero step or gradient"
    else:
        turn = "nan"
    return f"{length}   ∠(Δ, −∇f) = {turn}"
