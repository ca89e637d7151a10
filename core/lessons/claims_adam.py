"""Claims of the lessons on what momentum, RMSprop and Adam each do to a step, and how Adam
is built from them (lessons 15, 16 and 17).
"""

from __future__ import annotations

import math

import numpy as np

from ..session.setup import Setup
from ..trajectory import Trajectory
from . import measures as m
from .lesson import Figures, Finding

#: Lesson 15 reads the approach to the minimum, where the lecture's picture lives.
APPROACH = 30


def _lr(t: Trajectory) -> str:
    return f"{m.lr_of(t):g}"


# -- 15 ------------------------------------------------------------------------------------
def averages_and_rescales(setup: Setup, runs: list[Trajectory]) -> Finding:
    _gd, _mom, _rms, _adam = runs
    n = APPROACH
    f = Figures()
    names = {"gd": "GD", "momentum": "momentum", "rmsprop": "RMSprop", "adam": "Adam"}
    for t in runs:
        key, name = t.setup.name, names[t.setup.name]
        d, g, e = (np.abs(t.column(c)[:n]) for c in ("update", "grad", "effective_lr"))
        f.add(
            f"{key}_turn",
            f"{name} (lr {_lr(t)}) mean turn between steps (°)",
            float(np.nanmean(m.turning_angles(t)[:n])),
            ".2g",
        )
        f.add(
            f"{key}_step_ratio",
            f"{name} mean |Δw| / mean |Δb|",
            float(d[:, 0].mean() / d[:, 1].mean()),
            ".2g",
        )
        f.add(
            f"{key}_grad_ratio",
            f"{name} mean |∂w| / mean |∂b|",
            float(g[:, 0].mean() / g[:, 1].mean()),
            ".2g",
        )
        f.add(
            f"{key}_eff_ratio",
            f"{name} median ηeff in w / ηeff in b",
            float(np.median(e[:, 0] / e[:, 1])),
            ".2g",
        )
    for t in runs:
        f.add(
            f"{t.setup.name}_steps",
            f"{names[t.setup.name]} steps until the loss stays within 1% of its start",
            m.settle_step(t),
            "d",
        )
    v = f.value
    holds = (
        float(v("momentum_turn") or 0) < float(v("gd_turn") or 0) / 3
        and float(v("adam_turn") or 0) < float(v("rmsprop_turn") or 0) / 3
        and float(v("rmsprop_eff_ratio") or 0) > 1.5 * float(v("momentum_eff_ratio") or 0)
        and float(v("adam_eff_ratio") or 0) > 1.5 * float(v("momentum_eff_ratio") or 0)
        and float(v("rmsprop_step_ratio") or 0) > 1 > float(v("rmsprop_grad_ratio") or 0)
        and abs(float(v("gd_eff_ratio") or 0) - 1) < 1e-9
    )
    answer = (
        f"Mostly, with one refinement each. Measured on the lecture bowl with gradient noise "
        f"σ = {setup.noise:g} over the first {n} steps, with one noise stream for all four, "
        f"each at its best lr for bringing the loss within 1% of its start and keeping it "
        f"there. Direction: GD's step turns {f['gd_turn']}° from one step to the next on "
        f"average (the zig-zag in b plus the noise). Momentum steps along an average of "
        f"recent gradients, which cancels what flips sign from step to step and keeps what "
        f"persists: it turns {f['momentum_turn']}°. RMSprop turns {f['rmsprop_turn']}°: it "
        f"rescales, it does not average, so the noise passes through. Size: GD's effective "
        f"lr is the same in w and b (ratio {f['gd_eff_ratio']}). RMSprop's is "
        f"{f['rmsprop_eff_ratio']}× larger in w than in b, so its steps are "
        f"{f['rmsprop_step_ratio']}× as long in w as in b although its w gradient is only "
        f"{f['rmsprop_grad_ratio']}× b's: it brings the coordinates to a comparable scale. "
        f"Momentum's ratio is {f['momentum_eff_ratio']}, near GD's: it does not divide by the "
        f"gradient's size, but "
        f"cancelling b's zig-zag still lengthens its w steps relative to b "
        f"({f['momentum_step_ratio']} against gradients in the ratio "
        f"{f['momentum_grad_ratio']}). Adam does both: it turns {f['adam_turn']}° and its "
        f"effective lr is {f['adam_eff_ratio']}× larger in w. Steps until the loss stays "
        f"within 1%: GD {f['gd_steps']}, momentum {f['momentum_steps']}, RMSprop "
        f"{f['rmsprop_steps']}, Adam {f['adam_steps']}."
    )
    return f.finding(holds, answer)


