"""The formula vocabulary by name, without sympy: the formula dialog lists it as it opens
(importing sympy takes ~0.4 s, which the dialog must not wait for)."""

from __future__ import annotations

CONSTANT_NAMES = ("x", "y", "pi", "e")
FUNCTION_NAMES = (
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "ln",
    "log10",
    "sqrt",
    "abs",
    "sinh",
    "cosh",
    "tanh",
    "atan",
    "arctan",
)
NAMES = (*CONSTANT_NAMES, *FUNCTION_NAMES)
ALLOWED_TEXT = ", ".join(NAMES)
