"""A screen that steps a comparison: the keys both the explorer and the high-dimensional view
share (step, run, speed, jump, first, last, focus), bound from one table.

The subclass owns its model and says how to show it (``show_cursor`` after a cursor move,
``show_all`` after the runs changed). Stepping past what is computed asks the screen's
RunComputer for more; the cursor waits at the step asked for, and the status line says
"computing…" until the runs get there.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.screen import Screen

from .autorun import AutoRun
from .bindings import STEPPING, Command, bindings
from .comparison import Comparison, Entry
from .compute import RunComputer

#: Steps computed ahead of the cursor, so stepping on finds them ready.
AHEAD = 256


class SteppingScreen(Screen[None]):
    COMMANDS_TABLE: ClassVar[tuple[Command, ...]] = STEPPING
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(STEPPING)]
    #: Steps per second the space key runs at, slowest first, and where it starts.
    SPEEDS: ClassVar[tuple[int, ...]] = (1, 2, 5, 10, 20, 30, 60, 120, 240)
    DEFAULT_SPEED: ClassVar[int] = 10
    MAX_TICK_RATE: ClassVar[int] = 60

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.autorun = AutoRun(
            self, self._advance, self.SPEEDS, self.DEFAULT_SPEED, self.MAX_TICK_RATE
        )
        self.computer = RunComputer(self, self._computing, self._computed)

    # -- what a subclass provides -----------------------------------------------------------
    @property
    def comparison(self) -> Comparison[Entry]:
        raise NotImplementedError

    def show_cursor(self) -> None:
        """The cursor moved (or the runs grew): path heads, table row, status."""
        raise NotImplementedError

    def show_all(self) -> None:
        """The runs were replaced: everything that shows them."""
        raise NotImplementedError

    # -- computing --------------------------------------------------------------------------
    def keep_up(self, quick: bool = True) -> None:
        """Make the runs reach the cursor, and keep them ahead of it: running low, they are
        topped up in the background, well ahead (one worker per AHEAD steps, not per key)."""
        model = self.comparison
        if not self.computer.want(model, model.records_wanted(), quick=quick):
            self.show_cursor()  # "computing…" from now on
            return
        if model.computed_step - model.cursor < AHEAD:
            self.computer.want(model, model.records_wanted(2 * AHEAD), quick=False)

    def _computing(self) -> None:
        self.show_cursor()

    def _computed(self) -> None:
        self.keep_up()
        self.show_cursor()

    @property
    def running(self) -> bool:
        return self.autorun.running

    @property
    def speed(self) -> int:
        return self.autorun.speed

    # -- actions ----------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        self.comparison.step(delta)
        self.keep_up()
        self.show_cursor()

    def action_first(self) -> None:
        self.comparison.first()
        self.show_cursor()

    def action_last(self) -> None:
        self.comparison.last()
        self.keep_up()
        self.show_cursor()

    async def action_jump(self) -> None:
        # Awaited: keys typed right after g (a burst over SSH) reach the box, not the plot.
        from .screens.jump import JumpScreen

        await self.app.push_screen(
            JumpScreen(self.comparison.cursor, self.comparison.max_step), self._jumped
        )

    def _jumped(self, step: int | None) -> None:
        if step is not None and self.is_attached:
            self.comparison.jump(step)
            self.keep_up()
            self.show_cursor()

    def action_toggle_run(self) -> None:
        self.autorun.toggle()
        self.show_cursor()

    def action_speed(self, delta: int) -> None:
        self.autorun.change_speed(delta)
        self.show_cursor()

    def action_cycle_focus(self, delta: int) -> None:
        self.comparison.cycle_focus(delta)
        self.show_all()

    def _advance(self, steps: int) -> bool:
        """One auto-run tick; False once nothing new can be shown."""
        model = self.comparison
        if model.pending:
            return True  # waiting for the runs: the clock's steps are not owed twice
        model.step(steps)
        self.keep_up(quick=False)
        done = model.all_finished
        if done:
            self.autorun.stop()  # before the refresh, so the status line says "paused"
        self.show_cursor()
        return not done

    def on_unmount(self) -> None:
        self.autorun.stop()
        self.computer.cancel()