# -- 16 ------------------------------------------------------------------------------------
def adam_pieces(setup: Setup, runs: list[Trajectory]) -> Finding:
    rms, plain, corrected, with_momentum, adam, gd = runs
    n = 50
    beta = float(rms.setup.hyperparameters["beta"])
    f = Figures()
    f.add(
        "gap_plain",
        "largest distance, RMSprop vs Adam (β₁ = 0, no bias correction)",
        m.max_distance(rms, plain),
        ".2g",
    )
    f.add(
        "rmsprop_first",
        "RMSprop's first step per coordinate",
        float(np.abs(rms.column("update")[0]).max()),
        ".4g",
    )
    f.add(
        "corrected_first",
        "Adam (β₁ = 0, bias-corrected) first step per coordinate",
        float(np.abs(corrected.column("update")[0]).max()),
        ".4g",
    )
    f.add(
        "first_ratio",
        "their ratio (√(1−β))",
        float(np.abs(corrected.column("update")[0, 0] / rms.column("update")[0, 0])),
        ".4g",
    )
    f.add("root", "√(1−β)", math.sqrt(1 - beta), ".4g")
    f.add(
        "gap_corrected",
        "largest distance, RMSprop vs bias-corrected Adam (β₁ = 0)",
        m.max_distance(rms, corrected),
        ".3g",
    )
    pieces = (
        ("rmsprop", rms),
        ("corrected", corrected),
        ("momentum", with_momentum),
        ("adam", adam),
        ("gd", gd),
    )
    for key, t in pieces:
        f.add(
            f"{key}_w_reversals",
            f"{t.setup.label}: reversals of the w step in {n} steps",
            m.sign_changes(t, 0, n),
            "d",
        )
    for key, t in pieces:
        f.add(
            f"{key}_w_travel",
            f"{t.setup.label}: distance moved in w over {n} steps",
            float(np.sum(np.abs(t.column("update")[:n, 0]))),
            ".2f",
        )
    v = f.value
    holds = (
        v("gap_plain") == 0.0
        and abs(float(v("first_ratio") or 0) - math.sqrt(1 - beta)) < 1e-6
        and float(v("gap_corrected") or 0) > 0.1
        and int(v("momentum_w_reversals") or 0) < int(v("corrected_w_reversals") or 0) / 3
        and float(v("adam_w_travel") or 0) > 2 * float(v("gd_w_travel") or 0)
    )
    answer = (
        f"Adam is momentum's average of g, RMSprop's average of g², and a correction for both "
        f"averages starting at zero. Measured piece by piece from B, all at lr {_lr(rms)} and "
        f"with the same β = {beta:g} for g²: (1) Adam with β₁ = 0 and bias correction off is "
        f"RMSprop: m is then the current gradient and v is RMSprop's S, and the paths are "
        f"identical (largest distance {f['gap_plain']}). (2) Bias correction divides v by "
        f"1 − βᵗ, and m by 1 − β₁ᵗ (which is 1 when β₁ = 0): the first step shrinks from "
        f"RMSprop's {f['rmsprop_first']} = lr/√(1−β) to {f['corrected_first']} = lr per "
        f"coordinate (ratio {f['corrected_first']}/{f['rmsprop_first']} = {f['first_ratio']} "
        f"= √(1−β)), and the paths separate by up to {f['gap_corrected']} before the "
        f"correction fades: Adam with β₁ = 0 is RMSprop with bias correction. (3) β₁ = 0.9 "
        f"adds momentum's average of g: w's step stops flipping, from "
        f"{f['corrected_w_reversals']} reversals in {n} steps to "
        f"{f['momentum_w_reversals']} (RMSprop: {f['rmsprop_w_reversals']}). (4) Adam's "
        f"default β₂ = 0.999 remembers g² longer: {f['adam_w_reversals']} reversals. What "
        f"Adam does not undo is RMSprop's rescaling, the thread's worry: from B, where w was "
        f"already right, Adam still moves {f['adam_w_travel']} in w over {n} steps, against "
        f"{f['gd_w_travel']} for GD at its best lr (RMSprop: {f['rmsprop_w_travel']}). It adds "
        "momentum and a zero-start correction to RMSprop; it keeps the per-coordinate "
        "division, and with it the extra w steps."
    )
    return f.finding(holds, answer)


# -- 17 ------------------------------------------------------------------------------------
#: The same two runs at these other noise levels (control runs of lesson 17).
OTHER_SIGMAS = (0.0, 4.0)


