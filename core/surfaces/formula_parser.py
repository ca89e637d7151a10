"""Formula text -> sympy expression, by a whitelist parser that runs nothing it reads.

A user's ``f(x, y)`` is untrusted text. It is read character by character into tokens
(numbers, the names in ``NAMES``, ``+ - * / ** ^ ( )``) and a recursive-descent parser
builds the sympy tree with sympy's constructors (``sympy.Add``, ``sympy.Pow``,
``sympy.sin``, ...). No text ever reaches Python's or sympy's own parsers, so there is no
path from the input to Python objects: an unknown name is an error, not a lookup.

sympy evaluates numbers eagerly (``9**9**9`` would be computed exactly, for ever), so sizes
are checked *before* a node is built: the input's length, the nesting depth, every
literal's magnitude, constant exponents, and the size of any constant power.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import sympy  # type: ignore[import-untyped]  # sympy ships no type information
from sympy.core.parameters import distribute  # type: ignore[import-untyped]

from ..errors import OptiscopeError
from .formula_names import ALLOWED_TEXT, NAMES

MAX_LENGTH = 400
#: Parentheses, function calls, unary signs and powers nested deeper than this are refused:
#: sympy and the evaluator both recurse over the tree.
MAX_DEPTH = 40
#: Largest |exponent| written as a constant (x**100 already overflows floats for |x| > 1e3).
MAX_EXPONENT = 100
#: Largest constant: |c| ≤ 1e300 keeps every constant a finite float.
MAX_LOG10 = 300
#: Numerators and denominators of exact constants stay below 10**600, so exact rational
#: arithmetic on them stays instant.
MAX_DIGITS = 600

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)

Builder = Callable[[sympy.Expr], sympy.Expr]


def _log10(arg: sympy.Expr) -> sympy.Expr:
    return sympy.Mul(sympy.log(arg), sympy.Pow(sympy.log(sympy.Integer(10)), -1))


#: The whole vocabulary. Symbols are declared real so that d|u|/du is sign(u).
CONSTANTS: dict[str, sympy.Expr] = {"x": X, "y": Y, "pi": sympy.pi, "e": sympy.E}
FUNCTIONS: dict[str, Builder] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "log10": _log10,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "atan": sympy.atan,
    "arctan": sympy.atan,
}
if (*CONSTANTS, *FUNCTIONS) != NAMES:  # one vocabulary: what the dialog lists is what parses
    raise ImportError("formula_names.NAMES and the parser's vocabulary differ")

_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SINGLE = {"+", "-", "*", "/", "(", ")"}
#: Characters that are not part of the language: (what it is, why it is refused / what to type).
_HINTS = {
    "'": ("a quote", "a formula has no strings"),
    '"': ("a quote", "a formula has no strings"),
    ",": ("','", "functions take one argument and there are no tuples"),
    ".": ("'.'", "only a number may contain '.' (there is no attribute access)"),
    "=": ("'='", "type only the right-hand side of f(x, y) = ..."),
    ";": ("';'", "a formula is one expression"),
    ":": ("':'", "a formula is one expression"),
    "[": ("a bracket", "group with ( )"),
    "]": ("a bracket", "group with ( )"),
    "{": ("a brace", "group with ( )"),
    "}": ("a brace", "group with ( )"),
    "\x00": ("a null byte", "formulas are plain text"),
    "−": ("'−' (U+2212)", "use '-'"),
    "×": ("'×'", "use '*'"),
    "·": ("'·'", "use '*'"),
    "²": ("'²'", "use **2"),
}


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int  # 1-based character position in the input
    value: sympy.Expr | None = None


@dataclass(frozen=True)
class ParsedFormula:
    """The sympy expression and the input normalised (spacing, ``^`` -> ``**``)."""

    expr: sympy.Expr
    text: str


def parse_formula(text: str) -> ParsedFormula:
    """Read ``f(x, y)`` written with the whitelisted vocabulary; OptiscopeError otherwise."""
    if len(text) > MAX_LENGTH:
        raise OptiscopeError(f"formula is too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip():
        raise OptiscopeError("empty formula: type f(x, y), e.g. x**2 + 10*sin(y)")
    parser = _Parser(tokenize(text))
    # sympy rewrites 2·(a + b) as 2a + 2b by default; kept as written, the tree evaluates
    # with the same roundings as hand-written NumPy code for the same formula.
    with distribute(False):
        expr, normal = parser.parse()
    return ParsedFormula(expr, normal)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        pos = i + 1
        if ch in " \t":
            i += 1
            continue
        if ch.isascii() and (ch.isdigit() or (ch == "." and text[i + 1 : i + 2].isdigit())):
            match = _NUMBER.match(text, i)
            assert match is not None
            tokens.append(Token("num", match.group(0), pos, _number(match, pos)))
            i = match.end()
            if text[i : i + 1] == ".":
                raise OptiscopeError(f"unexpected '.' at position {i + 1}: a number has one '.'")
            continue
        if ch.isascii() and (ch.isalpha() or ch == "_"):
            name_match = _NAME.match(text, i)
            assert name_match is not None
            name = name_match.group(0)
            if name not in NAMES:
                raise OptiscopeError(
                    f"unknown name {name!r} at position {pos} (allowed: {ALLOWED_TEXT})"
                )
            tokens.append(Token("name", name, pos))
            i = name_match.end()
            continue
        if ch == "*" and text[i + 1 : i + 2] == "*":
            tokens.append(Token("op", "**", pos))
            i += 2
            continue
        if ch == "^":
            tokens.append(Token("op", "**", pos))
            i += 1
            continue
        if ch in _SINGLE:
            tokens.append(Token("op", ch, pos))
            i += 1
            continue
        raise OptiscopeError(_character_problem(ch, pos))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def _character_problem(ch: str, pos: int) -> str:
    if ch in _HINTS:
        what, why = _HINTS[ch]
        return f"{what} at position {pos} is not allowed: {why}"
    if not ch.isascii() or not ch.isprintable():
        return (
            f"character {ch!r} (U+{ord(ch):04X}) at position {pos} is not allowed: formulas "
            "use plain ASCII letters, digits and + - * / ^ ( )"
        )
    return f"unexpected character {ch!r} at position {pos}"


def _number(match: re.Match[str], pos: int) -> sympy.Expr:
    """An exact rational from the literal's digits; never from float(), never via sympy text."""
    digits, exponent_text = match.group(1), match.group(2)
    exponent = int(exponent_text) if exponent_text else 0
    whole, _, frac = digits.partition(".")
    mantissa = int(whole + frac) if (whole + frac) else 0
    if mantissa == 0:
        return sympy.Integer(0)
    # The number is mantissa·10^scale; its decimal size is known before any big power exists.
    scale = exponent - len(frac)
    magnitude = len(str(mantissa)) - 1 + scale
    if magnitude > MAX_LOG10 or magnitude < -MAX_LOG10:
        raise OptiscopeError(
            f"number {match.group(0)} at position {pos} is too "
            f"{'large' if magnitude > 0 else 'small'} (at most 1e{MAX_LOG10} in size, "
            f"at least 1e-{MAX_LOG10} unless 0)"
        )
    value = Fraction(mantissa) * Fraction(10) ** scale
    return sympy.Rational(value.numerator, value.denominator)


