"""Typed, range-checked settings: optimizer hyperparameters and surface parameters.

One schema type serves both, so the CLI, the explorer's forms and the validation
messages are all generated from the same declaration.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .errors import OptiscopeError

Value = float | int | bool
Kind = Literal["float", "int", "bool"]


@dataclass(frozen=True)
class Param:
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
        low = "-inf" if self.low is None else _short(self.low)
        high = "inf" if self.high is None else _short(self.high)
        return f"{left}{low}, {high}{right}"

    def validate(self, value: object, owner: str = "") -> Value:
        """Return ``value`` converted to this setting's kind, or raise OptiscopeError."""
        where = f"{owner}: " if owner else ""
        if self.kind == "bool":
            return _as_bool(value, f"{where}{self.name}")
        number = _as_number(value, f"{where}{self.name}")
        if self.kind == "int":
            if not math.isfinite(number) or number != int(number):
                raise OptiscopeError(f"{where}{self.name} must be a whole number; got {value!r}")
            number = int(number)
        if not self._in_range(float(number)):
            raise OptiscopeError(
                f"{where}{self.name} must be in {self.range_text()}; got {_short(float(number))}"
            )
        return number

    def _in_range(self, x: float) -> bool:
        if math.isnan(x):
            return False
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


def _as_number(value: object, label: str) -> float | int:
    if isinstance(value, bool):
        raise OptiscopeError(f"{label} must be a number; got {value!r}")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            raise OptiscopeError(f"{label} must be a number; got {value!r}") from None
    raise OptiscopeError(f"{label} must be a number; got {value!r}")


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
