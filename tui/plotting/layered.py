"""The Line-API machinery both plot widgets share: a cached frame, layers, per-row strips.

``render_line`` serves cached strips. The frame (plotext's axes, ticks and labels) is
rebuilt only when its key changes (size, view, data limits, ...), lazily on the next
render, so a burst of resizes or zooms costs one rebuild per screen refresh. Layers are
recomputed by the subclass on every update; only the rows whose cells changed are
recomposed and refreshed, so stepping an optimizer repaints a handful of lines.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip

from ..widgets.offscreen import NoRepaintWithoutCells
from .frame import Frame
from .layers import Layer, changed_rows, compose_row, message_strip, row_strip
from .mapping import Canvas

TOO_SMALL = "plot too small"


class LayeredPlot(NoRepaintWithoutCells):
    """Base for plots drawn as a plotext frame plus cell layers; see the module docstring."""

    DEFAULT_CSS = """
    LayeredPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._frame: Frame | None = None
        self._frame_key: Hashable = None
        self._layers: list[Layer] = []
        self._strips: dict[int, Strip] = {}
        self._strip_base: Style | None = None
        self._paint_size: Size | None = None
        #: Counters for tests and benchmarks: frames built, rows composed, last rows refreshed.
        self.frames_built = 0
        #: The very first paint shows an empty plot and asks for the next: the rest of the
        #: screen (the step table, the status) then appears without waiting for plotext,
        #: whose first frame costs its import and ~25 ms.
        self._first_paint_waits = True
        self.rows_composed = 0
        self.last_dirty_rows: frozenset[int] = frozenset()

    # -- subclass hooks ------------------------------------------------------------------------
    def _wanted_frame_key(self, width: int, height: int) -> Hashable:
        """Everything the frame depends on besides the size; cheap, called per line."""
        return None

    def _build_frame(self, width: int, height: int) -> Frame | None:
        """A new frame for the current key, or None when the plot does not fit."""
        raise NotImplementedError

    def _compute_layers(self, frame: Frame) -> list[Layer]:
        """The layers over ``frame``, bottom first; unchanged layers may be the same objects."""
        raise NotImplementedError

    # -- frame and layers -------------------------------------------------------------------------
    def _ensure_frame(self, width: int | None = None, height: int | None = None) -> Frame | None:
        """The current frame, rebuilt first if its key changed."""
        if width is None or height is None:
            width, height = self.size
        key = (width, height, self._wanted_frame_key(width, height))
        if key != self._frame_key:
            self._frame_key = key
            self._frame = self._build_frame(width, height) if width and height else None
            self._layers = self._compute_layers(self._frame) if self._frame else []
            self._strips.clear()
            self.frames_built += 1
        return self._frame

    def _update_layers(self) -> None:
        """Recompute the layers and refresh only the rows they changed.

        When the frame is stale (or nothing is on screen yet) everything is redrawn on the
        next render instead.
        """
        width, height = self.size
        if not self.is_mounted or self._frame_key != (
            width,
            height,
            self._wanted_frame_key(width, height),
        ):
            self.last_dirty_rows = frozenset()
            self.refresh()
            return
        frame = self._frame
        if frame is None:
            return
        new = self._compute_layers(frame)
        rows: set[int] = set()
        for i in range(max(len(new), len(self._layers))):
            old_layer = self._layers[i] if i < len(self._layers) else {}
            new_layer = new[i] if i < len(new) else {}
            rows |= changed_rows(old_layer, new_layer)
        self._layers = new
        rows = {r for r in rows if 0 <= r < frame.height}
        for r in rows:
            self._strips.pop(r, None)
        self.last_dirty_rows = frozenset(rows)
        if rows:
            self.refresh(*(Region(0, r, width, 1) for r in sorted(rows)))

    @property
    def canvas(self) -> Canvas | None:
        """Where the data area is inside the widget's content, and its axis limits."""
        frame = self._ensure_frame() if self.size.width and self.size.height else None
        return frame.canvas if frame else None

    def _invalidate(self) -> None:
        """Forget the frame and redraw everything (a change the frame key cannot see)."""
        self._frame_key = None
        self.refresh()

    # -- Line API ---------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        if self._first_paint_waits:
            self._first_paint_waits = False
            self.call_after_refresh(self.refresh)
            blank = message_strip("", crop.width, self.visual_style.rich_style)
            return [blank] * crop.height
        # One size lookup per paint rather than one per line (it walks the DOM).
        self._paint_size = self.size
        try:
            return super().render_lines(crop)
        finally:
            self._paint_size = None

    def render_line(self, y: int) -> Strip:
        base = self.visual_style.rich_style  # cached by Textual, unlike rich_style
        if base != self._strip_base:
            self._strips.clear()
            self._strip_base = base
        width, height = self._paint_size or self.size
        frame = self._ensure_frame(width, height)
        if frame is None or frame.width != width or not 0 <= y < frame.height:
            text = TOO_SMALL if y == 0 and frame is None and height else ""
            return message_strip(text, width, base)
        strip = self._strips.get(y)
        if strip is None:
            strip = row_strip(compose_row(frame, y, self._layers), base)
            self._strips[y] = strip
            self.rows_composed += 1
        return strip
