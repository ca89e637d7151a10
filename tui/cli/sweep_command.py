"""``optiscope sweep``: each optimizer at many learning rates, and the best one for a metric.

A comparison is fair only at learning rates chosen for what it reports. The sweep runs every
``--optimizer`` (its other hyperparameters as given) at ``--points`` log-spaced learning
rates and measures ``--metric`` over ``--steps`` updates. Output: one line per optimizer
with its best lr and a sparkline of the metric over lr (table), one row per learning rate
(CSV), or everything as data (JSON).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from typing import Any

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.params import Param, parse_number
from optiscope.core.sweep import (
    DEFAULT_POINTS,
    DEFAULT_TOL,
    METRIC_NAMES,
    Metric,
    Sweep,
    SweepRun,
    sweep,
)
from optiscope.core.sweep.export import status_of, sweep_document, sweep_rows

from .options import number_type
from .output import write_output
from .run_command import add_setup_options, setup_from_args

#: Sparkline marks, lowest value first; "·" never reached, "×" diverged.
BARS = "▁▂▃▄▅▆▇█"
NEVER, DIVERGED = "·", "×"


def add_sweep_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help="run each optimizer at many learning rates: which lr is best for a metric",
        description=(
            "Run each optimizer at --points log-spaced learning rates (default: from 1/100 to "
            "10 times the surface's suggested lr for its family) and report a metric per lr "
            "and the best lr. Optimizer specs may fix other hyperparameters, not lr."
        ),
    )
    add_setup_options(parser)
    parser.add_argument(
        "--metric",
        choices=METRIC_NAMES,
        default="steps",
        help="steps until f − f* stays within tol of the start's gap, the final loss, or the "
        "mean loss over the run (default steps)",
    )
    parser.add_argument(
        "--tol",
        type=number_type(TOL),
        default=DEFAULT_TOL,
        metavar="T",
        help=f"steps: f − f* must stay ≤ T·(f(x₀) − f*), T in (0, 1) (default {DEFAULT_TOL:g})",
    )
    parser.add_argument(
        "--lr-range",
        metavar="LO,HI",
        help="learning rates from LO to HI, 0 < LO < HI (default: per optimizer, "
        "suggested/100 to suggested·10)",
    )
    parser.add_argument(
        "--points",
        type=number_type(POINTS),
        default=DEFAULT_POINTS,
        metavar="K",
        help=f"learning rates per optimizer, 2 to {CLI_MAX_POINTS} (default {DEFAULT_POINTS})",
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    parser.set_defaults(handler=sweep_command)


#: The CLI's number rules for its own options (see core.params: one check everywhere).
TOL = Param("tol", DEFAULT_TOL, "tolerance of the steps metric", 0.0, 1.0, True, True)
CLI_MAX_POINTS = 200
POINTS = Param("points", DEFAULT_POINTS, "learning rates per optimizer", 2, CLI_MAX_POINTS,
               kind="int")  # fmt: skip
#: points x steps x optimizers: about 10 s of batched updates here.
MAX_WORK = 20_000_000


def parse_lr_range(text: str) -> tuple[float, float]:
    """``"0.001,1"`` -> (0.001, 1.0); the sweep checks it is finite, positive and LO < HI."""
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    if len(parts) != 2:
        raise OptiscopeError(f"cannot read lr range {text!r}: give LO,HI, e.g. 0.001,1")
    low, high = (parse_number(part, "lr range") for part in parts)
    return low, high


def sweep_command(args: argparse.Namespace) -> int:
    lr_range = None if args.lr_range is None else parse_lr_range(args.lr_range)
    metric = Metric(args.metric, float(args.tol))
    setup = setup_from_args(args)
    work = int(args.points) * setup.steps * len(setup.optimizers)
    if work > MAX_WORK:
        raise OptiscopeError(
            f"{args.points} learning rates x {setup.steps:,} steps x {len(setup.optimizers)} "
            f"optimizer(s) is too much for one sweep: at most {MAX_WORK:,} (about 10 s here); "
            "ask for fewer points or steps"
        )
    result = sweep(setup, metric, lr_range, int(args.points))
    write_output(render(args.format, result), args.out)
    return 0


def render(fmt_name: str, result: Sweep) -> str:
    if fmt_name == "json":
        return json.dumps(sweep_document(result), ensure_ascii=False, allow_nan=False) + "\n"
    if fmt_name == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(sweep_rows(result))
        return buf.getvalue()
    return "\n".join(table_lines(result)) + "\n"


def table_lines(result: Sweep) -> list[str]:
    """A header, one line per optimizer (best lr, its value, a sparkline over lr), notes."""
    x, y = result.start
    metric = result.metric
    points = len(result.runs[0].lrs)
    lines = [
        f"Learning-rate sweep on {result.surface.title} from ({fmt(x)}, {fmt(y)}), "
        f"{result.steps:,} steps"
        + (
            f", noise σ={result.noise.sigma:g} seed {result.noise.seed}"
            if result.noise.active
            else ""
        )
        + ("" if result.schedule.constant else f", schedule {result.schedule.spec()}"),
        f"metric: {metric.describe()} (lower is better)",
        f"{points} log-spaced learning rates per optimizer; sparkline: one mark per lr, low to "
        f"high, {NEVER} never, {DIVERGED} diverged",
        "",
    ]
    label_width = max(9, *(len(run.setup.label) for run in result.runs))
    ranges = [f"{fmt(run.lrs[0], 3)}…{fmt(run.lrs[-1], 3)}" for run in result.runs]
    range_width = max(8, *(len(r) for r in ranges))
    value_head = "steps" if metric.name == "steps" else metric.name
    lines.append(
        f"{'optimizer':<{label_width}}  {'lr range':<{range_width}}  {'best lr':>9}  "
        f"{value_head:>10}  {value_head} over lr"
    )
    notes = []
    for run, lr_text in zip(result.runs, ranges, strict=True):
        best = "—" if run.best_lr is None else fmt(run.best_lr)
        lines.append(
            f"{run.setup.label:<{label_width}}  {lr_text:<{range_width}}  {best:>9}  "
            f"{_value_text(run.best):>10}  {sparkline(run)}"
        )
        k = run.best_index
        if k is None:
            notes.append(f"{run.setup.label}: no lr in the range gives a value")
        elif k in (0, len(run.lrs) - 1) and len(run.lrs) > 2:
            notes.append(
                f"{run.setup.label}: the best lr is at the edge of the range; widen --lr-range"
            )
    if notes:
        lines.extend(["", *notes])
    return lines


def _value_text(value: int | float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else fmt(value)


def sparkline(run: SweepRun) -> str:
    """One mark per lr: lower bar, lower value (log scale for losses spanning > 100×)."""
    defined = [float(v) for v in run.values if v is not None]
    log = bool(defined) and min(defined) > 0 and max(defined) > 100 * min(defined)
    scaled = [math.log10(v) for v in defined] if log else defined
    low, high = (min(scaled), max(scaled)) if scaled else (0.0, 0.0)
    marks = []
    for k, value in enumerate(run.values):
        if value is None:
            marks.append(DIVERGED if status_of(run, k) == "diverged" else NEVER)
            continue
        v = math.log10(value) if log else float(value)
        share = 0.0 if high == low else (v - low) / (high - low)
        marks.append(BARS[min(len(BARS) - 1, int(share * len(BARS)))])
    return "".join(marks)
