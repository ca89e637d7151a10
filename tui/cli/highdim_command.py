"""``optiscope highdim``: optimizers compared on an N-dimensional quadratic or logistic
regression, headless (table, CSV or JSON) or opened in the high-dimensional view.

Table: the loss at a few steps, steps to the tolerance and the status per optimizer, then
the top-k coordinates of one quantity at the last step. CSV: loss and ‖∇f‖ per step and
optimizer. JSON: the same per step, plus the top-k. ``--basis``: steps to the tolerance
in both bases (the quadratic), from ``core.highdim.basis_story``.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.highdim.basis_story import BasisReport, default_budget, measure_basis
from optiscope.core.highdim.problems import Problem
from optiscope.core.highdim.run import HighDimRun, compare, horizon, parse_setup
from optiscope.core.highdim.spec import (
    DEFAULT_PROBLEM,
    parse_problem,
    problem_spec,
    problem_summary,
)
from optiscope.core.highdim.views import FIELDS, TopK, steps_to_tolerance, top_k

MAX_STEPS = 20_000
DEFAULT_STEPS = 1_000


def add_highdim_parser(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "highdim",
        help="optimizers on an N-dimensional quadratic or logistic regression (and the basis)",
        description=(
            "Run optimizers on an N-dimensional problem (a quadratic with D up to 1,000, "
            "log-spaced eigenvalues and an optional random rotation, or logistic regression) "
            "and print losses, steps to a tolerance and the largest coordinates of one "
            "quantity; --basis compares steps in the axis-aligned and the rotated basis."
        ),
    )
    parser.add_argument(
        "--problem",
        default=DEFAULT_PROBLEM,
        metavar="SPEC",
        help=(
            "quadratic(dim=, condition=, rotated=, seed=) or logreg(n_samples=, n_features=, "
            f"batch_size=, l2=, label_noise=, spread=, seed=) (default {DEFAULT_PROBLEM})"
        ),
    )
    parser.add_argument(
        "--optimizer",
        action="append",
        metavar="SPEC",
        help="name or name(key=value, ...); repeat to compare (default: the view's four)",
    )
    parser.add_argument(
        "--steps",
        type=int,
        default=DEFAULT_STEPS,
        metavar="N",
        help=f"updates per optimizer: records 0..N (default {DEFAULT_STEPS:,})",
    )
    parser.add_argument(
        "--top", type=int, default=5, metavar="K", help="coordinates listed (default 5)"
    )
    parser.add_argument(
        "--field",
        choices=tuple(FIELDS),
        default="grad",
        help="quantity ranked: |g|, √S, effective learning rate or |Δ| (default grad)",
    )
    parser.add_argument(
        "--tol",
        type=float,
        metavar="REL",
        help="steps to f − f* ≤ REL × (f(x0) − f*) (default 1e-4; 1e-2 with mini-batches)",
    )
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    parser.add_argument(
        "--basis",
        action="store_true",
        help="steps to the tolerance with the eigenbasis axis-aligned and rotated",
    )
    parser.add_argument(
        "--open", action="store_true", help="open the high-dimensional view on this setup"
    )
    parser.set_defaults(handler=highdim_command)


def highdim_command(args: argparse.Namespace) -> int:
    problem = parse_problem(args.problem)
    from ..highdim_model import default_specs

    specs = list(args.optimizer or default_specs(problem))
    if args.open:
        return open_view(args.problem, specs)
    tol = _tolerance(args.tol, problem)
    if args.basis:
        report = measure_basis(problem, specs, tol)
        sys.stdout.write(basis_output(report, problem, args.format))
        return 0
    steps = _steps(args.steps, problem)
    if args.top < 1:
        raise OptiscopeError(f"--top must be at least 1; got {args.top}")
    runs = compare(problem, [parse_setup(s, problem) for s in specs], steps)
    if args.format == "csv":
        sys.stdout.write(runs_csv(runs))
    elif args.format == "json":
        text = json.dumps(
            runs_document(problem, runs, steps, tol, args.field, args.top),
            ensure_ascii=False,
            allow_nan=False,
        )
        sys.stdout.write(text + "\n")
    else:
        sys.stdout.write(runs_table(problem, runs, steps, tol, args.field, args.top))
    return 0


def open_view(problem_text: str, specs: list[str]) -> int:
    """The explorer with the high-dimensional view on top, built (and checked) first."""
    from ..app import OptiscopeApp
    from ..screens.highdim import HighDimScreen

    screen = HighDimScreen(problem_text, specs)
    if screen.error is not None:
        raise OptiscopeError(screen.error)

    class HighDimApp(OptiscopeApp):
        # Textual reads a relative CSS_PATH next to the subclass: point at the app's own.
        CSS_PATH = str(Path(inspect.getfile(OptiscopeApp)).with_name("app.tcss"))

        def on_ready(self) -> None:
            self.push_screen(screen)

    HighDimApp().run()
    return 0


def _tolerance(value: float | None, problem: Problem) -> float:
    if value is None:
        return default_budget(problem)[0]
    if not (math.isfinite(value) and 0 < value < 1):
        raise OptiscopeError(f"--tol must be between 0 and 1; got {value:g}")
    return value


def _steps(value: int, problem: Problem) -> int:
    most = min(MAX_STEPS, horizon(problem.dim) - 1)
    if not 1 <= value <= most:
        raise OptiscopeError(f"--steps must be in 1 … {most:,} for D = {problem.dim}; got {value}")
    return value


def checkpoints(steps: int) -> list[int]:
    """0, 10, 100, … below ``steps``, then ``steps``: where the table reads the loss."""
    out = [0]
    k = 10
    while k < steps:
        out.append(k)
        k *= 10
    return [*out, steps] if steps else out


def last_top(run: HighDimRun, field: str, k: int) -> TopK | str:
    """Top-k at the run's last record, or why this optimizer has no such quantity."""
    try:
        return top_k(run[len(run) - 1], field, k)
    except OptiscopeError as exc:
        return str(exc)


