"""The optimizer contract, after optax: two pure functions over an immutable state.

``init(params, hp) -> state`` and ``update(grad, state, params, hp) -> (update, state)``.
States are NamedTuples built fresh every step, so a recorded history of states stays valid
and stepping backward is only moving a cursor. Every function works elementwise over
arrays of shape ``(..., D)``: one path (``D = 2``) or 100,000 starts at once (``(N, 2)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from ..explain_text import ExplainFn, SubStep
from ..params import Param, Value, resolve
from ..step_parts import PartsFn

Array = npt.NDArray[np.float64]
Hyper = Mapping[str, Value]
#: A numeric hyperparameter as ``init`` and ``update`` read it: one number for the whole batch,
#: or an ``(N, 1)`` array, one value per row of an ``(N, D)`` batch (see ``value``).
Number = float | Array
BatchHyper = Mapping[str, Value | Array]
# A NamedTuple: an int ``step`` (updates taken, torch's name) and named arrays (None if unused).
State = Any
InitFn = Callable[[Array, BatchHyper], State]
UpdateFn = Callable[[Array, State, Array, BatchHyper], tuple[Array, State]]
ExtrasFn = Callable[[Mapping[str, Array], Hyper], dict[str, Array]]
RuleFn = Callable[[Hyper], tuple[str, ...]]
MeaningFn = Callable[[Hyper], str]


def _always(hp: Hyper) -> bool:
    return True


class StateField(NamedTuple):
    """A named piece of optimizer state, as every view labels it.

    ``name`` is the state's attribute in code (``v``, ``s``); ``key`` names it for CSV and
    JSON by what it is (``velocity``, ``second_moment``), one meaning per key across all
    optimizers; ``symbol`` heads its table column and names it in the explain lines.
    """

    name: str
    key: str
    symbol: str
    label: str
    #: Derived fields only: whether these hyperparameters give it (m̂ needs bias correction).
    present: Callable[[Hyper], bool] = _always


class Optimizer(NamedTuple):
    """A named optimizer: its schema, its state, its update rule as text, as code and as
    arithmetic with one step's numbers, all in one place.

    ``family`` picks a surface's suggested learning rate: "gd", "heavyball", "adaptive",
    "sign" or "adadelta". ``extras`` derives display-only quantities (Adam's bias-corrected
    m̂, v̂) from recorded state columns, vectorised over time; ``extra_fields`` describes
    them. ``rule`` states every variant; ``rule_for`` the one given hyperparameters run.
    ``explain`` writes a step's arithmetic; ``extra_columns`` names record columns beyond
    the common ones (see ``core.columns``), such as the Adam family's |Δ|/η. ``parts``
    takes a step apart into the vectors it sums (see ``core.step_parts``). ``sub_steps``
    groups the explain lines into the parts a played step shows (between the gradient and
    the step taken, see ``core.step_frames``); ``eff_lr_means`` says what ηeff = |Δ|/|g| is
    under this rule, for the sparklines.
    """

    name: str
    title: str
    summary: str
    family: str
    schema: tuple[Param, ...]
    state_fields: tuple[StateField, ...]
    rule: tuple[str, ...]
    init: InitFn
    update: UpdateFn
    explain: ExplainFn
    convention: str = ""
    aliases: tuple[str, ...] = ()
    extras: ExtrasFn | None = None
    extra_fields: tuple[StateField, ...] = ()
    rule_for: RuleFn | None = None
    extra_columns: tuple[str, ...] = ()
    parts: PartsFn | None = None
    sub_steps: tuple[SubStep, ...] = ()
    eff_lr_means: MeaningFn | None = None

    def resolve(self, overrides: Mapping[str, object] | None = None) -> dict[str, Value]:
        """The full hyperparameter set: defaults overlaid with validated overrides."""
        return resolve(self.schema, overrides or {}, self.name)

    def rule_in_force(self, hp: Hyper) -> tuple[str, ...]:
        """The update rule these hyperparameters run: no variant that is switched off."""
        return self.rule if self.rule_for is None else self.rule_for(hp)

    def derived_fields(self, hp: Hyper) -> tuple[StateField, ...]:
        """The derived fields ``extras`` gives under these hyperparameters, in display order."""
        if self.extras is None:
            return ()
        return tuple(f for f in self.extra_fields if f.present(hp))

    def param(self, name: str) -> Param:
        for p in self.schema:
            if p.name == name:
                return p
        raise KeyError(name)


class CountOnly(NamedTuple):
    """State of optimizers that remember nothing but the step count."""

    step: int


def value(hp: BatchHyper, name: str, default: float | None = None) -> Number:
    """A numeric hyperparameter as an update uses it: a float, or the ``(N, 1)`` array that
    gives each row of the batch its own value (many learning rates, or many β, in one run).

    Row i of a batch then computes exactly what a run with the float ``hp[name][i]`` computes:
    the updates combine hyperparameters only with elementwise arithmetic (IEEE-exact the same
    for an array as for one number), ``where`` for the choices a float would make with ``if``,
    and ``power``/``square_root`` below where NumPy's vectorised functions may round differently.
    Switches that decide which state exists (AMSGrad, centered, RMSprop's momentum on or off)
    stay one value per batch.
    """
    given = hp[name] if default is None else hp.get(name, default)
    # ``type() is``: this runs several times per step of every recorded run.
    return given if type(given) is np.ndarray else float(given)


def power(base: Number, exponent: Number) -> Number:
    """``base ** exponent`` as Python computes it for floats, also where either is an array.

    NumPy's vectorised pow may differ from the C library's in the last bit, which would make
    a batched row differ from its one-number run; so each distinct pair (by bit pattern) is
    raised by Python, and a batch has only as many as it has distinct hyperparameters.
    """
    if type(base) is not np.ndarray and type(exponent) is not np.ndarray:
        # float ** int is float ** float(int) in Python: the same C pow.
        return cast(float, base**exponent)
    bases, exponents = np.broadcast_arrays(
        np.asarray(base, dtype=np.float64), np.asarray(exponent, dtype=np.float64)
    )
    # Distinct by bit pattern (so -0.0 and 0.0 stay apart), one key per (base, exponent).
    keys: npt.NDArray[Any]
    if not isinstance(exponent, np.ndarray):
        keys = bases.ravel().view(np.int64)
    elif not isinstance(base, np.ndarray):
        keys = exponents.ravel().view(np.int64)
    else:
        pairs = np.ascontiguousarray(np.stack([bases.ravel(), exponents.ravel()], axis=1))
        keys = pairs.view(np.dtype((np.void, 16))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    distinct = zip(bases.ravel()[first].tolist(), exponents.ravel()[first].tolist(), strict=True)
    raised = np.array([b**e for b, e in distinct], dtype=np.float64)
    out: Array = raised[inverse.ravel()].reshape(bases.shape)
    return out


def square_root(x: Number) -> Number:
    """√x of a float or of an array (both correctly rounded, so the same to the last bit)."""
    return np.sqrt(x) if type(x) is np.ndarray else math.sqrt(x)


def with_weight_decay(grad: Array, params: Array, weight_decay: Number) -> Array:
    """L2 weight decay folded into the gradient, as torch.optim does (g + λ·p)."""
    if isinstance(weight_decay, np.ndarray):
        decayed: Array = np.where(weight_decay == 0, grad, grad + weight_decay * params)
        return decayed
    if weight_decay == 0:
        return grad
    return grad + weight_decay * params


def lerp(start: Array, end: Array, weight: Number) -> Array:
    """torch.lerp's formula, so EWMA buffers match torch to the last bit where it can."""
    if isinstance(weight, np.ndarray):
        near_start = start + weight * (end - start)
        out: Array = np.where(weight < 0.5, near_start, end - (end - start) * (1.0 - weight))
        return out
    if weight < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1.0 - weight)


