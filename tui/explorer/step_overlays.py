"""The focused run's step as arrows (``plotting.step_arrows``), each made once per step.

Making one (``step_vectors`` and the overlay) is ~0.1 ms in a loop but ~0.35 ms between
two keys of a running app, where the code runs cold: a third of what a step added to the
key-to-screen time with vectors on. So, while the learner reads step t, the overlay of
step t+1 is made ahead (as the step table makes its next lines), and the next key finds
it. Nothing is made twice; what is made ahead is only made earlier.
"""

from __future__ import annotations

from collections.abc import Hashable

from optiscope.core.step_vectors import step_vectors

from ..plotting.step_arrows import VectorOverlay, vector_overlay
from ..recent import Recent
from .snapshot import RunShown

#: Overlays kept: the step shown, the one before it and the one ahead (a step back, then
#: forward again, makes nothing).
KEEP = 4


class StepOverlays:
    """Overlays by (setup version, focus, run, record index, colour)."""

    def __init__(self) -> None:
        self._made: Recent[VectorOverlay] = Recent(KEEP)

    def at(self, version: int, focused: int, run: RunShown, index: int) -> VectorOverlay:
        """Record ``index``'s vectors of the focused ``run`` as arrows in its colour."""
        return self._made.get(
            _key(version, focused, run, index),
            lambda: vector_overlay(step_vectors(run.trajectory, index), run.color),
        )

    def ahead(self, version: int, focused: int, run: RunShown) -> None:
        """Make the next record's overlay now, if that record is there."""
        index = run.index + 1
        if index < len(run.trajectory):
            self.at(version, focused, run, index)

    def made(self, version: int, focused: int, run: RunShown, index: int) -> bool:
        """Whether that overlay is made already."""
        return _key(version, focused, run, index) in self._made


def _key(version: int, focused: int, run: RunShown, index: int) -> Hashable:
    return (version, focused, id(run.trajectory), index, run.color)
