"""A widget that draws a few lines of Rich Text through Textual's line API.

The status line and the ηeff strip change on every step. Drawn through ``render()``, each
change converts the Text to Textual's Content and lays it out again, which cost more than
the rest of a step's drawing for two short lines. Here each line is rendered straight to
segments over the widget's own style, once per text and width.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget


class TextLines(Widget):
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
        base = self.rich_style
        console = self.app.console
        strips = []
        for line in self._text.split("\n", allow_blank=True):
            segments = Segment.apply_style(line.render(console, end=""), base)
            strips.append(Strip(segments).adjust_cell_length(width, base))
        return strips

    def render(self) -> Text:
        """The text drawn (Textual draws it through ``render_lines``; this is for readers)."""
        return self._text

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """Selecting with the mouse copies the plain text, as a Label's would."""
        return selection.extract(self._text.plain), "\n"
