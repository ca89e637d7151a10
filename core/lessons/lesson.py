"""What a lesson is: a learner's question, a setup that shows the answer, and a claim.

The claim measures the phenomenon on the lesson's own runs and writes the answer from
those figures, so the words cannot drift from the numbers; tests check each claim.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..noise import GradientNoise
from ..specs import OptimizerSetup, parse_optimizer, unique_labels
from ..surfaces import Surface, get_surface
from ..trajectory import Trajectory, compare

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


@dataclass(frozen=True)
class Setup:
    """Everything needed to reproduce a run: the explorer loads exactly this."""

    surface: str
    start: tuple[float, float]
    optimizers: tuple[str, ...]
    steps: int
    settings: Mapping[str, object] = field(default_factory=dict)
    noise: float = 0.0
    noise_seed: int = 0

    def build_surface(self) -> Surface:
        return get_surface(self.surface, **dict(self.settings))

    def setups(self, surface: Surface | None = None) -> list[OptimizerSetup]:
        surface = surface or self.build_surface()
        return unique_labels([parse_optimizer(spec, surface) for spec in self.optimizers])

    def run(self) -> list[Trajectory]:
        surface = self.build_surface()
        noise = GradientNoise(self.noise, self.noise_seed)
        return compare(surface, self.setups(surface), self.start, self.steps, noise)

    def but(self, **changes: object) -> Setup:
        """This setup with some fields changed (a claim's control run)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return Setup(**values)


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
