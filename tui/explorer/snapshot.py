"""What the explorer shows, frozen: the screen builds one after each change and hands it to
its widgets, which read it and nothing else (never the model, never the App).

Trajectories are shared, not copied: a record once visible never changes (see
``core.trajectory``), and every widget reads records up to ``step`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers.base import Optimizer
from optiscope.core.params import Value
from optiscope.core.schedules import Schedule
from optiscope.core.surfaces import Surface
from optiscope.core.trajectory import Step, Trajectory


@dataclass(frozen=True)
class RunShown:
    """One compared optimizer as drawn: who it is, its records, its status at the step."""

    label: str
    color: str
    marker: str
    optimizer: Optimizer
    hyperparameters: Mapping[str, Value]
    trajectory: Trajectory
    #: The record shown: the step, or the run's last record if it diverged before.
    index: int
    status: str

    @property
    def record(self) -> Step:
        return self.trajectory[self.index]


class Shown(NamedTuple):
    """The explorer at one moment."""

    #: Changes whenever a run was replaced: views drop what they cached.
    version: int
    surface: Surface
    start: tuple[float, float]
    runs: tuple[RunShown, ...]
    focused: int
    #: The step asked for, and the step on screen (less while the runs are computed).
    cursor: int
    step: int
    #: The end of the run as asked for (``--steps`` or the cursor, if further): views show
    #: records up to it, not those computed ahead of it.
    horizon: int
    #: How much of the computing the cursor waits for is done (0..1), or None.
    computing: float | None
    running: bool
    speed: int
    noise: GradientNoise
    schedule: Schedule
    #: A passing line for the status (a nudge's "rmsprop η 0.1 → 0.125"), or "".
    note: str = ""

    @property
    def focused_run(self) -> RunShown:
        return self.runs[self.focused]

    @property
    def coords(self) -> tuple[str, str]:
        return self.surface.coords