# -- shared schema entries ------------------------------------------------------------------
def lr_param(default: float) -> Param:
    return Param(
        "lr", default, "learning rate: the step scale", low=0.0, log_scale=True, symbol="η"
    )


WEIGHT_DECAY = Param(
    "weight_decay", 0.0, "L2 penalty added to the gradient (λ·p)", low=0.0, symbol="λ"
)


def beta_param(name: str, default: float, help: str, symbol: str = "β") -> Param:
    return Param(name, default, help, low=0.0, high=1.0, high_open=True, symbol=symbol)


def eps_param(default: float) -> Param:
    return Param(
        "eps",
        default,
        "added to the denominator so it is never zero",
        low=0.0,
        log_scale=True,
        symbol="ε",
    )


def meaning(plain: str, decayed: str | None = None) -> MeaningFn:
    """What ηeff = |Δ|/|g| equals under a rule; ``decayed`` where an L2 decay λ folded
    into g changes it (the step then reads g + λ·p, the sparkline divides by g)."""

    def means(hp: Hyper) -> str:
        decays = decayed is not None and float(hp.get("weight_decay", 0.0)) != 0
        return decayed if decays and decayed is not None else plain

    return means


def l2_rule(hp: Hyper) -> tuple[str, ...]:
    """The rule's weight-decay line, only when λ is nonzero."""
    return ("g ← ∇f(p) + λ·p",) if float(hp.get("weight_decay", 0.0)) != 0 else ()
