"""The run tables drawn directly, as Rich draws them, without loading Rich's layout.

``optiscope run`` prints a table per run; Rich's Table measured and laid out every cell
(~70 ms for four 11-row, 17-column tables) and its import cost ~25 ms more, most of the
command's start-up. A table that fits its width is drawn here line by line in Rich's
look (``box.HEAVY_HEAD``, one space of padding, none at the outer edges, the title left
above it, headers bold and the title italic on a terminal); tests compare the two
character for character. A table wider than the terminal, or a title wider than its
table, still goes through Rich, which shrinks and wraps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len

Justify = Literal["left", "right"]
BOLD, ITALIC, RESET = "\x1b[1m", "\x1b[3m", "\x1b[0m"


@dataclass(frozen=True)
class BoxTable:
    """A title, headers and rows of plain text, every column justified one way."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    justify: Justify = "right"

    def widths(self) -> list[int]:
        """Each column's width with its padding (none on the outer edges)."""
        last = len(self.headers) - 1
        out = []
        for i, header in enumerate(self.headers):
            text = max([cell_len(header), *(cell_len(row[i]) for row in self.rows)])
            out.append(text + (i > 0) + (i < last))
        return out

    def width(self) -> int:
        return sum(self.widths()) + len(self.headers) + 1

    def fits(self, room: int) -> bool:
        """Drawn here only when Rich would neither shrink a column nor wrap the title."""
        width = self.width()
        return bool(self.headers) and width <= room and cell_len(self.title) <= width

    def lines(self, styled: bool = False) -> list[str]:
        """The table as Rich prints it; ``styled`` adds Rich's bold headers and italic title."""
        widths = self.widths()
        last = len(widths) - 1

        def cells(texts: Sequence[str]) -> list[str]:
            out = []
            for i, (text, width) in enumerate(zip(texts, widths, strict=True)):
                inner = width - (i > 0) - (i < last)
                pad = " " * (inner - cell_len(text))
                body = pad + text if self.justify == "right" else text + pad
                out.append(" " * (i > 0) + body + " " * (i < last))
            return out

        def rule(left: str, fill: str, cross: str, right: str) -> str:
            return left + cross.join(fill * w for w in widths) + right

        total = self.width()
        title = self.title + " " * (total - cell_len(self.title))
        head = cells(self.headers)
        if styled:
            title = f"{ITALIC}{title}{RESET}"
            head = [f"{BOLD}{h}{RESET}" for h in head]
        return [
            title,
            rule("┏", "━", "┳", "┓"),
            "┃" + "┃".join(head) + "┃",
            rule("┡", "━", "╇", "┩"),
            *("│" + "│".join(cells(row)) + "│" for row in self.rows),
            rule("└", "─", "┴", "┘"),
        ]
