"""A convergence map as text: one character per start, a legend, the figures.

The glyphs alone carry the map (digits for minima and ranges, ``.`` nothing reached,
``x`` diverged), so it reads the same piped into a file; on a terminal rich adds colour.
The top line of the heatmap is the top of the window, as on the plot.
"""

from __future__ import annotations

import io
import shutil

from rich.color import Color
from rich.console import Console
from rich.style import Style
from rich.text import Text

from optiscope.core.format import fmt
from optiscope.core.maps.classes import CellClass, CellClasses, classify
from optiscope.core.maps.compute import ConvergenceMap, Metric
from optiscope.core.maps.diff import MapDifference
from optiscope.core.maps.over import HyperMap, OverMetric
from optiscope.core.maps.over_export import over_classes
from optiscope.core.maps.summary import percent, summarize

_CATEGORICAL = (
    (80, 200, 255),
    (255, 170, 60),
    (120, 220, 120),
    (230, 120, 230),
    (250, 230, 90),
    (150, 150, 255),
    (90, 230, 200),
    (255, 130, 130),
)
_BY_KIND = {
    "none": (128, 128, 128),
    "diverged": (255, 60, 60),
    "same": (200, 200, 200),
    "different": (250, 230, 90),
    "a_better": (80, 200, 255),
    "only_a": (40, 120, 170),
    "b_better": (255, 170, 60),
    "only_b": (170, 100, 30),
}
# Ranges run from green (best) through yellow to orange; red stays for "diverged".
_RAMP = ((60, 200, 90), (240, 220, 60), (240, 130, 40))


def colour(cell: CellClass, index: int) -> tuple[int, int, int]:
    """An RGB colour for a class: categories by position, ranges along a ramp."""
    if cell.kind in ("minimum", "settled"):
        return (255, 255, 255) if cell.glyph == "*" else _CATEGORICAL[index % len(_CATEGORICAL)]
    if cell.kind == "range":
        return _ramp(cell.level)
    return _BY_KIND.get(cell.kind, (200, 200, 200))


def _ramp(level: float) -> tuple[int, int, int]:
    t = min(max(level, 0.0), 1.0) * (len(_RAMP) - 1)
    k = min(int(t), len(_RAMP) - 2)
    f = t - k
    a, b = _RAMP[k], _RAMP[k + 1]
    return (
        round(a[0] + f * (b[0] - a[0])),
        round(a[1] + f * (b[1] - a[1])),
        round(a[2] + f * (b[2] - a[2])),
    )


def render_map(shown: ConvergenceMap | MapDifference, metric: Metric, in_colour: bool) -> str:
    base = shown.a if isinstance(shown, MapDifference) else shown
    classes = shown.classes if isinstance(shown, MapDifference) else classify(shown, metric)
    buf = io.StringIO()
    console = _console(buf, in_colour)
    surface = base.surface
    console.print(Text.assemble((surface.title, "bold"), f"  {surface.formula}"))
    ny, nx = base.shape
    (x0, x1), (y0, y1) = base.window
    x, y = surface.coords
    where = f"{nx}x{ny} starts over {x} ∈ [{fmt(x0)}, {fmt(x1)}], {y} ∈ [{fmt(y0)}, {fmt(y1)}]"
    if isinstance(shown, MapDifference):
        console.print(f"A = {shown.a.setup.spec()}, B = {shown.b.setup.spec()}")
        console.print(f"{base.steps} steps each from {where}")
    else:
        console.print(f"{base.setup.spec()}: {base.steps} steps from {where}")
    console.print(Text(classes.title, "bold"))
    for row in heatmap(classes, base):
        console.print(row)
    console.print(legend(classes))
    if isinstance(shown, MapDifference):
        console.print(shown.headline())
        margin = shown.margin()
        if margin:
            console.print(margin)
        for tag, cmap in (("A", shown.a), ("B", shown.b)):
            for line in summarize(cmap).lines():
                console.print(f"{tag}: {line}")
    else:
        for line in summarize(shown).lines(minima=metric != "minimum"):
            console.print(line)
    return buf.getvalue()


