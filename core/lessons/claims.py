"""The lessons' claims: each measures its runs (and, where the question needs one, a
control run) and writes the answer from the figures.

``tests/test_lessons.py`` checks every figure against closed forms or the inequality the
lesson states.
"""

from __future__ import annotations

import math

import numpy as np

from ..metrics import nearest_minimum
from ..session.setup import Setup, surface_spec
from ..surfaces import get_surface
from ..trajectory import Trajectory
from . import measures as m
from .lesson import Figure, Finding


def _by_label(runs: list[Trajectory]) -> dict[str, Trajectory]:
    return {t.setup.label: t for t in runs}


def _steps(n: int | None) -> str:
    return "never" if n is None else f"{n} steps"


def _deg(angle: float) -> str:
    """An angle for prose; below 1e-3° (arccos's resolution near 1) it is 0°."""
    return "0°" if abs(angle) < 1e-3 else f"{angle:.3g}°"


def _first_loss_fraction(t: Trajectory, fraction: float) -> float:
    return float(t.column("loss")[0]) * fraction


# -- 1 -------------------------------------------------------------------------------------
def _zigzag(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    target = _first_loss_fraction(gd, 0.01)
    n_gd, n_rms = m.steps_until(gd, target), m.steps_until(rms, target)
    z_gd, z_rms = m.sign_changes(gd, 1, n_gd), m.sign_changes(rms, 1, n_rms)
    d_gd, d_rms = np.abs(gd.column("update")[0]), np.abs(rms.column("update")[0])
    r_gd, r_rms = d_gd[0] / d_gd[1], d_rms[0] / d_rms[1]
    figures = (
        Figure("gd_steps", "GD steps to 1% of the starting loss", n_gd, "d"),
        Figure("rmsprop_steps", "RMSprop steps to 1% of the starting loss", n_rms, "d"),
        Figure("gd_b_reversals", "GD reversals of the b step on the way", z_gd, "d"),
        Figure("rmsprop_b_reversals", "RMSprop reversals of the b step on the way", z_rms, "d"),
        Figure("gd_first_ratio", "GD first step |Δw|/|Δb|", r_gd, ".3g"),
        Figure("rmsprop_first_ratio", "RMSprop first step |Δw|/|Δb|", r_rms, ".3g"),
    )
    holds = n_gd is not None and n_rms is not None and n_rms < n_gd and z_rms < z_gd
    answer = (
        f"GD's learning rate is capped by the steep b direction (λ = 4, so lr < 0.5); at "
        f"lr 0.4 its first step moves {r_gd:.2g}× as far in w as in b, and it reverses the b "
        f"step {z_gd} times before the loss reaches 1% of where it started ({_steps(n_gd)}). "
        f"RMSprop divides each coordinate by the root of its own squared-gradient average: "
        f"its first step is {r_rms:.3g}× as far in w as in b (both are lr/√(1−β)), it "
        f"reverses b {z_rms} times and gets there in {_steps(n_rms)}. That is the lecture's "
        "picture: the steep axis is damped and the shallow one sped up, so the larger "
        "learning rate no longer makes b oscillate."
    )
    return Finding(figures, holds, answer)


# -- 2 -------------------------------------------------------------------------------------
def _start_b(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    n = 50
    p_gd, p_rms = m.path_length(gd, n), m.path_length(rms, n)
    w_gd = float(np.sum(np.abs(gd.column("update")[:n, 0])))
    w_rms = float(np.sum(np.abs(rms.column("update")[:n, 0])))
    s_gd, s_rms = m.sign_changes(gd, 0, n), m.sign_changes(rms, 0, n)
    figures = (
        Figure("gd_path", f"GD path length over {n} steps", p_gd, ".3g"),
        Figure("rmsprop_path", f"RMSprop path length over {n} steps", p_rms, ".3g"),
        Figure("gd_w_travel", f"GD distance moved in w over {n} steps", w_gd, ".3g"),
        Figure("rmsprop_w_travel", f"RMSprop distance moved in w over {n} steps", w_rms, ".3g"),
        Figure("gd_w_reversals", "GD reversals of the w step", s_gd, "d"),
        Figure("rmsprop_w_reversals", "RMSprop reversals of the w step", s_rms, "d"),
    )
    holds = p_rms > p_gd and w_rms > 5 * w_gd and s_rms > s_gd
    answer = (
        f"From B, w = 0.3 is already nearly optimal. GD's w-gradient is tiny and so is its w "
        f"step: {w_gd:.3g} of w travel in {n} steps, {s_gd} reversals. RMSprop divides that "
        f"tiny gradient by its own tiny root-mean-square and steps about as far in w as in b: "
        f"{w_rms:.3g} of w travel and {s_rms} reversals, a path of {p_rms:.3g} against GD's "
        f"{p_gd:.3g}. The learner in the thread is right: per-coordinate scaling helps when "
        "the gradient's proportions are wrong (start A) and hurts when they are already right."
    )
    return Finding(figures, holds, answer)


# -- 3 -------------------------------------------------------------------------------------
def _valley_floor(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms, adam = runs
    b0 = abs(setup.start[1])
    peak = {t.setup.label: float(np.max(np.abs(t.column("params")[:, 1]))) for t in runs}
    figures = (
        Figure("start_b", "|b| at the start", b0, ".3g"),
        Figure("gd_max_b", "GD largest |b|", peak[gd.setup.label], ".3g"),
        Figure("rmsprop_max_b", "RMSprop largest |b|", peak[rms.setup.label], ".3g"),
        Figure("adam_max_b", "Adam largest |b|", peak[adam.setup.label], ".3g"),
        Figure("gd_path", "GD path length (50 steps)", m.path_length(gd, 50), ".3g"),
        Figure("rmsprop_path", "RMSprop path length (50 steps)", m.path_length(rms, 50), ".3g"),
    )
    holds = (
        peak[gd.setup.label] <= b0 + 1e-12
        and min(peak[rms.setup.label], peak[adam.setup.label]) > 2 * b0
    )
    answer = (
        f"Start C sits on the valley floor: b = {b0:g}, where ∂f/∂b = 4b is small. GD never "
        f"goes further from the floor than |b| = {peak[gd.setup.label]:.3g}. RMSprop and Adam "
        f"divide that small gradient by its own small root-mean-square, so their first b step "
        f"is as big as their w step: RMSprop climbs to |b| = {peak[rms.setup.label]:.3g}, "
        f"Adam to {peak[adam.setup.label]:.3g}, and both wander back down. Normalising each "
        "coordinate inflates gradients that were small for a good reason."
    )
    return Finding(figures, holds, answer)


# -- 4 -------------------------------------------------------------------------------------
def _already_good(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    diagonal = _by_label(setup.but(start=(3.5, 3.5)).run())[rms.setup.label]
    early = 20
    a_gd = float(np.nanmax(m.angles_to_descent(gd)[:early]))
    a_rms = float(np.nanmax(m.angles_to_descent(rms)[:early]))
    a_diag = float(np.nanmax(m.angles_to_descent(diagonal)[:early]))
    n_gd, n_rms = m.steps_until(gd, 0.01), m.steps_until(rms, 0.01)
    figures = (
        Figure("gd_max_angle", "GD largest angle to −∇f (°, first 20 steps)", a_gd, ".2g"),
        Figure("rmsprop_max_angle", "RMSprop largest angle to −∇f (°)", a_rms, ".3g"),
        Figure(
            "rmsprop_diagonal_angle", "the same from (3.5, 3.5), on the diagonal (°)", a_diag, ".2g"
        ),
        Figure("gd_steps", "GD steps to loss 0.01", n_gd, "d"),
        Figure("rmsprop_steps", "RMSprop steps to loss 0.01", n_rms, "d"),
    )
    # arccos near 1 resolves angles to ~1e-6°: below 1e-3° is "the same direction".
    holds = (
        a_gd < 1e-3
        and a_diag < 1e-3
        and a_rms > 10
        and (n_gd is not None and (n_rms is None or n_rms > n_gd))
    )
    answer = (
        f"On a round bowl −∇f points straight at the minimum, so GD's path is already ideal "
        f"(largest angle to −∇f: {_deg(a_gd)}). Started on the diagonal, RMSprop's two "
        f"coordinates have equal gradients and equal caches, so its step direction equals "
        f"GD's ({_deg(a_diag)}). Started off the diagonal it does not: its steps turn up to "
        f"{_deg(a_rms)} away from −∇f, towards the diagonal, and it needs "
        f"{_steps(n_rms)} to reach loss 0.01 against GD's {_steps(n_gd)}. Equalising "
        "scales that were already right is not free: it bends a straight path."
    )
    return Finding(figures, holds, answer)


# -- 5 -------------------------------------------------------------------------------------
def _tiny_oscillation(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms = runs
    lr = float(rms.setup.hyperparameters["lr"])
    late = slice(len(rms) // 2, None)
    g_gd = gd.column("grad")[:6, 0]
    s_last = float(rms.column("s")[-1, 0])
    step_gd = float(np.abs(gd.column("update")[-1, 0]))
    step_rms = float(np.abs(rms.column("update")[-1, 0]))
    amp_gd = float(np.max(np.abs(gd.column("params")[late, 0])))
    amp_rms = float(np.max(np.abs(rms.column("params")[late, 0])))
    eff_gd = float(gd.column("effective_lr")[-1, 0])
    eff_rms = float(rms.column("effective_lr")[-1, 0])
    figures = (
        Figure("gd_grad_w", "GD's ∂w at steps 0..5", float(np.abs(g_gd).max()), ".3g"),
        Figure(
            "gd_grad_alternates", "GD's ∂w alternates in sign", bool(np.all(g_gd[1:] == -g_gd[:-1]))
        ),
        Figure("rmsprop_cache", "RMSprop's cache S_w at the end", s_last, ".4g"),
        Figure("gd_step", "GD's |Δw| at the end", step_gd, ".3g"),
        Figure("rmsprop_step", "RMSprop's |Δw| at the end", step_rms, ".4g"),
        Figure("step_ratio", "RMSprop's |Δw| / GD's", step_rms / step_gd, ".4g"),
        Figure("gd_eff_lr", "GD's effective lr in w", eff_gd, ".3g"),
        Figure("rmsprop_eff_lr", "RMSprop's effective lr in w", eff_rms, ".4g"),
        Figure("gd_amplitude", "GD's largest |w| over the second half", amp_gd, ".3g"),
        Figure("rmsprop_amplitude", "RMSprop's largest |w| over the second half", amp_rms, ".3g"),
    )
    holds = abs(step_rms - lr) < 0.01 * lr and amp_rms > 1000 * amp_gd
    answer = (
        f"On the V valley GD sees exactly the thread's sequence, ∂w = ±{abs(g_gd[0]):.0e}, "
        f"and steps η·1e-4 = {step_gd:.3g} each way. RMSprop's cache S_w settles at "
        f"{s_last:.4g} (= (1e-4)²), so its effective learning rate is η/√S = {eff_rms:.4g} "
        f"instead of {eff_gd:.3g} and each step is ±{step_rms:.4g} ≈ ±η: {step_rms / step_gd:.4g}× "
        f"GD's. Over the second half of the run GD stays within |w| ≤ {amp_gd:.2g} while "
        f"RMSprop swings to |w| = {amp_rms:.3g}. The post is right: RMSprop rescales "
        "gradients to about unit size; it does not damp an oscillation whose gradient is "
        "already small, it magnifies it."
    )
    return Finding(figures, holds, answer)


# -- 6 -------------------------------------------------------------------------------------
def _why_not_sign(setup: Setup, runs: list[Trajectory]) -> Finding:
    rms, adam, sign, norm = runs
    lr = float(rms.setup.hyperparameters["lr"])
    beta = float(rms.setup.hyperparameters["beta"])
    first = {t.setup.label: float(np.abs(t.column("update")[0]).max()) for t in runs}
    g = rms.column("grad")
    d = rms.column("update")
    # RMSprop's step against sign-GD's direction at the same point: 0° at step 0 only.
    sgn = -np.sign(g)
    cos = np.sum(d * sgn, axis=1) / (np.hypot(*d.T) * np.hypot(*sgn.T))
    off_sign = np.degrees(np.arccos(np.clip(cos, -1, 1)))
    mean_angle = {t.setup.label: float(np.nanmean(m.angles_to_descent(t)[:30])) for t in runs}
    figures = (
        Figure(
            "rmsprop_first", "RMSprop's first step per coordinate", first[rms.setup.label], ".4g"
        ),
        Figure(
            "rmsprop_first_over_lr",
            "… divided by lr (1/√(1−β))",
            first[rms.setup.label] / lr,
            ".4g",
        ),
        Figure("adam_first", "Adam's first step per coordinate", first[adam.setup.label], ".4g"),
        Figure(
            "signgd_first", "sign-GD's first step per coordinate", first[sign.setup.label], ".4g"
        ),
        Figure(
            "rmsprop_vs_sign_step0",
            "angle between RMSprop's and sign-GD's step 0 (°)",
            float(off_sign[0]),
            ".2g",
        ),
        Figure(
            "rmsprop_vs_sign_later",
            "largest such angle over steps 1..30 (°)",
            float(np.nanmax(off_sign[1:31])),
            ".3g",
        ),
        Figure(
            "rmsprop_angle",
            "RMSprop mean angle to −∇f, 30 steps (°)",
            mean_angle[rms.setup.label],
            ".3g",
        ),
        Figure(
            "signgd_angle", "sign-GD mean angle to −∇f (°)", mean_angle[sign.setup.label], ".3g"
        ),
        Figure(
            "normgd_angle",
            "normalized GD mean angle to −∇f (°)",
            mean_angle[norm.setup.label],
            ".2g",
        ),
        Figure(
            "rmsprop_final_loss", "RMSprop loss after the run", float(rms.column("loss")[-1]), ".3g"
        ),
        Figure(
            "signgd_final_loss", "sign-GD loss after the run", float(sign.column("loss")[-1]), ".3g"
        ),
    )
    expected = lr / math.sqrt(1 - beta)
    holds = (
        abs(first[rms.setup.label] - expected) < 1e-6 * expected  # ε shifts it by ~3e-8
        and abs(first[adam.setup.label] - lr) < 1e-6 * lr
        and float(np.nanmax(off_sign[1:31])) > 1.0
    )
    answer = (
        f"From S = 0 RMSprop's first step is g/√((1−β)g²) = sign(g)/√(1−β): "
        f"{first[rms.setup.label]:.4g} per coordinate, {first[rms.setup.label] / lr:.4g}× lr at "
        f"β = {beta:g}. Adam's bias correction makes its first step exactly lr·sign(g) "
        f"({first[adam.setup.label]:.4g}), the same as sign-GD ({first[sign.setup.label]:.4g}). "
        f"After that the memory of |g| takes over: RMSprop's steps leave sign-GD's direction "
        f"by up to {float(np.nanmax(off_sign[1:31])):.3g}° and stay closer to −∇f (mean "
        f"{mean_angle[rms.setup.label]:.3g}° against sign-GD's "
        f"{mean_angle[sign.setup.label]:.3g}°; "
        f"normalized GD keeps −∇f exactly). sign-GD never shrinks its step and ends at loss "
        f"{float(sign.column('loss')[-1]):.3g}; RMSprop at {float(rms.column('loss')[-1]):.3g}. "
        "So sign(dw) is RMSprop's first step, not RMSprop."
    )
    return Finding(figures, holds, answer)


# -- 7 -------------------------------------------------------------------------------------
def _bigger_step(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, rms, norm = runs
    first_rms = float(m.step_lengths(rms)[0])
    first_norm = float(m.step_lengths(norm)[0])
    coarse, fine = 0.1, _first_loss_fraction(rms, 0.01)
    n = {t.setup.label: (m.steps_until(t, coarse), m.steps_until(t, fine)) for t in runs}
    figures = (
        Figure("rmsprop_first_length", "RMSprop's first step length", first_rms, ".4g"),
        Figure(
            "normgd_first_length", "normalized GD's (matched) first step length", first_norm, ".4g"
        ),
        Figure("rmsprop_steps_coarse", "RMSprop steps to loss 0.1", n[rms.setup.label][0], "d"),
        Figure(
            "normgd_steps_coarse", "normalized GD steps to loss 0.1", n[norm.setup.label][0], "d"
        ),
        Figure(
            "rmsprop_steps_fine",
            "RMSprop steps to 1% of the starting loss",
            n[rms.setup.label][1],
            "d",
        ),
        Figure(
            "normgd_steps_fine",
            "normalized GD steps to 1% of the starting loss",
            n[norm.setup.label][1],
            "d",
        ),
        Figure("gd_steps_coarse", "GD (lr 0.4) steps to loss 0.1", n[gd.setup.label][0], "d"),
    )
    nr, nn = n[rms.setup.label], n[norm.setup.label]
    holds = (
        abs(first_rms - first_norm) < 1e-5 * first_rms
        and nr[0] is not None
        and (nn[0] is None or nr[0] < nn[0])
    )
    answer = (
        f"Give normalized GD (step = lr·g/‖g‖) RMSprop's first step length, "
        f"{first_norm:.4g}, so the only difference left is direction and how the step length "
        f"changes. RMSprop reaches loss 0.1 in {_steps(nr[0])}, normalized GD in "
        f"{_steps(nn[0])}; to 1% of the start RMSprop needs {_steps(nr[1])}, normalized GD "
        f"{_steps(nn[1])} (its fixed step length leaves it circling the minimum). The bigger "
        f"step is part of RMSprop's lead over plain GD, not all of it: pointing the step "
        f"along the shallow w axis matters too. (GD at its best stable lr 0.4: "
        f"{_steps(n[gd.setup.label][0])} to loss 0.1.)"
    )
    return Finding(figures, holds, answer)


# -- 8 -------------------------------------------------------------------------------------
ROTATION_FAMILIES = ("gd", "momentum", "normgd", "rmsprop", "adam", "adagrad", "signgd")
ROTATION_INVARIANT = ("gd", "momentum", "normgd")


def _rotation(setup: Setup, runs: list[Trajectory]) -> Finding:
    rotated = setup.build_surface()
    aligned_surface = get_surface(rotated.name, **{**rotated.settings, "theta": 0.0})
    aligned_setup = setup.but(
        surface=surface_spec(aligned_surface), start=aligned_surface.starts["A"]
    )
    aligned = aligned_setup.run()
    target = _first_loss_fraction(runs[0], 0.01)
    figures = []
    same, differ = True, True
    for t0, t45 in zip(aligned, runs, strict=True):
        a, b = m.steps_until(t0, target), m.steps_until(t45, target)
        name = t0.setup.name
        figures.append(Figure(f"{name}_aligned", f"{t0.setup.label} steps at θ = 0°", a, "d"))
        figures.append(Figure(f"{name}_rotated", f"{t45.setup.label} steps at θ = 45°", b, "d"))
        if name in ROTATION_INVARIANT:
            same = same and a == b
        else:
            differ = differ and a != b

    def pair(name: str) -> str:
        a = next(f.value for f in figures if f.key == f"{name}_aligned")
        b = next(f.value for f in figures if f.key == f"{name}_rotated")
        return f"{name} {a}→{b}"

    answer = (
        "Steps to 1% of the starting loss, with the bowl's axes along w and b (θ = 0°) and "
        "turned by 45°, from the same point relative to the bowl: "
        + ", ".join(pair(n) for n in ROTATION_INVARIANT)
        + " (unchanged: these rules use only −∇f and its length, which turn with the bowl); "
        + ", ".join(pair(n) for n in ROTATION_FAMILIES if n not in ROTATION_INVARIANT)
        + " (changed: they rescale or take the sign of each coordinate separately, and a "
        "rotation mixes the coordinates). In high dimensions there is no 'horizontal' and "
        "'vertical', only the coordinate axes the parameters happen to have, and adaptive "
        "methods help exactly as much as the curvature lines up with them."
    )
    return Finding(tuple(figures), same and differ, answer)


# -- 9 -------------------------------------------------------------------------------------
def _adagrad_vs_rmsprop(setup: Setup, runs: list[Trajectory]) -> Finding:
    ada, rms = runs
    e_ada, e_rms = ada.column("effective_lr")[:, 0], rms.column("effective_lr")[:, 0]
    falls_only = bool(np.all(np.diff(e_ada) <= 1e-15 * e_ada[:-1]))
    low = float(np.min(e_rms))
    figures = (
        Figure("adagrad_eff_start", "Adagrad effective lr in w, step 0", float(e_ada[0]), ".3g"),
        Figure("adagrad_eff_end", "Adagrad effective lr in w, last step", float(e_ada[-1]), ".3g"),
        Figure("adagrad_only_falls", "Adagrad's effective lr never rises", falls_only),
        Figure("rmsprop_eff_low", "RMSprop effective lr in w, lowest", low, ".3g"),
        Figure("rmsprop_eff_end", "RMSprop effective lr in w, last step", float(e_rms[-1]), ".3g"),
        Figure("rmsprop_rise", "RMSprop's rise from its lowest (×)", float(e_rms[-1]) / low, ".3g"),
    )
    holds = falls_only and float(e_rms[-1]) > 10 * low
    answer = (
        f"Adagrad divides by the root of the sum of every squared gradient so far, which can "
        f"only grow: its effective learning rate in w falls from {e_ada[0]:.3g} to "
        f"{e_ada[-1]:.3g} and never rises. RMSprop's average forgets: as the gradients shrink "
        f"near the minimum, S shrinks too and η/√S rises from {low:.3g} to {e_rms[-1]:.3g} "
        f"({float(e_rms[-1]) / low:.3g}×). The thread's answer ('with low gradients the "
        "effective learning rate gets increased') is right for RMSprop and wrong for Adagrad, "
        "whose steps only shrink."
    )
    return Finding(figures, holds, answer)


# -- 10 ------------------------------------------------------------------------------------
def _momentum_noise(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, mom = runs
    settle = setup.steps // 2
    turn_gd = float(np.nanmean(m.turning_angles(gd, settle)))
    turn_mom = float(np.nanmean(m.turning_angles(mom, settle)))
    wander_gd = m.path_length(gd) - m.path_length(gd, settle)
    wander_mom = m.path_length(mom) - m.path_length(mom, settle)
    loss_gd = float(np.mean(gd.column("loss")[settle:]))
    loss_mom = float(np.mean(mom.column("loss")[settle:]))
    batch = setup.build_surface().settings.get("batch_size")
    figures = (
        Figure("gd_turn", "GD mean turn between steps (°)", turn_gd, ".3g"),
        Figure("momentum_turn", "momentum mean turn between steps (°)", turn_mom, ".3g"),
        Figure(
            "gd_wander", f"GD distance wandered, steps {settle}..{setup.steps}", wander_gd, ".3g"
        ),
        Figure("momentum_wander", "momentum distance wandered", wander_mom, ".3g"),
        Figure("gd_loss", "GD mean loss there", loss_gd, ".4g"),
        Figure("momentum_loss", "momentum mean loss there", loss_mom, ".4g"),
    )
    holds = turn_mom < turn_gd / 2 and wander_mom < wander_gd / 2
    answer = (
        f"With mini-batches of {batch} the gradient is a noisy estimate; both optimizers read "
        f"the same batches at the same step. Once near the fit (steps {settle} on), GD turns "
        f"{turn_gd:.3g}° between consecutive steps on average and wanders {wander_gd:.3g}; "
        f"momentum (β = 0.9, the same lr) averages the last ~10 gradients, turns "
        f"{turn_mom:.3g}° and wanders {wander_mom:.3g}, at a mean loss of {loss_mom:.4g} against "
        f"GD's {loss_gd:.4g}. The average is a better estimate of the true gradient than "
        "any single batch: that, not a 'steeper' direction, is what momentum buys here."
    )
    return Finding(figures, holds, answer)


# -- 11 ------------------------------------------------------------------------------------
def _large_gradients(setup: Setup, runs: list[Trajectory]) -> Finding:
    above, below, rms = runs
    lam_max = 4.0
    lr_above = float(above.setup.hyperparameters["lr"])
    lr_below = float(below.setup.hyperparameters["lr"])
    b_above, b_below = above.column("params")[:, 1], below.column("params")[:, 1]
    growth = float(abs(b_above[-1] / b_above[-2]))
    shrink = float(abs(b_below[-1] / b_below[-2]))
    figures = (
        Figure("limit", "GD's stability limit 2/λmax", 2 / lam_max, ".3g"),
        Figure("above_growth", f"|b| growth per step at lr {lr_above:g}", growth, ".4g"),
        Figure("below_shrink", f"|b| shrink per step at lr {lr_below:g}", shrink, ".4g"),
        Figure(
            "above_final_loss",
            f"GD lr {lr_above:g} loss after the run",
            float(above.column("loss")[-1]),
            ".3g",
        ),
        Figure(
            "below_b_reversals",
            f"GD lr {lr_below:g} b reversals in 50 steps",
            m.sign_changes(below, 1, 50),
            "d",
        ),
        Figure(
            "rmsprop_final_loss",
            f"RMSprop lr {lr_above:g} loss after the run",
            float(rms.column("loss")[-1]),
            ".3g",
        ),
    )
    holds = growth > 1 > shrink and float(rms.column("loss")[-1]) < float(rms.column("loss")[0])
    answer = (
        f"A large gradient is a large step only along −∇f, and −∇f rarely points at the "
        f"minimum. In b the lecture bowl's curvature is λ = 4, so a GD step multiplies b by "
        f"(1 − 4·lr): above lr = 2/λ = {2 / lam_max:g} that factor is below −1. At lr "
        f"{lr_above:g} |b| grows ×{growth:.4g} per step and the loss reaches "
        f"{float(above.column('loss')[-1]):.3g}; at lr {lr_below:g} it shrinks ×{shrink:.4g} "
        f"per step, reversing {m.sign_changes(below, 1, 50)} times in 50 steps. RMSprop at lr "
        f"{lr_above:g} divides the big b gradient by its own size and ends at loss "
        f"{float(rms.column('loss')[-1]):.3g}. Penalising large gradients is what lets the "
        "learning rate be large where the gradient is small."
    )
    return Finding(figures, holds, answer)


# -- 12 ------------------------------------------------------------------------------------
ESCAPE = 0.5
ADAPTIVE = {"adagrad", "rmsprop", "adam", "signgd"}


def _escape_steps(runs: list[Trajectory]) -> dict[str, int | None]:
    return {
        t.setup.label: m.first_step_where(np.abs(t.column("params")[:, 1]), ESCAPE) for t in runs
    }


def _saddle_escape(setup: Setup, runs: list[Trajectory]) -> Finding:
    near = _escape_steps(runs)
    on_runs = setup.but(start=(setup.start[0], 0.0)).run()
    on = _escape_steps(on_runs)
    on_max_y = max(float(np.max(np.abs(t.column("params")[:, 1]))) for t in on_runs)
    noisy = _escape_steps(setup.but(start=(setup.start[0], 0.0), noise=0.01, seed=1).run())
    order = sorted(near, key=lambda k: (near[k] is None, near[k] or 0))
    figures = (
        *(
            Figure(f"escape_{label}", f"{label}: steps until |y| > {ESCAPE}", near[label], "d")
            for label in order
        ),
        Figure(
            "on_ridge_escapes",
            "runs leaving y = 0 from exactly on the ridge",
            sum(v is not None for v in on.values()),
            "d",
        ),
        Figure("on_ridge_max_y", "largest |y| reached from the ridge", on_max_y, ".2g"),
        Figure(
            "noisy_escapes",
            "… with gradient noise σ = 0.01",
            sum(v is not None for v in noisy.values()),
            "d",
        ),
    )
    adaptive = [
        near[k] for k in near if k.split("(")[0] in {"adagrad", "rmsprop", "adam", "signgd"}
    ]
    plain = [near[k] for k in near if k.split("(")[0] in {"gd", "momentum", "heavyball", "normgd"}]
    holds = (
        all(v is not None for v in near.values())
        and max(v for v in adaptive if v is not None) < min(v for v in plain if v is not None)
        and on_max_y == 0.0
        and all(v is not None for v in noisy.values())
    )
    ranking = ", ".join(f"{k} {near[k]}" for k in order)
    answer = (
        f"From (1.5, 0.001), just off the ridge, steps until |y| > {ESCAPE}: {ranking}. "
        "Near the saddle ∂f/∂y = y(y² − 2) is tiny; the adaptive methods divide it by its own "
        "small size and leave at once, while GD and both momentum conventions must wait for "
        f"|y| to grow by (1 + 2·lr) per step. Started exactly on y = 0 the y-gradient is 0, "
        f"and {sum(v is not None for v in on.values())} of {len(on)} methods ever leave "
        f"(largest |y|: {on_max_y:g}); with gradient noise σ = 0.01 "
        f"{sum(v is not None for v in noisy.values())} of {len(noisy)} do."
    )
    return Finding(figures, holds, answer)


# -- 13 ------------------------------------------------------------------------------------
def _himmelblau(setup: Setup, runs: list[Trajectory]) -> Finding:
    reached = {}
    for t in runs:
        found = nearest_minimum(t.surface, t.column("params")[-1])
        reached[t.setup.label] = found.point if found else None
    figures = tuple(
        Figure(f"{label}_x", f"{label} ends near x =", p[0] if p else None, ".4g")
        for label, p in reached.items()
    ) + tuple(
        Figure(f"{label}_y", f"{label} ends near y =", p[1] if p else None, ".4g")
        for label, p in reached.items()
    )
    points = list(reached.values())
    holds = points[0] == points[1] and points[2] == points[3] and points[0] != points[2]

    def where(label: str) -> str:
        p = reached[label]
        return "no minimum" if p is None else f"({p[0]:.4g}, {p[1]:.4g})"

    labels = list(reached)
    answer = (
        f"Same start (0.54, −0.74), four equally deep minima. {labels[0]} and {labels[1]} "
        f"follow −∇f, which here points down and right: both end at {where(labels[0])}. "
        f"{labels[2]} and {labels[3]} take sign-like first steps, as far in y as in x, and "
        f"end at {where(labels[2])}. Which minimum you reach depends on the update rule, "
        "not only on where you start."
    )
    return Finding(figures, holds, answer)


# -- 14 ------------------------------------------------------------------------------------
def _conventions(setup: Setup, runs: list[Trajectory]) -> Finding:
    ewma, heavy = runs
    lr = float(ewma.setup.hyperparameters["lr"])
    beta = float(ewma.setup.hyperparameters["beta"])
    gap = m.max_distance(ewma, heavy)
    v_ratio = float(np.max(np.abs(heavy.column("v")[1:] * (1 - beta) - ewma.column("v")[1:])))
    figures = (
        Figure("ewma_lr", "EWMA momentum lr", lr, ".3g"),
        Figure(
            "heavyball_lr",
            "heavy-ball lr = lr·(1−β)",
            float(heavy.setup.hyperparameters["lr"]),
            ".3g",
        ),
        Figure("max_gap", "largest distance between the two paths", gap, ".2g"),
        Figure("buffer_gap", "largest |(1−β)·B − v| between their buffers", v_ratio, ".2g"),
    )
    holds = gap < 1e-12
    answer = (
        f"The course writes v = βv + (1−β)g and steps η·v; PyTorch (heavy ball) writes "
        f"B = μB + g and steps η·B. Unrolled, B is v/(1−β), so heavy ball at "
        f"{float(heavy.setup.hyperparameters['lr']):.3g} = {lr:g}·(1−{beta:g}) takes the same "
        f"steps as the course's momentum at {lr:g}: over {setup.steps} steps the paths are "
        f"never more than {gap:.2g} apart (rounding). The same β with the same lr is a "
        "10× larger step in PyTorch's convention: copy hyperparameters between them with care."
    )
    return Finding(figures, holds, answer)
