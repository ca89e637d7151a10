"""Numbers as typed into the explorer's boxes: one line when refused, nothing applied."""

from __future__ import annotations

import math

from optiscope.core.errors import OptiscopeError


def number(text: object, label: str) -> float:
    """A finite number from what was typed."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise OptiscopeError(f"{label} must be a number; got {str(text)!r}") from None
    if not math.isfinite(value):
        raise OptiscopeError(f"{label} must be finite; got {str(text)!r}")
    return value


def whole_number(text: object, label: str) -> int:
    value = number(text, label)
    if value != int(value) or value < 0:
        raise OptiscopeError(f"{label} must be a whole number ≥ 0; got {str(text)!r}")
    return int(value)
