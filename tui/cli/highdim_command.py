"""``optiscope highdim``: optimizers compared on an N-dimensional quadratic or logistic
regression, headless (table, CSV or JSON) or opened in the high-dimensional view.

Table: the loss at a few steps, steps to the tolerance and the status per optimizer, then
the top-k coordinates of one quantity at the last step. CSV: loss and ‖∇f‖ per step and
optimizer. JSON: the same per step, plus the top-k. ``--basis``: steps to the tolerance
in both bases (the quadratic), from ``core.highdim.basis_story``.

The parser needs no NumPy: the high-dimensional core is imported when the command runs
(``highdim_output`` renders), so other commands start without it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import SEED
from optiscope.core.params import Param

from .options import number_type
from .progress import ProgressBar

if TYPE_CHECKING:
    from optiscope.core.highdim.problems import Problem

#: ``core.highdim.spec.DEFAULT_PROBLEM`` and ``core.highdim.views.FIELDS`` (kept here so
#: parsing needs no NumPy; a test checks they agree).
DEFAULT_PROBLEM = "quadratic(dim=100, condition=1e4, rotated=false, seed=0)"
FIELD_NAMES = ("grad", "sqrt_s", "effective_lr", "update")
DEFAULT_STEPS = 1_000
MAX_OPTIMIZERS = 8
#: ``core.highdim.budget.MAX_STEPS`` (checked by the same test).
MAX_STEPS = 20_000
#: ``core.highdim.problems.MAX_DIM``: K coordinates listed, at most D of them.
MAX_TOP = 1_000
STEPS = Param("steps", DEFAULT_STEPS, "updates per optimizer", 1, MAX_STEPS, kind="int")
TOP = Param("top", 5, "coordinates listed", 1, MAX_TOP, kind="int")
TOL = Param("tol", 1e-4, "relative tolerance", 0.0, 1.0, low_open=True, high_open=True)


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
        help=f"name or name(key=value, ...); repeat to compare, at most {MAX_OPTIMIZERS} "
        "(default: the view's four)",
    )
    parser.add_argument(
        "--steps",
        type=number_type(STEPS),
        default=DEFAULT_STEPS,
        metavar="N",
        help=f"updates per optimizer: records 0..N (default {DEFAULT_STEPS:,}; at most "
        f"{MAX_STEPS:,}, fewer where D or the work needs it, see limits below)",
    )
    parser.add_argument(
        "--seed",
        type=number_type(SEED),
        metavar="N",
        help="seed of the mini-batch order (default: the problem's seed)",
    )
    parser.add_argument(
        "--top",
        type=number_type(TOP),
        default=TOP.default,
        metavar="K",
        help="coordinates listed, 1 to D (default 5)",
    )
    parser.add_argument(
        "--field",
        choices=FIELD_NAMES,
        default="grad",
        help="quantity ranked: |g|, √S, effective learning rate or |Δ| (default grad)",
    )
    parser.add_argument(
        "--tol",
        type=number_type(TOL),
        metavar="REL",
        help="steps to f − f* ≤ REL × (f(x0) − f*), REL in (0, 1) "
        "(default 1e-4; 1e-2 with mini-batches)",
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
    import json

    from optiscope.core.highdim.basis_story import default_budget, measure_basis
    from optiscope.core.highdim.run import compare, parse_setup
    from optiscope.core.highdim.spec import parse_problem

    from ..highdim_model import default_specs
    from . import highdim_output as out
    from .output import write_output

    problem = parse_problem(args.problem)
    specs = list(args.optimizer or default_specs(problem))
    if len(specs) > MAX_OPTIMIZERS:
        raise OptiscopeError(
            f"highdim compares at most {MAX_OPTIMIZERS} optimizers; got {len(specs)}"
        )
    setups = [parse_setup(s, problem) for s in specs]
    if args.open:
        return open_view(args.problem, specs)
    tol = default_budget(problem)[0] if args.tol is None else args.tol
    if args.basis:
        report = measure_basis(problem, specs, tol, basis_steps(problem, len(specs)))
        write_output(out.basis_output(report, problem, args.format), None)
        return 0
    steps = check_steps(args.steps, problem, len(specs))
    if args.top > problem.dim:
        raise OptiscopeError(f"--top must be in [1, {problem.dim}] (D); got {args.top}")
    with ProgressBar("optiscope highdim") as bar:
        runs = compare(problem, setups, steps, seed=args.seed, progress=bar)
    if args.format == "csv":
        text = out.runs_csv(runs)
    elif args.format == "json":
        doc = out.runs_document(problem, runs, steps, tol, args.field, args.top)
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"
    else:
        text = out.runs_table(problem, runs, steps, tol, args.field, args.top)
    write_output(text, None)
    return 0


def check_steps(value: int, problem: Problem, optimizers: int) -> int:
    """``value`` if the problem's memory horizon and the work budget allow it."""
    from optiscope.core.highdim.budget import most_steps

    most = most_steps(problem, optimizers)
    if not 1 <= value <= most:
        raise OptiscopeError(
            f"--steps must be in [1, {most}] for D = {problem.dim} with {optimizers} "
            f"optimizer{'s' if optimizers != 1 else ''} (memory and about 10 s of work); "
            f"got {value}"
        )
    return value


def basis_steps(problem: Problem, optimizers: int) -> int | None:
    """The step budget of a basis comparison: its default, lowered to fit the work budget
    (a quadratic runs in both bases, priced as the rotated one)."""
    from optiscope.core.highdim.basis_story import default_budget
    from optiscope.core.highdim.budget import most_steps
    from optiscope.core.highdim.problems import Quadratic
    from optiscope.core.highdim.spec import with_rotation

    if isinstance(problem, Quadratic):
        most = most_steps(problem, 2 * optimizers, with_rotation(problem, True))
    else:
        most = most_steps(problem, optimizers)
    return min(default_budget(problem)[1], most)


def open_view(problem_text: str, specs: list[str]) -> int:
    """The explorer with the high-dimensional view on top, built (and checked) first."""
    import inspect
    from pathlib import Path

    from ..app import OptiscopeApp
    from ..screens.highdim import HighDimScreen
    from .launch import require_terminal

    screen = HighDimScreen(problem_text, specs)
    if screen.error is not None:
        raise OptiscopeError(screen.error)
    require_terminal()

    class HighDimApp(OptiscopeApp):
        # Textual reads a relative CSS_PATH next to the subclass: point at the app's own.
        CSS_PATH = str(Path(inspect.getfile(OptiscopeApp)).with_name("app.tcss"))

        def on_ready(self) -> None:
            self.push_screen(screen)

    app = HighDimApp()
    app.run()
    return app.return_code or 0
