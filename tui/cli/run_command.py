"""``optiscope run``: build a comparison from command-line options and print it."""

from __future__ import annotations

import argparse
import sys

from optiscope.core.errors import OptiscopeError
from optiscope.core.export import csv_text, json_text
from optiscope.core.session.setup import DEFAULT_OPTIMIZERS, Comparison, Setup
from optiscope.core.specs import parse_start
from optiscope.core.surfaces import Surface
from optiscope.core.surfaces.formula import FormulaSurface, surface_from_text
from optiscope.core.trajectory import Trajectory

from .session_options import session_from_args


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
    if args.every < 1:
        raise OptiscopeError(f"every must be at least 1; got {args.every}")
    setup = resolve_setup(args)
    runs = setup.run()
    text = render(args.format, setup, runs, args.every)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def render(fmt: str, setup: Comparison, runs: list[Trajectory], every: int) -> str:
    """The runs as JSON (every record), CSV or tables (every ``every``-th and the last)."""
    if fmt == "json":
        return json_text(setup.surface, setup.start, runs, setup.noise, setup.schedule)
    if fmt == "csv":
        return csv_text(setup.surface, runs, every)
    from .table_output import render_tables

    return render_tables(setup.surface, setup.start, runs, every)
