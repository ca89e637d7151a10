"""A modal that covers only part of the explorer: the right column under the plot.

A played step and a predict question sit where the explain pane, the sparklines and the
step table are (what they would replace or give away), and leave the plot and the
controls in view: the explorer under them keeps drawing, so stepping on shows at once.
Keys go to the modal only; its footer is its own command table's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Region

from ..widgets.footer import Footer
from .modal import OnceModal

ResultType = TypeVar("ResultType")
#: Rows of plot a panel leaves when it must grow above the area under the plot.
KEEP_PLOT_ROWS = 8
#: The region under the plot (to the footer) and the top row of the plot's column.
Area = Callable[[], tuple[Region, int]]


class CoveringModal(OnceModal[ResultType]):
    DEFAULT_CSS = """
    CoveringModal { background: transparent; }
    CoveringModal > #cover {
        dock: bottom; height: auto; margin-bottom: 1;
        background: $surface; border-top: solid $accent; padding: 0 1;
    }
    """
    #: The panel shows at least this many rows, taken from the plot if need be.
    MIN_ROWS: ClassVar[int] = 8

    def __init__(self, area: Area) -> None:
        super().__init__()
        self._area = area
        self.rows_below = 0

    def compose_cover(self) -> ComposeResult:
        """The panel's content (a subclass's)."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(id="cover"):
            yield from self.compose_cover()
        yield Footer()

    def on_mount(self) -> None:
        self.place()

    def on_resize(self, event: events.Resize) -> None:
        # After the explorer under it has laid itself out at the new size.
        self.call_after_refresh(self.place)

    def place(self) -> None:
        """Under the plot, across its column: at least MIN_ROWS, growing up over the plot
        (never past KEEP_PLOT_ROWS of it) when the panel's lines need it."""
        below, column_top = self._area()
        #: Rows of content the panel has without covering the plot (its rule takes one).
        self.rows_below = max(0, below.height - 1)
        cover = self.query_one("#cover")
        room = max(below.height, below.bottom - column_top - KEEP_PLOT_ROWS)
        cover.styles.margin = (0, 0, 1, below.x)
        cover.styles.width = below.width
        cover.styles.min_height = min(room, max(below.height, self.MIN_ROWS))
        cover.styles.max_height = room
