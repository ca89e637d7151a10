"""Export cost: ``optiscope run`` of 50,000 Adam steps to CSV and JSON, against a plain loop.

Run: ``python benchmarks/bench_export.py [--steps 50000] [--repeats 3]``.

- baseline: a pure-Python loop that runs Adam (floats, torch's formulas) on the lecture bowl
  and writes the same CSV, the same columns, with ``repr`` per number, in the same run;
- run + CSV / run + JSON: what ``optiscope run --format csv|json`` does after parsing its
  options (``compare`` then ``render``), and the export alone on an already computed run;
- peak memory of the JSON export (tracemalloc, in a run of its own: tracing slows it).

Prints µs per step (medians) and ratios against the baseline. Shared machine: read the
ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import io
import math
import tracemalloc

import numpy as np
from timing import median_time

from optiscope.core.session.setup import Comparison, Setup
from optiscope.core.trajectory import Trajectory
from optiscope.tui.cli.run_command import render

START = (-4.7, -1.3)
LR, BETA1, BETA2, EPS = 0.1, 0.9, 0.999, 1e-8
THRESHOLD = (2 + 2 * BETA1) / ((1 - BETA1) * LR)  # Adam's 38/η


def _q(a: float, b: float) -> float:
    """a/b as NumPy divides: 0/0 is nan, x/0 is ±inf (the run reaches g = 0 exactly)."""
    if b:
        return a / b
    return math.nan if a == 0 or a != a else math.copysign(math.inf, a)


def baseline_csv(steps: int) -> str:
    """Adam on 0.1·w² + 2·b² in plain floats, written as optiscope's CSV columns."""
    out = io.StringIO()
    out.write(
        "run,optimizer,t,w,b,loss,dw,db,first_moment_w,first_moment_b,second_moment_w,"
        "second_moment_b,bias_corrected_first_moment_w,bias_corrected_first_moment_b,"
        "bias_corrected_second_moment_w,bias_corrected_second_moment_b,eff_lr_w,eff_lr_b,"
        "update_over_lr_w,update_over_lr_b,delta_w,delta_b,step_length,angle_to_descent,"
        "sharpness,preconditioned_sharpness,stability_threshold,lr\n"
    )
    w, b = START
    mw = mb = vw = vb = 0.0
    for t in range(steps + 1):
        gw, gb = 0.2 * w, 4.0 * b
        loss = 0.1 * w * w + 2.0 * b * b
        k = t + 1
        mw += (gw - mw) * (1 - BETA1)
        mb += (gb - mb) * (1 - BETA1)
        vw = vw * BETA2 + (1 - BETA2) * (gw * gw)
        vb = vb * BETA2 + (1 - BETA2) * (gb * gb)
        c1, c2 = 1 - BETA1**k, 1 - BETA2**k
        mhw, mhb, vhw, vhb = mw / c1, mb / c1, vw / c2, vb / c2
        dw = -(LR / c1) * (mw / (math.sqrt(vw) / math.sqrt(c2) + EPS))
        db = -(LR / c1) * (mb / (math.sqrt(vb) / math.sqrt(c2) + EPS))
        length = math.hypot(dw, db)
        gn = math.hypot(gw, gb)
        if gn and length:
            uw, ub, sw, sb = gw / gn, gb / gn, dw / length, db / length
            angle = math.degrees(math.atan2(abs(uw * sb - ub * sw), -(uw * sw + ub * sb)))
        else:
            angle = math.nan
        # Hessian diag(0.2, 4); the step divides by P = (1 − β₁ᵏ)·diag(√v̂ + ε).
        pre = max(0.2 / (c1 * (math.sqrt(vhw) + EPS)), 4.0 / (c1 * (math.sqrt(vhb) + EPS)))
        row = (
            t, w, b, loss, gw, gb, mw, mb, vw, vb, mhw, mhb, vhw, vhb,
            _q(abs(dw), abs(gw)), _q(abs(db), abs(gb)), abs(dw) / LR, abs(db) / LR,
            dw, db, length, angle, 4.0, pre, THRESHOLD, LR,
        )  # fmt: skip
        out.write("adam,adam," + ",".join(map(repr, row)) + "\n")
        w, b = w + dw, b + db
    return out.getvalue()


def same_csv(ours: str, plain: str) -> str:
    """Same header and shape, numbers equal to 1e-9 (the float loop rounds differently)."""
    a, b = ours.splitlines(), plain.splitlines()
    if a[0] != b[0] or len(a) != len(b):
        return "no: header or row count differs"
    x = np.array([ln.split(",")[2:] for ln in a[1:]], dtype=np.float64)
    y = np.array([ln.split(",")[2:] for ln in b[1:]], dtype=np.float64)
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        return "no: NaN in different cells"
    both = ~np.isnan(x)
    worst = np.max(np.abs(x[both] - y[both]) / np.maximum(np.abs(y[both]), 1e-300))
    return f"yes, {x.size:,} numbers, largest relative difference {worst:.1e}"


def setup(steps: int) -> Comparison:
    """What ``optiscope run --surface lecture-bowl --start A --optimizer "adam(lr=0.1)"``
    resolves to (the same validated ``Setup`` the CLI builds)."""
    return Setup("lecture-bowl", START, ("adam(lr=0.1)",), steps=steps).build()


def runs_of(s: Comparison) -> list[Trajectory]:
    return s.run()


def peak_mb(fn: object) -> float:
    tracemalloc.start()
    fn()  # type: ignore[operator]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main(steps: int, repeats: int) -> None:
    s = setup(steps)
    runs = runs_of(s)
    ours, plain = render("csv", s, runs, 1), baseline_csv(steps)
    print(f"{steps:,} Adam steps on the lecture bowl; medians of {repeats}; shared machine")
    print(f"the baseline writes the same CSV: {same_csv(ours, plain)}")

    per = 1e6 / (steps + 1)
    base = median_time(lambda: baseline_csv(steps), repeats) * per
    figures = {
        "baseline: pure-Python Adam + CSV": base,
        "run only (compare)": median_time(lambda: runs_of(s), repeats) * per,
        "CSV export only": median_time(lambda: render("csv", s, runs, 1), repeats) * per,
        "run + CSV (optiscope run)": median_time(lambda: render("csv", s, runs_of(s), 1), repeats)
        * per,
        "JSON export only": median_time(lambda: render("json", s, runs, 1), repeats) * per,
        "run + JSON (optiscope run)": median_time(lambda: render("json", s, runs_of(s), 1), repeats)
        * per,
    }
    print(f"{'':36}{'µs/step':>9}{'× baseline':>12}")
    for name, us in figures.items():
        print(f"{name:36}{us:9.2f}{us / base:12.2f}")
    json_size = len(render("json", s, runs, 1).encode()) / 1e6
    print(
        f"JSON: {json_size:.1f} MB of text; peak traced memory of the export "
        f"{peak_mb(lambda: render('json', s, runs, 1)):.0f} MB, of run + export "
        f"{peak_mb(lambda: render('json', s, runs_of(s), 1)):.0f} MB"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    main(args.steps, args.repeats)
