"""``optiscope map``: one optimizer from every cell of a grid of starts, or two compared;
or, with ``--over``, one optimizer from one start over a grid of hyperparameters.

``--optimizer`` once draws that optimizer's map; twice, the difference view A vs B
(positive = A better). ``--over lr,beta`` maps (lr, β) instead of starts, ``--over lr``
the learning rate alone. Output is a character heatmap with a legend (table), one row per
cell (CSV) or the whole grid as data (JSON).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from optiscope.core.errors import OptiscopeError
from optiscope.core.params import Param, parse_number

from .options import number_type
from .output import write_output
from .progress import ProgressBar
from .run_command import add_setup_options, setup_from_args

if TYPE_CHECKING:
    from optiscope.core.maps.compute import ConvergenceMap, Window
    from optiscope.core.maps.diff import MapDifference
    from optiscope.core.maps.over import HyperMap

#: Cells per side.
MAX_SIDE = 400
#: Grid cells x steps x optimizers: 400x400 starts x 500 Adam steps on Rosenbrock (8e7)
#: take 5-9 s here, so a map never runs much past 10 s.
MAX_MAP_WORK = 100_000_000
DEFAULT_GRID = "60x30"
DEFAULT_OVER_GRID = "60x40"
DEFAULT_LR_GRID = "60"
#: The metrics ``core.maps.compute.METRICS`` defines (kept here so parsing needs no NumPy;
#: a test checks the two agree), and those of ``core.maps.over.OVER_METRICS``.
METRIC_NAMES = ("minimum", "steps", "loss")
OVER_METRIC_NAMES = ("class", "steps", "loss")
OVER_AXES = ("lr", "lr,beta")
#: ``core.sweep.DEFAULT_TOL`` and ``core.maps.over.DEFAULT_BETA_RANGE`` (checked by a test).
DEFAULT_TOL = 0.01
DEFAULT_BETA_RANGE = "0,0.99"
#: ``core.trajectory.DEFAULT_GTOL``, for the same reason (checked by the same test).
DEFAULT_GTOL = 1e-6
#: The rule of ``core.maps.minima`` in words (its numbers are checked by a test).
REACH_RULE = (
    "A start reaches a minimum only if it stays there: every point of the last 10% of the "
    "steps (at least 1, at most 100 updates) lies within 1% of the domain's longer side of "
    'it; otherwise the map says "no minimum reached" (an orbit that only passes near a '
    "minimum, or an RMSprop burst, does not count)."
)
GTOL = Param(
    "gtol", DEFAULT_GTOL, "converged once the gradient norm is at most G", low=0.0, low_open=True
)
TOL = Param("tol", DEFAULT_TOL, "tolerance of the steps metric", 0.0, 1.0, True, True)


def add_map_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "map",
        help="run an optimizer from every cell of a grid of starts: which minimum, how fast",
        description=(
            "Run an optimizer from the centre of every cell of a grid over the surface and "
            "show, per start, the minimum reached, the steps to converge or the final loss. "
            "Give --optimizer twice to compare two optimizers (positive = A better). "
            f"{REACH_RULE} With --over, run one optimizer from one start (--start) at every "
            "(lr, β) of a log-lr x linear-β grid instead, β being its momentum-like "
            "hyperparameter (beta of momentum and rmsprop, beta1 of the Adam family and lion, "
            "momentum of heavyball and nesterov); each cell converged, diverged or still "
            "running, or the sweep's steps and final loss."
        ),
    )
    add_setup_options(parser)
    parser.add_argument(
        "--grid",
        metavar="NXxNY",
        help=f"starts per row x rows, each at most {MAX_SIDE} (default {DEFAULT_GRID}); with "
        f"--over: learning rates x β values (default {DEFAULT_OVER_GRID}, or "
        f"{DEFAULT_LR_GRID} learning rates for --over lr)",
    )
    parser.add_argument(
        "--metric",
        choices=(*METRIC_NAMES, "class"),
        help="minimum reached, steps until ‖∇f‖ ≤ gtol, or final loss (default minimum); "
        "with --over: class (converged, diverged, running; the default), steps until f − f* "
        "stays within --tol of the start's gap, or final loss, as in `optiscope sweep`",
    )
    parser.add_argument(
        "--over",
        choices=OVER_AXES,
        help="map hyperparameters instead of starts: lr (the sweep as a curve) or lr,beta",
    )
    parser.add_argument(
        "--lr-range",
        metavar="LO,HI",
        help="with --over: learning rates from LO to HI, log-spaced, 0 < LO < HI (default: "
        "suggested/100 to suggested·10, as the sweep)",
    )
    parser.add_argument(
        "--beta-range",
        metavar="LO,HI",
        help=f"with --over lr,beta: β from LO to HI, evenly spaced (default {DEFAULT_BETA_RANGE})",
    )
    parser.add_argument(
        "--tol",
        type=number_type(TOL),
        metavar="T",
        help=f"with --over and --metric steps: f − f* must stay ≤ T·(f(x₀) − f*) "
        f"(default {DEFAULT_TOL:g})",
    )
    parser.add_argument(
        "--window",
        metavar="XLO,XHI,YLO,YHI",
        help="the region the starts cover (default: the surface's plot window)",
    )
    parser.add_argument(
        "--gtol",
        type=number_type(GTOL),
        default=DEFAULT_GTOL,
        metavar="G",
        help=f"converged once the gradient norm is at most G (default {DEFAULT_GTOL:g})",
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.set_defaults(handler=map_command)


def parse_grid(text: str) -> tuple[int, int]:
    """``"120x60"`` -> (120, 60), each side in 1..MAX_SIDE."""
    found = re.fullmatch(r"\s*([0-9]{1,9})\s*[xX×]\s*([0-9]{1,9})\s*", text)
    if found is None:
        raise OptiscopeError(f"cannot read grid {text!r}: give NXxNY, e.g. {DEFAULT_GRID}")
    nx, ny = int(found.group(1)), int(found.group(2))
    if not (1 <= nx <= MAX_SIDE and 1 <= ny <= MAX_SIDE):
        raise OptiscopeError(
            f"grid {nx}x{ny} is out of range: each side must be 1 to {MAX_SIDE} cells"
        )
    return nx, ny


def parse_window(text: str) -> Window:
    """``"-2,2,-1,3"`` -> ((-2, 2), (-1, 3)), finite with low < high."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    if len(parts) != 4:
        raise OptiscopeError(
            f"cannot read window {text!r}: give four finite numbers XLO,XHI,YLO,YHI"
        )
    x0, x1, y0, y1 = (float(parse_number(p, f"window {text!r}")) for p in parts)
    if not (x0 < x1 and y0 < y1):
        raise OptiscopeError(f"window {text!r} needs XLO < XHI and YLO < YHI")
    return (x0, x1), (y0, y1)


