"""The focused run as a table of records, one row per step, drawn with the Line API.

A DataTable costs ~2 s to fill with 10,000 rows; this widget formats a row only when it
first scrolls into view and keeps the finished strips in an LRU cache (the pattern of
toolong's ``log_lines.py``), so a step costs the same at row 10 and at row 10,000: two
rows re-rendered, or one scroll that re-crops cached strips.

Layout: a fixed header line, then records. A record is one line (``wide``: w, b, ∂w, ∂b,
S w, S b, ...) or, when that is wider than the widget, one line per coordinate (``stacked``:
a w line and a b line under shared t and loss columns), so RMSprop's cache and step for
each coordinate fit 80 columns. The ``t`` column (with a two-cell gutter for the cursor ▶
and the converged ✓ / diverged ✗ marker) stays put while the other columns scroll
horizontally when the table is still wider than the widget; nothing is dropped.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from optiscope.core.trajectory import Trajectory

from .step_columns import Column, cell_text, columns_for, grow_widths, rjust

#: Rows of context kept above and below the cursor when the table scrolls to follow it.
CONTEXT = 3
#: Rows sized to choose between the wide and the stacked layout before sizing them all.
QUICK_ROWS = 24
GUTTER = 2
GAP = 1
#: The column at the right edge where the table draws its own scroll position (see
#: ``_indicator``). Textual's scrollbar widget cost ~0.3 ms of every step's frame, and
#: even zero cells wide it was repainted on each scroll, which made the screen rebuild
#: its whole layout (~5 ms, one step in three): the table has none (overflow-y: hidden).
INDICATOR = 1
TRACK, THUMB = "│", "┃"
#: Seconds after a step before the table prepares the next lines: long enough for the
#: frame to leave the process first (the thread that writes it waits while this runs).
PREFETCH_AFTER = 0.005
CURSOR_GLYPH = "▶"
MARKS = {"converged": "✓", "diverged": "✗"}

Layout = Literal["auto", "wide", "stacked"]


class StepTable(ScrollView, can_focus=True):
    """Records of one trajectory; ``set_cursor`` highlights a step and keeps it in view."""

    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "step-table--header",
        "step-table--cursor",
        "step-table--error",
        "step-table--marker",
        "step-table--track",
        "step-table--thumb",
    }

    DEFAULT_CSS = """
    StepTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-y: hidden;
    }
    StepTable > .step-table--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    StepTable > .step-table--cursor {
        background: $primary 35%;
        text-style: bold;
    }
    StepTable > .step-table--error {
        color: $error;
        text-style: bold;
    }
    StepTable > .step-table--marker {
        color: $success;
        text-style: bold;
    }
    StepTable > .step-table--track {
        color: $foreground 25%;
    }
    StepTable > .step-table--thumb {
        color: $foreground 70%;
    }
    """

    class RowClicked(Message):
        """A row was clicked: the app decides whether to move the shared cursor there."""

        def __init__(self, table: StepTable, t: int) -> None:
            super().__init__()
            self.table = table
            self.t = t

        @property
        def control(self) -> StepTable:
            return self.table

    def __init__(
        self,
        trajectory: Trajectory | None = None,
        coords: tuple[str, str] = ("x", "y"),
        label: str = "",
        *,
        layout: Layout = "auto",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._traj: Trajectory | None = None
        self._coords: tuple[str, str] = coords
        self._layout: Layout = layout
        #: The layout in use: ``auto`` resolves to stacked when wide would not fit.
        self._shown: Literal["wide", "stacked"] = "wide"
        self._columns: list[Column] = []
        self._widths: list[int] = []
        self._rows = 0
        self._cursor = 0
        #: Rows shown at most: records computed ahead of the run's end are not shown yet.
        self._limit: int | None = None
        self._status_step: int | None = None
        self._status_mark = ""
        #: Bumped whenever cached strips go stale: new trajectory, wider columns, new theme.
        self._generation = 0
        #: Row k's formatted cells as (frozen, scrolling) strips, by (k, highlighted, generation).
        self._cache: LRUCache[tuple[int, bool, int], tuple[Strip, Strip]] = LRUCache(1024)
        #: Finished lines, by (k, highlighted, generation, scroll_x, width); k = −1 is the header.
        self._lines: LRUCache[tuple[int, bool, int, int, int], Strip] = LRUCache(1024)
        #: Row lines' cell texts, by (line, generation): a highlight moving does not format again.
        self._cells: LRUCache[tuple[int, int], list[tuple[str, bool]]] = LRUCache(1024)
        self._styles: dict[str, Style] | None = None
        self._width: int | None = None
        #: The thumb as last drawn (``_thumb``): a change in it repaints the table.
        self._thumb_drawn: tuple[int, int] | None = None
        self._prefetch_pending = False
        self.label = label
        if trajectory is not None:
            self.set_trajectory(trajectory, coords, label)

    # -- public API --------------------------------------------------------------------------
    @property
    def cursor(self) -> int:
        """The highlighted step (it may point past the rows recorded so far)."""
        return self._cursor

    @property
    def trajectory(self) -> Trajectory | None:
        return self._traj

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self._columns]

    @property
    def requested_layout(self) -> Layout:
        """What was asked for: ``auto``, ``wide`` or ``stacked`` (not ``layout``: that name is
        Textual's, for how a container arranges its children)."""
        return self._layout

    @property
    def shown_layout(self) -> Literal["wide", "stacked"]:
        """What is drawn: one line per step, or one line per coordinate."""
        return self._shown

    @property
    def _per_row(self) -> int:
        """Lines per record."""
        return 2 if self._shown == "stacked" else 1

    def set_layout(self, layout: Layout) -> None:
        """Ask for a layout; ``auto`` stacks the coordinates only when one line does not fit."""
        self._layout = layout
        self._rebuild()

    def set_trajectory(
        self, traj: Trajectory, coords: tuple[str, str], label: str, limit: int | None = None
    ) -> None:
        """Show another run (switching the focused optimizer): new columns, widths, rows;
        at most ``limit`` rows (None: every record)."""
        self._traj = traj
        self._limit = limit
        self._coords = coords
        self.label = label
        self.border_title = label
        self._rebuild()

    def _rebuild(self, shown: Literal["wide", "stacked"] | None = None) -> None:
        """Columns, widths and rows from scratch, in the asked-for (or resolved) layout."""
        traj = self._traj
        if traj is None:
            return
        if shown is None and self._layout == "auto":
            width = self._content_width()
            if width <= 0:  # not laid out yet: on_resize builds it once the width is known
                self._columns, self._widths, self._rows = [], [], 0
                self._invalidate()
                return
            # Decided on a few rows' widths: a fit known only after sizing every row would
            # mean sizing every row twice. Rows wider than the sample re-decide later.
            shown = "wide" if width <= 0 or self._wide_width(quick=True) <= width else "stacked"
        elif shown is None:
            shown = "wide" if self._layout == "auto" else self._layout
        self._shown = shown
        self._columns = columns_for(traj, self._coords, shown)
        self._widths = [cell_len(c.header) for c in self._columns]
        self._rows = 0
        self._invalidate()
        self._take_new_rows()
        if self._layout == "auto" and shown == "wide" and not self._wide_fits():
            self._rebuild("stacked")
            return
        self._update_virtual_size()
        self.refresh()
        self._follow_cursor()

    def _content_width(self) -> int:
        """The width for columns, or 0 before the first layout."""
        return self._lines_width() if self.is_mounted else 0

    def _lines_width(self) -> int:
        """The width of a line's cells: the widget's, less the scroll position's column."""
        return max(0, self.scrollable_content_region.width - INDICATOR)

    def _wide_fits(self) -> bool:
        """Whether one line per step fits the widget (assumed to, before the first layout)."""
        width = self._content_width()
        return width <= 0 or self._frozen_width + self._scroll_width <= width

    def _wide_width(self, quick: bool = False) -> int:
        """Cells the wide layout needs: sized on every (sampled) row, or on a few if quick."""
        assert self._traj is not None
        columns = columns_for(self._traj, self._coords, "wide")
        widths = [cell_len(c.header) for c in columns]
        n = self._available()
        rows = range(min(n, QUICK_ROWS)) if quick else range(n)
        grow_widths(widths, columns, self._traj, rows, 1)
        if quick and n > QUICK_ROWS:
            grow_widths(widths, columns, self._traj, range(n - 1, n), 1)
        widths[0] = max(widths[0], len(str(n - 1)), 3)
        return GUTTER + sum(widths) + GAP * (len(widths) - 1)

    def notify_extended(self, limit: int | None = None) -> None:
        """The trajectory gained records (or may show more of them, up to ``limit``): size
        the new ones in and grow the scroll range."""
        self._limit = limit
        if self._traj is None or not self._columns or self._available() == self._rows:
            return
        before = list(self._widths)
        self._take_new_rows()
        if self._layout == "auto" and self._shown == "wide" and not self._wide_fits():
            self._rebuild("stacked")
            return
        self._update_virtual_size()
        if self._widths != before:
            self._invalidate()
            self.refresh()
        self._follow_cursor()

    def set_cursor(self, t: int) -> None:
        """Highlight step t: re-render only the old and the new row, scrolling if needed."""
        t = max(0, t)
        old, self._cursor = self._cursor, t
        if old == t:
            return
        # A scroll repaints everything anyway; these two rows are what a step costs otherwise.
        if not self._follow_cursor():
            self._refresh_rows(old, t)
        if not self._prefetch_pending:
            self._prefetch_pending = True
            self.set_timer(PREFETCH_AFTER, self._prefetch)

    def _prefetch(self) -> None:
        """After the frame, while the learner reads it: make the lines the next step draws
        (the records either side highlighted, the next page plain), so a key finds them
        made. Each is made once whatever happens; this only moves when."""
        self._prefetch_pending = False
        if not self.is_mounted or self._traj is None or not self._columns:
            return
        width = self._lines_width()
        scroll_x = round(self.scroll_x)
        per, k = self._per_row, self._cursor
        body = max(1, self._body_height // per)
        wanted = [(k + 1, True), (k - 1, True)] + [(j, False) for j in range(k + 1, k + body + 1)]
        for j, highlighted in wanted:
            if not 0 <= j < self._rows:
                continue
            for sub in range(per):
                index = j * per + sub
                key = (index, highlighted, self._generation, scroll_x, width)
                if key not in self._lines:
                    self._lines[key] = self._build_line(j, sub, highlighted, scroll_x, width)

    # -- geometry ----------------------------------------------------------------------------
    @property
    def _frozen_width(self) -> int:
        """Gutter, t, and the gap after it (so a half-scrolled cell never touches t)."""
        return GUTTER + (self._widths[0] + GAP if self._widths else 0)

    @property
    def _scroll_width(self) -> int:
        return sum(self._widths[1:]) + GAP * max(0, len(self._widths) - 2)

    @property
    def _body_height(self) -> int:
        """Lines of records visible under the header."""
        return max(0, self.scrollable_content_region.height - 1)

    def _update_virtual_size(self) -> None:
        width = self._frozen_width + self._scroll_width + INDICATOR
        size = Size(width, self._rows * self._per_row + 1)
        old = self.virtual_size
        viewport = self.scrollable_content_region.height
        if size.width == old.width and (size.height > viewport) == (old.height > viewport):
            # More rows of the same width, and the table scrolled (or not) before as it does
            # now: nothing around it moves, so no layout pass. Assigning virtual_size asks
            # for one, and during a long recompute its progress did so on every update
            # (a whole-screen layout each time, ~20 ms at 120x40).
            self.set_reactive(StepTable.virtual_size, size)
        else:
            self.virtual_size = size
        if self._thumb() != self._thumb_drawn:
            self.refresh()  # the scroll position's thumb grew or shrank

    def _follow_cursor(self) -> bool:
        """Scroll so the cursor record is visible with CONTEXT records around it (scroll_y
        counts lines; a record is ``_per_row`` lines); True if it moved.

        Scrolls by pages, as a pager does: a step past the bottom margin brings the cursor
        back to the top margin, so most steps move only the highlight (two rows repainted)
        and one in a page repaints the table."""
        per = self._per_row
        body = self._body_height // per  # whole records that fit
        if body <= 0 or not self.is_mounted:
            return False
        k = min(self._cursor, max(self._rows - 1, 0))
        top = -(-round(self.scroll_y) // per)  # first whole record in view
        # A third of the rows at most (room to page), and the step just taken stays in view.
        margin = max(min(CONTEXT, (body - 1) // 3), 1 if body >= 3 else 0)
        if top + margin <= k <= top + body - 1 - margin:
            return False
        paging = body - 2 * margin >= 3  # room to move the highlight before the next page
        if abs(k - top) > 2 * body:
            target = k - body // 2  # a far jump: centre it
        elif k < top + margin:
            target = k + margin - body + 1 if paging else k - margin
        else:
            target = k - margin if paging else k + margin - body + 1
        target = max(0, min(target, self._rows - body))
        if target * per == round(self.scroll_y):
            return False
        # force: a scrollbar that the new rows call for may not be laid out yet.
        self.scroll_to(y=target * per, animate=False, force=True)
        return True

    def scroll_columns(self, delta: int) -> bool:
        """Scroll the columns right of t sideways by ``delta`` whole columns (keys < and >);
        False if that end is already in view."""
        x = round(self.scroll_x)
        limit = max(0, self._frozen_width + self._scroll_width - self._content_width())
        edges = sorted({min(edge, limit) for edge in self._column_starts()})
        ahead = [e for e in edges if e > x] if delta > 0 else [e for e in edges if e < x][::-1]
        if not ahead:
            return False
        self.scroll_to(x=ahead[min(abs(delta), len(ahead)) - 1], animate=False, force=True)
        return True

    def _column_starts(self) -> list[int]:
        """Where each column right of t begins in the scrolling part."""
        starts, edge = [], 0
        for i, width in enumerate(self._widths[1:]):
            starts.append(edge + (GAP if i else 0))
            edge = starts[-1] + width
        return starts

    def _refresh_rows(self, *rows: int) -> None:
        """Repaint the lines of records ``rows`` that are in view, in one refresh."""
        per, top, body = self._per_row, round(self.scroll_y), self._body_height
        width = self.size.width
        regions = [
            Region(0, y, width, 1)
            for k in rows
            for line in range(k * per, k * per + per)
            if 1 <= (y := line + 1 - top) <= body
        ]
        if regions:
            self.refresh(*regions)

    # -- rows --------------------------------------------------------------------------------
    def _take_new_rows(self) -> None:
        """Record the new row count and status, widening columns to fit a sample of rows."""
        traj = self._traj
        assert traj is not None
        first, n = self._rows, self._available()
        self._rows = n
        status = traj.status
        self._status_step = status.step if status.kind != "running" else None
        self._status_mark = MARKS.get(status.kind, "")
        if n == first:
            return
        self._widths[0] = max(self._widths[0], len(str(n - 1)), 3)
        grow_widths(self._widths, self._columns, traj, range(first, n), self._per_row)

    def _available(self) -> int:
        """Rows to show: the records there are, up to the limit."""
        n = len(self._traj) if self._traj is not None else 0
        return n if self._limit is None else min(n, self._limit)

    def _fit(self, texts: list[str]) -> bool:
        """Widen columns (never narrow them, so stepping does not jitter); True if any grew."""
        grew = False
        for i, text in enumerate(texts):
            width = cell_len(text)
            if width > self._widths[i]:
                self._widths[i] = width
                grew = True
        return grew

    def _invalidate(self) -> None:
        self._generation += 1
        self._cache.clear()
        self._lines.clear()
        self._cells.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._invalidate()

    def _get_styles(self) -> dict[str, Style]:
        if self._styles is None:
            base = self.rich_style
            comp = self.get_component_rich_style
            self._styles = {
                "base": base,
                "header": base + comp("step-table--header"),
                "cursor": base + comp("step-table--cursor"),
                "error": comp("step-table--error"),
                "marker": comp("step-table--marker"),
                "track": comp("step-table--track"),
                "thumb": comp("step-table--thumb"),
            }
        return self._styles

    def _row_strips(self, k: int, line: int, highlighted: bool) -> tuple[Strip, Strip]:
        """Line ``line`` of record k as (frozen part, scrolling part), formatted once, cached."""
        key = (k * self._per_row + line, highlighted, self._generation)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        cells = self._cells.get((key[0], self._generation))
        if cells is None:
            assert self._traj is not None
            step = self._traj[k]
            cells = [cell_text(c, step, line) for c in self._columns]
            if self._fit([text for text, _ in cells]):
                # A value wider than the sample showed: widen once, redraw everything.
                self._invalidate()
                self._update_virtual_size()
                self.refresh()
                key = (k * self._per_row + line, highlighted, self._generation)
            self._cells[(key[0], self._generation)] = cells
        styles = self._get_styles()
        row_style = styles["cursor"] if highlighted else styles["base"]
        error = row_style + styles["error"]
        first = line == 0
        mark = self._status_mark if k == self._status_step and first else ""
        mark_style = error if mark == MARKS["diverged"] else row_style + styles["marker"]
        frozen = [
            Segment(CURSOR_GLYPH if highlighted and first else " ", row_style),
            Segment(mark or " ", mark_style if mark else row_style),
            Segment(cells[0][0].rjust(self._widths[0]) + " " * GAP, row_style),
        ]
        rest: list[Segment] = []
        for i, ((text, bad), width) in enumerate(zip(cells[1:], self._widths[1:], strict=True)):
            pad = width - cell_len(text) + (GAP if i else 0)
            rest.append(Segment(" " * pad, row_style))
            rest.append(Segment(text, error if bad else row_style))
        strips = (
            Strip(frozen, self._frozen_width),
            Strip(rest, self._scroll_width).simplify(),
        )
        self._cache[key] = strips
        return strips

    def _header_strips(self) -> tuple[Strip, Strip]:
        style = self._get_styles()["header"]
        headers = [c.header for c in self._columns]
        if not headers:
            return Strip([], 0), Strip([], 0)
        gap = " " * GAP
        frozen = " " * GUTTER + rjust(headers[0], self._widths[0]) + gap
        rest = gap.join(rjust(h, w) for h, w in zip(headers[1:], self._widths[1:], strict=True))
        return Strip([Segment(frozen, style)]), Strip([Segment(rest, style)])

    # -- Line API ----------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The content width costs a region computation: once per repaint, not once per line.
        self._width = self._lines_width()
        self._thumb_drawn = self._thumb()
        try:
            return super().render_lines(crop)
        finally:
            self._width = None

    def _thumb(self) -> tuple[int, int] | None:
        """Where the scroll position's thumb is drawn: (first body line, lines), or None
        when every record is in view. Its length is the share of the records in view."""
        body = self._body_height
        total = self._rows * self._per_row
        if body <= 0 or total <= body:
            return None
        size = max(1, round(body * body / total))
        top = round(self.scroll_y)
        start = round(top / max(1, total - body) * (body - size))
        return min(max(start, 0), body - size), size

    def _indicator(self, y: int) -> Segment:
        """Body line y's cell of the scroll position: thumb, track, or blank."""
        base = self._get_styles()["base"]
        if y == 0 or self._thumb_drawn is None:
            return Segment(" " * INDICATOR, self._get_styles()["header" if y == 0 else "base"])
        start, size = self._thumb_drawn
        on = start <= y - 1 < start + size
        style = base + self._get_styles()["thumb" if on else "track"]
        return Segment(THUMB if on else TRACK, style)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self._width if self._width is not None else self._lines_width()
        index = scroll_y + y - 1 if y else -1  # line of the body; −1 is the header
        k, sub = divmod(index, self._per_row) if index >= 0 else (-1, 0)
        if k >= self._rows:
            return Strip.blank(width + INDICATOR, self._get_styles()["base"])
        highlighted = k == self._cursor
        key = (index, highlighted, self._generation, scroll_x, width)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._build_line(k, sub, highlighted, scroll_x, width)
            self._lines[(index, highlighted, self._generation, scroll_x, width)] = strip
        return Strip([*strip, self._indicator(y)], width + INDICATOR)

    def _build_line(self, k: int, sub: int, highlighted: bool, scroll_x: int, width: int) -> Strip:
        """Line ``sub`` of record k (or the header, k = −1) cropped to the view, t frozen."""
        styles = self._get_styles()
        if k < 0:
            frozen, rest = self._header_strips()
            style = styles["header"]
        else:
            frozen, rest = self._row_strips(k, sub, highlighted)
            style = styles["cursor"] if highlighted else styles["base"]
        if width >= self._frozen_width + 2:
            return self._join_line(frozen, rest, style, scroll_x, width)
        return self._crop_line(frozen, rest, style, scroll_x, width)

    def _crop_line(
        self, frozen: Strip, rest: Strip, style: Style, scroll_x: int, width: int
    ) -> Strip:
        """The line cropped to ``width``, at any width (even one narrower than t)."""
        styles = self._get_styles()
        frozen = frozen.crop_extend(0, min(width, self._frozen_width), style)
        room = max(0, width - frozen.cell_length)
        # Show whole cells only: a number cut at the edge ("4.55" of 4.55e-04) would lie.
        start, stop = self._whole_cells(scroll_x, scroll_x + room)
        if start > 0 and frozen.cell_length == self._frozen_width and GAP:
            # Columns hidden on the left: the gap after t says so, as › does on the right.
            frozen = Strip.join(
                [
                    frozen.crop(0, self._frozen_width - 1),
                    Strip([Segment("‹", style + styles["marker"])], 1),
                ]
            )
        visible = rest.crop(start, stop) if stop > start else Strip([], 0)
        lead = Strip([Segment(" " * (start - scroll_x), style)], start - scroll_x)
        line = Strip.join([frozen, lead, visible])
        more = stop < self._scroll_width
        if more and room > 1:
            line = line.crop_extend(0, width - 1, style)
            return Strip.join([line, Strip([Segment("›", style + styles["marker"])], 1)])
        return line.crop_extend(0, width, style)

    def _join_line(
        self, frozen: Strip, rest: Strip, style: Style, scroll_x: int, width: int
    ) -> Strip:
        """``_build_line`` when t and two cells fit (every usual width): the same line, made
        as one Strip from segments (each Strip made costs more than the segments in it)."""
        marker = style + self._get_styles()["marker"]
        room = width - self._frozen_width
        start, stop = self._whole_cells(scroll_x, scroll_x + room)
        segments = list(frozen)
        if start > 0 and GAP:
            # Columns hidden on the left: the gap after t says so, as › does on the right.
            segments = [*frozen.crop(0, self._frozen_width - 1), Segment("‹", marker)]
        if start > scroll_x:
            segments.append(Segment(" " * (start - scroll_x), style))
        if stop > start:
            segments.extend(rest.crop(start, stop))
        used = self._frozen_width + max(start, scroll_x) - scroll_x + max(0, stop - start)
        more = stop < self._scroll_width
        end = width - 1 if more else width
        if used < end:
            segments.append(Segment(" " * (end - used), style))
        elif used > end:
            return (
                Strip(segments, used).crop_extend(0, end, style)
                if not more
                else Strip.join(
                    [
                        Strip(segments, used).crop_extend(0, end, style),
                        Strip([Segment("›", marker)], 1),
                    ]
                )
            )
        if more:
            segments.append(Segment("›", marker))
        return Strip(segments, width)

    def _whole_cells(self, left: int, right: int) -> tuple[int, int]:
        """The span of the scrolling part, within [left, right), that holds whole columns."""
        start = stop = None
        for begin, width in zip(self._column_starts(), self._widths[1:], strict=True):
            end = begin + width
            if begin >= left and end <= right - (2 if end < self._scroll_width else 0):
                start = begin if start is None else start
                stop = end
        if start is None or stop is None:
            return left, left
        return start, stop

    @property
    def allow_vertical_scroll(self) -> bool:
        """The mouse wheel scrolls the rows (Textual allows it only with its scrollbar)."""
        return self.max_scroll_y > 0

    def on_resize(self, event: events.Resize) -> None:
        if self._traj is not None and not self._columns:
            self._rebuild()
            return
        if self._layout == "auto" and self._traj is not None:
            fits = self._wide_fits_if_wide()
            if fits != (self._shown == "wide"):
                self._rebuild("wide" if fits else "stacked")
                return
        self._follow_cursor()

    def _wide_fits_if_wide(self) -> bool:
        """Whether the wide layout would fit now (measured on its own columns if stacked)."""
        if self._shown == "wide":
            return self._wide_fits()
        return self._wide_width() <= self._content_width()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        k = (round(self.scroll_y) + offset.y - 1) // self._per_row
        if 0 <= k < self._rows:
            self.post_message(self.RowClicked(self, k))
