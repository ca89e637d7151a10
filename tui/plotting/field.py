"""The gradient field as a sparse quiver: −∇f at a few dozen points over the contours.

Each arrow is −∇f times one scale s for the whole picture (the legend states it: an
arrow is the step GD would take at η = s), chosen so most arrows are about as long as
the gap between them; the few longer ones are capped at that gap, their direction kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.color import Color
from rich.style import Style

from optiscope.core.surfaces import Surface

from .arrows import Arrow
from .mapping import Canvas

FIELD_STYLE = Style(color=Color.from_rgb(150, 150, 150), dim=True)
#: Cells between neighbouring arrows: about square on screen (a cell is ~2 wide tall).
EVERY = (8, 4)
#: Arrows are scaled so this quantile of their lengths fills ``FILL`` of the gap.
QUANTILE, FILL = 0.8, 0.8


@dataclass(frozen=True)
class Field:
    arrows: tuple[Arrow, ...]
    #: An arrow is ``scale`` × (−∇f) in data units.
    scale: float


def _centres(count: int, every: int) -> list[int]:
    n = max(1, count // every)
    offset = (count - (n - 1) * every) // 2
    return [offset + i * every for i in range(n)]


def _data(index: int, bins: int, lim: tuple[float, float]) -> float:
    lo, hi = lim
    return lo + index * (hi - lo) / (bins - 1) if bins > 1 else (lo + hi) / 2


def field_arrows(surface: Surface, canvas: Canvas, every: tuple[int, int] = EVERY) -> Field:
    """−∇f on a grid of cell centres, scaled for legibility."""
    cols = _centres(canvas.cols, every[0])
    rows = _centres(canvas.rows, every[1])
    points = np.array(
        [
            (_data(c, canvas.cols, canvas.xlim), _data(r, canvas.rows, canvas.ylim))
            for r in rows
            for c in cols
        ],
        dtype=np.float64,
    )
    with np.errstate(all="ignore"):
        descent = -np.asarray(surface.gradient(points), dtype=np.float64)
    kx = (2 * canvas.cols - 1) / (canvas.xlim[1] - canvas.xlim[0])
    ky = (4 * canvas.rows - 1) / (canvas.ylim[1] - canvas.ylim[0])
    screen = np.hypot(descent[:, 0] * kx, descent[:, 1] * ky)
    ok = np.isfinite(screen) & (screen > 0)
    if not ok.any():
        return Field((), 0.0)
    longest = FILL * min(2 * every[0], 4 * every[1])
    scale = float(longest / np.quantile(screen[ok], QUANTILE))
    arrows = []
    for point, v, length, good in zip(points, descent, screen, ok, strict=True):
        if not good:
            continue
        factor = scale if length * scale <= longest else longest / length
        arrows.append(
            Arrow(
                (float(point[0]), float(point[1])),
                (float(v[0] * factor), float(v[1] * factor)),
                style=FIELD_STYLE,
            )
        )
    return Field(tuple(arrows), scale)