def map_command(args: argparse.Namespace) -> int:
    from optiscope.core.maps.compute import check_metric, compute_map
    from optiscope.core.maps.diff import difference

    if args.over is not None:
        return over_command(args)
    for given, name in ((args.lr_range, "--lr-range"), (args.beta_range, "--beta-range"),
                        (args.tol, "--tol")):  # fmt: skip
        if given is not None:
            raise OptiscopeError(f"{name} is for maps over hyperparameters: add --over")
    if args.metric == "class":
        raise OptiscopeError("--metric class is for maps over hyperparameters: add --over")
    if args.start is not None:
        raise OptiscopeError("map starts from every cell of its grid: use --window, not --start")
    if args.optimizer is not None and len(args.optimizer) > 2:
        raise OptiscopeError(
            f"map takes one --optimizer, or two to compare; got {len(args.optimizer)}"
        )
    # One setup, checked as run checks it; its start is unused: every cell is a start.
    comparison = setup_from_args(args, default_optimizers=("gd",)).build()
    surface, setups = comparison.surface, comparison.setups
    grid = parse_grid(args.grid or DEFAULT_GRID)
    check_work(grid, comparison.steps, len(setups))
    window = None if args.window is None else parse_window(args.window)
    metric = check_metric(args.metric or "minimum")
    noise, schedule = comparison.noise, comparison.schedule

    maps: list[ConvergenceMap] = []
    with ProgressBar("optiscope map") as bar:
        for part, setup in enumerate(setups):
            maps.append(
                compute_map(
                    surface,
                    setup,
                    grid,
                    comparison.steps,
                    window,
                    gtol=args.gtol,
                    noise=noise,
                    schedule=schedule,
                    progress=_share(bar, part, len(setups)),
                )
            )

    shown: ConvergenceMap | MapDifference = (
        maps[0] if len(maps) == 1 else difference(maps[0], maps[1], metric)
    )
    text = render(args.format, shown, metric, colour=not args.out and sys.stdout.isatty())
    write_output(text, args.out)
    return 0


def _share(bar: ProgressBar, part: int, parts: int) -> Callable[[float], None]:
    """Progress of one map of ``parts`` as progress of the whole command."""
    return lambda fraction: bar((part + fraction) / parts)


