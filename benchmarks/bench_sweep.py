"""Learning-rate sweep speed: 4 optimizers x 60 learning rates x 500 steps on Rosenbrock.

Run: ``python benchmarks/bench_sweep.py [--repeats 3]``. Prints medians of several runs and
the ratio against a baseline measured in the same run (the machine is shared and noisy:
read the ratios as much as the seconds).

- one at a time (baseline): what a sweep costs without the batch axis, a recorded
  Trajectory per optimizer and learning rate (240 runs), the metric read from each;
- sweep: ``core.sweep.sweep``, each optimizer's 60 learning rates as one batch (the update
  reads lr as an (N, 1) array, one per row; see ``core/sweep/lr_batch.py``);
- and each optimizer's share of the sweep.

Target (issue 13): the sweep in <= 0.5 s on this machine.
"""

from __future__ import annotations

import argparse

from timing import median_time

from optiscope.core.format import fmt
from optiscope.core.metrics import steps_to_settle
from optiscope.core.session.setup import Setup
from optiscope.core.specs import OptimizerSetup
from optiscope.core.sweep import Metric, default_range, lr_grid, sweep
from optiscope.core.trajectory import run

SETUP = Setup("rosenbrock", (-1.5, 2.0), ("gd", "momentum", "rmsprop", "adam"), steps=500)
POINTS = 60
TARGET_SECONDS = 0.5


def one_at_a_time(setup: Setup) -> list[list[int | None]]:
    """The sweep's ``steps`` metric from one recorded run per optimizer and lr."""
    comparison = setup.build()
    surface, out = comparison.surface, []
    for opt in comparison.setups:
        values = []
        for lr in lr_grid(*default_range(surface, opt), POINTS):
            at = OptimizerSetup(opt.optimizer, {**opt.hyperparameters, "lr": float(lr)}, opt.label)
            values.append(steps_to_settle(run(surface, at, comparison.start, setup.steps), 0.01))
        out.append(values)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    metric = Metric("steps", 0.01)
    # Warm up imports and caches; and check the two give the same numbers.
    batched = [list(r.values) for r in sweep(SETUP, metric, points=POINTS).runs]
    assert batched == one_at_a_time(SETUP), "the sweep and the recorded runs disagree"

    baseline = median_time(lambda: one_at_a_time(SETUP), repeats)
    whole = median_time(lambda: sweep(SETUP, metric, points=POINTS), repeats)
    parts = {
        name: median_time(
            lambda n=name: sweep(SETUP.but(optimizers=(n,)), metric, points=POINTS), repeats
        )
        for name in SETUP.optimizers
    }
    print(
        f"{len(SETUP.optimizers)} optimizers x {POINTS} learning rates x {SETUP.steps} steps "
        f"on Rosenbrock, median of {repeats}"
    )
    print(f"  {'one at a time (baseline)':<28} {baseline:7.3f} s")
    print(f"  {'sweep':<28} {whole:7.3f} s   speed-up {baseline / whole:.1f}x")
    for name, seconds in parts.items():
        print(f"    {name:<26} {seconds:7.3f} s")
    runs = sweep(SETUP, metric, points=POINTS).runs
    best = [f"{r.setup.label} {fmt(r.best_lr)} → {fmt(r.best)}" for r in runs]
    print("  best lr → steps: " + ", ".join(best))
    verdict = "within" if whole <= TARGET_SECONDS else "OVER"
    print(f"  target <= {TARGET_SECONDS:g} s: {verdict}")


if __name__ == "__main__":
    main()
