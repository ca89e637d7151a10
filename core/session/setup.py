"""A whole explorer setup as plain, validated data.

A session is what a learner wants back tomorrow: the surface, the start, the compared
optimizers with their hyperparameters, noise, schedule, how far they had stepped and how
the view looked. It holds the *text* specs the CLI takes (``rmsprop(lr=0.1,beta=0.9)``), not
built objects, so a file stays readable by a person and a later optiscope version resolves
it with the same parsers the command line uses.

Construction runs those real parsers, so a ``Session`` that exists is one the explorer and
``optiscope run`` can open. Loading therefore either returns a complete valid Session or
raises OptiscopeError: a corrupt or foreign file can never be half applied. Files are
``file``'s job, the one-line spec string for forum posts ``spec``'s.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, NamedTuple

from ..callspec import format_call, parse_call
from ..errors import OptiscopeError
from ..noise import MAX_SEED, GradientNoise
from ..params import Param, shown
from ..schedules import Schedule, parse_schedule
from ..specs import OptimizerSetup, parse_optimizer, unique_labels
from ..surfaces import SURFACES, Surface
from ..surfaces.formula import FormulaSurface, surface_from_text
from ..trajectory import Trajectory, compare

FORMAT = "optiscope-session"
FORMAT_VERSION = 1
MAX_OPTIMIZERS = 8
#: Updates a run makes at most, in ``optiscope run``, maps, spec strings, session files and
#: the explorer alike: 8 optimizers x 100,000 steps compute in about 10 s here. A spec or
#: file asking for more is refused when it is read, before anything is computed.
MAX_STEPS = 100_000
#: The explorer's step cursor goes at most this far: every step a setup can have.
MAX_CURSOR = MAX_STEPS
MAX_TEXT = 1_000
DEFAULT_OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
DEFAULT_STEPS = 100
TABLE_LAYOUTS = ("auto", "wide", "stacked")

#: ``--steps`` as a user types it; ``steps_of`` checks the value a Setup holds.
STEPS = Param("steps", DEFAULT_STEPS, "number of updates", 0, MAX_STEPS, kind="int")

#: Records computed between two progress reports (and two chances for Ctrl+C to land).
PROGRESS_CHUNK = 4_096

Window = tuple[tuple[float, float], tuple[float, float]]
_LESSON_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,63}")


@dataclass(frozen=True)
class View:
    """How the explorer looked. Plain data the TUI fills and applies; the core never reads it.

    ``window`` is the plotted ((x_lo, x_hi), (y_lo, y_hi)), None for the surface's own domain.
    """

    window: Window | None = None
    equal_aspect: bool = False
    loss_view: bool = False
    table_layout: str = "auto"
    lesson: str | None = None

    def __post_init__(self) -> None:
        if self.window is not None:
            object.__setattr__(self, "window", window_of(self.window, "view window"))
        flag_of(self.equal_aspect, "equal_aspect")
        flag_of(self.loss_view, "loss_view")
        if self.table_layout not in TABLE_LAYOUTS:
            raise OptiscopeError(
                f"table_layout must be one of {', '.join(TABLE_LAYOUTS)}; "
                f"got {shown(self.table_layout)}"
            )
        if self.lesson is not None and not (
            isinstance(self.lesson, str) and _LESSON_ID.fullmatch(self.lesson)
        ):
            raise OptiscopeError(f"lesson must be a lesson id; got {shown(self.lesson)}")


@dataclass(frozen=True)
class Setup:
    """A comparison as plain, validated data: what lessons, ``optiscope run``, maps, sessions
    and the explorer all start from.

    Optimizer, schedule and built-in surface specs are stored in one canonical spelling (no
    spaces), so two setups that mean the same thing compare equal and the spec string needs
    no quoting for them. A formula is kept as the user wrote it; ``domain`` is its window
    (formulas only). ``steps`` is how many updates a run makes (the explorer's horizon).
    ``build()`` resolves it into the objects that run.
    """

    surface: str
    start: tuple[float, float]
    optimizers: tuple[str, ...] = DEFAULT_OPTIMIZERS
    noise: float = 0.0
    seed: int = 0
    schedule: str = "constant"
    steps: int = DEFAULT_STEPS
    domain: Window | None = None

    def __post_init__(self) -> None:
        domain = None if self.domain is None else window_of(self.domain, "domain")
        surface = build_surface(text_of(self.surface, "surface"), domain)
        text = surface_text(self.surface, surface)
        specs: object = self.optimizers
        if isinstance(specs, str) or not isinstance(specs, Sequence):
            raise OptiscopeError(f"optimizers must be a list of specs; got {shown(specs)}")
        if not 1 <= len(specs) <= MAX_OPTIMIZERS:
            raise OptiscopeError(
                f"a setup compares 1 to {MAX_OPTIMIZERS} optimizers; this one has {len(specs)}"
            )
        canonical = tuple(canonical_call(text_of(s, "optimizer"), "optimizer") for s in specs)
        for spec in canonical:
            parse_optimizer(spec, surface)
        sigma = number_of(self.noise, "noise")
        seed = integer_of(self.seed, "seed", 0, MAX_SEED)
        GradientNoise(sigma, seed)
        parse_schedule(text_of(self.schedule, "schedule"))
        steps_of(self.steps)
        for name, value in (
            ("surface", text),
            ("domain", domain),
            ("start", pair_of(self.start, "start")),
            ("optimizers", canonical),
            ("noise", sigma),
            ("schedule", canonical_call(self.schedule, "schedule")),
        ):
            object.__setattr__(self, name, value)

    def build_surface(self) -> Surface:
        return build_surface(self.surface, self.domain)

    def build(self) -> Comparison:
        """The objects that run: the surface, one OptimizerSetup per spec (labels made
        unique), the noise stream and the schedule."""
        surface = self.build_surface()
        return Comparison(
            surface,
            self.start,
            unique_labels([parse_optimizer(s, surface) for s in self.optimizers]),
            self.steps,
            GradientNoise(self.noise, self.seed),
            parse_schedule(self.schedule),
        )

    def run(self) -> list[Trajectory]:
        return self.build().run()

    def but(self, **changes: Any) -> Setup:
        """This setup with some fields changed, validated again (a lesson's control run)."""
        return replace(self, **changes)


class Comparison(NamedTuple):
    """A setup resolved into the objects that run; every field is already checked."""

    surface: Surface
    start: tuple[float, float]
    setups: list[OptimizerSetup]
    steps: int
    noise: GradientNoise
    schedule: Schedule

    def run(self, progress: Callable[[float], None] | None = None) -> list[Trajectory]:
        """Every optimizer's records 0..steps; ``progress(fraction done)`` is called every
        ``PROGRESS_CHUNK`` records (the runs are the same with or without it)."""
        if progress is None:
            return compare(
                self.surface, self.setups, self.start, self.steps, self.noise, self.schedule
            )
        runs = [
            Trajectory(self.surface, s, self.start, self.noise, self.schedule) for s in self.setups
        ]
        total = len(runs) * (self.steps + 1)
        for k, run in enumerate(runs):
            while len(run) < self.steps + 1 and run.extend(
                min(PROGRESS_CHUNK, self.steps + 1 - len(run))
            ):
                progress((k * (self.steps + 1) + len(run)) / total)
        progress(1.0)
        return runs


@dataclass(frozen=True)
class Session(Setup):
    """A setup and where the explorer was: what a learner wants back tomorrow.

    ``cursor`` and ``focused`` only matter to the explorer; ``view`` is how it looked.
    """

    cursor: int = 0
    focused: int = 0
    view: View = field(default_factory=View)
    version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if self.version != FORMAT_VERSION or isinstance(self.version, bool):
            raise OptiscopeError(
                f"session format version {shown(self.version)} is not supported "
                f"(this optiscope reads version {FORMAT_VERSION})"
            )
        super().__post_init__()
        integer_of(self.cursor, "cursor", 0, MAX_CURSOR)
        integer_of(self.focused, "focused", 0, len(self.optimizers) - 1)
        if not isinstance(self.view, View):
            raise OptiscopeError(f"view must be a View; got {shown(self.view)}")

    @property
    def setup(self) -> Setup:
        """The setup alone, without the explorer's place in it."""
        return Setup(**{f.name: getattr(self, f.name) for f in fields(Setup)})


def surface_text(text: str, surface: Surface) -> str:
    """A built-in surface's spec in canonical spelling; a formula as the user wrote it."""
    stripped = text.strip()
    return stripped if isinstance(surface, FormulaSurface) else canonical_call(stripped, "surface")


def build_surface(text: str, domain: Window | None = None) -> Surface:
    """The surface a session names, read by the same rules as ``--surface`` and ``--domain``:
    a built-in spec or a formula (a domain is for formulas only)."""
    return surface_from_text(text, domain)


def surface_spec(surface: Surface) -> str:
    """``rotated-bowl(kappa=50)``: the surface's name and the settings that differ from the
    defaults, so the line stays short and reads like what the user typed; a formula's text."""
    if isinstance(surface, FormulaSurface):
        return surface.text
    if SURFACES.get(surface.name) is not type(surface):
        raise OptiscopeError(f"cannot describe surface {surface.title!r} as a session")
    changed = {
        p.name: surface.settings[p.name]
        for p in surface.PARAMS
        if surface.settings[p.name] != p.default
    }
    return format_call(surface.name, changed)


def make_session(fields: Mapping[str, object], view: View) -> Session:
    """A Session from loose fields (a TOML table, a spec string); the start defaults to the
    surface's default start."""
    kwargs = dict(fields)
    if "start" not in kwargs:
        domain = kwargs.get("domain")
        window = None if domain is None else window_of(domain, "domain")
        kwargs["start"] = build_surface(text_of(kwargs["surface"], "surface"), window).start()
    return Session(view=view, **kwargs)  # type: ignore[arg-type]


# -- checks shared with the file and spec readers ----------------------------------------
def canonical_call(text: str, what: str) -> str:
    """``rmsprop(lr=0.1, beta=0.9)`` -> ``rmsprop(lr=0.1,beta=0.9)``: one spelling, no spaces."""
    name, raw = parse_call(text, what)
    if not raw:
        return name
    return f"{name}({','.join(f'{k}={v}' for k, v in raw.items())})"


def text_of(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise OptiscopeError(f"{what} must be text; got {shown(value)}")
    if len(value) > MAX_TEXT:
        raise OptiscopeError(f"{what} is too long ({len(value):,} characters)")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise OptiscopeError(f"{what} must be one line of text; got {shown(value)}")
    return value


def number_of(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptiscopeError(f"{what} must be a number; got {shown(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise OptiscopeError(f"{what} must be finite; got {shown(value)}")
    return number


def integer_of(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptiscopeError(f"{what} must be a whole number; got {shown(value)}")
    if not low <= value <= high:
        raise OptiscopeError(f"{what} must be in [{low}, {high}]; got {value}")
    return value


def steps_of(value: object) -> int:
    """The number of updates, with the limit and why it is there in the message."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptiscopeError(f"steps must be a whole number; got {shown(value)}")
    if not 0 <= value <= MAX_STEPS:
        raise OptiscopeError(
            f"steps must be in [0, {MAX_STEPS}] (8 optimizers x {MAX_STEPS:,} steps take "
            f"about 10 s); got {value}"
        )
    return value


def flag_of(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise OptiscopeError(f"{what} must be true or false; got {shown(value)}")
    return value


def pair_of(value: object, what: str) -> tuple[float, float]:
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise OptiscopeError(f"{what} must be two numbers [x, y]; got {shown(value)}")
    return (number_of(value[0], what), number_of(value[1], what))


def window_of(value: object, what: str) -> Window:
    """((x_lo, x_hi), (y_lo, y_hi)) with finite numbers and lo < hi on both axes."""
    if isinstance(value, str) or not isinstance(value, Sequence) or len(value) != 2:
        raise OptiscopeError(f"{what} must be [[x_lo, x_hi], [y_lo, y_hi]]; got {shown(value)}")
    xs, ys = pair_of(value[0], what), pair_of(value[1], what)
    if not (xs[0] < xs[1] and ys[0] < ys[1]):
        raise OptiscopeError(f"{what} must have lo < hi on both axes; got {shown(value)}")
    return (xs, ys)
