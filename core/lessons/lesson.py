"""What a lesson is: a learner's question, a setup that shows the answer, and a claim.

The claim measures the phenomenon on the lesson's own runs and writes the answer from
those figures, so the words cannot drift from the numbers; tests check each claim.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..session.setup import Setup
from ..trajectory import Trajectory

Number = float | int | None


@dataclass(frozen=True)
class Figure:
    """One measured number, with the words and the format it is quoted in."""

    key: str
    label: str
    value: Number
    fmt: str = ".4g"

    @property
    def text(self) -> str:
        if self.value is None:
            return "never"
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        return format(self.value, self.fmt)


@dataclass(frozen=True)
class Finding:
    """What a claim measured: the figures, whether the lesson's point holds, the answer."""

    figures: tuple[Figure, ...]
    holds: bool
    answer: str

    def __getitem__(self, key: str) -> Number:
        for fig in self.figures:
            if fig.key == key:
                return fig.value
        raise KeyError(key)


Claim = Callable[[Setup, list[Trajectory]], Finding]


@dataclass(frozen=True)
class Lesson:
    number: int
    id: str
    title: str
    question: str
    source: str
    setup: Setup
    look_at: str
    claim: Claim

    def measure(self) -> Finding:
        return self.claim(self.setup, self.setup.run())
