"""High-dimensional core: a recorded Adam run at D = 1,000 against torch.optim.Adam.

Run: ``python benchmarks/bench_highdim.py [--repeats 5] [--basis]``. Both sides step the
same rotated quadratic (dense 1,000 x 1,000 Hessian) in float64 for 500 steps. Ours records
every step (point, loss, |g|, |Δ| per step; g, Δ, m, v per coordinate in blocks). torch is
timed twice: with autograd on ½·pᵀAp, and with the analytic gradient A·p written to
``p.grad`` (the least torch can do). Medians of several runs; read the ratios, the machine
is shared. ``--basis`` also prints the rotated-vs-unrotated steps table of
``core.highdim.basis``.
"""

from __future__ import annotations

import argparse

from timing import median_time

from optiscope.core.highdim.basis import basis_dependence
from optiscope.core.highdim.problems import Quadratic
from optiscope.core.highdim.run import HighDimRun
from optiscope.core.specs import make_setup

DIM, STEPS, LR = 1000, 500, 0.01


def ours(q: Quadratic) -> None:
    HighDimRun(q, make_setup("adam", {"lr": LR})).extend(STEPS)


def torch_adam(q: Quadratic, autograd: bool) -> None:
    import torch

    a = torch.tensor(q.matrix, dtype=torch.float64)
    p = torch.tensor(q.x0, dtype=torch.float64, requires_grad=autograd)
    opt = torch.optim.Adam([p], lr=LR, foreach=False)
    for _ in range(STEPS):
        if autograd:
            opt.zero_grad()
            (0.5 * p @ (a @ p)).backward()
        else:
            p.grad = a @ p
        opt.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--basis", action="store_true", help="print the basis table too")
    args = parser.parse_args()
    q = Quadratic(DIM, 1e3, rotated=True, seed=0)
    print(f"Adam, D = {DIM}, {STEPS} steps, rotated quadratic (median of {args.repeats})")
    mine = median_time(lambda: ours(q), args.repeats)
    print(f"  {'optiscope HighDimRun (recording)':<36} {mine * 1e3:8.1f} ms")
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        print("  torch not installed: no baseline")
    else:
        for autograd in (True, False):
            name = "torch Adam, autograd" if autograd else "torch Adam, p.grad = A·p"
            theirs = median_time(lambda autograd=autograd: torch_adam(q, autograd), args.repeats)
            print(f"  {name:<36} {theirs * 1e3:8.1f} ms   ours/torch {mine / theirs:4.2f}")
    if args.basis:
        for condition in (1e2, 1e3, 1e4):
            print(f"steps to f − f* ≤ 1e-4·(f(x0) − f*), D = 100, κ = {condition:g}, seed 0")
            print(f"  {'optimizer':<20} {'unrotated':>9} {'rotated':>9}")
            for row in basis_dependence(condition=condition):
                cells = ["never" if c is None else str(c) for c in (row.unrotated, row.rotated)]
                print(f"  {row.label:<20} {cells[0]:>9} {cells[1]:>9}")


if __name__ == "__main__":
    main()