def _per_lr(t: Trajectory, axis: int) -> float:
    """Mean |Δ|/η of one coordinate over the run's last three quarters (after warm-up)."""
    start = len(t) // 4
    return float(np.mean(np.abs(t.column("update")[start:, axis]))) / m.lr_of(t)


def _progress(t: Trajectory) -> float:
    """Net distance moved down the valley's side in w per step, in units of η."""
    w = t.column("params")[:, 0]
    return float(w[0] - w[-1]) / (len(t) - 1) / m.lr_of(t)


def sign_until_noisy(setup: Setup, runs: list[Trajectory]) -> Finding:
    adam, sign = runs
    quiet_adam, quiet_sign = setup.but(noise=OTHER_SIGMAS[0]).run()
    loud_adam, loud_sign = setup.but(noise=OTHER_SIGMAS[1]).run()
    sigma, loud = setup.noise, OTHER_SIGMAS[1]
    f = Figures()
    f.add("quiet", "Adam's mean |Δw|/η without noise", _per_lr(quiet_adam, 0), ".4g")
    f.add(
        "sign",
        "sign-GD's |Δw|/η, every step",
        float(np.max(np.abs(sign.column("update")[:, 0]))) / m.lr_of(sign),
        ".4g",
    )
    f.add(
        "middle",
        f"Adam's mean |Δw|/η at σ = {sigma:g} (SNR {1 / sigma:g})",
        _per_lr(adam, 0),
        ".2g",
        approx=True,
    )
    f.add(
        "loud", f"… at σ = {loud:g} (SNR {1 / loud:g})", _per_lr(loud_adam, 0), ".2g", approx=True
    )
    f.add("model_middle", f"SNR/√(1 + SNR²) at SNR {1 / sigma:g}", _model(1 / sigma), ".2g")
    f.add("model_loud", f"… at SNR {1 / loud:g}", _model(1 / loud), ".2g")
    f.add(
        "noise_only",
        f"Adam's mean |Δb|/η at σ = {sigma:g} (b's gradient is almost all noise)",
        _per_lr(adam, 1),
        ".2g",
        approx=True,
    )
    f.add(
        "adam_progress",
        f"net progress in w per step, in η, Adam at σ = {loud:g}",
        _progress(loud_adam),
        ".2g",
        approx=True,
    )
    f.add("sign_progress", "… sign-GD", _progress(loud_sign), ".2g", approx=True)
    f.add(
        "quiet_sign_progress", "sign-GD's net progress without noise", _progress(quiet_sign), ".4g"
    )
    v = f.value
    holds = (
        abs(float(v("quiet") or 0) - 1) < 1e-6
        and v("sign") == 1.0
        and 1 > float(v("middle") or 1) > float(v("loud") or 1)
        and abs(float(v("middle") or 0) - _model(1 / sigma)) < 0.1
        and float(v("loud") or 1) < 0.5
        and float(v("adam_progress") or 0) >= 0.8 * float(v("sign_progress") or 0)
    )
    answer = (
        f"Per coordinate Adam's step is |Δ|/η = |m̂|/(√v̂ + ε): an average of g divided by a "
        f"root-mean-square of g. On the V valley's side ∂f/∂w is exactly 1 at every point. "
        f"Without noise the two averages agree, |Δw|/η = {f['quiet']} over the run, and Adam "
        f"is sign descent: sign-GD's |Δw|/η is {f['sign']} at every step. Add gradient noise "
        f"of std σ and the average of g stays near 1 while the root-mean-square grows to about "
        f"√(1 + σ²), so the ratio falls with the signal-to-noise ratio SNR = 1/σ: "
        f"{f['middle']} at σ = {sigma:g}, {f['loud']} at σ = {loud:g}, near the simple model "
        f"SNR/√(1 + SNR²) ({f['model_middle']} and {f['model_loud']}). m̂ averages only about "
        f"ten noisy gradients, so it keeps some noise of its own: in b, whose gradient is "
        f"almost pure noise, the ratio is {f['noise_only']}, not 0. sign-GD's steps stay "
        f"exactly η long however noisy the sign; Adam's shrink below them as the noise grows "
        f"(Balles & Hennig 2018; Kunstner et al. 2023). Shorter is not slower here: at "
        f"σ = {loud:g} Adam's net progress down the slope is {f['adam_progress']} η per step, "
        f"sign-GD's {f['sign_progress']} (without noise both make {f['quiet_sign_progress']})."
    )
    return f.finding(holds, answer)


def _model(snr: float) -> float:
    return snr / math.sqrt(1 + snr * snr)
