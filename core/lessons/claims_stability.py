"""Claims of the lessons on stability: the edge of stability, warmup and a momentum β too
large (lessons 18, 19 and 20).

Each measures the sharpness λmax(∇²f) and the optimizer's stability threshold recorded
beside every step (``core.stability``), so the text quotes what the step table shows.
"""

from __future__ import annotations

import numpy as np

from ..session.setup import Setup
from ..stability import SHARPNESS, rule_for
from ..trajectory import Trajectory
from . import measures as m
from .lesson import Figures, Finding
from .tuning import HUNDREDTHS, TO_THREE, TunedControl, Tuning


def _rises(loss: np.ndarray) -> int:
    """Steps at which the loss went up."""
    return int(np.count_nonzero(np.diff(loss) > 0))


# -- 18 ------------------------------------------------------------------------------------
#: The share of the hover measured: the middle 80% of λmax over the second half of the run.
BAND = (0.1, 0.9)


def edge_of_stability(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, control = runs
    surface = setup.build_surface()
    lr = m.lr_of(gd)
    sharp, loss = gd.column(SHARPNESS), gd.column("loss")
    x, y = gd.column("params")[:, 0], gd.column("params")[:, 1]
    minimum = surface.minima[0].point
    f = Figures()
    edge = float(f.add("edge", f"2/η at η = {lr:g}", 2 / lr, ".4g") or 0)
    f.add("lambda_start", "λmax at the start", float(sharp[0]), ".3g")
    f.add("lambda_minimum", "λmax at the minimum", float(surface.sharpness(np.array(minimum))), "g")
    f.add("minimum_x", "x of the minimum", minimum[0], "g")
    over = np.flatnonzero(sharp >= edge)
    cross = int(over[0]) if over.size else None
    f.add("cross", "first step with λmax ≥ 2/η", cross, "d")
    k = cross or 0
    f.add("y_at_cross", "|y| there (the oscillation across the valley)", abs(float(y[k])), ".2g")
    f.add("peak", "largest λmax", float(sharp.max()), ".4g")
    f.add("low", "smallest λmax after the first crossing", float(sharp[k:].min()), ".4g")
    half = len(gd) // 2
    f.add("half", "the second half starts at step", half, "d")
    low, high = np.quantile(sharp[half:], BAND)
    f.add("band_low", "λmax over the second half: 10th percentile", float(low), ".4g")
    mid = f.add("band_mid", "… median", float(np.median(sharp[half:])), ".4g")
    f.add("band_high", "… 90th percentile", float(high), ".4g")
    f.add("band_share", "the share of steps between them", BAND[1] - BAND[0], ".0%")
    before = f.add(
        "rises_before",
        "steps at which the loss rose before the crossing",
        _rises(loss[: k + 1]),
        "d",
    )
    after = f.add("rises_after", "… and after it", _rises(loss[k:]), "d")
    at_cross = f.add("loss_cross", "loss at the crossing", float(loss[k]), ".4g")
    later = f.add("loss_after", "median loss after the crossing", float(np.median(loss[k:])), ".4g")
    f.add("x_median", "median x over the second half", float(np.median(x[half:])), ".4g")
    control_lr = m.lr_of(control)
    f.add("control_edge", f"2/η at η = {control_lr:g}", 2 / control_lr, ".4g")
    f.add("control_converged", "that run converged at step", control.status.step, "d")
    control_rises = f.add(
        "control_rises", "… its loss rose at", _rises(control.column("loss")), "d"
    )
    holds = (
        cross is not None
        and before == 0
        and int(after or 0) > 0
        and abs(float(mid or 0) - edge) < 0.1 * edge
        and float(low) < edge < float(high)
        and float(later or 0) < float(at_cross or 0)
        and control.status.kind == "converged"
        and control_rises == 0
    )
    answer = (
        f"GD at η = {lr:g} from {_point(setup.start)}: λmax starts at {f['lambda_start']} and "
        f"grows as x heads for the minimum at x = {f['minimum_x']}, where it is "
        f"{f['lambda_minimum']} (the valley's curvature across is 1 + x²). At step "
        f"{f['cross']} it reaches 2/η = {f['edge']}; until then the loss fell at every step "
        f"(it rose at {f['rises_before']} of them). It does not stop there at once: the "
        "oscillation "
        f"across the valley that 2/η sets off starts from |y| = {f['y_at_cross']}, every stable "
        f"step before having shrunk it, so λmax overshoots to {f['peak']} before the "
        "oscillation has grown; then the y² term in ∂f/∂x pushes x back to where the valley "
        f"is wider, and λmax falls to {f['low']}. From then on it swings around 2/η: over the "
        f"second half of the run (from step {f['half']}) its median is {f['band_mid']}, and "
        f"{f['band_share']} of the steps lie between {f['band_low']} and {f['band_high']}. The "
        "loss is no "
        f"longer monotone (it rose at {f['rises_after']} steps after the crossing), yet it "
        f"keeps falling on the whole: its median after the crossing, {f['loss_after']}, is "
        f"below the {f['loss_cross']} it had there. x stays near {f['x_median']} (median), "
        "short of the minimum: GD cannot settle where λmax exceeds 2/η. This is the edge of "
        f"stability. At η = {control_lr:g} (2/η = {f['control_edge']}, above the minimum's "
        f"{f['lambda_minimum']}) the same start converges at step {f['control_converged']} and "
        f"its loss rises at {f['control_rises']} steps."
    )
    return f.finding(holds, answer)


def _point(p: tuple[float, float]) -> str:
    """The start as the lesson states it (to 6 decimals, as a learner types it)."""
    return f"({round(p[0], 6):g}, {round(p[1], 6):g})"


# -- 19 ------------------------------------------------------------------------------------
#: The metric both runs are compared on: steps until f − f* stays ≤ this × (f(x₀) − f*).
WARMUP_TOL = 1e-8
#: Warming up over this many steps, half the lesson's, is too fast.
SHORT_WARMUP = 100
#: The loss's rate per step is measured from this step to the end.
RATE_FROM = 300
#: The best constant lr from the sharp start, on the hundredths, for the same metric.
CONSTANT_LR = TunedControl(
    Setup("sharpening(center=0)", (4.5, 1.0), ("gd(lr=0.16)",), steps=600),
    Tuning(HUNDREDTHS, WARMUP_TOL),
)


def warmup(setup: Setup, runs: list[Trajectory]) -> Finding:
    (warm,) = runs
    lr = m.lr_of(warm)
    surface = setup.build_surface()
    hp = setup.build().schedule.settings
    w = int(hp["W"])
    (constant,) = setup.but(schedule="constant").run()
    (rushed,) = setup.but(schedule=f"warmup(W={SHORT_WARMUP})").run()
    (tuned,) = CONSTANT_LR.setup.run()
    neighbours = [
        CONSTANT_LR.setup.but(optimizers=(f"gd(lr={CONSTANT_LR.lr + d:g})",)).run()[0]
        for d in (-0.01, 0.01)
    ]
    warm_neighbours = [
        setup.but(optimizers=(f"gd(lr={lr + d:g})",)).run()[0] for d in (-0.02, -0.01)
    ]
    sharp, lrs, loss = warm.column(SHARPNESS), warm.column("lr"), warm.column("loss")
    curvature = 2 * float(surface.settings["pull"])
    f = Figures()
    f.add("lambda_start", "λmax at the start", float(sharp[0]), ".4g")
    f.add("constant_diverged", f"constant η = {lr:g}: diverged at step", constant.status.step, "d")
    f.add("w", "warmup steps W", w, "d")
    f.add("lambda_at_w", "λmax at step W, where ηₜ reaches η", float(sharp[w]), ".4g")
    products = lrs[:w] * sharp[:w]
    f.add("max_product", "largest ηₜ·λmax during the warmup", float(products.max()), ".3g")
    f.add("steps_over", "warmup steps with ηₜ·λmax > 2", int(np.count_nonzero(products > 2)), "d")
    f.add("rushed_w", "a shorter warmup", SHORT_WARMUP, "d")
    f.add("rushed_diverged", "… diverged at step", rushed.status.step, "d")
    f.add("curvature", "the valley's curvature along x, 2a", curvature, "g")
    f.add("rate_from", "the rate is measured from step", RATE_FROM, "d")
    rate = (loss[-1] / loss[RATE_FROM]) ** (1 / (len(loss) - 1 - RATE_FROM))
    f.add("rate", f"loss ratio per step from step {RATE_FROM} on", float(rate), ".4g")
    f.add("rate_model", "(1 − 2a·η)², GD's rate along x at η", (1 - curvature * lr) ** 2, ".4g")
    f.add("tol", "the tolerance compared", WARMUP_TOL, "g")
    f.add(
        "warm_steps",
        "warmup: steps until f − f* stays within tol of its start",
        m.settle_step(warm, WARMUP_TOL),
        "d",
    )
    f.add("tuned_lr", "the best constant lr among 0.01, 0.02, …, 1", CONSTANT_LR.lr, "g")
    f.add("tuned_steps", "… its steps", m.settle_step(tuned, WARMUP_TOL), "d")
    for t, name in zip(neighbours, ("below", "above"), strict=True):
        f.add(f"tuned_{name}_lr", f"constant lr {name} it", m.lr_of(t), "g")
        f.add(f"tuned_{name}_steps", "… its steps", m.settle_step(t, WARMUP_TOL), "d")
    for t, name in zip(warm_neighbours, ("low", "high"), strict=True):
        f.add(f"warm_{name}_lr", "warmup at η", m.lr_of(t), "g")
        f.add(f"warm_{name}_steps", "… its steps", m.settle_step(t, WARMUP_TOL), "d")
    holds = (
        constant.status.kind == "diverged"
        and rushed.status.kind == "diverged"
        and warm.status.kind != "diverged"
        and float(sharp[w]) * lr < 2
        and abs(float(rate) - (1 - curvature * lr) ** 2) < 1e-6
    )
    answer = (
        f"From {_point(setup.start)} λmax = {f['lambda_start']}, so constant steps at "
        f"η = {lr:g} have η·λmax = {f['lambda_start']} > 2 and diverge at step "
        f"{f['constant_diverged']}. Warmup raises ηₜ from η/W to η over W = {f['w']} steps. "
        "While ηₜ·λmax < 2 the oscillation across the valley dies out and x slides toward "
        "the flat ground at x = 0; whenever ηₜ·λmax passes 2 the oscillation grows and its "
        "y² term in ∂f/∂x pushes x further in, lowering λmax: ηₜ·λmax is above 2 at "
        f"{f['steps_over']} of the {f['w']} warmup steps, at most {f['max_product']}. At "
        f"step {f['w']}, where ηₜ = η, λmax is "
        f"{f['lambda_at_w']}: the run stands where η is stable. From there it moves as fast "
        f"as η allows: from step {f['rate_from']} on the loss shrinks by {f['rate']} per step, "
        f"(1 − 2a·η)² = {f['rate_model']} for the valley's curvature 2a = {f['curvature']} "
        f"along x. Warming up over {f['rushed_w']} steps is too fast: that run diverges at "
        f"step {f['rushed_diverged']}. Is it faster than a smaller constant lr? Counting steps "
        f"until f − f* stays within {f['tol']} of its start, warmup takes {f['warm_steps']}; "
        f"the best constant lr (tuned) is {f['tuned_lr']}, with {f['tuned_steps']} steps, "
        "because its first steps catapult the point across to the flat ground. But that "
        f"hinges on the exact lr: {f['tuned_below_lr']} takes {f['tuned_below_steps']} steps "
        f"and {f['tuned_above_lr']} {f['tuned_above_steps']}, while warmup at η = "
        f"{f['warm_low_lr']} and {f['warm_high_lr']} takes {f['warm_low_steps']} and "
        f"{f['warm_high_steps']}. Warmup buys an η that would otherwise diverge, reached "
        "safely and predictably; it does not arrive first here."
    )
    return f.finding(holds, answer)


# -- 20 ------------------------------------------------------------------------------------
#: The loss envelope's rate is measured between the two halves of the run.
def _envelope_rate(loss: np.ndarray) -> float:
    """(largest loss over the second half / largest over the first)^(1/half): the factor
    per step by which the oscillation's peaks shrink."""
    half = len(loss) // 2
    return float((loss[half:].max() / loss[:half].max()) ** (1 / half))


#: Each β at its own best lr on 0.01, 0.02, …, 3, for the lesson's metric and horizon.
TUNED_HIGH_BETA = TunedControl(
    Setup("lecture-bowl", (-4.7, -1.3), ("momentum(lr=0.09,beta=0.99)",), steps=1000),
    Tuning(TO_THREE),
)
TUNED_DEFAULT_BETA = TunedControl(
    Setup("lecture-bowl", (-4.7, -1.3), ("momentum(lr=0.34,beta=0.9)",), steps=1000),
    Tuning(TO_THREE),
)
CONTROLS = (CONSTANT_LR, TUNED_HIGH_BETA, TUNED_DEFAULT_BETA)


def beta_too_large(setup: Setup, runs: list[Trajectory]) -> Finding:
    high, default = runs
    lr = m.lr_of(high)
    surface = setup.build_surface()
    lam = float(surface.sharpness(np.array(setup.start)))
    f = Figures()
    f.add("lambda", "λmax of the bowl", lam, "g")
    for t, name in ((high, "high"), (default, "default")):
        hp = t.setup.hyperparameters
        beta = float(hp["beta"])
        rule = rule_for(t.setup.name, hp)
        assert rule is not None  # EWMA momentum always has one
        who = t.setup.label
        f.add(f"{name}_beta", f"{who}: β", beta, "g")
        f.add(f"{name}_product", f"{who}: η(1−β)·λmax", lr * (1 - beta) * lam, ".3g")
        f.add(f"{name}_bound", f"{who}: 2(1+β)", 2 * (1 + beta), ".3g")
        f.add(
            f"{name}_limit",
            f"{who}: the largest stable lr, 2(1+β)/((1−β)·λmax)",
            rule.bound(hp) / lam,
            ".4g",
        )
        f.add(
            f"{name}_steps",
            f"{who}: steps until the loss stays within 1% of its start",
            m.settle_step(t),
            "d",
        )
        f.add(f"{name}_first", f"{who}: first step within 1%", m.first_within(t), "d")
        f.add(
            f"{name}_overshoot",
            f"{who}: largest w on the far side of the minimum",
            float(t.column("params")[:, 0].max()),
            ".3g",
        )
        f.add(
            f"{name}_rises", f"{who}: steps at which the loss rose", _rises(t.column("loss")), "d"
        )
        f.add(
            f"{name}_rate",
            f"{who}: the loss peaks' factor per step",
            _envelope_rate(t.column("loss")),
            ".3g",
        )
    (tuned_high,) = TUNED_HIGH_BETA.setup.run()
    (tuned_default,) = TUNED_DEFAULT_BETA.setup.run()
    f.add("tuned_high_lr", "β = 0.99 at its best lr", TUNED_HIGH_BETA.lr, "g")
    f.add("tuned_high_steps", "… its steps", m.settle_step(tuned_high), "d")
    f.add("tuned_default_lr", "β = 0.9 at its best lr", TUNED_DEFAULT_BETA.lr, "g")
    f.add("tuned_default_steps", "… its steps", m.settle_step(tuned_default), "d")
    high_rate, default_rate = f.value("high_rate"), f.value("default_rate")
    holds = (
        high.status.kind != "diverged"
        and float(f.value("high_product") or 0) < float(f.value("high_bound") or 0)
        and int(f.value("high_steps") or 0) > 5 * int(f.value("default_steps") or 1)
        and abs(float(high_rate or 0) - float(f.value("high_beta") or 0)) < 0.005
        and abs(float(default_rate or 0) - float(f.value("default_beta") or 0)) < 0.005
        and int(f.value("tuned_high_steps") or 0) > 5 * int(f.value("tuned_default_steps") or 1)
    )
    answer = (
        f"It is not an instability. The course's momentum at lr η is heavy ball at η(1−β), "
        f"stable while η(1−β)·λmax < 2(1+β): at β = {f['high_beta']} and η = {lr:g} on this "
        f"bowl (λmax = {f['lambda']}) that is {f['high_product']} against {f['high_bound']}, "
        f"and η could go up to {f['high_limit']} (at β = {f['default_beta']}: "
        f"{f['default_limit']}). What goes haywire is the memory. v averages about the last "
        "1/(1−β) gradients, so it keeps pushing long after the slope has turned: the path "
        f"shoots past the minimum to w = {f['high_overshoot']} (β = {f['default_beta']}: "
        f"{f['default_overshoot']}), first comes within 1% of the start's loss at step "
        f"{f['high_first']} and swings out again, and the loss rises at {f['high_rises']} of "
        f"{setup.steps} steps. Each swing dies out slowly: the iteration "
        "x ← (1 + β − η(1−β)λ)·x − β·x₋₁ has two roots whose product is β, complex here, so "
        f"both have size √β and the loss's peaks shrink by β per step: measured "
        f"{f['high_rate']} (at β = {f['default_beta']}: {f['default_rate']}). The loss stays "
        f"within 1% only from step {f['high_steps']} on, against {f['default_steps']} at "
        f"β = {f['default_beta']}. No lr rescues it: tuned, β = {f['high_beta']} at lr "
        f"{f['tuned_high_lr']} needs {f['tuned_high_steps']} steps and β = "
        f"{f['default_beta']} at lr {f['tuned_default_lr']} {f['tuned_default_steps']}."
    )
    return f.finding(holds, answer)
