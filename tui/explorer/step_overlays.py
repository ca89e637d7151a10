"""The focused run's step as arrows (``plotting.step_arrows``), each made once per step.

Making one (``step_vectors`` and the overlay) is ~0.1 ms in a loop but ~0.35 ms between
two keys of a running app, where the code runs cold: a third of what a step added to the
key-to-screen time with vectors on. So, while the learner reads step t, the overlay of
step t+1 is made ahead (as the step table makes its next lines), and the next key finds
it. Nothing is made twice; what is made ahead is only made earlier.
"""

from __future__ import annotations

from optiscope.core.step_vectors import step_vectors

from ..plotting.step_arrows import VectorOverlay, vector_overlay
from ..recent import Recent
from .snapshot import RunShown

#: Overlays kept: the step shown, the one before it and the one ahead (a step back, then
#: forward again, makes nothing).
KEEP = 4


class StepOverlays:
    """The focused run's overlays by record and colour (a run's records never change). A
    new run, focused or made by a new setup, starts over: no old run is kept alive."""

    def __init__(self) -> None:
        self._run: object = None
        self._made: Recent[VectorOverlay] = Recent(KEEP)

    def at(self, run: RunShown, index: int) -> VectorOverlay:
        """Record ``index``'s vectors of ``run`` as arrows in its colour."""
        if run.trajectory is not self._run:
            self._run = run.trajectory
            self._made = Recent(KEEP)
        return self._made.get(
            (index, run.color),
            lambda: vector_overlay(step_vectors(run.trajectory, index), run.color),
        )

    def ahead(self, run: RunShown) -> None:
        """Make the next record's overlay now, if that record is there."""
        index = run.index + 1
        if index < len(run.trajectory):
            self.at(run, index)
