"""Claims of the lessons on what RMSprop's division does: a tiny oscillating gradient, sign
descent, Adagrad's falling rate and large gradients (lessons 5, 6, 9 and 11).

These compare the update rules at learning rates fixed by the question (the same lr, or GD
on either side of its stability limit), each for the reason its lesson states; where a
conclusion is about speed, the claim also measures it at tuned learning rates.
"""

from __future__ import annotations

import math

import numpy as np

from ..session.setup import Setup
from ..trajectory import Trajectory
from . import measures as m
from .claims_lecture import LECTURE_A
from .lesson import Figures, Finding
from .tuning import TunedControl


def _lr(t: Trajectory) -> str:
    return f"{m.lr_of(t):g}"


# -- 5 -------------------------------------------------------------------------------------
def tiny_oscillation(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    lr = m.lr_of(rms)
    late = slice(len(rms) // 2, None)
    g_gd = gd.column("grad")[:6, 0]
    f = Figures()
    f.add("gd_grad_w", "GD's |∂w| at steps 0..5", float(np.abs(g_gd).max()), ".3g")
    f.add("gd_grad_alternates", "GD's ∂w alternates in sign", bool(np.all(g_gd[1:] == -g_gd[:-1])))
    f.add("rmsprop_cache", "RMSprop's cache S_w at the end", float(rms.column("s")[-1, 0]), ".4g")
    step_gd = f.add(
        "gd_step", "GD's |Δw| at the end", float(np.abs(gd.column("update")[-1, 0])), ".3g"
    )
    step_rms = f.add(
        "rmsprop_step",
        "RMSprop's |Δw| at the end",
        float(np.abs(rms.column("update")[-1, 0])),
        ".4g",
    )
    f.add("step_ratio", "RMSprop's |Δw| / GD's", float(step_rms or 0) / float(step_gd or 1), ".4g")
    f.add("gd_eff_lr", "GD's effective lr in w", float(gd.column("effective_lr")[-1, 0]), ".3g")
    f.add(
        "rmsprop_eff_lr",
        "RMSprop's effective lr in w",
        float(rms.column("effective_lr")[-1, 0]),
        ".4g",
    )
    amp_gd = f.add(
        "gd_amplitude",
        "GD's largest |w| over the second half",
        float(np.max(np.abs(gd.column("params")[late, 0]))),
        ".3g",
    )
    amp_rms = f.add(
        "rmsprop_amplitude",
        "RMSprop's largest |w| over the second half",
        float(np.max(np.abs(rms.column("params")[late, 0]))),
        ".3g",
    )
    holds = abs(float(step_rms or 0) - lr) < 0.01 * lr and float(amp_rms or 0) > 1000 * float(
        amp_gd or 0
    )
    answer = (
        f"On the V valley GD sees exactly the thread's sequence: ∂w = +{f['gd_grad_w']}, "
        f"−{f['gd_grad_w']}, … (alternating: {f['gd_grad_alternates']}), and it steps "
        f"η·1e-4 = {f['gd_step']} each way. RMSprop's cache S_w settles at "
        f"{f['rmsprop_cache']} = (1e-4)², so its effective learning rate is η/√S = "
        f"{f['rmsprop_eff_lr']} instead of GD's {f['gd_eff_lr']}, and each step is "
        f"±{f['rmsprop_step']} ≈ ±η, {f['step_ratio']}× GD's. Over the second half of the run "
        f"GD stays within |w| ≤ {f['gd_amplitude']} while RMSprop swings to "
        f"|w| = {f['rmsprop_amplitude']}. The post is right: RMSprop rescales the gradient to "
        "about unit size; it does not damp an oscillation whose gradient is already small, it "
        "magnifies it. Both run at the same lr, so the difference is RMSprop's division alone."
    )
    return f.finding(holds, answer)


# -- 6 -------------------------------------------------------------------------------------
def why_not_sign(setup: Setup, runs: list[Trajectory]) -> Finding:
    rms, adam, sign, norm = runs
    lr = m.lr_of(rms)
    beta = float(rms.setup.hyperparameters["beta"])
    g, d = rms.column("grad"), rms.column("update")
    # RMSprop's step against sign-GD's direction at the same point: 0° at step 0 but for ε.
    off_sign = m.angles_between(d, -np.sign(g))
    lengths = m.step_lengths(rms)
    f = Figures()
    first = f.add(
        "rmsprop_first", "RMSprop's first step per coordinate", float(np.abs(d[0]).max()), ".4g"
    )
    f.add("rmsprop_first_over_lr", "… divided by lr", float(first or 0) / lr, ".4g")
    f.add("root", "1/√(1−β)", 1 / math.sqrt(1 - beta), ".4g")
    f.add(
        "adam_first",
        "Adam's first step per coordinate",
        float(np.abs(adam.column("update")[0]).max()),
        ".4g",
    )
    f.add(
        "signgd_first",
        "sign-GD's first step per coordinate",
        float(np.abs(sign.column("update")[0]).max()),
        ".4g",
    )
    f.add(
        "rmsprop_vs_sign_step0",
        "angle between RMSprop's step and sign(g)'s at step 0 (°)",
        float(off_sign[0]),
        ".2g",
    )
    f.add(
        "rmsprop_vs_sign_later",
        "largest such angle over steps 1..30 (°)",
        float(np.nanmax(off_sign[1:31])),
        ".3g",
    )
    f.add(
        "rmsprop_length_low",
        "RMSprop's step length over steps 1..30, shortest",
        float(lengths[1:31].min()),
        ".3g",
    )
    f.add("rmsprop_length_high", "… longest", float(lengths[1:31].max()), ".3g")
    sign_lengths = m.step_lengths(sign)
    f.add("signgd_length", "sign-GD's step length, every step", float(sign_lengths[0]), ".4g")
    for key, name, t in (("signgd", "sign-GD", sign), ("normgd", "normalized GD", norm)):
        f.add(
            f"{key}_angle",
            f"{name} mean angle to −∇f over 30 steps (°)",
            float(np.nanmean(m.angles_to_descent(t)[:30])),
            ".3g",
        )
    expected = lr / math.sqrt(1 - beta)
    holds = (
        abs(float(first or 0) - expected) < 1e-6 * expected  # ε shifts it by ~3e-8
        and abs(float(f.value("adam_first") or 0) - lr) < 1e-6 * lr
        and float(f.value("rmsprop_vs_sign_later") or 0) > 1.0
        and float(np.ptp(sign_lengths)) == 0.0
        and f.value("normgd_angle") == 0.0
    )
    answer = (
        f"From S = 0 RMSprop's first step is g/√((1−β)g²) = sign(g)/√(1−β) times lr: "
        f"{f['rmsprop_first']} per coordinate, {f['rmsprop_first_over_lr']}× lr = 1/√(1−β) "
        f"({f['root']}) at β = {beta:g}. Adam's bias correction makes its first step exactly "
        f"lr·sign(g) ({f['adam_first']}), the same as sign-GD's ({f['signgd_first']}). So "
        f"sign(dw) is RMSprop's first step (they differ by {f['rmsprop_vs_sign_step0']}°, "
        f"from ε alone), not RMSprop: after it the memory of |g| changes "
        f"both the direction, up to {f['rmsprop_vs_sign_later']}° from sign(g)'s over the "
        f"next 30 steps, and the length, from {f['rmsprop_length_low']} to "
        f"{f['rmsprop_length_high']}. sign-GD's step is always {f['signgd_length']} "
        "(lr·√2) long, so it cannot shrink as it nears the minimum, and it always points "
        f"along a diagonal, whatever −∇f does: here {f['signgd_angle']}° away from −∇f on "
        f"average over 30 steps (normalized GD, which keeps −∇f's direction: "
        f"{f['normgd_angle']}°). All four run at the same lr, so the steps compare as "
        "multiples of it."
    )
    return f.finding(holds, answer)


# -- 9 -------------------------------------------------------------------------------------
def adagrad_vs_rmsprop(setup: Setup, runs: list[Trajectory]) -> Finding:
    ada, rms = runs
    e_ada, e_rms = ada.column("effective_lr")[:, 0], rms.column("effective_lr")[:, 0]
    g_rms = np.abs(rms.column("grad")[:, 0])
    k_low = int(np.argmin(e_rms))
    f = Figures()
    f.add(
        "adagrad_eff_start",
        f"Adagrad (lr {_lr(ada)}) effective lr in w, step 0",
        float(e_ada[0]),
        ".3g",
    )
    f.add("adagrad_eff_end", "… last step", float(e_ada[-1]), ".3g")
    falls = f.add(
        "adagrad_only_falls",
        "Adagrad's effective lr never rises",
        bool(np.all(np.diff(e_ada) <= 1e-15 * e_ada[:-1])),
    )
    low = f.add(
        "rmsprop_eff_low",
        f"RMSprop (lr {_lr(rms)}) effective lr in w, lowest",
        float(e_rms[k_low]),
        ".3g",
    )
    high = f.add("rmsprop_eff_high", "… highest after that", float(np.max(e_rms[k_low:])), ".3g")
    f.add("rmsprop_rise", "RMSprop's rise (×)", float(high or 0) / float(low or 1), ".3g")
    f.add(
        "rmsprop_grad_low",
        "RMSprop's |∂w| where its effective lr is lowest",
        float(g_rms[k_low]),
        ".2g",
    )
    k_high = k_low + int(np.argmax(e_rms[k_low:]))
    f.add("rmsprop_grad_high", "… and where it is highest", float(g_rms[k_high]), ".2g")
    holds = bool(falls) and float(high or 0) > 10 * float(low or 1) and g_rms[k_high] < g_rms[k_low]
    answer = (
        f"Adagrad divides by the root of the sum of every squared gradient so far, which can "
        f"only grow: its effective learning rate in w falls from {f['adagrad_eff_start']} to "
        f"{f['adagrad_eff_end']} and never rises. RMSprop's "
        f"average forgets: as its gradient in w shrinks (|∂w| from {f['rmsprop_grad_low']} "
        f"to {f['rmsprop_grad_high']}), S shrinks with it and η/√S rises from "
        f"{f['rmsprop_eff_low']} to {f['rmsprop_eff_high']} ({f['rmsprop_rise']}×). The "
        "thread's answer ('with low gradients the effective learning rate gets increased') "
        "is right for RMSprop and wrong for Adagrad, whose effective learning rate only "
        "falls. Neither needs a particular lr: Adagrad's sum only grows at any lr."
    )
    return f.finding(holds, answer)


# -- 11 ------------------------------------------------------------------------------------
#: GD and RMSprop at their tuned lrs from A: what "converges" means at a fair setting.
TUNED_GD = TunedControl(Setup("lecture-bowl", LECTURE_A, ("gd(lr=0.45)",), steps=200))
TUNED_RMSPROP = TunedControl(Setup("lecture-bowl", LECTURE_A, ("rmsprop(lr=0.08)",), steps=200))
CONTROLS = (TUNED_GD, TUNED_RMSPROP)


def large_gradients(setup: Setup, runs: list[Trajectory]) -> Finding:
    above, below, rms = runs
    (gd_tuned,) = TUNED_GD.setup.run()
    (rms_tuned,) = TUNED_RMSPROP.setup.run()
    lam_max = 4.0
    b_above, b_below = above.column("params")[:, 1], below.column("params")[:, 1]
    first = np.abs(below.column("update")[0])
    loss = rms.column("loss")
    k = int(np.argmin(loss))
    f = Figures()
    f.add("first_ratio", "GD's first step |Δb|/|Δw|", first[1] / first[0], ".3g")
    f.add("limit", "GD's stability limit 2/λmax", 2 / lam_max, ".3g")
    growth = f.add(
        "above_growth",
        f"|b| growth per step at lr {_lr(above)}",
        float(abs(b_above[-1] / b_above[-2])),
        ".4g",
    )
    shrink = f.add(
        "below_shrink",
        f"|b| factor per step at lr {_lr(below)}",
        float(abs(b_below[-1] / b_below[-2])),
        ".4g",
    )
    f.add(
        "above_final_loss",
        f"GD lr {_lr(above)} loss after the run",
        float(above.column("loss")[-1]),
        ".3g",
    )
    f.add(
        "below_final_loss",
        f"GD lr {_lr(below)} loss after the run",
        float(below.column("loss")[-1]),
        ".2g",
    )
    f.add(
        "w_factor",
        f"w's factor per step at lr {_lr(below)}",
        float(below.column("params")[1, 0] / below.column("params")[0, 0]),
        ".3g",
    )
    f.add("rmsprop_low", f"RMSprop lr {_lr(rms)}: lowest loss", float(loss[k]), ".2g")
    f.add("rmsprop_low_step", "… at step", k, "d")
    f.add("rmsprop_peak", "… highest loss after that", float(np.max(loss[k:])), ".2g")
    f.add("rmsprop_final_loss", "… loss after the run", float(loss[-1]), ".3g")
    f.add("rmsprop_max_loss", "… highest loss over the run", float(np.max(loss)), ".3g")
    f.add(
        "tuned_gd_steps",
        f"tuned GD (lr {_lr(gd_tuned)}): steps until the loss stays within 1% of its start",
        m.settle_step(gd_tuned),
        "d",
    )
    f.add(
        "tuned_rmsprop_steps",
        f"tuned RMSprop (lr {_lr(rms_tuned)}): steps",
        m.settle_step(rms_tuned),
        "d",
    )
    f.add(
        "tuned_gd_final", "tuned GD loss after the run", float(gd_tuned.column("loss")[-1]), ".2g"
    )
    f.add(
        "tuned_rmsprop_final",
        "tuned RMSprop loss after the run",
        float(rms_tuned.column("loss")[-1]),
        ".2g",
    )
    start_loss = float(loss[0])
    n_gd, n_rms = f.value("tuned_gd_steps"), f.value("tuned_rmsprop_steps")
    holds = (
        float(growth or 0) > 1 > float(shrink or 1)
        and float(f.value("rmsprop_max_loss") or 0) <= start_loss
        and float(f.value("rmsprop_final_loss") or 0)
        > 100 * float(f.value("below_final_loss") or 0)
        and n_gd is not None
        and n_rms is not None
        and n_gd < n_rms
        and float(f.value("tuned_gd_final") or 1) < float(f.value("tuned_rmsprop_final") or 0)
    )
    answer = (
        f"A large gradient gives GD a large step, but along −∇f, and −∇f rarely points at "
        f"the minimum: from A it points mostly along b (GD's first step is {f['first_ratio']}× "
        f"as long in b as in w). In b the lecture bowl's curvature is λ = 4, so a GD step "
        f"multiplies b by (1 − 4·lr): above lr = 2/λ = {f['limit']} that factor is below −1. "
        f"At lr {_lr(above)} |b| grows ×{f['above_growth']} per step and the loss reaches "
        f"{f['above_final_loss']}; at lr {_lr(below)} it shrinks ×{f['below_shrink']} per "
        f"step and the loss ends at {f['below_final_loss']}, while w, 20× flatter, shrinks "
        f"only ×{f['w_factor']}. RMSprop divides each coordinate by its own gradient size, so "
        f"a large gradient no longer makes a large step: at the same lr "
        f"{_lr(rms)} its loss never rises above the start ({f['rmsprop_max_loss']}) and "
        f"falls to {f['rmsprop_low']} by step {f['rmsprop_low_step']}, but it does not "
        f"settle: it climbs back to {f['rmsprop_peak']} and ends at "
        f"{f['rmsprop_final_loss']}, far above GD's {f['below_final_loss']}. Penalising large "
        "gradients keeps a large lr from blowing up along steep directions; it is not by "
        f"itself faster. Each at its best lr, GD stays within 1% of its start after "
        f"{f.steps('tuned_gd_steps')} and ends at {f['tuned_gd_final']}, RMSprop after "
        f"{f.steps('tuned_rmsprop_steps')}, ending at {f['tuned_rmsprop_final']}."
    )
    return f.finding(holds, answer)
