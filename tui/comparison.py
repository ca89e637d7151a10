"""What both screens compare: recorded runs, the step cursor, the focused run, and how far
the runs are computed.

Pure Python (no terminal code), shared by the explorer and the high-dimensional view. The
model never computes as a side effect: it says how many records the cursor needs
(``records_wanted``) and which step every run can show (``shown_step``); the screen
extends the runs (at once when that is quick, in a worker otherwise) and the cursor
waits at the step asked for until they get there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

#: One marker and one colour per compared run, in the order runs are added.
MARKERS = ("●", "▲", "■", "◆", "✚", "▼", "◇", "○")
COLORS = ("#ff6b6b", "#4fc3f7", "#ffd54f", "#81c784", "#ce93d8", "#ffab40", "#7986cb", "#e0e0e0")


class Status(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def step(self) -> int | None: ...
    def text(self) -> str: ...


class Recorded(Protocol):
    """A run that records steps: a 2-D Trajectory or a high-dimensional run."""

    @property
    def status(self) -> Status: ...
    def __len__(self) -> int: ...
    def run_to(self, records: int) -> None: ...


class Entry(Protocol):
    """One compared run as a screen shows it."""

    @property
    def label(self) -> str: ...
    @property
    def color(self) -> str: ...
    @property
    def marker(self) -> str: ...
    @property
    def recorded(self) -> Recorded: ...


E = TypeVar("E", bound=Entry)


class Comparison(Generic[E]):
    """Runs compared step by step; ``cursor`` is the step asked for.

    ``base_steps`` are computed up front (``--steps``, a lesson's length); the cursor may
    go up to ``max_step``. ``version`` changes whenever a run is replaced, so views drop
    what they cached for the old one.
    """

    def __init__(self, entries: Sequence[E], base_steps: int, max_step: int) -> None:
        self.entries: list[E] = list(entries)
        self.base_steps = base_steps
        self.max_step = max_step
        self.cursor = 0
        self.focused = 0
        self.version = 0

    # -- what is computed -------------------------------------------------------------------
    def records_wanted(self, ahead: int = 0) -> int:
        """Records every run should have: the steps asked for up front, the cursor and
        ``ahead`` steps past it (so stepping on finds them ready)."""
        return min(self.max_step, max(self.base_steps, self.cursor + ahead)) + 1

    def missing(self, records: int) -> int:
        """How many records the runs lack to have ``records`` each (a diverged run lacks none)."""
        return sum(
            max(0, records - len(e.recorded))
            for e in self.entries
            if e.recorded.status.kind != "diverged"
        )

    @property
    def computed_step(self) -> int:
        """The last step every run can show: a diverged run has shown all it ever will, so
        once every run has diverged any step can be shown."""
        live = [len(e.recorded) - 1 for e in self.entries if e.recorded.status.kind != "diverged"]
        return min(live) if live else self.max_step

    @property
    def shown_step(self) -> int:
        """The step on screen: the cursor, once the runs have been computed that far."""
        return max(0, min(self.cursor, self.computed_step))

    @property
    def pending(self) -> bool:
        """The cursor is past what is computed: the screen shows "computing…"."""
        return self.cursor > self.computed_step

    def record_index(self, entry: E) -> int:
        """The record shown for a run: the shown step, or its last if it diverged before."""
        return max(0, min(self.shown_step, len(entry.recorded) - 1))

    def extend_now(self, records: int) -> None:
        """Compute every run to ``records`` on this thread (tests, quick extensions)."""
        for e in self.entries:
            e.recorded.run_to(records)

    # -- the cursor -------------------------------------------------------------------------
    def jump(self, t: int) -> int:
        self.cursor = max(0, min(int(t), self.max_step))
        return self.cursor

    def step(self, delta: int = 1) -> int:
        return self.jump(self.cursor + delta)

    def first(self) -> int:
        return self.jump(0)

    def last(self) -> int:
        """The end of the run: the steps asked for up front (``--steps``, a lesson's length),
        or the cursor if it has gone further. Not what happens to be computed ahead."""
        return self.jump(max(self.base_steps, self.cursor))

    @property
    def all_finished(self) -> bool:
        """No run can show anything new: every run diverged before the shown step, or the
        cursor is at the last step the screen allows."""
        if self.cursor >= self.max_step:
            return True
        return all(
            e.recorded.status.kind == "diverged" and len(e.recorded) - 1 <= self.shown_step
            for e in self.entries
        )

    # -- the focus --------------------------------------------------------------------------
    @property
    def focused_entry(self) -> E:
        return self.entries[self.focused]

    def cycle_focus(self, delta: int = 1) -> E:
        self.focused = (self.focused + delta) % len(self.entries)
        return self.focused_entry

    # -- statuses ---------------------------------------------------------------------------
    def status_text(self, entry: E | None = None) -> str:
        """A run's status as seen at the shown step: a later convergence or divergence is
        not yet known there."""
        status = (entry or self.focused_entry).recorded.status
        if status.step is not None and status.step <= self.shown_step:
            return status.text()
        return "running"