def over_command(args: argparse.Namespace) -> int:
    """``--over lr`` or ``--over lr,beta``: one optimizer, one start, a grid of (lr, β)."""
    from optiscope.core.callspec import parse_call
    from optiscope.core.maps.over import beta_grid, beta_name, compute_over, lr_axis
    from optiscope.core.sweep import default_range

    with_beta = args.over == "lr,beta"
    if args.window is not None:
        raise OptiscopeError("a map --over runs from one start: use --start, not --window")
    if not with_beta and args.beta_range is not None:
        raise OptiscopeError("--beta-range needs --over lr,beta")
    metric = args.metric or "class"
    if metric not in OVER_METRIC_NAMES:
        raise OptiscopeError(
            f"a map --over is coloured by {', '.join(OVER_METRIC_NAMES)}; got --metric {metric}"
        )
    comparison = setup_from_args(args, ("momentum",) if with_beta else ("gd",)).build()
    if len(comparison.setups) != 1:
        raise OptiscopeError(f"a map --over takes one --optimizer; got {len(comparison.setups)}")
    surface, setup = comparison.surface, comparison.setups[0]
    if metric == "steps" and not surface.minima:
        raise OptiscopeError(
            f"{surface.title} has no known minimum, so f − f* and the steps metric are "
            "undefined (use --metric loss or class)"
        )
    given = parse_call(setup.label, "optimizer")[1]
    varied = {"lr": "--lr-range"}
    if with_beta:
        varied[beta_name(setup)] = "--beta-range"
    for name, option in varied.items():
        if name in given:
            raise OptiscopeError(
                f"the map varies {name}: leave it out of {setup.label} (use {option})"
            )
    grid_text = args.grid or (DEFAULT_OVER_GRID if with_beta else DEFAULT_LR_GRID)
    if not with_beta and re.fullmatch(r"\s*[0-9]+\s*", grid_text):
        grid_text += "x1"  # --over lr: one row, so --grid W is enough
    nx, ny = parse_grid(grid_text)
    if not with_beta and ny != 1:
        raise OptiscopeError(f"--over lr has one row: give --grid {nx} (or {nx}x1)")
    if nx < 2 or (with_beta and ny < 2):
        raise OptiscopeError(f"a map --over needs at least 2 values per axis; got {nx}x{ny}")
    check_work((nx, ny), comparison.steps, 1)
    low, high = default_range(surface, setup) if args.lr_range is None else (
        parse_range(args.lr_range, "lr range"))  # fmt: skip
    lrs = lr_axis(low, high, nx)
    betas = None
    if with_beta:
        b_low, b_high = parse_range(args.beta_range or DEFAULT_BETA_RANGE, "β range")
        betas = beta_grid(setup, b_low, b_high, ny)
    tol = DEFAULT_TOL if args.tol is None else float(args.tol)
    with ProgressBar("optiscope map") as bar:
        hmap = compute_over(
            surface,
            setup,
            comparison.start,
            comparison.steps,
            lrs,
            betas,
            gtol=args.gtol,
            tol=tol,
            noise=comparison.noise,
            schedule=comparison.schedule,
            progress=bar,
        )
    text = render_over(args.format, hmap, metric, colour=not args.out and sys.stdout.isatty())
    write_output(text, args.out)
    return 0


def parse_range(text: str, what: str) -> tuple[float, float]:
    """``"0.001,1"`` -> (0.001, 1.0), each a finite number (the callers check the rest)."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    if len(parts) != 2:
        raise OptiscopeError(f"cannot read {what} {text!r}: give LO,HI, e.g. 0.001,1")
    low, high = (float(parse_number(part, what)) for part in parts)
    return low, high


def render_over(fmt: str, hmap: HyperMap, metric: str, colour: bool = False) -> str:
    """The text to write for a map over hyperparameters."""
    import csv
    import io
    import json

    from optiscope.core.maps.over_export import over_csv, over_document

    if metric not in OVER_METRIC_NAMES:
        raise OptiscopeError(f"unknown metric {metric!r} (metrics: {', '.join(OVER_METRIC_NAMES)})")
    chosen: Any = metric
    if fmt == "json":
        doc = over_document(hmap, chosen)
        return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(over_csv(hmap))
        return buf.getvalue()
    from .map_output import render_over_map

    return render_over_map(hmap, chosen, in_colour=colour)


def check_work(grid: tuple[int, int], steps: int, optimizers: int) -> None:
    """Refuse a map that would run far past ~10 s, naming the most steps this grid allows."""
    cells = grid[0] * grid[1]
    if cells * max(steps, 1) * optimizers > MAX_MAP_WORK:
        most = MAX_MAP_WORK // (cells * optimizers)
        raise OptiscopeError(
            f"a {grid[0]}x{grid[1]} map of {steps:,} steps is too much work: grid cells x "
            f"steps x optimizers is at most {MAX_MAP_WORK:,} (about 10 s); at most "
            f"{most:,} steps for this grid"
        )


def render(
    fmt: str, shown: ConvergenceMap | MapDifference, metric: str, colour: bool = False
) -> str:
    """The text to write; ``colour`` only for a terminal (a file gets plain glyphs)."""
    import csv
    import io
    import json

    from optiscope.core.maps.compute import check_metric
    from optiscope.core.maps.diff import MapDifference
    from optiscope.core.maps.export import difference_document, map_csv, map_document

    metric = check_metric(metric)
    if fmt == "json":
        doc = (
            difference_document(shown)
            if isinstance(shown, MapDifference)
            else map_document(shown, metric)
        )
        return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(map_csv(shown))
        return buf.getvalue()
    from .map_output import render_map

    return render_map(shown, metric, in_colour=colour)
