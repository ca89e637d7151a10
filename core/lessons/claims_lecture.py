"""Claims of the lessons on the lecture's bowls: the zig-zag, starts B and C, an already good
path, and whether RMSprop's lead is only a bigger step (lessons 1, 2, 3, 4 and 7).

Each compares optimizers at their tuned learning rates (the best lr for the sweep's
``steps`` metric on a stated grid), so a difference is the update rule's, not the lr's.
"""

from __future__ import annotations

import math

import numpy as np

from ..session.setup import Setup
from ..trajectory import Trajectory
from . import measures as m
from .lesson import Figures, Finding
from .tuning import TunedControl

LECTURE_A = (-4.7, -1.3)
LECTURE_B = (0.3, -2.3)
LECTURE_C = (-4.7, 0.03)
ROUND_OFF_DIAGONAL = (-4.0, 2.0)
#: On the diagonal at the same distance from the minimum (the same starting loss, 20).
ROUND_DIAGONAL = (-math.sqrt(10.0), math.sqrt(10.0))

#: RMSprop from the diagonal start, at its own tuned lr (lesson 4's control run).
DIAGONAL_RMSPROP = TunedControl(
    Setup("round-bowl", ROUND_DIAGONAL, ("rmsprop(lr=0.17)",), steps=200)
)
CONTROLS = (DIAGONAL_RMSPROP,)


def _lr(t: Trajectory) -> str:
    return f"{m.lr_of(t):g}"


