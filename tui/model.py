"""The explorer's state, with no terminal code: what is compared, from where, and the cursor.

Every key press becomes one method call here; widgets only read the result. Runs are
recomputed when their setup changes and extended (never recomputed) when the cursor walks
past what has been computed, so stepping forward is O(1) per step and stepping back is
only moving the cursor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from optiscope.core.callspec import format_call, parse_call
from optiscope.core.errors import OptiscopeError
from optiscope.core.lessons.lesson import Lesson
from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import get_optimizer
from optiscope.core.schedules import Schedule, parse_schedule
from optiscope.core.session.setup import DEFAULT_OPTIMIZERS, MAX_OPTIMIZERS, Setup
from optiscope.core.specs import OptimizerSetup, make_setup
from optiscope.core.surfaces import Surface, get_surface
from optiscope.core.surfaces.formula import surface_from_text
from optiscope.core.trajectory import Step, Trajectory

MARKERS = ("●", "▲", "■", "◆", "✚", "▼", "◇", "○")
COLORS = ("#ff6b6b", "#4fc3f7", "#ffd54f", "#81c784", "#ce93d8", "#ffab40", "#7986cb", "#e0e0e0")
#: One marker and colour each; a saved session holds as many (core.session.MAX_OPTIMIZERS).
MAX_RUNS = MAX_OPTIMIZERS
INITIAL_HORIZON = 200
HORIZON_CHUNK = 256
MAX_HORIZON = 100_000
#: Start-point nudge per key press, as a fraction of the plotted window.
START_NUDGE = 0.02


@dataclass
class Run:
    """One compared optimizer: what the user asked for, what was resolved, what it did."""

    overrides: dict[str, object]
    setup: OptimizerSetup
    trajectory: Trajectory
    color: str
    marker: str

    @property
    def label(self) -> str:
        return self.setup.label


@dataclass
class ExplorerModel:
    """Surface, start, compared runs, noise, schedule and the step cursor."""

    surface: Surface
    start: tuple[float, float]
    runs: list[Run] = field(default_factory=list)
    noise: GradientNoise = field(default_factory=GradientNoise)
    schedule: Schedule = field(default_factory=Schedule)
    focused: int = 0
    cursor: int = 0
    horizon: int = INITIAL_HORIZON
    #: Steps every run computes up front (``--steps``, a lesson's length); at least 200.
    base_horizon: int = INITIAL_HORIZON
    #: Bumped whenever any run is recomputed, so views can drop what they cached.
    version: int = 0

    @classmethod
    def create(
        cls,
        surface: Surface | None = None,
        start: tuple[float, float] | None = None,
        optimizer_specs: list[str] | None = None,
        noise: GradientNoise | None = None,
        schedule: Schedule | None = None,
        horizon: int = INITIAL_HORIZON,
    ) -> ExplorerModel:
        surface = surface or get_surface("lecture-bowl")
        model = cls(
            surface=surface,
            start=start or surface.start(),
            noise=noise or GradientNoise(),
            schedule=schedule or Schedule(),
            horizon=max(horizon, INITIAL_HORIZON),
            base_horizon=max(horizon, INITIAL_HORIZON),
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
            horizon=max(setup.steps, 1),
        )
        model.cycle_focus(focused)
        model.jump(cursor)
        return model

    @classmethod
    def from_lesson(cls, lesson: Lesson) -> ExplorerModel:
        return cls.from_setup(lesson.setup)

    def load(self, other: ExplorerModel) -> None:
        """Take over another model's whole setup in place (views keep their reference)."""
        version = self.version
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(other, name))
        self.version = version + 1

    # -- reading ---------------------------------------------------------------------------
    @property
    def focused_run(self) -> Run:
        return self.runs[self.focused]

    def record(self, run: Run, t: int | None = None) -> Step:
        """The run's record at the cursor, or its last one if it diverged earlier."""
        k = self.cursor if t is None else t
        traj = run.trajectory
        return traj[min(k, len(traj) - 1)]

    def status_text(self, run: Run | None = None) -> str:
        """The run's status as seen at the cursor (a later divergence is not yet known)."""
        run = run or self.focused_run
        status = run.trajectory.status
        if status.step is not None and status.step <= self.cursor:
            return status.text()
        return "running"

    # -- the cursor ------------------------------------------------------------------------
    def step(self, delta: int = 1) -> int:
        return self.jump(self.cursor + delta)

    def jump(self, t: int) -> int:
        """Move the cursor to step t (clamped at 0), computing further steps when needed."""
        t = max(0, min(int(t), MAX_HORIZON))
        if t > self.horizon:
            self.horizon = min(MAX_HORIZON, max(t, self.horizon + HORIZON_CHUNK))
        self._extend_runs()
        self.cursor = t
        return t

    def first(self) -> int:
        return self.jump(0)

    def last(self) -> int:
        return self.jump(self.horizon)

    @property
    def all_finished(self) -> bool:
        """True when every run has diverged before the cursor: stepping on shows nothing new."""
        return all(
            r.trajectory.status.kind == "diverged" and len(r.trajectory) - 1 <= self.cursor
            for r in self.runs
        )

    # -- the setup -------------------------------------------------------------------------
    def set_surface(self, name: str, settings: Mapping[str, object] | None = None) -> None:
        """Switch surface (settings validated first); the start moves to its default start."""
        surface = get_surface(name, **dict(settings or {}))
        self.surface = surface
        self.start = surface.start()
        self._resolve_all()

    def set_surface_text(self, text: str, domain: str | None = None) -> None:
        """Switch to what the user typed: a built-in spec or a formula f(x, y) (whitelist
        parser, never eval), with an optional domain ``"xlo,xhi,ylo,yhi"`` for a formula."""
        surface = surface_from_text(text, domain.strip() or None if domain else None)
        self.surface = surface
        self.start = surface.start()
        self._resolve_all()

    def set_surface_setting(self, name: str, value: object) -> None:
        # The surface checks and converts the value (text from a box included) itself.
        settings: dict[str, object] = {**self.surface.settings, name: value}
        surface = get_surface(self.surface.name, **settings)
        starts_changed = surface.starts != self.surface.starts
        self.surface = surface
        if starts_changed and self.start not in surface.starts.values():
            self.start = surface.start()
        self._resolve_all()

    def set_start(self, point: tuple[float, float]) -> None:
        x, y = float(point[0]), float(point[1])
        if not (np.isfinite(x) and np.isfinite(y)):
            raise OptiscopeError("the start point must be finite")
        self.start = (x, y)
        self._recompute()

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
        setup = make_setup(optimizer, dict(raw), self.surface)
        used = {r.marker for r in self.runs}
        slot = next(i for i, m in enumerate(MARKERS) if m not in used)
        run = Run(dict(raw), setup, self._trajectory(setup), COLORS[slot], MARKERS[slot])
        self.runs.append(run)
        self._relabel()
        self.focused = len(self.runs) - 1
        self.version += 1
        return run

    def remove_focused(self) -> Run:
        if len(self.runs) <= 1:
            raise OptiscopeError("keep at least one optimizer")
        run = self.runs.pop(self.focused)
        self.focused = min(self.focused, len(self.runs) - 1)
        self._relabel()
        self.version += 1
        return run

    def cycle_focus(self, delta: int = 1) -> Run:
        self.focused = (self.focused + delta) % len(self.runs)
        return self.focused_run

    def set_hyperparameter(self, name: str, text: object) -> None:
        """Validate one hyperparameter of the focused run and recompute that run only."""
        run = self.focused_run
        param = run.setup.optimizer.param(name)
        value = param.validate(text, run.setup.optimizer.name)
        overrides = dict(run.overrides)
        overrides[name] = value
        self._rebuild_run(self.focused, overrides)

    def set_noise(self, sigma: float | None = None, seed: int | None = None) -> None:
        noise = GradientNoise(
            self.noise.sigma if sigma is None else float(sigma),
            self.noise.seed if seed is None else int(seed),
        )
        self.noise = noise
        self._recompute()

    def set_schedule(self, spec: str) -> None:
        self.schedule = parse_schedule(spec)
        self._recompute()

    def spec_of(self, run: Run) -> str:
        return format_call(run.setup.optimizer.name, run.overrides)

    # -- internals -------------------------------------------------------------------------
    def _trajectory(self, setup: OptimizerSetup) -> Trajectory:
        # A new setup computes only as far as the cursor: after a jump to step 90,000, a
        # changed β must not also recompute every chunk that stepping past it had added.
        self.horizon = max(self.base_horizon, self.cursor)
        traj = Trajectory(self.surface, setup, self.start, self.noise, self.schedule)
        traj.run_to(self.horizon + 1)
        return traj

    def _rebuild_run(self, index: int, overrides: dict[str, object]) -> None:
        old = self.runs[index]
        setup = make_setup(old.setup.optimizer, overrides, self.surface)
        self.runs[index] = Run(overrides, setup, self._trajectory(setup), old.color, old.marker)
        self._relabel()
        self.version += 1

    def _resolve_all(self) -> None:
        for i, run in enumerate(list(self.runs)):
            self._rebuild_run(i, run.overrides)

    def _recompute(self) -> None:
        for i, run in enumerate(self.runs):
            self.runs[i] = Run(
                run.overrides, run.setup, self._trajectory(run.setup), run.color, run.marker
            )
        self.version += 1

    def _extend_runs(self) -> None:
        for run in self.runs:
            run.trajectory.run_to(self.horizon + 1)

    def _relabel(self) -> None:
        counts: dict[str, int] = {}
        for run in self.runs:
            base = format_call(run.setup.optimizer.name, run.overrides)
            counts[base] = counts.get(base, 0) + 1
            label = base if counts[base] == 1 else f"{base}#{counts[base]}"
            run.setup = OptimizerSetup(run.setup.optimizer, run.setup.hyperparameters, label)
