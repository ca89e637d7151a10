"""``optiscope run``: build a comparison from command-line options and print it."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from optiscope.core.errors import OptiscopeError
from optiscope.core.export import csv_text, json_text
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import Schedule, parse_schedule
from optiscope.core.specs import OptimizerSetup, parse_optimizer, parse_start, unique_labels
from optiscope.core.surfaces import Surface
from optiscope.core.surfaces.formula import surface_from_text
from optiscope.core.trajectory import Trajectory, compare

from .session_options import session_from_args

if TYPE_CHECKING:
    from optiscope.core.session import Session

DEFAULT_OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
MAX_STEPS = 1_000_000


@dataclass(frozen=True)
class RunSetup:
    """Everything a comparison needs, resolved and validated from the options."""

    surface: Surface
    start: tuple[float, float]
    setups: list[OptimizerSetup]
    steps: int
    noise: GradientNoise
    schedule: Schedule


def add_setup_options(parser: argparse.ArgumentParser) -> None:
    """The options shared by ``run`` and the explorer's launch."""
    parser.add_argument(
        "--surface",
        default="lecture-bowl",
        metavar="NAME|FORMULA",
        help="surface name, with settings if any: rotated-bowl(kappa=100, theta=45); "
        'or a formula f(x, y): "x**2 + 10*sin(y)"',
    )
    parser.add_argument(
        "--domain",
        metavar="XLO,XHI,YLO,YHI",
        help="window of a formula surface (default -3,3,-3,3), e.g. --domain=-2,2,-1,1",
    )
    parser.add_argument(
        "--start", metavar="X,Y|NAME", help="start point (e.g. -2,2) or a named start (e.g. A)"
    )
    parser.add_argument(
        "--optimizer",
        action="append",
        metavar="SPEC",
        help='optimizer spec, repeatable: "rmsprop(lr=0.1, beta=0.9)"',
    )
    parser.add_argument("--steps", type=int, default=100, help="number of updates (default 100)")
    parser.add_argument(
        "--noise",
        type=float,
        default=0.0,
        metavar="SIGMA",
        help="std of Gaussian noise added to each gradient coordinate",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the noise and mini-batches")
    parser.add_argument(
        "--schedule",
        default="constant",
        metavar="SPEC",
        help="learning-rate schedule: constant, inverse-time(decay=0.01), "
        "step(every=50, gamma=0.5), cosine(T=200)",
    )


def parse_surface(text: str, domain: str | None = None) -> Surface:
    """A built-in surface spec or a formula; ``domain`` only for a formula."""
    return surface_from_text(text, domain)


def resolve_setup(args: argparse.Namespace) -> RunSetup:
    session = session_from_args(args)
    if session is not None:
        return setup_from_session(session)
    surface = parse_surface(args.surface, args.domain)
    start = surface.start() if args.start is None else parse_start(args.start, surface)
    specs = args.optimizer or list(DEFAULT_OPTIMIZERS)
    setups = unique_labels([parse_optimizer(s, surface) for s in specs])
    if not 0 <= args.steps <= MAX_STEPS:
        raise OptiscopeError(f"steps must be in [0, {MAX_STEPS}]; got {args.steps}")
    noise = GradientNoise(float(args.noise), int(args.seed))
    return RunSetup(surface, start, setups, args.steps, noise, parse_schedule(args.schedule))


def setup_from_session(session: Session) -> RunSetup:
    """The same setup the equivalent options give, so ``--spec`` output matches them byte
    for byte."""
    surface = session.build_surface()
    setups = unique_labels([parse_optimizer(s, surface) for s in session.optimizers])
    noise = GradientNoise(session.noise, session.seed)
    schedule = parse_schedule(session.schedule)
    return RunSetup(surface, session.start, setups, session.steps, noise, schedule)


def run_command(args: argparse.Namespace) -> int:
    if args.every < 1:
        raise OptiscopeError(f"every must be at least 1; got {args.every}")
    setup = resolve_setup(args)
    runs = compare(
        setup.surface, setup.setups, setup.start, setup.steps, setup.noise, setup.schedule
    )
    text = render(args.format, setup, runs, args.every)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def render(fmt: str, setup: RunSetup, runs: list[Trajectory], every: int) -> str:
    """The runs as JSON (every record), CSV or tables (every ``every``-th and the last)."""
    if fmt == "json":
        return json_text(setup.surface, setup.start, runs, setup.noise, setup.schedule)
    if fmt == "csv":
        return csv_text(setup.surface, runs, every)
    from .table_output import render_tables

    return render_tables(setup.surface, setup.start, runs, every)