# -- 1 -------------------------------------------------------------------------------------
def zigzag(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms, fast = runs
    f = Figures()
    p = gd.column("params")
    f.add(
        "gd_b_factor", f"GD (lr {_lr(gd)}): b is multiplied each step by", p[1, 1] / p[0, 1], ".3g"
    )
    f.add("gd_w_factor", "… and w by", p[1, 0] / p[0, 0], ".3g")
    n_gd = f.add(
        "gd_steps", "GD steps until the loss stays within 1% of its start", m.settle_step(gd), "d"
    )
    n_rms = f.add(
        "rmsprop_steps", f"RMSprop (lr {_lr(rms)}) steps until it stays", m.settle_step(rms), "d"
    )
    f.add(
        "gd_b_reversals",
        "GD reversals of the b step before that",
        m.sign_changes(gd, 1, _int(n_gd)),
        "d",
    )
    f.add(
        "rmsprop_b_reversals",
        "RMSprop reversals of the b step before that",
        m.sign_changes(rms, 1, _int(n_rms)),
        "d",
    )
    d_gd, d_rms = np.abs(gd.column("update")[0]), np.abs(rms.column("update")[0])
    f.add("gd_first_ratio", "GD first step |Δw|/|Δb|", d_gd[0] / d_gd[1], ".3g")
    f.add("rmsprop_first_ratio", "RMSprop first step |Δw|/|Δb|", d_rms[0] / d_rms[1], ".3f")
    w_steps = np.abs(rms.column("update")[: _int(n_rms), 0])
    f.add(
        "rmsprop_w_per_lr",
        "RMSprop mean |Δw|/lr until it stays",
        float(np.mean(w_steps)) / m.lr_of(rms),
        ".3g",
    )
    first = f.add(
        "fast_first", f"RMSprop at lr {_lr(fast)}: first step within 1%", m.first_within(fast), "d"
    )
    loss = fast.column("loss")
    after = float(np.max(loss[_int(first) :])) if first is not None else None
    f.add("fast_peak", "… its highest loss after that", after, ".2g")
    f.add("fast_steps", "… steps until it stays within 1%", m.settle_step(fast), "d")
    holds = (
        abs(float(f.value("rmsprop_first_ratio") or 0) - 1) < 1e-3
        and float(f.value("gd_first_ratio") or 1) < 0.5
        and _int(f.value("rmsprop_b_reversals")) < _int(f.value("gd_b_reversals"))
        and n_gd is not None
        and n_rms is not None
        and n_gd < n_rms
        and first is not None
        and first < n_gd < _int(f.value("fast_steps"), 10**9)
    )
    answer = (
        f"GD's learning rate is capped by the steep b direction: b's curvature is 4, so GD is "
        f"stable only below lr 0.5. At its best lr, {_lr(gd)}, each step multiplies b by "
        f"{f['gd_b_factor']} and w by {f['gd_w_factor']}: b flips sign every step "
        f"({f['gd_b_reversals']} reversals before the loss stays within 1% of its start, at "
        f"step {f['gd_steps']}), and its first step moves only {f['gd_first_ratio']}× as far "
        f"in w as in b. RMSprop divides each coordinate by the root of its own "
        f"squared-gradient average, so its first step is as long in w as in b (ratio "
        f"{f['rmsprop_first_ratio']}); at its best lr, {_lr(rms)}, it reverses b "
        f"{f['rmsprop_b_reversals']} times. That much of the lecture's picture holds. But with "
        f"both learning rates tuned, RMSprop is the slower one on this bowl: "
        f"{f.steps('rmsprop_steps')} against GD's {f['gd_steps']}. GD's zig-zag shrinks "
        f"by the factor {f['gd_b_factor']} every step, so it costs little; what holds GD back "
        f"is w's factor {f['gd_w_factor']}. RMSprop moves w by about its lr per step "
        f"({f['rmsprop_w_per_lr']}× lr on average until it stays), and a larger lr does not "
        f"stay: at lr {_lr(fast)} RMSprop is within 1% by step {f['fast_first']}, climbs back "
        f"to loss {f['fast_peak']} and stays only from step {f['fast_steps']}."
    )
    return f.finding(holds, answer)


def _int(value: object, default: int = 0) -> int:
    return default if value is None else int(value)  # type: ignore[call-overload]


# -- 2 -------------------------------------------------------------------------------------
def start_b(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    n = 50
    f = Figures()
    d_gd, d_rms = gd.column("update"), rms.column("update")
    f.add("gd_first_w", f"GD (lr {_lr(gd)}) first step in w", abs(d_gd[0, 0]), ".3g")
    f.add("gd_first_b", "… and in b", abs(d_gd[0, 1]), ".3g")
    f.add("gd_b_after_first", "|b| after GD's first step", abs(gd.column("params")[1, 1]), ".3g")
    f.add(
        "gd_w_travel",
        f"GD distance moved in w over {n} steps",
        float(np.sum(np.abs(d_gd[:n, 0]))),
        ".3g",
    )
    f.add(
        "gd_w_reversals", f"GD reversals of the w step in {n} steps", m.sign_changes(gd, 0, n), "d"
    )
    f.add(
        "gd_steps", "GD steps until the loss stays within 1% of its start", m.settle_step(gd), "d"
    )
    f.add("rmsprop_first_w", f"RMSprop (lr {_lr(rms)}) first step in w", abs(d_rms[0, 0]), ".3g")
    f.add("rmsprop_first_b", "… and in b", abs(d_rms[0, 1]), ".3g")
    f.add(
        "rmsprop_w_travel",
        f"RMSprop distance moved in w over {n} steps",
        float(np.sum(np.abs(d_rms[:n, 0]))),
        ".3g",
    )
    f.add(
        "rmsprop_w_reversals",
        f"RMSprop reversals of the w step in {n} steps",
        m.sign_changes(rms, 0, n),
        "d",
    )
    f.add("rmsprop_steps", "RMSprop steps until it stays within 1%", m.settle_step(rms), "d")
    travel_gd, travel_rms = f.value("gd_w_travel"), f.value("rmsprop_w_travel")
    n_gd, n_rms = f.value("gd_steps"), f.value("rmsprop_steps")
    holds = (
        float(travel_rms or 0) > 5 * float(travel_gd or 0)
        and _int(f.value("rmsprop_w_reversals")) > _int(f.value("gd_w_reversals"))
        and n_gd is not None
        and (n_rms is None or n_rms > n_gd)
    )
    answer = (
        f"From B, w = 0.3 is nearly right and almost all of the loss is in b. GD's step in w "
        f"is lr·0.2·w, tiny: its first step moves w by {f['gd_first_w']} and b by "
        f"{f['gd_first_b']}, and over {n} steps w moves {f['gd_w_travel']} in all, with "
        f"{f['gd_w_reversals']} reversals. At GD's best lr, {_lr(gd)}, b's factor 1 − 4·lr is 0: "
        f"the first step leaves |b| = {f['gd_b_after_first']}, and the loss stays within 1% of "
        f"its start after {f.steps('gd_steps')}. RMSprop divides w's tiny gradient by its own "
        f"tiny root-mean-square: its first step is {f['rmsprop_first_w']} in w, as long as in "
        f"b ({f['rmsprop_first_b']}). At its best lr, {_lr(rms)}, it moves "
        f"{f['rmsprop_w_travel']} in w over {n} steps, reversing {f['rmsprop_w_reversals']} "
        f"times, and needs {f.steps('rmsprop_steps')}. The learner is right: bringing every "
        "coordinate's step to about the same size hurts when the gradient's proportions were "
        "already right."
    )
    return f.finding(holds, answer)


# -- 3 -------------------------------------------------------------------------------------
def valley_floor(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms, adam = runs
    f = Figures()
    f.add("start_b", "|b| at the start", abs(setup.start[1]), ".3g")
    for key, name, t in (("gd", "GD", gd), ("rmsprop", "RMSprop", rms), ("adam", "Adam", adam)):
        peak = float(np.max(np.abs(t.column("params")[:, 1])))
        f.add(f"{key}_max_b", f"{name} (lr {_lr(t)}) largest |b|", peak, ".3g")
    for key, name, t in (("rmsprop", "RMSprop", rms), ("adam", "Adam", adam)):
        d = np.abs(t.column("update")[0])
        f.add(f"{key}_first_ratio", f"{name} first step |Δb|/|Δw|", d[1] / d[0], ".3f")
    for key, name, t in (("gd", "GD", gd), ("adam", "Adam", adam), ("rmsprop", "RMSprop", rms)):
        f.add(
            f"{key}_steps",
            f"{name} steps until the loss stays within 1% of its start",
            m.settle_step(t),
            "d",
        )
    b0 = abs(setup.start[1])
    holds = (
        float(f.value("gd_max_b") or 0) <= b0 + 1e-12
        and min(float(f.value("rmsprop_max_b") or 0), float(f.value("adam_max_b") or 0)) > 2 * b0
    )
    answer = (
        f"Start C sits on the valley floor: |b| = {f['start_b']}, where ∂f/∂b = 4b is small. "
        f"GD never goes further from the floor than |b| = {f['gd_max_b']}. RMSprop and Adam "
        f"divide that small gradient by its own small root-mean-square, so their first step "
        f"is as long in b as in w (ratios {f['rmsprop_first_ratio']} and "
        f"{f['adam_first_ratio']}): RMSprop climbs to |b| = {f['rmsprop_max_b']}, Adam to "
        f"{f['adam_max_b']}, and both come back down. Rescaling every coordinate to about the "
        "same size inflates a gradient that was small for a good reason. Each at its best lr, "
        f"the loss stays within 1% of its start after {f.steps('gd_steps')} for GD, "
        f"{f.steps('adam_steps')} for Adam and {f.steps('rmsprop_steps')} for RMSprop."
    )
    return f.finding(holds, answer)


# -- 4 -------------------------------------------------------------------------------------
def already_good(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    (diagonal,) = DIAGONAL_RMSPROP.setup.run()
    early = 20
    f = Figures()
    f.add(
        "gd_max_angle",
        f"GD largest angle to −∇f, first {early} steps (°)",
        _max_angle(gd, early),
        ".2g",
    )
    f.add(
        "rmsprop_max_angle",
        f"RMSprop (lr {_lr(rms)}) largest angle to −∇f (°)",
        _max_angle(rms, early),
        ".3g",
    )
    f.add(
        "diagonal_angle",
        f"RMSprop (lr {_lr(diagonal)}) from the diagonal start, largest angle (°)",
        _max_angle(diagonal, early),
        ".2g",
    )
    f.add(
        "gd_loss_after_one",
        f"GD (lr {_lr(gd)}) loss after one step",
        float(gd.column("loss")[1]),
        ".2g",
    )
    f.add(
        "gd_steps", "GD steps until the loss stays within 1% of its start", m.settle_step(gd), "d"
    )
    f.add(
        "gd_fraction",
        "share of the distance to the minimum GD's first step covers",
        _covered(gd)[0],
        ".2f",
    )
    f.add("diagonal_steps", "RMSprop from the diagonal start: steps", m.settle_step(diagonal), "d")
    f.add("diagonal_first", "… its first step length", float(m.step_lengths(diagonal)[0]), ".3g")
    f.add(
        "distance",
        "distance from either start to the minimum",
        float(np.hypot(*setup.start)),
        ".3g",
    )
    f.add(
        "diagonal_fraction",
        "… share of the remaining distance it covers per step, first 10 steps",
        float(np.mean(_covered(diagonal)[:10])),
        ".2f",
    )
    f.add("rmsprop_steps", "RMSprop from (−4, 2): steps", m.settle_step(rms), "d")
    n_gd, n_diag, n_rms = (f.value(k) for k in ("gd_steps", "diagonal_steps", "rmsprop_steps"))
    holds = (
        f.value("gd_max_angle") == 0.0
        and f.value("diagonal_angle") == 0.0
        and float(f.value("rmsprop_max_angle") or 0) > 10
        and None not in (n_gd, n_diag, n_rms)
        and _int(n_gd) < _int(n_diag) <= _int(n_rms)
        and _int(n_diag) - _int(n_gd) > _int(n_rms) - _int(n_diag)
    )
    answer = (
        f"On a round bowl −∇f points straight at the minimum, so GD's path is already ideal "
        f"(largest angle to −∇f: {_deg(f.value('gd_max_angle'))}); at its best lr, {_lr(gd)}, "
        f"one step takes the loss from 20 to {f['gd_loss_after_one']}. RMSprop makes it worse "
        f"in two ways, which two starts at the same distance (the same starting loss, 20) "
        f"tell apart. Direction: from (−4, 2) its steps turn up to "
        f"{_deg(f.value('rmsprop_max_angle'))} away from −∇f, towards the diagonal; from "
        f"(−3.162, 3.162), on the diagonal, its two coordinates have equal gradients and equal "
        f"caches and its direction is GD's ({_deg(f.value('diagonal_angle'))}). Step size: "
        f"even on the diagonal, each at its best lr, RMSprop needs "
        f"{f.steps('diagonal_steps')} to GD's {f['gd_steps']}. GD's step lr·∇f is "
        f"proportional to the distance left, and at lr {_lr(gd)} its first step covers "
        f"{f['gd_fraction']} of it. RMSprop's first step is lr/√(1−β) per coordinate "
        f"whatever the distance ({f['diagonal_first']} long, from {f['distance']} away), and "
        f"over its first 10 steps it covers {f['diagonal_fraction']} of the remaining "
        f"distance per step on average. The bend adds the rest "
        f"({f.steps('rmsprop_steps')} from (−4, 2)): most of the cost is RMSprop's step "
        "size, not the bend."
    )
    return f.finding(holds, answer)


def _covered(t: Trajectory) -> np.ndarray:
    """Each step's length over the distance from its point to the minimum at the origin."""
    with np.errstate(invalid="ignore", divide="ignore"):
        covered: np.ndarray = m.step_lengths(t) / np.hypot(*t.column("params").T)
    return covered


def _max_angle(t: Trajectory, early: int) -> float:
    return float(np.nanmax(m.angles_to_descent(t)[:early]))


def _deg(angle: object) -> str:
    return f"{float(angle):.3g}°"  # type: ignore[arg-type]


# -- 7 -------------------------------------------------------------------------------------
def bigger_step(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms, norm, gd_same = runs
    f = Figures()
    f.add(
        "gd_steps",
        f"GD (lr {_lr(gd)}) steps until the loss stays within 1% of its start",
        m.settle_step(gd),
        "d",
    )
    n_rms = f.add("rmsprop_steps", f"RMSprop (lr {_lr(rms)}) steps", m.settle_step(rms), "d")
    f.add(
        "gd_same_lr_steps", f"GD at RMSprop's lr {_lr(gd_same)}: steps", m.settle_step(gd_same), "d"
    )
    f.add("gd_same_lr_first_w", "… its first step in w", abs(gd_same.column("update")[0, 0]), ".3g")
    f.add("rmsprop_first_w", "RMSprop's first step in w", abs(rms.column("update")[0, 0]), ".3g")
    w_steps = np.abs(rms.column("update")[: _int(n_rms), 0])
    f.add(
        "rmsprop_w_per_lr",
        "RMSprop mean |Δw|/lr until it stays",
        float(np.mean(w_steps)) / m.lr_of(rms),
        ".3g",
    )
    f.add(
        "rmsprop_first_length", "RMSprop's first step length", float(m.step_lengths(rms)[0]), ".4g"
    )
    f.add(
        "normgd_length",
        "normalized GD's step length (every step)",
        float(m.step_lengths(norm)[0]),
        ".4g",
    )
    f.add("normgd_steps", "normalized GD steps until it stays within 1%", m.settle_step(norm), "d")
    tail = norm.column("loss")[-50:]
    f.add(
        "normgd_low", "normalized GD loss over its last 50 steps, lowest", float(tail.min()), ".3g"
    )
    f.add("normgd_high", "… highest", float(tail.max()), ".3g")
    f.add(
        "band", "the 1% line: 0.01 × the starting loss", 0.01 * float(norm.column("loss")[0]), ".3g"
    )
    loss = rms.column("loss")
    k = int(np.argmin(loss))
    f.add("rmsprop_low", "RMSprop's lowest loss", float(loss[k]), ".2g")
    f.add("rmsprop_low_step", "… at step", k, "d")
    f.add("rmsprop_peak", "… its highest loss after that", float(np.max(loss[k:])), ".2g")
    f.add("rmsprop_end_length", "RMSprop's last step length", float(m.step_lengths(rms)[-1]), ".3g")
    f.add("lr_root2", "RMSprop's lr·√2", m.lr_of(rms) * math.sqrt(2), ".3g")
    n_gd, n_same, n_norm = (f.value(k) for k in ("gd_steps", "gd_same_lr_steps", "normgd_steps"))
    lengths = m.step_lengths(norm)
    holds = (
        n_gd is not None
        and n_rms is not None
        and n_gd < n_rms
        and (n_same is None or n_same > n_rms)
        and abs(float(lengths[0]) / float(f.value("rmsprop_first_length") or 1) - 1) < 1e-6
        and float(np.ptp(lengths)) < 1e-12
        and n_norm is None
        and float(tail.min()) > float(f.value("band") or 0)
        and float(f.value("rmsprop_peak") or 0) > 1e3 * float(f.value("rmsprop_low") or 0)
    )
    answer = (
        f"Each at its best lr for bringing the loss within 1% of its start and keeping it "
        f"there, GD needs {f.steps('gd_steps')} and RMSprop {f['rmsprop_steps']}: on this "
        f"bowl RMSprop has no lead to explain. A lead appears when GD's lr is too small: "
        f"at RMSprop's lr, {_lr(gd_same)}, GD needs "
        f"{f.steps('gd_same_lr_steps')}. Its step in w is lr·0.2·w ({f['gd_same_lr_first_w']} "
        f"at first, shrinking with w), while RMSprop's is about its lr "
        f"({f['rmsprop_first_w']} at first, {f['rmsprop_w_per_lr']}× lr on average until it "
        f"stays). Normalized GD, GD's direction at a fixed length, given RMSprop's first-step "
        f"length {f['normgd_length']}, never stays within 1%: its step never shrinks, so it "
        f"ends hopping across the minimum with the loss between {f['normgd_low']} and "
        f"{f['normgd_high']}, above the 1% line ({f['band']}). RMSprop's step does not shrink "
        f"for good either: its loss falls to {f['rmsprop_low']} at step "
        f"{f['rmsprop_low_step']}, climbs back to {f['rmsprop_peak']}, and its last step is "
        f"{f['rmsprop_end_length']} long, about lr·√2 ({f['lr_root2']}). So at equal lr "
        "RMSprop leads because it steps further along w; give GD a larger lr and it wins. "
        "What keeps normalized GD from settling is its fixed step length, not its direction."
    )
    return f.finding(holds, answer)
