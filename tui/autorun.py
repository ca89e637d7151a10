"""Run / pause at a chosen speed: the space, ] and [ keys of the explorer and the
high-dimensional view, in one place.

Steps are owed by the clock, not counted per tick: a late tick catches up (the rate holds)
and a slow frame skips ahead instead of queueing (no backlog). The timer ticks at most
``max_tick_rate`` times a second; faster speeds take several steps per tick.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

from .pacing import Pacer

SPEEDS = (1, 2, 5, 10, 20, 30, 60, 120, 240)
DEFAULT_SPEED = 10
MAX_TICK_RATE = 60


class AutoRun:
    """``advance(n)`` takes n steps and returns False when running should stop."""

    def __init__(
        self,
        owner: MessagePump,
        advance: Callable[[int], bool],
        speeds: tuple[int, ...] = SPEEDS,
        default_speed: int = DEFAULT_SPEED,
        max_tick_rate: int = MAX_TICK_RATE,
    ) -> None:
        self.owner = owner
        self.advance = advance
        self.speeds = speeds
        self.max_tick_rate = max_tick_rate
        self.running = False
        self.speed_index = speeds.index(default_speed)
        self._timer: Timer | None = None
        self._pacer = Pacer(self.speed, 0.0)

    @property
    def speed(self) -> int:
        """Steps per second."""
        return self.speeds[self.speed_index]

    def toggle(self) -> None:
        if self.running:
            self.stop()
        else:
            self.running = True
            self._start_timer()

    def change_speed(self, delta: int) -> None:
        self.speed_index = max(0, min(len(self.speeds) - 1, self.speed_index + delta))
        if self.running:
            self._start_timer()

    def stop(self) -> None:
        self.running = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _start_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._pacer = Pacer(self.speed, time.perf_counter())
        self._timer = self.owner.set_interval(1 / min(self.speed, self.max_tick_rate), self._tick)

    def _tick(self) -> None:
        owed = self._pacer.owed(time.perf_counter())
        if owed and not self.advance(owed):
            self.stop()
