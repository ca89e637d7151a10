"""The largest work each command accepts, timed: the limits promise about 10 s here.

Run: ``python benchmarks/bench_work_limits.py [--repeats 1] [--quick]``. Each case is the
command line at its limit (``run``: steps x optimizers = 400,000 and a 10,000-row table;
``map``: 400x400 cells x 625 steps; ``highdim``: the most steps ``core.highdim.budget``
allows for the largest quadratic and logistic regression; ``--basis`` at D = 1,000 with
optimizers that never reach the tolerance). Wall times of fresh processes, medians; the
ratio is to the 10 s target. The high-dimensional cost model is checked too: measured
nanoseconds per record against ``record_cost_ns``. The machine is shared: a loaded one
(load average above its 2 cores) takes longer, so read the load average printed first.

``--quick`` times only the cost model (a few seconds).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from timing import median_time

from optiscope.core.highdim.budget import most_steps, record_cost_ns
from optiscope.core.highdim.run import compare, parse_setup
from optiscope.core.highdim.spec import parse_problem

TARGET_SECONDS = 10.0
ADAM8 = ["--optimizer", "adam"] * 8
CASES = {
    "run: 8 optimizers x 50,000 steps, CSV": ["run", "--steps", "50000", *ADAM8, "--format", "csv"],
    "run: 4 optimizers x 100,000 steps, JSON": ["run", "--steps", "100000", "--format", "json"],
    "run: a table of 10,000 rows": ["run", "--steps", "2499"],
    "map: 400x400 x 625 Adam steps, Rosenbrock": [
        "map",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "adam",
        "--grid",
        "400x400",
        "--steps",
        "625",
        "--format",
        "csv",
    ],
    "highdim: quadratic D=1000 rotated, 7,461 steps": [
        "highdim",
        "--problem",
        "quadratic(dim=1000, rotated=true)",
        "--steps",
        "7461",
        "--format",
        "csv",
    ],
    "highdim: logreg n=20000 F=200, 308 steps": [
        "highdim",
        "--problem",
        "logreg(n_samples=20000, n_features=200)",
        "--steps",
        "308",
        "--format",
        "csv",
    ],
    "highdim --basis: D=1000, none converges": [
        "highdim",
        "--problem",
        "quadratic(dim=1000, rotated=true)",
        "--basis",
        "--optimizer",
        "gd(lr=0.001)",
        "--optimizer",
        "adam(lr=0.0001)",
        "--optimizer",
        "rmsprop(lr=0.0001)",
        "--optimizer",
        "adagrad(lr=0.001)",
    ],
}
MODEL_CASES = (
    ("quadratic(dim=1000, rotated=true)", 1000),
    ("quadratic(dim=1000, rotated=false)", 3000),
    ("logreg(n_samples=20000, n_features=200)", 100),
    ("logreg(n_samples=20000, n_features=200, batch_size=32)", 100),
)


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "optiscope", *argv], check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - t0


def cost_model(repeats: int) -> None:
    print("high-dimensional cost model: measured vs record_cost_ns (one Adam run)")
    for spec, steps in MODEL_CASES:
        problem = parse_problem(spec)
        setup = parse_setup("adam", problem)
        seconds = median_time(
            lambda problem=problem, setup=setup, steps=steps: compare(problem, [setup], steps),
            repeats,
        )
        measured = seconds / (steps + 1) * 1e9
        model = record_cost_ns(problem)
        print(
            f"  {spec:<56} {measured / 1e3:8.1f} µs/record  model {model / 1e3:8.1f}  "
            f"ratio {measured / model:4.2f}  (4 optimizers: {most_steps(problem, 4):,} steps)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cost_model(max(args.repeats, 3))
    if args.quick:
        return
    print(f"commands at their limits (median of {args.repeats}; target {TARGET_SECONDS:g} s)")
    for name, argv in CASES.items():
        seconds = median_time(lambda argv=argv: wall(argv), args.repeats)
        print(f"  {name:<48} {seconds:6.1f} s  {seconds / TARGET_SECONDS:4.2f}x the target")


if __name__ == "__main__":
    main()
