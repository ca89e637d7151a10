"""Auto-run pacing: how many steps the clock owes, so the rate holds without a backlog."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Pacer:
    """Steps owed at ``speed`` steps/s since ``started``.

    A timer tick that comes late takes the steps it missed, so the average rate is the asked
    one even when ticks jitter; a frame that took long does not queue ticks behind it,
    because the next tick simply takes what the clock says is owed.
    """

    speed: float
    started: float
    taken: int = 0

    def owed(self, now: float) -> int:
        """Steps to take now (0 if it is not yet time), counting them as taken."""
        due = int((now - self.started) * self.speed + 0.5) - self.taken
        if due <= 0:
            return 0
        self.taken += due
        return due
