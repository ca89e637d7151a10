"""Per-coordinate bars: the k coordinates largest in |g|, the root the step divides by (√S,
√v̂, ...), ηeff or |Δ| at one step.

One row per coordinate: its index, a bar in eighth-cell block characters (lengths relative
to the largest shown, so the shape reads at a glance) and the signed value. As many rows as
the widget is tall; the numbers come from ``core.highdim.views.top_k`` untouched.
"""

from __future__ import annotations

import math

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from optiscope.core.format import fmt
from optiscope.core.highdim.views import TopK

from .plot_canvas import series_style

EIGHTHS = " ▏▎▍▌▋▊▉█"
#: Width of the value column: "-1.234e-05" is ten characters.
VALUE_WIDTH = 10
TITLE_STYLE = Style(bold=True)
DIM = Style(dim=True)


def bar_text(fraction: float, width: int) -> str:
    """A bar ``fraction`` of ``width`` cells long, to the nearest eighth, padded to width."""
    if width <= 0:
        return ""
    if math.isnan(fraction):
        return " " * width
    eighths = round(min(max(fraction, 0.0), 1.0) * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[rest] if rest else "")
    return text.ljust(width)


def bar_rows(top: TopK, rows: int, width: int, dim: int) -> list[tuple[str, str, str]]:
    """(index, bar, value) texts for the first ``rows`` coordinates, fitting ``width``."""
    shown = min(rows, len(top.indices))
    index_width = len(str(max(dim - 1, 0)))
    bar_width = width - (index_width + 2) - (VALUE_WIDTH + 1)
    finite = [v for v in top.values[:shown].tolist() if math.isfinite(v)]
    scale = max(finite, default=0.0)
    out = []
    for i in range(shown):
        value = float(top.values[i])
        if math.isinf(value):
            fraction = 1.0
        elif scale > 0:
            fraction = value / scale
        else:
            fraction = 0.0 if math.isfinite(value) else math.nan
        out.append(
            (
                f"#{int(top.indices[i]):<{index_width}}",
                bar_text(fraction, bar_width),
                fmt(float(top.signed[i])).rjust(VALUE_WIDTH),
            )
        )
    return out


class TopKBars(Widget):
    """The bars of one run at one step; ``show`` replaces them, ``message`` replaces bars."""

    DEFAULT_CSS = """
    TopKBars { height: 1fr; width: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.top: TopK | None = None
        self.label = ""
        self.context = Text()
        self.message: str | None = None
        self.color = ""
        self.dim = 0

    def show(self, top: TopK, context: Text, color: str, dim: int) -> None:
        """Bars of ``top``; the title reads "<label> top <n> of <dim> <context>"."""
        self.top, self.label, self.context = top, top.label, context
        self.color, self.dim, self.message = color, dim, None
        self.refresh()

    def show_message(self, label: str, context: Text, message: str) -> None:
        self.top, self.label, self.context, self.message = None, label, context, message
        self.refresh()

    @property
    def title(self) -> Text:
        out = Text()
        out.append(self.label, TITLE_STYLE)
        if self.top is not None:
            out.append(f" top {min(self.shown_rows, len(self.top.indices))} of {self.dim}", DIM)
        out.append_text(self.context)
        return out

    @property
    def shown_rows(self) -> int:
        """How many coordinates fit under the title."""
        return max(0, self.content_size.height - 1)

    def rows(self) -> list[tuple[str, str, str]]:
        """The rows as drawn now (index, bar, value)."""
        if self.top is None:
            return []
        return bar_rows(self.top, self.shown_rows, self.content_size.width, self.dim)

    def render(self) -> Text:
        width = self.content_size.width
        out = self.title.copy()
        out.truncate(width, overflow="ellipsis")
        if self.message is not None:
            out.append("\n")
            out.append(self.message, DIM)
            return out
        style = series_style(self.color, False)
        for index, bar, value in self.rows():
            out.append("\n")
            out.append(index + " ", DIM)
            out.append(bar, style)
            out.append(" " + value)
        return out
