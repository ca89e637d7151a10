"""A tiny parser for the explain lines' own arithmetic (no eval), shared by the explain tests.

``evaluate("0.9·3.240e-02 + 0.1·(−1.80)²")`` reads the notation the lines print: ·, /, +,
−, ², √, sign(·), max(·, ·) and fmt's numbers. Import as ``from arithmetic_parser import
evaluate`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import math
import re

import numpy as np

_TOKEN = re.compile(r"\s*(\d+(?:\.\d+)?(?:e[+-]\d+)?|nan|inf|sign|max|[()·/+−\-√²,])")


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"cannot read {text[pos:]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


class _Parser:
    """expr := term (± term)*; term := unary ((·|/) unary)*; unary := −unary | atom ²?;
    atom := number | (expr) | √atom | sign(expr) | max(expr, expr)."""

    def __init__(self, text: str) -> None:
        self.toks = _tokens(text)
        self.i = 0

    def parse(self) -> float:
        value = self.expr()
        if self.i != len(self.toks):
            raise ValueError(f"trailing {self.toks[self.i :]}")
        return value

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.toks[self.i]
        if expected is not None and tok != expected:
            raise ValueError(f"expected {expected!r}, got {tok!r}")
        self.i += 1
        return tok

    def expr(self) -> float:
        value = self.term()
        while self.peek() in ("+", "−", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.unary()
        while self.peek() in ("·", "/"):
            value = value * self.unary() if self.take() == "·" else value / self.unary()
        return value

    def unary(self) -> float:
        if self.peek() in ("−", "-"):
            self.take()
            return -self.unary()
        value = self.atom()
        if self.peek() == "²":
            self.take()
            value = value * value
        return value

    def atom(self) -> float:
        tok = self.take()
        if tok == "(":
            value = self.expr()
            self.take(")")
            return value
        if tok == "√":
            return math.sqrt(self.atom())
        if tok == "sign":
            self.take("(")
            value = self.expr()
            self.take(")")
            return float(np.sign(value))
        if tok == "max":
            self.take("(")
            a = self.expr()
            self.take(",")
            b = self.expr()
            self.take(")")
            return max(a, b)
        return float(tok)


def evaluate(text: str) -> float:
    return _Parser(text).parse()
