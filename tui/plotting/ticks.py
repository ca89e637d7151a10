"""Axis ticks that sit evenly on the terminal's grid.

plotext puts a tick label in the row (or column) its value maps to, rounded. Ticks
1, 2, 3 on a 10-row axis land 1 and 2 rows apart in turn, which reads as uneven spacing
(the lecture bowl's y axis at 80x24 did). A tick every ``s`` units lands exactly ``q``
rows from the next when the axis spans ``(bins − 1)·s/q`` units, so ``even_axis`` widens
the window a little (never narrows it) to the nearest such span, choosing among round
steps the one that widens least and puts ticks about ``target`` cells apart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np

from .mapping import to_bins

#: Round steps within a decade.
NICE = (1.0, 2.0, 2.5, 5.0)
#: How much a tick gap far from the target costs, against widening the window.
_GAP_WEIGHT = 0.1
#: And an axis with only two ticks (a scale is easier to read from three).
_FEW_WEIGHT = 0.1


class Axis(NamedTuple):
    """An axis range and the ticks drawn on it."""

    lo: float
    hi: float
    ticks: tuple[float, ...]
    labels: tuple[str, ...]

    @property
    def limits(self) -> tuple[float, float]:
        return self.lo, self.hi


def nice_steps(span: float, bins: int, integers: bool = False) -> list[float]:
    """Round steps from about one cell's worth of ``span`` to the whole span."""
    if not (math.isfinite(span) and span > 0 and bins > 1):
        return []
    smallest = span / (bins - 1)
    out: list[float] = []
    k = math.floor(math.log10(smallest))
    while len(out) < 40:
        for m in NICE:
            step = m * 10.0**k
            if step >= smallest * (1 - 1e-12) and not (integers and step != round(step)):
                out.append(step)
        if out and out[-1] >= span:
            break
        k += 1
    return out


def ticks_in(lo: float, hi: float, step: float) -> list[float]:
    """Multiples of ``step`` from lo to hi (inclusive, up to rounding)."""
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [k * step + 0.0 for k in range(first, last + 1)]


def positions(ticks: Iterable[float], lo: float, hi: float, bins: int) -> list[int]:
    """Where plotext puts each tick: its one-character cell index, as for markers."""
    cells, _ = to_bins(np.asarray(list(ticks), dtype=np.float64), lo, hi, bins)
    return [int(c) for c in cells]


def gaps(ticks: list[float], lo: float, hi: float, bins: int) -> list[int]:
    p = positions(ticks, lo, hi, bins)
    return [b - a for a, b in itertools.pairwise(p)]


def default_label(value: float, step: float) -> str:
    """A tick value with as many decimals as the step needs: 2.5, 0.25, -3."""
    decimals = 0
    while decimals < 10 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
        decimals += 1
    if abs(value) >= 1e6 or (value != 0 and decimals > 6):
        return f"{value:.3g}"
    text = f"{value:.{decimals}f}"
    return "0" if text.strip("-0.") == "" else text


Labeler = Callable[[float, float], str]


def even_axis(
    lo: float,
    hi: float,
    bins: int,
    *,
    min_gap: int = 2,
    target: float = 4.0,
    integers: bool = False,
    label: Labeler = default_label,
) -> Axis:
    """[lo, hi] widened about its centre so ticks fall exactly ``q ≥ min_gap`` cells apart.

    Falls back to the unwidened range with its best ticks when no step fits (an axis of
    a few cells).
    """
    span = hi - lo
    centre = (lo + hi) / 2
    best: tuple[float, float, float] | None = None  # (score, step, widened span)
    for step in nice_steps(span, bins, integers):
        q = math.floor((bins - 1) * step / span + 1e-9)
        if q < min_gap:
            continue
        wide = (bins - 1) * step / q
        a, b = centre - wide / 2, centre + wide / 2
        count = len(ticks_in(a, b, step))
        if count < 2:
            continue
        score = wide / span - 1 + _GAP_WEIGHT * abs(math.log2(q / target))
        score += _FEW_WEIGHT * (count < 3)
        if best is None or score < best[0] - 1e-12:
            best = (score, step, wide)
    if best is None:
        return ticks_within(lo, hi, bins, min_gap=min_gap, target=target, label=label)
    _, step, wide = best
    a, b = centre - wide / 2, centre + wide / 2
    chosen = ticks_in(a, b, step)
    return Axis(a, b, tuple(chosen), tuple(label(v, step) for v in chosen))


def ticks_within(
    lo: float,
    hi: float,
    bins: int,
    *,
    min_gap: int = 2,
    target: float = 4.0,
    integers: bool = False,
    label: Labeler = default_label,
) -> Axis:
    """Ticks on exactly [lo, hi]: the round step whose ticks fall evenly (within 5% of
    their gap, a cell at most on a wide axis), at least three of them, the last at ``hi``
    if one can be, then nearest ``target`` cells apart. For an axis that must not move,
    such as a run's step axis."""
    best: tuple[tuple[float, ...], float] | None = None
    for step in nice_steps(hi - lo, bins, integers):
        chosen = ticks_in(lo, hi, step)
        if len(chosen) < 2:
            continue
        g = gaps(chosen, lo, hi, bins)
        if min(g) < min_gap:
            continue
        mean = sum(g) / len(g)
        uneven = float(max(g) - min(g) > max(0.05 * mean, 0.0))
        ends = float(abs(chosen[-1] - hi) > 1e-9 * max(1.0, abs(hi)))
        score = (uneven, float(len(chosen) < 3), ends, abs(math.log2(mean / target)))
        if best is None or score < best[0]:
            best = (score, step)
    if best is None:
        return Axis(lo, hi, (lo, hi), (label(lo, hi - lo), label(hi, hi - lo)))
    step = best[1]
    chosen = ticks_in(lo, hi, step)
    return Axis(lo, hi, tuple(chosen), tuple(label(v, step) for v in chosen))