def _to_tol(run: HighDimRun, tol: float) -> int | None:
    return steps_to_tolerance(run, tol) if run.problem.f_min is not None else None


# -- table ---------------------------------------------------------------------------------
def runs_table(
    problem: Problem, runs: Sequence[HighDimRun], steps: int, tol: float, field: str, k: int
) -> str:
    marks = checkpoints(steps)
    label_w = max(len("optimizer"), *(len(r.label) for r in runs))
    head = ["optimizer".ljust(label_w), *(f"loss@{m}".rjust(10) for m in marks)]
    head += ["to tol".rjust(8), "status"]
    lines = [
        problem_summary(problem),
        f"{steps:,} steps; to tol = first step with f − f* ≤ {tol:g} × (f(x0) − f*)",
        "",
        "  ".join(head),
    ]
    for r in runs:
        loss = r.column("loss")
        cells = [fmt(float(loss[m])) if m < len(loss) else "—" for m in marks]
        hit = _to_tol(r, tol)
        row = [r.label.ljust(label_w), *(c.rjust(10) for c in cells)]
        row += [(f"{hit:,}" if hit is not None else "—").rjust(8), r.status.text()]
        lines.append("  ".join(row))
    lines += ["", *top_table(runs, field, k)]
    return "\n".join(lines) + "\n"


def top_table(runs: Sequence[HighDimRun], field: str, k: int) -> list[str]:
    """Rank by rank, each optimizer's coordinate and signed value at its last step."""
    tops = [last_top(r, field, k) for r in runs]
    columns: list[list[str]] = []
    notes = []
    for r, top in zip(runs, tops, strict=True):
        if isinstance(top, str):
            columns.append([])
            notes.append(f"{r.label}: {top}")
        else:
            pairs = zip(top.indices.tolist(), top.signed.tolist(), strict=True)
            columns.append([f"#{i} {fmt(v)}" for i, v in pairs])
    width = max([len(r.label) for r in runs] + [len(c) for col in columns for c in col])
    rows = max((len(c) for c in columns), default=0)
    label = FIELDS[field]
    # Adam divides by √v̂ and Adamax by u: say so where the quantity has another name.
    other = [
        f"{r.label}: {t.label}"
        for r, t in zip(runs, tops, strict=True)
        if isinstance(t, TopK) and t.label != label
    ]
    if other:
        label += f" ({', '.join(other)})"
    lines = [f"top {k} by {label} at the last step (coordinate and signed value)"]
    lines.append("  ".join(["rank", *(r.label.ljust(width) for r in runs)]).rstrip())
    for i in range(rows):
        cells = [(col[i] if i < len(col) else "—").ljust(width) for col in columns]
        lines.append("  ".join([f"{i + 1:>4}", *cells]).rstrip())
    return lines + notes


