"""The explorer's state, with no terminal code: what is compared, from where, and the cursor.

Every edit replaces the runs it affects with fresh, uncomputed ones and bumps the version;
nothing here computes (the screen extends the runs, see ``comparison``). Edits are checked
first and raise OptiscopeError with nothing changed, so the last good setup stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from optiscope.core.callspec import format_call, parse_call
from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import get_optimizer
from optiscope.core.optimizers.base import Optimizer
from optiscope.core.schedules import Schedule, parse_schedule
from optiscope.core.session.setup import (
    DEFAULT_OPTIMIZERS,
    MAX_OPTIMIZERS,
    Setup,
    surface_spec,
)
from optiscope.core.specs import OptimizerSetup, make_setup
from optiscope.core.surfaces import Surface, get_surface
from optiscope.core.surfaces.formula import FormulaSurface, surface_from_text
from optiscope.core.trajectory import Step, Trajectory

from .comparison import COLORS, MARKERS, Comparison

if TYPE_CHECKING:
    from optiscope.core.lessons.lesson import Lesson

#: One marker and colour each; a saved session holds as many (core MAX_OPTIMIZERS).
MAX_RUNS = MAX_OPTIMIZERS
#: Steps the explorer computes up front when not told (``--steps``, a lesson say more).
EXPLORER_STEPS = 200
#: The cursor goes at most this far.
MAX_STEP = 100_000
#: Start-point nudge per key press, as a fraction of the plotted window.
START_NUDGE = 0.02


class Run(NamedTuple):
    """One compared optimizer: what the user asked for, what was resolved, what it does."""

    overrides: Mapping[str, object]
    setup: OptimizerSetup
    trajectory: Trajectory
    color: str
    marker: str

    @property
    def label(self) -> str:
        return self.setup.label

    @property
    def recorded(self) -> Trajectory:
        return self.trajectory

    @property
    def spec(self) -> str:
        """The run as the user would type it: only what they changed."""
        return format_call(self.setup.optimizer.name, self.overrides)


class ExplorerModel(Comparison[Run]):
    """Surface, start, compared runs, noise, schedule, the cursor and the focus."""

    def __init__(
        self,
        surface: Surface,
        start: tuple[float, float],
        noise: GradientNoise,
        schedule: Schedule,
        base_steps: int = EXPLORER_STEPS,
    ) -> None:
        super().__init__([], base_steps, MAX_STEP)
        self.surface = surface
        self.start = (float(start[0]), float(start[1]))
        self.noise = noise
        self.schedule = schedule

    @classmethod
    def create(
        cls,
        surface: Surface | None = None,
        start: tuple[float, float] | None = None,
        optimizer_specs: list[str] | None = None,
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
        steps: int = EXPLORER_STEPS,
    ) -> ExplorerModel:
        surface = surface or get_surface("lecture-bowl")
        model = cls(
            surface,
            start or surface.start(),
            noise or GradientNoise(),
            schedule or Schedule(),
            steps,
        )
        for spec in optimizer_specs or list(DEFAULT_OPTIMIZERS):
            model.add_optimizer(spec)
        model.focused = 0
        return model

    @classmethod
    def from_setup(cls, setup: Setup, cursor: int = 0, focused: int = 0) -> ExplorerModel:
        built = setup.build()
        model = cls.create(
            built.surface,
            built.start,
            list(setup.optimizers),
            built.noise,
            built.schedule,
            steps=setup.steps,
        )
        model.focused = focused
        model.jump(cursor)
        return model

    @classmethod
    def from_lesson(cls, lesson: Lesson) -> ExplorerModel:
        return cls.from_setup(lesson.setup)

    # -- reading ---------------------------------------------------------------------------
    @property
    def runs(self) -> list[Run]:
        return self.entries

    @property
    def focused_run(self) -> Run:
        return self.focused_entry

    def record(self, run: Run) -> Step:
        """The run's record at the shown step (its last one, if it diverged before)."""
        return run.trajectory[self.record_index(run)]

    def setup(self) -> Setup:
        """The whole setup as plain data (what a session saves and a spec shares)."""
        surface = self.surface
        return Setup(
            surface=surface_spec(surface),
            domain=surface.domain if isinstance(surface, FormulaSurface) else None,
            start=self.start,
            optimizers=tuple(run.spec for run in self.runs),
            noise=self.noise.sigma,
            seed=self.noise.seed,
            schedule=self.schedule.spec(),
            steps=self.base_steps,
        )

    # -- the setup -------------------------------------------------------------------------
    def set_surface(self, name: str, settings: Mapping[str, object] | None = None) -> None:
        """Switch surface (settings checked first); the start moves to its default start."""
        self._take_surface(get_surface(name, **dict(settings or {})), move_start=True)

    def set_surface_text(self, text: str, domain: str | None = None) -> None:
        """What the user typed: a built-in spec or a formula f(x, y) (whitelist parser, never
        eval), with an optional domain ``"xlo,xhi,ylo,yhi"`` for a formula."""
        surface = surface_from_text(text, domain.strip() or None if domain else None)
        self._take_surface(surface, move_start=True)

    def set_surface_setting(self, name: str, value: object) -> None:
        # The surface checks and converts the value (text from a box included) itself.
        settings: dict[str, object] = {**self.surface.settings, name: value}
        surface = get_surface(self.surface.name, **settings)
        moved = surface.starts != self.surface.starts and self.start not in surface.starts.values()
        self._take_surface(surface, move_start=moved)

    def set_start(self, point: tuple[float, float]) -> None:
        x, y = float(point[0]), float(point[1])
        if not (np.isfinite(x) and np.isfinite(y)):
            raise OptiscopeError("the start point must be finite")
        self.start = (x, y)
        self._rebuild(range(len(self.runs)))

    def named_start(self, index: int) -> str:
        names = list(self.surface.starts)
        if not 0 <= index < len(names):
            raise OptiscopeError(f"{self.surface.title} has {len(names)} named starts")
        self.set_start(self.surface.starts[names[index]])
        return names[index]

    def nudge_start(self, dx: float, dy: float, window: tuple[tuple[float, float], ...]) -> None:
        """Move the start by (dx, dy) steps of START_NUDGE of the visible window."""
        (x0, x1), (y0, y1) = window
        x, y = self.start
        self.set_start((x + dx * START_NUDGE * (x1 - x0), y + dy * START_NUDGE * (y1 - y0)))

    def add_optimizer(self, spec: str) -> Run:
        if len(self.runs) >= MAX_RUNS:
            raise OptiscopeError(f"at most {MAX_RUNS} optimizers can be compared at once")
        name, raw = parse_call(spec, "optimizer")
        optimizer = get_optimizer(name)
        make_setup(optimizer, dict(raw), self.surface)  # checked before anything changes
        used = {r.marker for r in self.runs}
        slot = next(i for i, m in enumerate(MARKERS) if m not in used)
        self.entries.append(self._run(optimizer, dict(raw), "", COLORS[slot], MARKERS[slot]))
        self._relabel()
        self.focused = len(self.runs) - 1
        self.version += 1
        return self.runs[-1]

    def remove_focused(self) -> Run:
        if len(self.runs) <= 1:
            raise OptiscopeError("keep at least one optimizer")
        run = self.entries.pop(self.focused)
        self.focused = min(self.focused, len(self.runs) - 1)
        self._relabel()
        self.version += 1
        return run

    def set_hyperparameter(self, name: str, value: object) -> None:
        """Check one hyperparameter of the focused run; only that run starts over."""
        run = self.focused_run
        optimizer = run.setup.optimizer
        checked = optimizer.param(name).validate(value, optimizer.name)
        overrides = {**run.overrides, name: checked}
        self.entries[self.focused] = self._run(
            optimizer, overrides, run.label, run.color, run.marker
        )
        self._relabel()
        self.version += 1

    def set_noise(self, sigma: float | None = None, seed: int | None = None) -> None:
        self.noise = GradientNoise(
            self.noise.sigma if sigma is None else float(sigma),
            self.noise.seed if seed is None else int(seed),
        )
        self._rebuild(range(len(self.runs)))

    def set_schedule(self, spec: str) -> None:
        self.schedule = parse_schedule(spec)
        self._rebuild(range(len(self.runs)))

    # -- internals -------------------------------------------------------------------------
    def _take_surface(self, surface: Surface, move_start: bool) -> None:
        # Every run's setup depends on the surface (its suggested learning rate): build
        # them all first, so a spec that does not fit the new surface changes nothing.
        for run in self.runs:
            make_setup(run.setup.optimizer, dict(run.overrides), surface)
        self.surface = surface
        if move_start:
            self.start = surface.start()
        self._rebuild(range(len(self.runs)))

    def _run(
        self,
        optimizer: Optimizer,
        overrides: Mapping[str, object],
        label: str,
        color: str,
        marker: str,
    ) -> Run:
        setup = make_setup(optimizer, dict(overrides), self.surface)
        if label:
            setup = OptimizerSetup(setup.optimizer, setup.hyperparameters, label)
        trajectory = Trajectory(self.surface, setup, self.start, self.noise, self.schedule)
        trajectory.run_to(1)  # the start and its gradient: every view has a record to read
        return Run(dict(overrides), setup, trajectory, color, marker)

    def _rebuild(self, indices: range | list[int]) -> None:
        for i in indices:
            run = self.entries[i]
            self.entries[i] = self._run(
                run.setup.optimizer, run.overrides, run.label, run.color, run.marker
            )
        self.version += 1

    def _relabel(self) -> None:
        """Labels read as typed; a repeated spec gets #2, #3. A run whose label changes
        starts over (its records carry the label)."""
        counts: dict[str, int] = {}
        for i, run in enumerate(self.entries):
            base = run.spec
            counts[base] = counts.get(base, 0) + 1
            label = base if counts[base] == 1 else f"{base}#{counts[base]}"
            if label != run.label:
                self.entries[i] = self._run(
                    run.setup.optimizer, run.overrides, label, run.color, run.marker
                )
