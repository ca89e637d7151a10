"""``optiscope map``: one optimizer from every cell of a grid of starts, or two compared.

``--optimizer`` once draws that optimizer's map; twice, the difference view A vs B
(positive = A better). Output is a character heatmap with a legend (table), one row per
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

#: Cells per side.
MAX_SIDE = 400
#: Grid cells x steps x optimizers: 400x400 starts x 500 Adam steps on Rosenbrock (8e7)
#: take 5-9 s here, so a map never runs much past 10 s.
MAX_MAP_WORK = 100_000_000
DEFAULT_GRID = "60x30"
#: The metrics ``core.maps.compute.METRICS`` defines (kept here so parsing needs no NumPy;
#: a test checks the two agree).
METRIC_NAMES = ("minimum", "steps", "loss")
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


def add_map_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "map",
        help="run an optimizer from every cell of a grid of starts: which minimum, how fast",
        description=(
            "Run an optimizer from the centre of every cell of a grid over the surface and "
            "show, per start, the minimum reached, the steps to converge or the final loss. "
            "Give --optimizer twice to compare two optimizers (positive = A better). "
            f"{REACH_RULE}"
        ),
    )
    add_setup_options(parser)
    parser.add_argument(
        "--grid",
        default=DEFAULT_GRID,
        metavar="NXxNY",
        help=f"starts per row x rows, each at most {MAX_SIDE} (default {DEFAULT_GRID})",
    )
    parser.add_argument(
        "--metric",
        choices=METRIC_NAMES,
        default="minimum",
        help="minimum reached, steps until ‖∇f‖ ≤ gtol, or final loss (default minimum)",
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

    if args.start is not None:
        raise OptiscopeError("map starts from every cell of its grid: use --window, not --start")
    if args.optimizer is not None and len(args.optimizer) > 2:
        raise OptiscopeError(
            f"map takes one --optimizer, or two to compare; got {len(args.optimizer)}"
        )
    # One setup, checked as run checks it; its start is unused: every cell is a start.
    comparison = setup_from_args(args, default_optimizers=("gd",)).build()
    surface, setups = comparison.surface, comparison.setups
    grid = parse_grid(args.grid)
    check_work(grid, comparison.steps, len(setups))
    window = None if args.window is None else parse_window(args.window)
    metric = check_metric(args.metric)
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
