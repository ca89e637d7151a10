"""The part of a plot plotext draws for us: axes, ticks, labels and title, as cells.

We never ask plotext for its ANSI string (re-parsing it costs more than everything else
per frame). We size a figure, build its character matrix once and read it cell by cell
(``marker``, ``fullground``, ``style``, ``background``; plotext's row 0 is the bottom),
together with the canvas geometry it chose. The data area is left empty: what goes there
is drawn by ``mapping`` with plotext's own arithmetic, far faster than plotext's per-point
Python, and checked against plotext by the oracle test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from rich.color import Color
from rich.style import Style

from .mapping import Canvas

PlotextColor = str | int | tuple[int, int, int]

#: Smallest data area worth drawing; below it the widgets say "plot too small".
MIN_COLS, MIN_ROWS = 4, 2


class Frame(NamedTuple):
    """A built figure: glyph and style per cell (rows top to bottom) and its canvas."""

    width: int
    height: int
    chars: tuple[tuple[str, ...], ...]
    styles: tuple[tuple[Style | None, ...], ...]
    canvas: Canvas


def new_figure(width: int, height: int) -> Any:
    """A fresh plotext figure of exactly ``width x height`` cells, in the colourless theme.

    ``plotsize`` alone is clamped to the terminal (80x24 in headless tests); ``_set_size``
    makes the size stick. A figure is built once: a second build re-applies log scales.
    """
    from textual_plotext import Plot

    fig = Plot()
    fig.theme("clear")
    fig.plotsize(width, height)
    fig._set_size(width, height)
    return fig


def dress(
    fig: Any,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    yticks: tuple[Sequence[float], Sequence[str]] | None = None,
    xticks: tuple[Sequence[float], Sequence[str]] | None = None,
) -> None:
    """Limits, labels and ticks: everything a frame and its oracle must share."""
    fig.xlim(*xlim)
    fig.ylim(*ylim)
    if title:
        fig.title(title)
    if xlabel:
        fig.xlabel(xlabel)
    if ylabel:
        fig.ylabel(ylabel)
    if yticks is not None:
        fig.yticks(list(yticks[0]), list(yticks[1]))
    if xticks is not None:
        fig.xticks(list(xticks[0]), list(xticks[1]))


def build_frame(
    width: int,
    height: int,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    yticks: tuple[Sequence[float], Sequence[str]] | None = None,
    xticks: tuple[Sequence[float], Sequence[str]] | None = None,
) -> Frame | None:
    """The frame plotext draws at this size and window, or None when there is no room."""
    if width < MIN_COLS + 2 or height < MIN_ROWS + 2:
        return None
    fig = new_figure(width, height)
    dress(fig, xlim, ylim, title=title, xlabel=xlabel, ylabel=ylabel, yticks=yticks, xticks=xticks)
    # plotext draws ticks only for axes that carry data: one invisible point off-canvas.
    (x0, x1), (y0, y1) = xlim, ylim
    fig.scatter([x0 - (x1 - x0)], [y0 - (y1 - y0)], marker=" ")
    try:
        fig._set_sizes()
        fig._build_matrix()
    except (ValueError, IndexError, ZeroDivisionError, OverflowError):
        return None
    return read_matrix(fig, width, height)


def read_matrix(fig: Any, width: int, height: int) -> Frame | None:
    """Cells and canvas geometry of a built plotext figure (None if the canvas is tiny)."""
    m = fig.monitor.matrix
    cols, rows = len(m.Cols_canvas), len(m.Rows_canvas)
    if cols < MIN_COLS or rows < MIN_ROWS or m.rows != height or m.cols != width:
        return None
    xlim = fig.monitor.xlim[0]
    ylim = fig.monitor.ylim[0]
    canvas = Canvas(
        left=m.Cols_canvas.start,
        top=m.rows - m.Rows_canvas.start - rows,
        cols=cols,
        rows=rows,
        xlim=(float(xlim[0]), float(xlim[1])),
        ylim=(float(ylim[0]), float(ylim[1])),
    )
    chars: list[tuple[str, ...]] = []
    styles: list[tuple[Style | None, ...]] = []
    seen: dict[tuple[Any, Any, Any], Style | None] = {}
    for r in range(m.rows - 1, -1, -1):
        chars.append(tuple(m.marker[r]))
        row: list[Style | None] = []
        for key in zip(m.fullground[r], m.style[r], m.background[r], strict=True):
            try:
                style = seen[key]
            except KeyError:
                style = seen[key] = cell_style(*key)
            except TypeError:  # an RGB list: unhashable
                style = cell_style(*key)
            row.append(style)
        styles.append(tuple(row))
    return Frame(width, height, tuple(chars), tuple(styles), canvas)


def _hashable(color: Any) -> Any:
    return tuple(color) if isinstance(color, list) else color


def cell_style(fullground: Any, style: Any, background: Any) -> Style | None:
    """A plotext cell's colours as a Rich style (None: inherit the widget's)."""
    return _cell_style(_hashable(fullground), _hashable(style), _hashable(background))


@lru_cache(maxsize=1024)
def _cell_style(fullground: Any, style: Any, background: Any) -> Style | None:
    fg, bg = plotext_to_rich(fullground), plotext_to_rich(background)
    attrs = Style.parse(style) if isinstance(style, str) and style != "default" else Style()
    if fg is None and bg is None and not attrs:
        return None
    return Style(color=fg, bgcolor=bg) + attrs


def plotext_to_rich(color: PlotextColor | None) -> Color | None:
    """plotext's colour (name, 0-255 code or RGB) as a Rich colour; "default" is None."""
    if color is None or color == "default":
        return None
    if isinstance(color, str):
        from plotext._utility import get_color_code  # type: ignore[import-untyped]

        return Color.from_ansi(int(get_color_code(color)))
    if isinstance(color, int):
        return Color.from_ansi(color)
    r, g, b = (int(c) for c in color)
    return Color.from_rgb(r, g, b)


def rich_to_plotext(color: str | Color | None) -> PlotextColor:
    """A Rich colour as plotext wants it: Python ints or an RGB tuple, never numpy ints."""
    if color is None:
        return "default"
    c = Color.parse(color) if isinstance(color, str) else color
    if c.is_default:
        return "default"
    if c.triplet is not None:
        return (int(c.triplet.red), int(c.triplet.green), int(c.triplet.blue))
    return int(c.number or 0)


def nice_limits(lo: float, hi: float) -> tuple[float, float]:
    """A usable (lo, hi): finite, ordered and with a span plotext can divide by."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return (-1.0, 1.0)
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        pad = max(abs(lo) * 1e-3, 1e-9)
        return lo - pad, hi + pad
    return lo, hi