def render_over_map(hmap: HyperMap, metric: OverMetric, in_colour: bool) -> str:
    """A map over (lr, β), or over lr alone: the same heatmap and legend as a start map,
    with lr across (log-spaced) and β up, and the stability boundary where one applies."""
    classes = over_classes(hmap, metric)
    buf = io.StringIO()
    console = _console(buf, in_colour)
    surface = hmap.surface
    console.print(Text.assemble((surface.title, "bold"), f"  {surface.formula}"))
    x, y = hmap.start
    ny, nx = hmap.shape
    over = f"{nx} learning rates" + ("" if hmap.y is None else f" x {ny} values of {hmap.y.name}")
    console.print(f"{hmap.setup.label}: {hmap.steps} steps from ({fmt(x)}, {fmt(y)}), {over}")
    if hmap.y is None:
        console.print(f"lr: {fmt(hmap.x.values[0])} … {fmt(hmap.x.values[-1])}, log-spaced")
    else:
        console.print(
            f"lr across ({fmt(hmap.x.values[0])} … {fmt(hmap.x.values[-1])}, log-spaced), "
            f"{hmap.y.name} up ({fmt(hmap.y.values[0])} … {fmt(hmap.y.values[-1])})"
        )
    console.print(Text(classes.title, "bold"))
    x_labels = (fmt(hmap.x.values[0]), fmt(hmap.x.values[-1]))
    if hmap.y is None and metric != "class":
        rows = curve_lines(classes, x_labels)
    else:
        y_labels = ("", "") if hmap.y is None else (fmt(hmap.y.values[0]), fmt(hmap.y.values[-1]))
        rows = grid_lines(classes, x_labels, y_labels)
    for row in rows:
        console.print(row)
    console.print(legend(classes))
    if hmap.boundary is not None:
        console.print(hmap.boundary.text())
        if hmap.y is None:
            limit = float(hmap.boundary.lr_limit(hmap.beta_at(0)))
            console.print(f"  so here: stable for lr < {fmt(limit)}")
    return buf.getvalue()


def _console(buf: io.StringIO, tty: bool) -> Console:
    width = shutil.get_terminal_size((200, 40)).columns if tty else 10_000
    return Console(
        file=buf,
        width=max(width, 40),
        force_terminal=tty,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )


def heatmap(classes: CellClasses, cmap: ConvergenceMap) -> list[Text]:
    """The grid, top row first, framed by the window's edges on a y and an x axis."""
    (x0, x1), (y0, y1) = cmap.window
    return grid_lines(classes, (fmt(x0), fmt(x1)), (fmt(y0), fmt(y1)))


def grid_lines(
    classes: CellClasses, x_labels: tuple[str, str], y_labels: tuple[str, str]
) -> list[Text]:
    """Rows of glyphs, top row first, with the axes' end labels (bottom, top; left, right)."""
    bottom, top = y_labels
    gutter = max(len(top), len(bottom))
    styles = [Style(color=Color.from_rgb(*colour(c, k))) for k, c in enumerate(classes.classes)]
    glyphs = [c.glyph for c in classes.classes]
    ny, nx = classes.cells.shape
    lines = []
    for j in range(ny - 1, -1, -1):
        label = top if j == ny - 1 else bottom if j == 0 else ""
        text = Text(f"{label:>{gutter}} ┤" if label else " " * gutter + " │")
        row = classes.cells[j]
        start = 0
        # One span per run of equal cells keeps the Text small on wide grids.
        for i in range(1, nx + 1):
            if i == nx or row[i] != row[start]:
                k = int(row[start])
                text.append(glyphs[k] * (i - start), styles[k])
                start = i
        lines.append(text)
    lines.append(Text(" " * gutter + " └" + "─" * nx))
    left, right = x_labels
    pad = max(nx - len(left) - len(right), 1)
    lines.append(Text(" " * (gutter + 2) + left + " " * pad + right))
    return lines


def curve_lines(classes: CellClasses, x_labels: tuple[str, str]) -> list[Text]:
    """One row of values drawn as a curve over x: each column's glyph at the height of its
    range (best at the bottom); a column without a value (never, diverged) on the top line."""
    ranges = [c.kind == "range" for c in classes.classes]
    height = sum(ranges)
    styles = [Style(color=Color.from_rgb(*colour(c, k))) for k, c in enumerate(classes.classes)]
    cells = [int(k) for k in classes.cells[0]]
    bottom = classes.classes[0].label if height else ""
    top = classes.classes[height - 1].label if height else ""
    gutter = max(len(top), len(bottom))
    lines = []
    for level in range(height, -1, -1):
        label = top if level == height - 1 else bottom if level == 0 else ""
        text = Text(f"{label:>{gutter}} ┤" if label else " " * gutter + " │")
        for k in cells:
            at = k if ranges[k] else height
            text.append(classes.classes[k].glyph if at == level else " ", styles[k])
        lines.append(text)
    lines.append(Text(" " * gutter + " └" + "─" * len(cells)))
    left, right = x_labels
    pad = max(len(cells) - len(left) - len(right), 1)
    lines.append(Text(" " * (gutter + 2) + left + " " * pad + right))
    return lines


def legend(classes: CellClasses) -> Text:
    """Each class present: its glyph in its colour, what it means, its share of the grid."""
    text = Text()
    for k, (cell, share) in enumerate(zip(classes.classes, classes.fractions(), strict=True)):
        if share == 0:
            continue
        text.append("  ")
        text.append(cell.glyph, Style(color=Color.from_rgb(*colour(cell, k)), bold=True))
        text.append(f"  {cell.label}  ")
        text.append(percent(share), "dim")
        text.append("\n")
    text.rstrip()
    return text
