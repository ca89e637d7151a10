"""``optiscope map``: one optimizer from every cell of a grid of starts, or two compared.

``--optimizer`` once draws that optimizer's map; twice, the difference view A vs B
(positive = A better). Output is a character heatmap with a legend (table), one row per
cell (CSV) or the whole grid as data (JSON).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import sys
import time
from typing import Any, TextIO

from optiscope.core.errors import OptiscopeError
from optiscope.core.maps.compute import METRICS, ConvergenceMap, Window, check_metric, compute_map
from optiscope.core.maps.diff import MapDifference, difference
from optiscope.core.maps.export import difference_document, map_csv, map_document
from optiscope.core.trajectory import DEFAULT_GTOL

from .run_command import add_setup_options, setup_from_args

#: Cells per side: 400x400 starts x 500 Adam steps take a few seconds here.
MAX_SIDE = 400
DEFAULT_GRID = "60x30"
#: The progress line appears once a map has taken this long (seconds).
PROGRESS_AFTER = 1.0


def add_map_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "map",
        help="run an optimizer from every cell of a grid of starts: which minimum, how fast",
        description=(
            "Run an optimizer from the centre of every cell of a grid over the surface and "
            "show, per start, the minimum reached, the steps to converge or the final loss. "
            "Give --optimizer twice to compare two optimizers (positive = A better)."
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
        choices=METRICS,
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
        type=float,
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
    found = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
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
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise OptiscopeError(
            f"cannot read window {text!r}: give four finite numbers XLO,XHI,YLO,YHI"
        )
    x0, x1, y0, y1 = values
    if not (x0 < x1 and y0 < y1):
        raise OptiscopeError(f"window {text!r} needs XLO < XHI and YLO < YHI")
    return (x0, x1), (y0, y1)


class ProgressLine:
    """A percentage on stderr, shown only on a terminal and once a run takes a while."""

    def __init__(self, stream: TextIO, parts: int = 1) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.parts = parts
        self.part = 0
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < PROGRESS_AFTER or now - self.last < 0.1:
            return
        self.last = now
        done = (self.part + fraction) / self.parts
        self.stream.write(f"\roptiscope map: {100 * done:3.0f}%  {now - self.started:.1f} s ")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def map_command(args: argparse.Namespace) -> int:
    if args.start is not None:
        raise OptiscopeError("map starts from every cell of its grid: use --window, not --start")
    if args.optimizer is not None and len(args.optimizer) > 2:
        raise OptiscopeError(
            f"map takes one --optimizer, or two to compare; got {len(args.optimizer)}"
        )
    # One setup, checked as run checks it; its start is unused: every cell is a start.
    comparison = setup_from_args(args, default_optimizers=("gd",)).build()
    surface, setups = comparison.surface, comparison.setups
    if not (math.isfinite(args.gtol) and args.gtol > 0):
        raise OptiscopeError(f"gtol must be a positive number; got {args.gtol:g}")
    grid = parse_grid(args.grid)
    window = None if args.window is None else parse_window(args.window)
    metric = check_metric(args.metric)
    noise, schedule = comparison.noise, comparison.schedule

    progress = ProgressLine(sys.stderr, len(setups))
    maps: list[ConvergenceMap] = []
    try:
        for part, setup in enumerate(setups):
            progress.part = part
            maps.append(
                compute_map(
                    surface,
                    setup,
                    grid,
                    args.steps,
                    window,
                    gtol=args.gtol,
                    noise=noise,
                    schedule=schedule,
                    progress=progress,
                )
            )
    finally:
        progress.close()

    shown: ConvergenceMap | MapDifference = (
        maps[0] if len(maps) == 1 else difference(maps[0], maps[1], metric)
    )
    text = render(args.format, shown, metric, colour=not args.out and sys.stdout.isatty())
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def render(
    fmt: str, shown: ConvergenceMap | MapDifference, metric: str, colour: bool = False
) -> str:
    """The text to write; ``colour`` only for a terminal (a file gets plain glyphs)."""
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