class _Parser:
    """expr := term (('+'|'-') term)* ; term := unary (('*'|'/') unary)* ;
    unary := ('+'|'-') unary | power ; power := atom (('**'|'^') unary)? ;
    atom := number | x | y | pi | e | function '(' expr ')' | '(' expr ')'.

    As in Python, ``-x**2`` is ``-(x**2)`` and ``2**3**2`` is ``2**(3**2)``. Each method
    returns the sympy node and its normalised text.
    """

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def parse(self) -> tuple[sympy.Expr, str]:
        node, text = self.expr()
        if self.tok.kind != "end":
            raise self.unexpected()
        return node, text

    def unexpected(self) -> OptiscopeError:
        tok = self.tok
        if tok.kind == "end":
            return OptiscopeError("the formula ends too early: an operand or ')' is missing")
        if tok.text == ")":
            return OptiscopeError(f"unbalanced ')' at position {tok.pos}")
        prev = self.tokens[self.i - 1] if self.i else None
        after_operand = prev is not None and (prev.kind in ("num", "name") or prev.text == ")")
        if after_operand and (tok.kind in ("num", "name") or tok.text == "("):
            return OptiscopeError(
                f"missing operator before {tok.text!r} at position {tok.pos} (write 2*x, not 2x)"
            )
        return OptiscopeError(f"unexpected {tok.text!r} at position {tok.pos}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise OptiscopeError(
                f"the formula is nested too deeply at position {self.tok.pos} "
                f"(at most {MAX_DEPTH} levels of parentheses, signs and powers)"
            )

    def expr(self) -> tuple[sympy.Expr, str]:
        node, text = self.term()
        while self.tok.text in ("+", "-"):
            op = self.tok
            self.i += 1
            right, rtext = self.term()
            if op.text == "-":
                right = sympy.Mul(sympy.Integer(-1), right)
            node = _checked(sympy.Add(node, right), op.pos)
            text = f"{text} {op.text} {rtext}"
        return node, text

    def term(self) -> tuple[sympy.Expr, str]:
        node, text = self.unary()
        while self.tok.text in ("*", "/"):
            op = self.tok
            self.i += 1
            right, rtext = self.unary()
            if op.text == "/":
                if right == 0:
                    raise OptiscopeError(f"division by zero at position {op.pos}")
                right = _checked(sympy.Pow(right, sympy.Integer(-1)), op.pos)
            node = _checked(sympy.Mul(node, right), op.pos)
            text = f"{text}{op.text}{rtext}"
        return node, text

    def unary(self) -> tuple[sympy.Expr, str]:
        if self.tok.text in ("+", "-"):
            op = self.tok
            self.i += 1
            self.enter()
            node, text = self.unary()
            self.depth -= 1
            if op.text == "-":
                node = sympy.Mul(sympy.Integer(-1), node)
            return node, f"{op.text}{text}"
        return self.power()

    def power(self) -> tuple[sympy.Expr, str]:
        base, text = self.atom()
        if self.tok.text != "**":
            return base, text
        op = self.tok
        self.i += 1
        self.enter()
        exponent, etext = self.unary()
        self.depth -= 1
        _check_power(base, exponent, op.pos)
        return _checked(sympy.Pow(base, exponent), op.pos), f"{text}**{etext}"

    def atom(self) -> tuple[sympy.Expr, str]:
        tok = self.tok
        if tok.kind == "num":
            self.i += 1
            assert tok.value is not None
            return tok.value, tok.text
        if tok.kind == "name":
            self.i += 1
            if tok.text in CONSTANTS:
                return CONSTANTS[tok.text], tok.text
            if self.tok.text != "(":
                raise OptiscopeError(
                    f"function {tok.text!r} at position {tok.pos} needs its argument in "
                    f"parentheses: {tok.text}(...)"
                )
            inner, itext = self.group()
            return _checked(FUNCTIONS[tok.text](inner), tok.pos), f"{tok.text}({itext})"
        if tok.text == "(":
            inner, itext = self.group()
            return inner, f"({itext})"
        raise self.unexpected()

    def group(self) -> tuple[sympy.Expr, str]:
        """``( expr )``, at the current '(' token."""
        opening = self.tok
        self.i += 1
        self.enter()
        if self.tok.text == ")":
            raise OptiscopeError(f"empty parentheses at position {opening.pos}")
        inner, text = self.expr()
        if self.tok.text != ")":
            if self.tok.kind == "end":
                raise OptiscopeError(f"unbalanced '(' at position {opening.pos}: ')' is missing")
            raise self.unexpected()
        self.i += 1
        self.depth -= 1
        return inner, text


