"""The high-dimensional screen's state, with no terminal code: the problem, the compared runs,
the quantity the bars show and the view plane (the cursor and focus are ``Comparison``'s).

Runs are computed ``initial_horizon`` records ahead and extended (never recomputed) when the
cursor walks past; a rotation builds the other basis's problem and recomputes the runs to
where the cursor is, so the cursor stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optiscope.core.errors import OptiscopeError
from optiscope.core.highdim.plane_surface import PlaneSurface, Window, plane_surface
from optiscope.core.highdim.problems import Array, Problem, Quadratic
from optiscope.core.highdim.run import HighDimRun, Record, horizon, parse_setup
from optiscope.core.highdim.spec import DEFAULT_PROBLEM, parse_problem, with_rotation
from optiscope.core.highdim.views import FIELDS, Basis, Plane, TopK, plane, top_k, window

from .comparison import COLORS, MARKERS, Comparison

#: The basis lesson in four runs (learning rates tuned on the unrotated problem, λmax = 1):
#: steps to 1e-4 of the start gap at D = 100, κ = 1e4 are 2837/2837 (GD), 308/≈1900
#: (RMSprop; the rotated count is chaotic, 1,700-2,200 under 1-ulp changes of the start),
#: 590/4138 (Adam) and 12/1655 (Adagrad), unrotated/rotated.
DEFAULT_SPECS = ("gd(lr=1)", "rmsprop(lr=0.01)", "adam(lr=0.01)", "adagrad(lr=1)")
#: Logistic regression: GD at 1/L (the problem's suggestion), the others tuned here: to
#: 1e-4 of the start gap full batch in 727 (GD), 146 (Adam) and 74 (Adagrad) steps; RMSprop
#: hovers near 1e-4 (its step never shrinks). Mini-batch 32, to 1e-2: 983, never, 370, 413.
LOGISTIC_SPECS = ("gd", "rmsprop(lr=0.003)", "adam(lr=0.01)", "adagrad(lr=0.1)")
FIELD_ORDER = tuple(FIELDS)
#: Records computed up front: 2,000 at D = 100 (~0.1 s for four runs; the basis panel has
#: the counts beyond it), fewer as D grows. Walking past the horizon extends the runs.
WORK_UP_FRONT = 200_000
MIN_HORIZON, MAX_INITIAL_HORIZON = 200, 2_000
#: The cursor goes at most this far (or to the run's memory horizon, if lower).
MAX_STEP = 20_000
#: Bars computed per step; the widget shows as many as fit.
MAX_BARS = 40


def default_specs(problem: Problem) -> tuple[str, ...]:
    return DEFAULT_SPECS if isinstance(problem, Quadratic) else LOGISTIC_SPECS


def initial_horizon(dim: int) -> int:
    return int(np.clip(WORK_UP_FRONT // dim, MIN_HORIZON, MAX_INITIAL_HORIZON))


@dataclass
class Compared:
    """One compared optimizer: its spec, its recorded run and how it is drawn."""

    spec: str
    run: HighDimRun
    color: str
    marker: str

    @property
    def label(self) -> str:
        return self.run.label

    @property
    def recorded(self) -> HighDimRun:
        return self.run


class HighDimModel(Comparison[Compared]):
    """Problem, runs, bar quantity and view plane of the high-dim screen."""

    def __init__(self, problem: Problem, specs: Sequence[str]) -> None:
        if not specs:
            raise OptiscopeError("give at least one optimizer")
        if len(specs) > len(MARKERS):
            raise OptiscopeError(f"at most {len(MARKERS)} optimizers; got {len(specs)}")
        super().__init__([], MIN_HORIZON, MAX_STEP)
        self.specs = list(specs)
        self.field = FIELD_ORDER[0]
        self.basis: Basis = "eigen"
        self._set_problem(problem)

    @classmethod
    def create(
        cls, problem_text: str | None = None, optimizer_specs: Sequence[str] | None = None
    ) -> HighDimModel:
        """Parse and build; a bad problem or optimizer spec raises one OptiscopeError."""
        problem = parse_problem(problem_text or DEFAULT_PROBLEM)
        return cls(problem, list(optimizer_specs or default_specs(problem)))

    # -- the runs ------------------------------------------------------------------------------
    def _set_problem(self, problem: Problem) -> None:
        setups = [parse_setup(spec, problem) for spec in self.specs]
        self.problem = problem
        self.max_step = min(MAX_STEP, horizon(problem.dim) - 1)
        self.base_steps = min(initial_horizon(problem.dim), self.max_step)
        self.entries = [
            Compared(spec, HighDimRun(problem, setup), COLORS[i], MARKERS[i])
            for i, (spec, setup) in enumerate(zip(self.specs, setups, strict=True))
        ]
        self.version += 1
        self._planes: dict[Basis, Plane] = {}
        self._surface: PlaneSurface | None = None

    @property
    def compared(self) -> list[Compared]:
        return self.entries

    @property
    def runs(self) -> list[HighDimRun]:
        return [c.run for c in self.entries]

    @property
    def focused_run(self) -> Compared:
        return self.focused_entry

    @property
    def rotatable(self) -> bool:
        return isinstance(self.problem, Quadratic)

    def record(self, c: Compared) -> Record:
        """The record at the shown step, or the last one of a run that stopped (diverged)."""
        return c.run[self.record_index(c)]

    @property
    def all_stopped(self) -> bool:
        """True when no run can take another step (diverged or at the step limit)."""
        return self.all_finished

    # -- what the bars show --------------------------------------------------------------------
    def cycle_field(self) -> str | None:
        """The next quantity; √S is skipped (with the reason returned) for an optimizer that
        keeps no average of g²."""
        i = FIELD_ORDER.index(self.field)
        skipped: list[str] = []
        for step in range(1, len(FIELD_ORDER) + 1):
            field = FIELD_ORDER[(i + step) % len(FIELD_ORDER)]
            message = self.field_problem(field)
            if message is None:
                self.field = field
                break
            skipped.append(message)
        if not skipped:
            return None
        return f"{skipped[0]}: showing {FIELDS[self.field]}"

    def field_problem(self, field: str | None = None) -> str | None:
        """Why the focused run cannot show ``field`` (None when it can)."""
        try:
            top_k(self.record(self.focused_run), field or self.field, 1)
        except OptiscopeError as exc:
            return str(exc)
        return None

    def top(self, k: int = MAX_BARS) -> TopK:
        """The focused run's k largest coordinates of the shown quantity at the cursor."""
        return top_k(self.record(self.focused_run), self.field, k)

    # -- the view plane ------------------------------------------------------------------------
    def toggle_plane(self) -> Basis:
        self.basis = "random" if self.basis == "eigen" else "eigen"
        self._surface = None
        return self.basis

    @property
    def plane(self) -> Plane:
        found = self._planes.get(self.basis)
        if found is None:
            found = plane(self.problem, self.basis, seed=self.problem_seed)
            self._planes[self.basis] = found
        return found

    @property
    def problem_seed(self) -> int:
        return int(self.problem.settings.get("seed", 0))

    def projections(self) -> list[Array]:
        """Every computed record of every run as (a, b) in the view plane."""
        view = self.plane
        return [view.coords(r.column("params")) for r in self.runs]

    def off_plane(self) -> float:
        """How far the focused run's point at the cursor lies outside the plane."""
        return float(self.plane.off_plane(self.record(self.focused_run).params))

    def surface(self, paths: Sequence[Array]) -> PlaneSurface:
        """The plane as a 2-D surface over a window holding every path (kept while it fits)."""
        wanted = _window_for(paths, [r.status.kind == "diverged" for r in self.runs])
        if self._surface is None or not _inside(wanted, self._surface.domain):
            self._surface = plane_surface(self.problem, self.plane, wanted)
        return self._surface

    # -- the basis -----------------------------------------------------------------------------
    def set_rotated(self, rotated: bool) -> None:
        """Rebuild the runs in the other basis; the cursor stays where it is."""
        problem = self.problem
        if not isinstance(problem, Quadratic):
            raise OptiscopeError(
                f"{problem.title} has no rotated twin: rotation applies to the quadratic"
            )
        if problem.rotated != rotated:
            self._set_problem(with_rotation(problem, rotated))


def _window_for(paths: Sequence[Array], diverged: Sequence[bool]) -> Window:
    """Every path that did not diverge (an escaping path would squash the rest to a dot)."""
    kept = [p for p, bad in zip(paths, diverged, strict=True) if not bad] or list(paths)
    return window(*kept)


def _inside(inner: Window, outer: Window) -> bool:
    (ix, iy), (ox, oy) = inner, outer
    return ox[0] <= ix[0] and ix[1] <= ox[1] and oy[0] <= iy[0] and iy[1] <= oy[1]
