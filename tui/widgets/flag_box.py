"""A checkbox whose state reads without colour.

Textual draws an unticked box as a dimmed "X": under NO_COLOR or on a 16-colour terminal
over SSH it looks ticked. FlagBox draws the X only when the value is true.
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox


class FlagBox(Checkbox):
    @property
    def _button(self) -> Content:
        # As ToggleButton._button, with a blank inside when off.
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            (self.BUTTON_INNER if self.value else " ", button_style),
            (self.BUTTON_RIGHT, side_style),
        )
