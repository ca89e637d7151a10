"""``optiscope run``: build a comparison from command-line options and print it."""

from __future__ import annotations

import argparse

from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import SEED, SIGMA
from optiscope.core.params import Param
from optiscope.core.schedules import schedule_examples
from optiscope.core.session.setup import DEFAULT_OPTIMIZERS, MAX_STEPS, STEPS, Comparison, Setup
from optiscope.core.specs import parse_start
from optiscope.core.surfaces import Surface
from optiscope.core.surfaces.formula import FormulaSurface, surface_from_text
from optiscope.core.trajectory import Trajectory

from .options import number_type
from .output import write_output
from .progress import ProgressBar
from .session_options import session_from_args

EVERY = Param("every", 1, "print every K-th step", 1, MAX_STEPS, kind="int")
#: Steps x optimizers one run may compute and export: 400,000 take about 5 s to compute
#: here and as long again to write as CSV or JSON (once the export is columnar).
MAX_WORK = 400_000
#: Rows a table may print: rich lays out about a thousand a second here.
MAX_TABLE_ROWS = 10_000


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
    parser.add_argument(
        "--steps",
        type=number_type(STEPS),
        default=STEPS.default,
        metavar="N",
        help=f"number of updates, at most {MAX_STEPS:,} (default {STEPS.default})",
    )
    parser.add_argument(
        "--noise",
        type=number_type(SIGMA),
        default=SIGMA.default,
        metavar="SIGMA",
        help="std of Gaussian noise added to each gradient coordinate (default 0)",
    )
    parser.add_argument(
        "--seed",
        type=number_type(SEED),
        default=SEED.default,
        metavar="N",
        help=f"seed of the noise and mini-batches, 0 to 2**63-1 (default {SEED.default})",
    )
    parser.add_argument(
        "--schedule",
        default="constant",
        metavar="SPEC",
        help=f"learning-rate schedule: {', '.join(schedule_examples())} (optiscope list schedules)",
    )


def parse_surface(text: str, domain: str | None = None) -> Surface:
    """A built-in surface spec or a formula; ``domain`` only for a formula."""
    return surface_from_text(text, domain)


def setup_from_args(
    args: argparse.Namespace, default_optimizers: tuple[str, ...] = DEFAULT_OPTIMIZERS
) -> Setup:
    """The setup the options (or ``--spec``/``--session``) describe, validated."""
    session = session_from_args(args)
    if session is not None:
        return session.setup
    surface = parse_surface(args.surface, args.domain)
    start = surface.start() if args.start is None else parse_start(args.start, surface)
    return Setup(
        surface=args.surface,
        domain=surface.domain if isinstance(surface, FormulaSurface) else None,
        start=start,
        optimizers=tuple(args.optimizer or default_optimizers),
        noise=args.noise,
        seed=args.seed,
        schedule=args.schedule,
        steps=args.steps,
    )


def resolve_setup(args: argparse.Namespace) -> Comparison:
    """The options resolved into the objects that run (a bad option raises here)."""
    return setup_from_args(args).build()


def run_command(args: argparse.Namespace) -> int:
    setup = resolve_setup(args)
    check_work(len(setup.setups), setup.steps, args.format, args.every)
    with ProgressBar("optiscope run") as bar:
        runs = setup.run(progress=bar)
    write_output(render(args.format, setup, runs, args.every), args.out)
    return 0


def check_work(optimizers: int, steps: int, fmt: str, every: int) -> None:
    """Refuse a run that would take far more than ~10 s, saying what fits instead."""
    if optimizers * steps > MAX_WORK:
        most = MAX_WORK // optimizers
        raise OptiscopeError(
            f"{optimizers} optimizers x {steps:,} steps is too much for one run: steps x "
            f"optimizers is at most {MAX_WORK:,} (about 10 s here); at most {most:,} steps "
            f"with {optimizers} optimizer{'s' if optimizers != 1 else ''}"
        )
    rows = optimizers * (-(-steps // every) + 1)
    if fmt == "table" and rows > MAX_TABLE_ROWS:
        least = next(
            k
            for k in range(every, steps + 1)
            if optimizers * (-(-steps // k) + 1) <= MAX_TABLE_ROWS
        )
        raise OptiscopeError(
            f"a table of {rows:,} rows is too long (at most {MAX_TABLE_ROWS:,}, about 10 s to "
            f"lay out): thin it with --every {least} or more, or use --format csv or json"
        )


def render(fmt: str, setup: Comparison, runs: list[Trajectory], every: int) -> str:
    """The runs as JSON (every record), CSV or tables (every ``every``-th and the last)."""
    from optiscope.core.export import csv_text, json_text

    if fmt == "json":
        return json_text(setup.surface, setup.start, runs, setup.noise, setup.schedule)
    if fmt == "csv":
        return csv_text(setup.surface, runs, every)
    from .table_output import render_tables

    return render_tables(setup.surface, setup.start, runs, every)
