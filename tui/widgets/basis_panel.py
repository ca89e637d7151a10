"""Why coordinate-wise methods depend on the basis, told with steps counted for these runs.

Shows a ``BasisReport`` (measured in a worker: until then, a line saying so): one row per
optimizer with its steps to the tolerance in each basis, the column of the basis on screen
in bold, then the one-sentence reason and the measured finding.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from optiscope.core.highdim.basis_story import BasisReport

from .plot_canvas import series_style

DIM = Style(dim=True)
CURRENT = Style(bold=True)


def basis_text(
    report: BasisReport,
    looks: Sequence[tuple[str, str]],
    current: int | None,
    width: int,
) -> Text:
    """The panel's text; ``looks`` are (marker, colour) per row, ``current`` the column on
    screen (None: no basis choice)."""
    cells = [[report.count_text(c) for c in r.counts] for r in report.rows]
    col_widths = [
        max(len(name), *(len(row[j]) for row in cells)) for j, name in enumerate(report.columns)
    ]
    room = width - 2 - sum(w + 2 for w in col_widths)
    label_width = max(6, min(max((len(r.label) for r in report.rows), default=8), room))
    out = Text()
    out.append("Steps until f − f* ≤ ", Style(bold=True))
    out.append(f"{report.rel_tol:g}", Style(bold=True))
    out.append(" × the start gap\n", Style(bold=True))
    out.append(" " * (label_width + 2))
    for j, name in enumerate(report.columns):
        out.append("  " + name.rjust(col_widths[j]), CURRENT if j == current else DIM)
    for row, texts, (marker, color) in zip(report.rows, cells, looks, strict=False):
        out.append("\n")
        out.append(marker[:1] or "●", series_style(color, False))
        label = row.label if len(row.label) <= label_width else row.label[: label_width - 1] + "…"
        out.append(" " + label.ljust(label_width))
        for j, value in enumerate(texts):
            out.append("  " + value.rjust(col_widths[j]), CURRENT if j == current else DIM)
    out.append("\n")
    out.append(report.reason)
    out.append("\n")
    out.append(report.finding, Style(italic=True))
    return out


class BasisPanel(Widget):
    """The report once measured; ``waiting`` says what is being measured meanwhile."""

    DEFAULT_CSS = """
    BasisPanel { height: 1fr; width: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report: BasisReport | None = None
        self.looks: list[tuple[str, str]] = []
        self.current: int | None = None
        self.note = ""

    def waiting(self, note: str) -> None:
        self.report, self.note = None, note
        self.refresh()

    def show(
        self, report: BasisReport, looks: Sequence[tuple[str, str]], current: int | None
    ) -> None:
        self.report, self.looks, self.current = report, list(looks), current
        self.refresh()

    def render(self) -> Text:
        if self.report is None:
            return Text(self.note, DIM)
        return basis_text(self.report, self.looks, self.current, self.content_size.width)
