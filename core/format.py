"""Numbers formatted in one place, so the CLI table, the step table and the explain pane agree."""

from __future__ import annotations

import math

SIGNIFICANT = 4


def fmt(value: float | None, digits: int = SIGNIFICANT) -> str:
    """Compact, fixed-width-friendly text for a number: 0.3532, -1.8, 1.000e-08, inf, nan.

    Plain notation between 1e-3 and 1e5, scientific outside, so a cache of 1e-8 never reads
    as 0 and a diverging loss never prints 20 digits.
    """
    if value is None:
        return "—"
    x = float(value)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    magnitude = abs(x)
    if 1e-3 <= magnitude < 1e5:
        text = f"{x:.{digits}g}"
        return text if "e" not in text else f"{x:.{digits - 1}e}"
    return f"{x:.{digits - 1}e}"
