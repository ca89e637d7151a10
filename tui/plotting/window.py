"""The data window a plot shows: widened for equal aspect, then for evenly spaced ticks."""

from __future__ import annotations

from .ticks import Axis, even_axis, ticks_within

Window = tuple[tuple[float, float], tuple[float, float]]

#: Terminal cells are about twice as tall as wide.
CELL_ASPECT = 2.0
#: Rows between y ticks (at least, and preferably), and the x ticks' preferred gap.
Y_MIN_GAP, Y_TARGET, X_TARGET = 2, 4.0, 12.0


def aspect_window(view: Window, cols: int, rows: int) -> Window:
    """``view`` widened along one axis so a data unit is as long on screen in x as in y.

    A braille line spans ``cols - 1/2`` cell widths across the canvas and ``rows - 1/4``
    cell heights up it; a cell is ``CELL_ASPECT`` widths tall.
    """
    (x0, x1), (y0, y1) = view
    x_len, y_len = cols - 0.5, CELL_ASPECT * (rows - 0.25)
    if x_len <= 0 or y_len <= 0:
        return view
    per_x, per_y = (x1 - x0) / x_len, (y1 - y0) / y_len
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if per_x < per_y:
        half = per_y * x_len / 2
        return (cx - half, cx + half), (y0, y1)
    half = per_x * y_len / 2
    return (x0, x1), (cy - half, cy + half)


def plot_axes(
    view: Window, cols: int, rows: int, equal_aspect: bool, x_label_width: int = 4
) -> tuple[Axis, Axis]:
    """The x and y axes for ``view`` on a canvas of ``cols x rows`` cells.

    The y axis is widened until its ticks fall an exact number of rows apart (1 and 2
    rows in turn read as uneven); the x axis the same way, or, in equal aspect, by the
    same factor as y (keeping a unit as long across as up) with its most even ticks.
    """
    window = aspect_window(view, cols, rows) if equal_aspect else view
    (x0, x1), (y0, y1) = window
    y = even_axis(y0, y1, rows, min_gap=Y_MIN_GAP, target=Y_TARGET)
    x_gap = x_label_width + 2
    if not equal_aspect:
        return even_axis(x0, x1, cols, min_gap=x_gap, target=max(X_TARGET, x_gap)), y
    factor = (y.hi - y.lo) / (y1 - y0) if y1 > y0 else 1.0
    cx, half = (x0 + x1) / 2, (x1 - x0) / 2 * factor
    return ticks_within(cx - half, cx + half, cols, min_gap=x_gap, target=X_TARGET), y
