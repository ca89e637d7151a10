"""Typed, range-checked settings: optimizer hyperparameters and surface parameters.

One schema type serves both, so the CLI, the explorer's forms and the validation
messages are all generated from the same declaration.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from .errors import OptiscopeError

Value = float | int | bool
Kind = Literal["float", "int", "bool"]


class Param(NamedTuple):
    """One setting: its default, its valid range and what it means."""

    name: str
    default: Value
    help: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    kind: Kind = "float"
    log_scale: bool = False
    symbol: str = ""

    def range_text(self) -> str:
        """The valid range in interval notation, e.g. ``[0, 1)``."""
        if self.kind == "bool":
            return "true or false"
        left = "(" if self.low_open or self.low is None else "["
        right = ")" if self.high_open or self.high is None else "]"
        bound = _bound_int if self.kind == "int" else _short
        low = "-inf" if self.low is None else bound(self.low)
        high = "inf" if self.high is None else bound(self.high)
        return f"{left}{low}, {high}{right}"

    def validate(self, value: object, owner: str = "") -> Value:
        """Return ``value`` converted to this setting's kind, or raise OptiscopeError.

        The one check every number a user gives goes through (CLI options, optimizer and
        surface specs, spec strings, session files, the explorer's forms): plain ASCII
        digits, finite (``inf``, ``nan`` and ``1e400`` are refused, also where the range
        is written with an open end such as ``[0, inf)``), a whole number for an int
        setting, inside the range.
        """
        label = f"{owner}: {self.name}" if owner else self.name
        if self.kind == "bool":
            return _as_bool(value, label)
        number = parse_number(value, label)
        if self.kind == "int":
            if isinstance(number, float):
                if number != int(number):
                    raise OptiscopeError(f"{label} must be a whole number; got {shown(value)}")
                number = int(number)
        elif isinstance(number, int):
            try:
                number = float(number)
            except OverflowError:
                raise OptiscopeError(
                    f"{label} is too large (not a finite number); got {shown(value)}"
                ) from None
        if not self._in_range(number):
            raise OptiscopeError(
                f"{label} must be in {self.range_text()}; got {_number_text(number)}"
            )
        return number

    def _in_range(self, x: float | int) -> bool:
        if self.low is not None and (x < self.low or (self.low_open and x == self.low)):
            return False
        return not (
            self.high is not None and (x > self.high or (self.high_open and x == self.high))
        )


def resolve(
    schema: Iterable[Param], overrides: Mapping[str, object], owner: str
) -> dict[str, Value]:
    """Defaults overlaid with validated overrides; unknown names are an error."""
    params = {p.name: p for p in schema}
    unknown = sorted(set(overrides) - set(params))
    if unknown:
        known = ", ".join(params) or "none"
        raise OptiscopeError(f"{owner} has no setting {unknown[0]!r} (settings: {known})")
    resolved: dict[str, Value] = {}
    for name, param in params.items():
        raw = overrides.get(name, param.default)
        resolved[name] = param.validate(raw, owner)
    return resolved


#: A number as a person types it in ASCII: ``3``, ``-0.5``, ``.5``, ``1e-3``, ``2E+4``.
#: Python's ``float()`` also takes ``１`` (fullwidth), ``1_000``, ``inf`` and ``nan``; a
#: setting never does.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}
#: Digits in a whole number: more than this is out of every range and too large to show.
_MAX_DIGITS = 40


def parse_number(value: object, label: str) -> float | int:
    """A finite int or float from a number or from text in plain ASCII digits.

    Text without a point or exponent stays an ``int`` (so a seed such as
    9007199254740993 is exact); anything non-finite, or too large to be a double, is
    refused with a message naming ``label``.
    """
    if isinstance(value, bool):
        raise OptiscopeError(f"{label} must be a number; got {shown(value)}")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            raise OptiscopeError(f"{label} must be finite; got {shown(value)}")
        return value
    if not isinstance(value, str):
        raise OptiscopeError(f"{label} must be a number; got {shown(value)}")
    text = value.strip(" \t")
    if text.lower() in _NON_FINITE:
        raise OptiscopeError(f"{label} must be finite; got {shown(value)}")
    if not _NUMBER.fullmatch(text):
        raise OptiscopeError(
            f"{label} must be a number; got {shown(value)} (plain digits: 0.1, 5, 1e-3)"
        )
    if _WHOLE.fullmatch(text):
        if len(text.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            raise OptiscopeError(f"{label} is too large; got {shown(value)}")
        return int(text)
    number = float(text)
    if not math.isfinite(number):
        raise OptiscopeError(f"{label} is too large (not a finite number); got {shown(value)}")
    return number


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut short: a message about a 1 MB string must not be 1 MB long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _as_bool(value: object, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise OptiscopeError(f"{label} must be true or false; got {value!r}")


def _short(x: float) -> str:
    return f"{x:g}"


def _bound_int(x: float) -> str:
    return str(int(x))


def _number_text(x: float | int) -> str:
    """A value in a message: ``1.5``, ``1e+30``; a huge int by its size, not 400 digits."""
    if isinstance(x, int):
        if abs(x) < 10**16:
            return str(x)
        return f"{x:.3e}" if abs(x) < 10**300 else "a number with over 300 digits"
    return _short(x)
