"""A sympy expression -> a NumPy function, built as nested closures, with no generated code.

The usual route (printing the expression as Python source and executing it) would run text
derived from user input. Here the tree is walked once and every node becomes a closure over
a NumPy ufunc (``np.add``, ``np.multiply``, ``np.sin``, ...) and its children's closures,
so what can run is fixed by the table below, whatever the formula says.

Several outputs (f, or ∂f/∂x and ∂f/∂y together) share one *program*: sympy's common
subexpression elimination names repeated subtrees, each is computed once per call into a
slot, and the outputs read the slots. Subtrees without x or y are folded to one float when
built, and refused if that float is not finite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy  # type: ignore[import-untyped]  # sympy ships no type information
from sympy.core.parameters import distribute  # type: ignore[import-untyped]

from ..errors import OptiscopeError

#: A compiled node: reads the slots (x, y, then shared subexpressions), returns an array.
Kernel = Callable[[list[Any]], Any]

_UNARY: dict[Any, Callable[[Any], Any]] = {
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.atan: np.arctan,
    sympy.Abs: np.abs,
    # d|u|/du for real u; NumPy's sign(0) is 0, so the gradient of |x| at 0 is finite.
    sympy.sign: np.sign,
}


@dataclass(frozen=True)
class Program:
    """Straight-line evaluation of several expressions in x and y."""

    steps: tuple[Kernel, ...]
    outputs: tuple[Kernel, ...]

    def run(self, x: Any, y: Any) -> list[Any]:
        """The outputs at (x, y); call inside ``np.errstate`` to keep warnings contained."""
        env: list[Any] = [x, y]
        for step in self.steps:
            env.append(step(env))
        return [out(env) for out in self.outputs]


def build_program(exprs: Sequence[sympy.Expr], x: sympy.Symbol, y: sympy.Symbol) -> Program:
    """One program computing every expression in ``exprs`` from the slots x and y."""
    with distribute(False):
        replacements, reduced = sympy.cse(list(exprs))
    slots: dict[sympy.Basic, int] = {x: 0, y: 1}
    steps = []
    for symbol, sub in replacements:
        steps.append(_kernel(sub, slots)[0])
        slots[symbol] = len(slots)
    outputs = tuple(_kernel(e, slots)[0] for e in reduced)
    return Program(tuple(steps), outputs)


def _kernel(expr: sympy.Basic, slots: dict[sympy.Basic, int]) -> tuple[Kernel, bool]:
    """The closure for ``expr`` and whether it is constant (then it is already folded)."""
    if expr in slots:
        return _slot(slots[expr]), False
    if isinstance(expr, sympy.Number | sympy.NumberSymbol):
        return _constant(np.float64(float(expr))), True
    if isinstance(expr, sympy.Add):
        parts = [_kernel(a, slots) for a in expr.args]
        return _fold(_chain(np.add, [k for k, _ in parts]), parts, expr)
    if isinstance(expr, sympy.Mul):
        return _product(expr, slots)
    if isinstance(expr, sympy.Pow):
        return _power(expr, slots)
    func = _UNARY.get(expr.func)
    if func is not None and len(expr.args) == 1:
        inner = _kernel(expr.args[0], slots)
        return _fold(_apply(func, inner[0]), [inner], expr)
    if isinstance(expr, sympy.Symbol):
        raise OptiscopeError(f"the formula uses an unknown variable {expr.name!r}")
    raise OptiscopeError(
        f"cannot evaluate {type(expr).__name__} numerically (it came from differentiating "
        "the formula): rewrite the formula without it"
    )


def _product(expr: sympy.Mul, slots: dict[sympy.Basic, int]) -> tuple[Kernel, bool]:
    """Factors with negative exponents (and a rational's denominator) divide.

    x/3 evaluated as x·(1/3) would round twice; as x/3 it rounds once, like hand-written code.
    """
    num: list[sympy.Basic] = []
    den: list[sympy.Basic] = []
    negate = False
    for a in expr.as_ordered_factors():
        if isinstance(a, sympy.Pow) and isinstance(a.exp, sympy.Number) and a.exp < 0:
            den.append(sympy.Pow(a.base, -a.exp))
        elif isinstance(a, sympy.Rational) and a != 1:
            p, q = int(a.p), int(a.q)
            if p == -1:
                negate = True
            elif p != 1:
                num.append(sympy.Integer(p))
            if q != 1:
                den.append(sympy.Integer(q))
        else:
            num.append(a)
    num_parts = [_kernel(a, slots) for a in num]
    den_parts = [_kernel(a, slots) for a in den]
    top = _chain(np.multiply, [k for k, _ in num_parts]) if num_parts else _constant(1.0)
    kernel = top
    if den_parts:
        kernel = _binary(np.divide, top, _chain(np.multiply, [k for k, _ in den_parts]))
    if negate:
        kernel = _apply(np.negative, kernel)
    return _fold(kernel, num_parts + den_parts, expr)


def _power(expr: sympy.Pow, slots: dict[sympy.Basic, int]) -> tuple[Kernel, bool]:
    base = _kernel(expr.base, slots)
    if isinstance(expr.exp, sympy.Number):
        e = float(expr.exp)
        special = {0.5: np.sqrt, 2.0: np.square, -1.0: np.reciprocal}
        if e in special:
            kernel = _apply(special[e], base[0])
        elif e == -0.5:
            kernel = _binary(np.divide, _constant(1.0), _apply(np.sqrt, base[0]))
        else:
            kernel = _binary(np.power, base[0], _constant(np.float64(e)))
        return _fold(kernel, [base], expr)
    exponent = _kernel(expr.exp, slots)
    return _fold(_binary(np.power, base[0], exponent[0]), [base, exponent], expr)


def _fold(
    kernel: Kernel, parts: list[tuple[Kernel, bool]], expr: sympy.Basic
) -> tuple[Kernel, bool]:
    """A node whose children are all constant becomes one constant, checked finite."""
    if not all(constant for _, constant in parts):
        return kernel, False
    with np.errstate(all="ignore"):
        value = np.float64(kernel([]))
    if not np.isfinite(value):
        text = str(expr)
        text = text if len(text) <= 40 else text[:37] + "..."
        raise OptiscopeError(f"the constant {text} in the formula is not a finite number")
    return _constant(value), True


# -- closure makers: each binds its arguments, so no closure sees a loop variable ----------
def _slot(i: int) -> Kernel:
    def read(env: list[Any]) -> Any:
        return env[i]

    return read


def _constant(value: float | np.float64) -> Kernel:
    c = np.float64(value)

    def const(env: list[Any]) -> Any:
        return c

    return const


def _apply(func: Callable[[Any], Any], a: Kernel) -> Kernel:
    def unary(env: list[Any]) -> Any:
        return func(a(env))

    return unary


def _binary(func: Callable[[Any, Any], Any], a: Kernel, b: Kernel) -> Kernel:
    def binary(env: list[Any]) -> Any:
        return func(a(env), b(env))

    return binary


def _chain(func: Callable[[Any, Any], Any], kernels: list[Kernel]) -> Kernel:
    """Left fold, in sympy's argument order: ((a ∘ b) ∘ c) ∘ ..."""
    kernel = kernels[0]
    for nxt in kernels[1:]:
        kernel = _binary(func, kernel, nxt)
    return kernel