def _check_power(base: sympy.Expr, exponent: sympy.Expr, pos: int) -> None:
    """Refuse powers sympy would spend unbounded time or memory computing exactly."""
    if not isinstance(exponent, sympy.Number):
        return
    e = float(exponent)
    if abs(e) > MAX_EXPONENT:
        raise OptiscopeError(
            f"exponent {_short(exponent)} at position {pos} is too large "
            f"(constant exponents are at most {MAX_EXPONENT} in size)"
        )
    if isinstance(base, sympy.Rational) and base != 0:
        p, q = abs(int(base.p)), int(base.q)
        size = e * (math.log10(p) - math.log10(q))
        if abs(size) > MAX_LOG10:
            raise OptiscopeError(
                f"the constant power at position {pos} is out of range (about 1e{size:.0f}; "
                f"constants lie between 1e-{MAX_LOG10} and 1e{MAX_LOG10} in size)"
            )
        if abs(e) * max(math.log10(p), math.log10(q)) > MAX_DIGITS:
            raise OptiscopeError(
                f"the constant power at position {pos} has too many digits to compute exactly "
                f"(more than {MAX_DIGITS}): write its value as a decimal"
            )


def _checked(node: sympy.Expr, pos: int) -> sympy.Expr:
    """Refuse a node that is not a finite real, or a constant too large for a float."""
    if node.has(sympy.zoo, sympy.oo, sympy.nan):
        raise OptiscopeError(
            f"the formula is undefined at position {pos} (division by zero or log(0))"
        )
    if node.has(sympy.I):
        raise OptiscopeError(
            f"the constant at position {pos} is not a real number "
            "(e.g. sqrt or log of a negative constant)"
        )
    if isinstance(node, sympy.Rational) and node != 0:
        p, q = abs(int(node.p)), int(node.q)
        if math.log10(p) - math.log10(q) > MAX_LOG10:
            raise OptiscopeError(
                f"the constant at position {pos} is too large (at most 1e{MAX_LOG10})"
            )
        if max(math.log10(p), math.log10(q)) > MAX_DIGITS:
            raise OptiscopeError(
                f"the constant at position {pos} has too many digits to compute exactly "
                f"(more than {MAX_DIGITS})"
            )
    return node


def _short(value: sympy.Expr) -> str:
    text = str(value)
    return text if len(text) <= 20 else text[:17] + "..."


def gradient(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """(∂f/∂x, ∂f/∂y), exact, left undistributed like the parsed tree."""
    with distribute(False):
        return sympy.diff(expr, X), sympy.diff(expr, Y)


def hessian(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """(∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²), exact. The derivative of sign(u) (from |u|) is a Dirac
    delta at u = 0: a kink has no finite curvature, and off it the delta is 0, which is
    what it is replaced by (as a built-in surface's Hessian is taken either side of a kink)."""
    gx, gy = gradient(expr)
    with distribute(False):
        parts = (sympy.diff(gx, X), sympy.diff(gx, Y), sympy.diff(gy, Y))
    return tuple(p.replace(sympy.DiracDelta, lambda *args: sympy.Integer(0)) for p in parts)