# -- csv and json --------------------------------------------------------------------------
def runs_csv(runs: Sequence[HighDimRun]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["step"]
    for r in runs:
        header += [f"{r.label} loss", f"{r.label} grad_norm"]
    writer.writerow(header)
    columns = [(r.column("loss"), r.column("exact_grad_norm")) for r in runs]
    for t in range(max(len(r) for r in runs)):
        row = [str(t)]
        for loss, gnorm in columns:
            row += [_cell(loss[t]), _cell(gnorm[t])] if t < len(loss) else ["", ""]
        writer.writerow(row)
    return out.getvalue()


def _cell(value: float) -> str:
    x = float(value)
    return repr(x) if math.isfinite(x) else ("nan" if math.isnan(x) else str(x))


def _json_number(value: float) -> float | None:
    x = float(value)
    return x if math.isfinite(x) else None


def runs_document(
    problem: Problem, runs: Sequence[HighDimRun], steps: int, tol: float, field: str, k: int
) -> dict[str, object]:
    optimizers = []
    for r in runs:
        top = last_top(r, field, k)
        top_doc: dict[str, object]
        if isinstance(top, str):
            top_doc = {"field": field, "error": top}
        else:
            top_doc = {
                "field": field,
                "label": top.label,
                "step": len(r) - 1,
                "indices": [int(i) for i in top.indices],
                "values": [_json_number(v) for v in top.values],
                "signed": [_json_number(v) for v in top.signed],
            }
        status = r.status
        optimizers.append(
            {
                "label": r.label,
                "optimizer": r.setup.optimizer.name,
                "hyperparameters": dict(r.setup.hyperparameters),
                "status": {"kind": status.kind, "step": status.step, "reason": status.reason},
                "steps_to_tolerance": _to_tol(r, tol),
                "loss": [_json_number(v) for v in r.column("loss")],
                "grad_norm": [_json_number(v) for v in r.column("exact_grad_norm")],
                "top_k": top_doc,
            }
        )
    described = problem.describe()
    return {
        "problem": {**described, "spec": problem_spec(problem)},
        "steps": steps,
        "tolerance": tol,
        "optimizers": optimizers,
    }


def basis_output(report: BasisReport, problem: Problem, form: str) -> str:
    """The report as a table, CSV rows or a JSON document."""
    if form == "json":
        doc = {
            "problem": problem_spec(problem),
            "tolerance": report.rel_tol,
            "max_steps": report.max_steps,
            "columns": list(report.columns),
            "rows": [
                {"label": r.label, "steps": dict(zip(report.columns, r.counts, strict=True))}
                for r in report.rows
            ],
            "reason": report.reason,
            "finding": report.finding,
        }
        return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["optimizer", *report.columns])
        for r in report.rows:
            writer.writerow([r.label, *("" if c is None else str(c) for c in r.counts)])
        return out.getvalue()
    label_w = max(len("optimizer"), *(len(r.label) for r in report.rows))
    widths = [
        max(len(name), *(len(report.count_text(r.counts[j])) for r in report.rows))
        for j, name in enumerate(report.columns)
    ]
    lines = [
        problem_summary(problem),
        f"steps until f − f* ≤ {report.rel_tol:g} × (f(x0) − f*), at most {report.max_steps:,}",
        "",
        "  ".join(
            [
                "optimizer".ljust(label_w),
                *(n.rjust(w) for n, w in zip(report.columns, widths, strict=True)),
            ]
        ),
    ]
    for r in report.rows:
        cells = [report.count_text(c).rjust(w) for c, w in zip(r.counts, widths, strict=True)]
        lines.append("  ".join([r.label.ljust(label_w), *cells]))
    lines += ["", report.reason, report.finding]
    return "\n".join(lines) + "\n"
