"""A widget that draws a few lines of Rich Text through Textual's line API.

The status line and the ηeff strip change on every step. Drawn through ``render()``, each
change converts the Text to Textual's Content and lays it out again, which cost more than
the rest of a step's drawing for two short lines. Here each line is rendered straight to
segments over the widget's own style, once per text and width.
"""

from __future__ import annotations

from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.selection import Selection
from textual.strip import Strip

from .offscreen import NoRepaintWithoutCells


class TextLines(NoRepaintWithoutCells):
    """Shows a Text, one line per newline, cropped to the width (never wrapped)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()
        self._strips: list[Strip] | None = None
        self._strips_width = -1

    @property
    def text(self) -> Text:
        return self._text

    def update(self, text: Text) -> None:
        """Show ``text``; an unchanged text repaints nothing."""
        if text != self._text:
            self._text = text
            self._strips = None
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips = None

    def render_lines(self, crop: Region) -> list[Strip]:
        # The width costs a region computation: once per repaint, not once per line.
        width = self.content_region.width
        if self._strips is None or self._strips_width != width:
            self._strips = self._render_strips(width)
            self._strips_width = width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self._strips is not None and y < len(self._strips):
            return self._strips[y]
        return Strip.blank(max(0, self._strips_width), self.rich_style)

    def _render_strips(self, width: int) -> list[Strip]:
        base = self.visual_style.rich_style  # cached by Textual, unlike rich_style
        strips = []
        for line in self._text.split("\n", allow_blank=True):
            segments = line_segments(line, base) or Segment.apply_style(
                line.render(self.app.console, end=""), base
            )
            strips.append(Strip(segments).adjust_cell_length(width, base))
        return strips

    def render(self) -> Text:
        """The text drawn (Textual draws it through ``render_lines``; this is for readers)."""
        return self._text

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """Selecting with the mouse copies the plain text, as a Label's would."""
        return selection.extract(self._text.plain), "\n"


def line_segments(line: Text, base: Style) -> list[Segment] | None:
    """One line of Text as segments over ``base``: what ``Text.render`` makes of the texts
    these widgets build (spans side by side, styles Rich can parse) at a fraction of its
    cost, which was most of a step's status line. None for any other text (overlapping
    spans, a theme's style name, a style for the whole text): the caller renders that the
    general way."""
    if line.style:
        return None
    plain = line.plain
    outer = base
    try:
        pieces: list[Segment] = []
        at = 0
        for span in sorted(line.spans, key=lambda span: span.start):
            start, end = max(span.start, 0), min(span.end, len(plain))
            if start < at:
                return None  # spans overlap: their styles combine
            if start > at:
                pieces.append(Segment(plain[at:start], outer))
            if end > start:
                pieces.append(Segment(plain[start:end], outer + _parsed(span.style)))
            at = max(at, end)
    except StyleSyntaxError:
        return None
    if at < len(plain):
        pieces.append(Segment(plain[at:], outer))
    return pieces


def _parsed(style: str | Style) -> Style:
    return Style.parse(style) if isinstance(style, str) else style  # Style.parse is cached
