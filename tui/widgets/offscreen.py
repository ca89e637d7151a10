"""Widgets that change on every step but may be squeezed to no cells by the layout."""

from __future__ import annotations

from typing import Self

from textual.geometry import Region
from textual.widget import Widget


class NoRepaintWithoutCells(Widget):
    """Skips repainting while the layout gives the widget no cells.

    Textual repaints a displayed widget even when it has no area (a plot that the explain
    pane squeezes out of an 80x24 terminal), and a repaint of a widget that has no place on
    the screen makes the screen rebuild its whole layout: ~5 ms on every step. Nothing is
    lost by skipping it: when the widget gets cells again, Textual paints all of them.
    """

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        if not (layout or recompose) and self.is_mounted and not self.size.area:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
