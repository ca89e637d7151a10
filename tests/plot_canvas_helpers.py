"""What the contour-plot tests share: series colours and markers, and the plotext oracle.

``plotext_draws_everything`` draws a whole figure (contours, minima, paths, start and
current-point markers) with plotext itself and returns its cells, normalised by ``_norm``
so they compare with ours. Pinned to plotext 5.3.2. Import as
``from plot_canvas_helpers import ...`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rich.ansi import AnsiDecoder
from rich.console import Console
from rich.style import Style

from optiscope.tui.plotting.frame import dress, new_figure, rich_to_plotext
from optiscope.tui.plotting.marks import mark_every, mark_glyph, mark_points
from optiscope.tui.widgets.plot_canvas import (
    MINIMUM_GLYPH,
    MINIMUM_RGB,
    START_GLYPH,
    PlotSeries,
    contour_rgb,
    draw_order,
)

COLORS = ("#e06c75", "bright_green", "#61afef", "color(208)", "magenta")
MARKERS = ("●", "▲", "■", "◆", "✚")
NormCell = tuple[str, tuple[int, int, int] | None, bool, bool, tuple[int, int, int] | None]


# -- the oracle -----------------------------------------------------------------------------------
def _norm(glyph: str, style: Style | None) -> NormCell:
    if style is None:
        return glyph, None, False, False, None
    fg = style.color.get_truecolor() if style.color and not style.color.is_default else None
    bg = style.bgcolor.get_truecolor() if style.bgcolor and not style.bgcolor.is_default else None
    return (
        glyph,
        None if fg is None else tuple(fg),
        bool(style.bold),
        bool(style.dim),
        None if bg is None else tuple(bg),
    )


def _parse_ansi(text: str, width: int) -> list[list[NormCell]]:
    console = Console(color_system="truecolor", width=width + 10, legacy_windows=False)
    rows = []
    for line in AnsiDecoder().decode(text.removesuffix("\n")):
        cells: list[NormCell] = []
        for segment in line.render(console, end=""):
            for ch in segment.text:
                cells.append(_norm(ch, segment.style))
        rows.append(cells)
    return rows


def _valid_prefix(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    finite = np.isfinite(points).all(axis=1)
    bad = np.flatnonzero(~finite)
    return points[: bad[0]] if bad.size else points


def plotext_draws_everything(
    size: tuple[int, int],
    window: tuple[tuple[float, float], tuple[float, float]],
    labels: dict[str, str | None],
    lines: Sequence[tuple[float, npt.NDArray[np.float64]]],
    levels: npt.NDArray[np.float64],
    minima: Sequence[tuple[float, float]],
    series: Sequence[PlotSeries],
    upto: int,
    focused: int,
    start: tuple[float, float] | None,
) -> list[list[NormCell]]:
    """The whole figure drawn by plotext, signal by signal, in our stacking order."""
    width, height = size
    fig = new_figure(width, height)
    dress(fig, *window, **labels)
    for level, pts in lines:
        i = int(np.argmin(np.abs(levels - level)))
        rgb = contour_rgb(i, len(levels))
        fig._draw(
            pts[:, 0].tolist(),
            pts[:, 1].tolist(),
            lines=True,
            marker="braille",
            color=rgb,
            style="dim",
        )
    if minima:
        xs, ys = [m[0] for m in minima], [m[1] for m in minima]
        fig._draw(xs, ys, lines=False, marker=MINIMUM_GLYPH, color=MINIMUM_RGB, style="bold")
    heads = []
    for i in draw_order(len(series), focused):
        pts = _valid_prefix(series[i].points)
        if len(pts) == 0:
            continue
        k = min(upto, len(pts) - 1)
        style = "bold" if i == focused else None
        color = rich_to_plotext(series[i].color)
        fig._draw(
            pts[: k + 1, 0].tolist(),
            pts[: k + 1, 1].tolist(),
            lines=True,
            marker="braille",
            color=color,
            style=style,
        )
        heads.append((i, pts[k], color, style))
    every = mark_every(upto, len(series))
    for i in draw_order(len(series), focused):  # each trail's marks, above all the paths
        pts = _valid_prefix(series[i].points)
        steps = mark_points(i, len(series), every, min(upto, len(pts) - 1))
        if steps:
            fig._draw(
                pts[steps, 0].tolist(),
                pts[steps, 1].tolist(),
                lines=False,
                marker=mark_glyph(series[i].marker),
                color=rich_to_plotext(series[i].color),
            )
    if start is not None:
        fig._draw([start[0]], [start[1]], lines=False, marker=START_GLYPH, color="default")
    for i, (x, y), color, style in heads:
        fig._draw(
            [float(x)], [float(y)], lines=False, marker=series[i].marker, color=color, style=style
        )
    return _parse_ansi(fig.build(), width)
