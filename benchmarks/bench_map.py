"""Convergence map speed: a 100x100 grid x 500 Adam steps on Rosenbrock, and a map over
(lr, β₁): 60x40 cells x 500 Adam steps on Rosenbrock.

Run: ``python benchmarks/bench_map.py [--repeats 5]``. Prints medians of several runs and
ratios against baselines measured in the same run (the machine is shared and noisy: read
the ratios as much as the seconds).

- bare NumPy Adam: the least the work can cost in NumPy, Adam and the Rosenbrock gradient
  written inline over the same 10,000 starts, nothing checked or recorded;
- run_batch: the library's plain batched run (no convergence step, no divergence check);
- compute_map: the map, with per-step convergence and divergence checks, blocks, progress
  calls and labelling of the minima;
- over (lr, β₁): ``compute_over``, 2,400 rows of one batch each at its own lr and β₁, with
  the same checks and the sweep's metrics, against bare NumPy Adam over the same 2,400
  (lr, β₁) pairs (its own baseline).

Targets: the start map in <= 1 s (issue 5); the (lr, β) map in <= 1 s of compute (issue 16).
"""

from __future__ import annotations

import argparse

import numpy as np
from timing import median_time

from optiscope.core.batch import run_batch
from optiscope.core.maps.compute import cell_centres, compute_map
from optiscope.core.maps.over import beta_grid, compute_over, lr_axis
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface

SURFACE = get_surface("rosenbrock")
SETUP = make_setup("adam", {"lr": 0.05}, SURFACE)
GRID = (100, 100)
STEPS = 500
TARGET_SECONDS = 1.0
OVER_GRID = (60, 40)
START = (-1.5, 2.0)


def grid_starts() -> np.ndarray:
    xs, ys = cell_centres(SURFACE.domain, *GRID)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def bare_numpy_adam(
    starts: np.ndarray, steps: int, lr: float | np.ndarray = 0.05, b1: float | np.ndarray = 0.9
) -> np.ndarray:
    """torch.optim.Adam's arithmetic on the Rosenbrock gradient, as bare as NumPy gets."""
    p = starts.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    b2, eps = 0.999, 1e-8
    g = np.empty_like(p)
    for t in range(1, steps + 1):
        x, y = p[:, 0], p[:, 1]
        r = y - x * x
        g[:, 0] = -2.0 * (1.0 - x) - 400.0 * x * r
        g[:, 1] = 200.0 * r
        m += (1 - b1) * (g - m)
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2**t)) + eps
        p -= (lr / (1 - b1**t)) * m / denom
    return p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    starts = grid_starts()
    # Warm up imports and caches so the first timed run is not an outlier.
    compute_map(SURFACE, SETUP, (10, 10), 10)

    bare = median_time(lambda: bare_numpy_adam(starts, STEPS), repeats)
    batch = median_time(lambda: run_batch(SURFACE, SETUP, starts, STEPS, 1e-6), repeats)
    cmap = median_time(lambda: compute_map(SURFACE, SETUP, GRID, STEPS), repeats)

    cells = GRID[0] * GRID[1]
    print(f"{GRID[0]}x{GRID[1]} starts x {STEPS} Adam steps on Rosenbrock, median of {repeats}")
    print(f"  {'bare NumPy Adam (baseline)':<32} {bare:7.3f} s")
    print(f"  {'run_batch':<32} {batch:7.3f} s   {batch / bare:5.2f}x baseline")
    print(f"  {'compute_map':<32} {cmap:7.3f} s   {cmap / bare:5.2f}x baseline")
    print(f"  compute_map per cell-step: {cmap / (cells * STEPS) * 1e9:.1f} ns")
    verdict = "within" if cmap <= TARGET_SECONDS else "OVER"
    print(f"  target <= {TARGET_SECONDS:g} s: {verdict}")

    nx, ny = OVER_GRID
    lrs, betas = lr_axis(1e-3, 1.0, nx), beta_grid(SETUP, 0.0, 0.99, ny)
    rows_lr, rows_b1 = np.tile(lrs, ny)[:, None], np.repeat(betas, nx)[:, None]
    same = np.tile(START, (nx * ny, 1))
    bare_over = median_time(lambda: bare_numpy_adam(same, STEPS, rows_lr, rows_b1), repeats)
    over = median_time(lambda: compute_over(SURFACE, SETUP, START, STEPS, lrs, betas), repeats)
    print(f"{nx}x{ny} (lr, β₁) cells x {STEPS} Adam steps on Rosenbrock from {START}")
    print(f"  {'bare NumPy Adam (baseline)':<32} {bare_over:7.3f} s")
    print(f"  {'compute_over':<32} {over:7.3f} s   {over / bare_over:5.2f}x baseline")
    verdict = "within" if over <= TARGET_SECONDS else "OVER"
    print(f"  target <= {TARGET_SECONDS:g} s: {verdict}")


if __name__ == "__main__":
    main()
