"""Core speed: single-trajectory µs/step and a batched Adam run, against torch.optim.

Run: ``python benchmarks/bench_core.py [--repeats 5]``. Prints medians of several runs and
ratios against baselines measured in the same run (the machines are shared and noisy:
read the ratios, not the absolute times). torch is optional: without it the torch rows
are skipped.

Targets (issue 2): <= 10 µs/step for one recorded trajectory; a batch of 100,000 starts ×
200 Adam steps within 1.5x of torch's fused Adam doing the same work (gradient + update).
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import median_time

from optiscope.core.batch import run_batch
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory

SURFACE = get_surface("rosenbrock")
START = (-2.0, 2.0)
LRS = {"gd": 1e-4, "rmsprop": 1e-3, "adam": 1e-3}


def single(name: str, steps: int) -> None:
    traj = Trajectory(SURFACE, make_setup(name, {"lr": LRS[name]}, SURFACE), START)
    traj.extend(steps)


def bare_numpy_gd(steps: int) -> None:
    """The least a Python loop can do per GD step: gradient, update, no recording."""
    p = np.array(START)
    for _ in range(steps):
        x, y = p
        r = y - x * x
        p = p - 1e-4 * np.array((-2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r))


def torch_single(torch: object, name: str, steps: int) -> None:
    import torch as t

    p = t.tensor(START, dtype=t.float64, requires_grad=True)
    opt = {
        "gd": lambda: t.optim.SGD([p], lr=LRS["gd"]),
        "rmsprop": lambda: t.optim.RMSprop([p], lr=LRS["rmsprop"], alpha=0.9, foreach=False),
        "adam": lambda: t.optim.Adam([p], lr=LRS["adam"], foreach=False),
    }[name]()
    for _ in range(steps):
        opt.zero_grad()
        x, y = p[0], p[1]
        ((1 - x) ** 2 + 100 * (y - x * x) ** 2).backward()
        opt.step()


def batch_starts(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack([rng.uniform(-2, 2, n), rng.uniform(-1, 3, n)])


def torch_batch(starts: np.ndarray, steps: int, fused: bool) -> None:
    import torch as t

    p = t.tensor(starts, dtype=t.float64, requires_grad=True)
    opt = (
        t.optim.Adam([p], lr=0.01, fused=True)
        if fused
        else t.optim.Adam([p], lr=0.01, foreach=False)
    )
    for _ in range(steps):
        opt.zero_grad()
        x, y = p[:, 0], p[:, 1]
        ((1 - x) ** 2 + 100 * (y - x * x) ** 2).sum().backward()
        opt.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--batch-steps", type=int, default=200)
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None

    n = args.steps
    print(
        f"single trajectory on Rosenbrock, {n} steps, recording included (median of {args.repeats})"
    )
    bare = median_time(lambda: bare_numpy_gd(n), args.repeats) / n * 1e6
    print(f"  {'bare NumPy GD loop (no recording)':<36} {bare:7.2f} µs/step  (baseline)")
    for name in ("gd", "rmsprop", "adam"):
        ours = median_time(lambda name=name: single(name, n), args.repeats) / n * 1e6
        line = f"  {'optiscope ' + name:<36} {ours:7.2f} µs/step  {ours / bare:5.2f}x bare"
        if torch is not None:
            theirs = (
                median_time(lambda name=name: torch_single(torch, name, n // 5), args.repeats)
                / (n // 5)
                * 1e6
            )
            line += f"   torch.optim {theirs:7.2f} µs/step  ours/torch {ours / theirs:4.2f}"
        print(line)

    starts = batch_starts(args.batch)
    steps = args.batch_steps
    reps = max(3, args.repeats // 2)
    print(
        f"batch: {args.batch:,} starts x {steps} Adam steps on Rosenbrock, gradient + update "
        f"(median of {reps})"
    )
    setup = make_setup("adam", {"lr": 0.01})
    ours = median_time(lambda: run_batch(SURFACE, setup, starts, steps), reps)
    print(f"  {'optiscope run_batch':<36} {ours:7.3f} s")
    if torch is not None:
        fused = median_time(lambda: torch_batch(starts, steps, fused=True), reps)
        single_tensor = median_time(lambda: torch_batch(starts, steps, fused=False), reps)
        print(f"  {'torch Adam(fused=True)':<36} {fused:7.3f} s   ours/fused {ours / fused:4.2f}")
        print(
            f"  {'torch Adam(foreach=False)':<36} {single_tensor:7.3f} s   "
            f"ours/single-tensor {ours / single_tensor:4.2f}"
        )
    else:
        print("  torch not importable: torch rows skipped")


if __name__ == "__main__":
    main()
