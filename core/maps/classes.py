"""A map turned into what a view draws: one class per cell, each with a glyph and a label.

The CLI's character heatmap and the explorer's map share these classes, so both say the
same thing in the same glyphs, and both read without colour: minima are digits 1-9 then
letters, value ranges are digits 0-9 (0 = best: fewest steps, lowest loss), ``.`` is
"nothing reached", ``*`` "settled somewhere unlisted", ``x`` "diverged". Colour is the
view's business; ``kind`` and ``level`` tell it which palette and where on a ramp.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..format import fmt
from .compute import LOSS_FLOOR, ConvergenceMap, Metric, check_metric

Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: ``(finite values, wanted bins) -> (lower edge of each bin, one label per bin)``.
Labeller = Callable[[Array, int], tuple[Array, list[str]]]
Kind = Literal[
    "minimum",
    "settled",
    "none",
    "diverged",
    "range",
    "a_better",
    "same",
    "b_better",
    "only_a",
    "only_b",
    "different",
]

MINIMUM_GLYPHS = "123456789abcdefghijklmnopqrstuvw"
RANGE_GLYPHS = "0123456789"
NONE_GLYPH, SETTLED_GLYPH, DIVERGED_GLYPH, MANY_GLYPH = ".", "*", "x", "+"
DEFAULT_BINS = 8


@dataclass(frozen=True)
class CellClass:
    """One kind of cell: its glyph, what it means, and how a view should colour it.

    ``level`` places a range on a colour ramp (0 = best, 1 = worst) and numbers categories
    of one kind (0, 1, ... over the count) so a palette can tell them apart.
    """

    glyph: str
    label: str
    kind: Kind
    level: float = 0.0


@dataclass(frozen=True, eq=False)
class CellClasses:
    """``cells[j, i]`` indexes ``classes`` for grid row j (bottom first) and column i."""

    cells: IntArray
    classes: tuple[CellClass, ...]
    title: str

    def counts(self) -> list[int]:
        found = np.bincount(self.cells.ravel(), minlength=len(self.classes))
        return [int(c) for c in found]

    def fractions(self) -> list[float]:
        total = max(self.cells.size, 1)
        return [c / total for c in self.counts()]


def classify(cmap: ConvergenceMap, metric: Metric, bins: int = DEFAULT_BINS) -> CellClasses:
    """The classes a view draws for ``metric``: minima as categories, steps and loss as ranges."""
    check_metric(metric)
    if metric == "minimum":
        return _by_minimum(cmap)
    if metric == "steps":
        values = cmap.values("steps")
        missing = CellClass(NONE_GLYPH, f"not converged in {cmap.steps} steps", "none")
        title = f"steps until ‖∇f‖ ≤ {cmap.gtol:g}"
        return by_range(cmap.diverged, values, bins, title, missing, steps_labels)
    values = cmap.values("loss")
    missing = CellClass(NONE_GLYPH, "no loss", "none")
    return by_range(cmap.diverged, values, bins, "final loss − f_min", missing, loss_labels)


def _by_minimum(cmap: ConvergenceMap) -> CellClasses:
    classes: list[CellClass] = []
    count = len(cmap.minima)
    for k in range(count):
        glyph = MINIMUM_GLYPHS[k] if k < len(MINIMUM_GLYPHS) else MANY_GLYPH
        kind: Kind = "minimum" if k < cmap.known_minima else "settled"
        classes.append(CellClass(glyph, cmap.minimum_name(k), kind, k / max(count - 1, 1)))
    settled = len(classes)
    classes.append(CellClass(SETTLED_GLYPH, "settled elsewhere", "settled", 1.0))
    none = len(classes)
    classes.append(CellClass(NONE_GLYPH, "no minimum reached", "none"))
    diverged = len(classes)
    classes.append(CellClass(DIVERGED_GLYPH, "diverged", "diverged"))
    cells = np.where(cmap.minimum >= 0, cmap.minimum, none)
    cells = np.where((cmap.minimum < 0) & cmap.settled, settled, cells)
    cells = np.where(cmap.diverged, diverged, cells).astype(np.int64)
    # Short enough for the explorer's legend; ``ConvergenceMap.reach_rule`` has the numbers.
    return CellClasses(cells, tuple(classes), "minimum reached and held")


def by_range(
    diverged: npt.NDArray[np.bool_],
    values: Array,
    bins: int,
    title: str,
    missing: CellClass,
    labels: Labeller,
) -> CellClasses:
    finite = np.isfinite(values)
    edges, texts = labels(values[finite], max(1, min(bins, len(RANGE_GLYPHS))))
    n = len(texts)
    classes = [CellClass(RANGE_GLYPHS[k], texts[k], "range", k / max(n - 1, 1)) for k in range(n)]
    classes += [missing, CellClass(DIVERGED_GLYPH, "diverged", "diverged")]
    cells = np.full(values.shape, n, dtype=np.int64)
    if n:
        k = np.searchsorted(edges, values[finite], side="right") - 1
        cells[finite] = np.clip(k, 0, n - 1)
    cells[diverged] = n + 1
    return CellClasses(cells, tuple(classes), title)


def steps_labels(values: Array, bins: int) -> tuple[Array, list[str]]:
    """Whole-step bins of (nearly) equal width over the steps seen: "40–79 steps"."""
    if values.size == 0:
        return np.empty(0), []
    lo, hi = int(values.min()), int(values.max())
    n = min(bins, hi - lo + 1)
    lower = [lo + (k * (hi - lo + 1)) // n for k in range(n + 1)]
    texts = []
    for k in range(n):
        first, last = lower[k], lower[k + 1] - 1
        texts.append(f"{first} steps" if first == last else f"{first}–{last} steps")
    return np.array(lower[:-1], dtype=np.float64), texts


def loss_labels(values: Array, bins: int) -> tuple[Array, list[str]]:
    """Bins of whole decades where they fit, else of equal width in log10: "1e-08 – 1e-06"."""
    if values.size == 0:
        return np.empty(0), []
    lo, hi = int(np.floor(values.min())), int(np.ceil(values.max()))
    hi = max(hi, lo + 1)
    n = min(bins, hi - lo)
    edges = np.linspace(lo, hi, n + 1)
    floor = float(np.log10(LOSS_FLOOR))
    texts = []
    for k in range(n):
        upper = _power_of_ten(float(edges[k + 1]))
        if edges[k] <= floor:
            texts.append(f"≤ {upper}")
        else:
            texts.append(f"{_power_of_ten(float(edges[k]))} – {upper}")
    return edges[:-1], texts


def _power_of_ten(exponent: float) -> str:
    """10**exponent as a learner reads it: 1e-08, 0.01, 100, 3.2e-05."""
    if exponent == int(exponent) and not -3 <= exponent <= 4:
        return f"1e{int(exponent):+03d}"
    return fmt(10.0**exponent, 2)
