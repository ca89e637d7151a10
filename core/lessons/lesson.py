"""What a lesson is: a learner's question, a setup that shows the answer, and a claim.

The claim measures the phenomenon on the lesson's own runs and writes the answer from
those figures, so the words cannot drift from the numbers; tests check each claim. Every
optimizer in the setup says how its settings were chosen (``settings``), because a
comparison is a finding only at settings that are fair or whose reason is stated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from ..errors import OptiscopeError
from ..session.setup import Setup
from ..trajectory import Trajectory
from .tuning import Choice

Number = float | int | None


@dataclass(frozen=True)
class Figure:
    """One measured number, with the words and the format it is quoted in.

    ``approx`` marks a figure whose last digit may move with the last bits of the input
    (an average over a noisy run): it reads "≈ value" wherever it is quoted.
    """

    key: str
    label: str
    value: Number
    fmt: str = ".4g"
    approx: bool = False

    @property
    def text(self) -> str:
        if self.value is None:
            return "never"
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        number = format(self.value, self.fmt)
        return f"≈{number}" if self.approx else number


@dataclass(frozen=True)
class Finding:
    """What a claim measured: the figures, whether the lesson's point holds, the answer."""

    figures: tuple[Figure, ...]
    holds: bool
    answer: str

    def __getitem__(self, key: str) -> Number:
        return self.figure(key).value

    def figure(self, key: str) -> Figure:
        for fig in self.figures:
            if fig.key == key:
                return fig
        raise KeyError(key)


class Figures:
    """Collects a claim's figures; ``self[key]`` is a figure's text, ready to quote.

    Quoting through this keeps every number of an answer a measured figure.
    """

    def __init__(self) -> None:
        self._figures: dict[str, Figure] = {}

    def add(
        self, key: str, label: str, value: Number, fmt: str = ".4g", approx: bool = False
    ) -> Number:
        if key in self._figures:
            raise ValueError(f"figure {key!r} added twice")
        self._figures[key] = Figure(key, label, value, fmt, approx)
        return value

    def __getitem__(self, key: str) -> str:
        return self._figures[key].text

    def steps(self, key: str) -> str:
        """``"20 steps"``, ``"1 step"`` or ``"never"``."""
        value = self._figures[key].value
        if value is None:
            return "never"
        return f"{self[key]} step" + ("" if value == 1 else "s")

    def value(self, key: str) -> Number:
        return self._figures[key].value

    def finding(self, holds: bool, answer: str) -> Finding:
        return Finding(tuple(self._figures.values()), holds, answer)


Claim = Callable[[Setup, list[Trajectory]], Finding]


@dataclass(frozen=True)
class Exercise:
    """The question a lesson ends with, asked in predict mode (y): which way run ``run``
    steps at record ``step`` (form "direction"), or one of its numbers, ``name`` ("Δw",
    "S_b": form "value"). ``prompt`` says what to think about before answering."""

    run: int
    step: int
    form: Literal["direction", "value"]
    prompt: str
    name: str = ""


@dataclass(frozen=True)
class Lesson:
    """``settings[i]`` says how ``setup.optimizers[i]``'s settings were chosen; ``shows``
    names views a front end turns on when the lesson opens (``"vectors"``: the step's
    vectors at the cursor; ``"sharpness"``: λmax against its threshold), as plain words so
    the catalog needs no front end."""

    number: int
    id: str
    title: str
    question: str
    source: str
    setup: Setup
    settings: tuple[Choice, ...]
    look_at: str
    claim: Claim
    shows: tuple[str, ...] = ()
    exercise: Exercise | None = None

    def __post_init__(self) -> None:
        if len(self.settings) != len(self.setup.optimizers):
            raise OptiscopeError(
                f"lesson {self.id}: {len(self.setup.optimizers)} optimizers but "
                f"{len(self.settings)} settings choices"
            )

    @property
    def settings_chosen(self) -> Mapping[str, str]:
        """How each optimizer's settings were chosen, by its run label, in setup order."""
        return _settings_chosen(self)

    def measure(self) -> Finding:
        """The claim on the setup's runs; computed once per lesson (opening it again is free)."""
        return _measure(self)


@functools.cache
def _measure(lesson: Lesson) -> Finding:
    return lesson.claim(lesson.setup, lesson.setup.run())


@functools.cache
def _settings_chosen(lesson: Lesson) -> Mapping[str, str]:
    labels = [s.label for s in lesson.setup.build().setups]
    texts = zip(labels, lesson.settings, strict=True)
    return MappingProxyType({label: choice.text for label, choice in texts})
