"""Claims of the lessons on geometry and conventions: a rotated bowl, noisy mini-batches,
a saddle, Himmelblau's basins and the two momentum conventions (lessons 8, 10, 12, 13, 14).
"""

from __future__ import annotations

import math

import numpy as np

from ..metrics import nearest_minimum
from ..session.setup import Setup, surface_spec
from ..surfaces import get_surface
from ..sweep.lr_batch import run_lrs
from ..trajectory import Trajectory
from . import measures as m
from .lesson import Figures, Finding
from .tuning import TO_THREE, TunedControl, Tuning

REGRESSION_START = (-2.6, -0.8)


def _lr(t: Trajectory) -> str:
    return f"{m.lr_of(t):g}"


# -- 8 -------------------------------------------------------------------------------------
ROTATION_INVARIANT = ("gd", "momentum", "normgd")


def rotation(setup: Setup, runs: list[Trajectory]) -> Finding:
    rotated = setup.build_surface()
    theta = float(rotated.settings["theta"])
    aligned_surface = get_surface(rotated.name, **{**rotated.settings, "theta": 0.0})
    # The same point relative to the bowl: the rotated start turned back by θ.
    start = _turn_back(np.array([setup.start]), theta)[0]
    aligned = setup.but(surface=surface_spec(aligned_surface), start=(start[0], start[1])).run()
    f = Figures()
    same, differ = True, True
    invariant, others = [], []
    for t0, t45 in zip(aligned, runs, strict=True):
        name = t0.setup.name
        a = f.add(f"{name}_aligned", f"{t0.setup.label} steps at θ = 0°", m.settle_step(t0), "d")
        b = f.add(f"{name}_rotated", f"… at θ = {theta:g}°", m.settle_step(t45), "d")
        # Up to where both have settled: beyond it normalized GD's hop across the minimum
        # amplifies rounding (b grows ×35 a step), so its two copies part at step ~55.
        upto = None if a is None or b is None else max(int(a), int(b)) + 1
        gap = f.add(
            f"{name}_gap",
            "… largest distance between the two paths (turned back) until both settle",
            _turned_back_gap(t0, t45, theta, upto),
            ".2g",
            approx=name in ROTATION_INVARIANT,  # rounding: its digits are noise
        )
        text = f"{t0.setup.label} {f[f'{name}_aligned']} → {f[f'{name}_rotated']}"
        if name in ROTATION_INVARIANT:
            same = same and float(gap or 0) < 1e-9
            invariant.append(text)
        else:
            differ = differ and float(gap or 0) > 1e-3
            others.append(f"{text} (apart by up to {f[f'{name}_gap']})")
    answer = (
        "Steps until the loss stays within 1% of its start, with the bowl's axes along the "
        f"coordinates (θ = 0°) and turned by {theta:g}°, from the same point relative to the "
        "bowl and at the same lr: "
        + ", ".join(invariant)
        + ": unchanged, and turned back by θ each is the same path until it settles (apart by "
        + f"at most {_largest(f, ROTATION_INVARIANT)}, which is rounding), because these rules "
        "use only −∇f and its length, which turn with the bowl. "
        + ", ".join(others)
        + ": changed, even where the count comes out the same, because they rescale or take "
        "the sign of each coordinate separately and a rotation mixes the coordinates. In high "
        "dimensions there is no 'horizontal' and 'vertical', only the coordinate axes the "
        "parameters happen to have, and what per-coordinate scaling does depends on how the "
        "curvature lines up with them."
    )
    return f.finding(same and differ, answer)


def _largest(f: Figures, names: tuple[str, ...]) -> str:
    values = {n: float(f.value(f"{n}_gap") or 0) for n in names}
    return f[f"{max(values, key=values.__getitem__)}_gap"]


def _turn_back(points: np.ndarray, theta_degrees: float) -> np.ndarray:
    """Points of the bowl turned by θ, in the bowl's own (axis-aligned) frame."""
    theta = math.radians(theta_degrees)
    c, s = math.cos(theta), math.sin(theta)
    turned: np.ndarray = points @ np.array([[c, -s], [s, c]])
    return turned


def _turned_back_gap(
    aligned: Trajectory, rotated: Trajectory, theta_degrees: float, upto: int | None
) -> float:
    """Largest distance between the aligned run and the rotated run turned back by θ, over
    records 0..upto−1 (all of them if None)."""
    back = _turn_back(rotated.column("params"), theta_degrees)
    n = min(len(aligned), len(back), upto or len(back))
    diff = aligned.column("params")[:n] - back[:n]
    return float(np.max(np.hypot(diff[:, 0], diff[:, 1])))


# -- 10 ------------------------------------------------------------------------------------
#: The same two optimizers on the full batch (no noise), each at its own tuned lr.
FULL_BATCH_GD = TunedControl(
    Setup("regression", REGRESSION_START, ("gd(lr=1.81)",), steps=400), Tuning(TO_THREE)
)
FULL_BATCH_MOMENTUM = TunedControl(
    Setup("regression", REGRESSION_START, ("momentum(lr=0.99)",), steps=400), Tuning(TO_THREE)
)


def momentum_noise(setup: Setup, runs: list[Trajectory]) -> Finding:
    gd, mom = runs
    (gd_full,) = FULL_BATCH_GD.setup.run()
    (mom_full,) = FULL_BATCH_MOMENTUM.setup.run()
    settle = setup.steps // 2
    batch = setup.build_surface().settings.get("batch_size")
    f = Figures()
    f.add(
        "gd_turn",
        f"GD (lr {_lr(gd)}) mean turn between steps, steps {settle} on (°)",
        float(np.nanmean(m.turning_angles(gd, settle))),
        ".3g",
    )
    f.add(
        "momentum_turn",
        f"momentum (lr {_lr(mom)}) mean turn (°)",
        float(np.nanmean(m.turning_angles(mom, settle))),
        ".3g",
    )
    f.add(
        "gd_wander",
        "GD distance travelled there",
        m.path_length(gd) - m.path_length(gd, settle),
        ".3g",
    )
    f.add(
        "momentum_wander",
        "momentum distance travelled there",
        m.path_length(mom) - m.path_length(mom, settle),
        ".3g",
    )
    f.add(
        "gd_steps", "GD steps until the loss stays within 1% of its start", m.settle_step(gd), "d"
    )
    f.add("momentum_steps", "momentum steps", m.settle_step(mom), "d")
    f.add("gd_full_lr", "full batch (no noise): GD's best lr", m.lr_of(gd_full), "g")
    f.add("gd_full_steps", "… its steps", m.settle_step(gd_full), "d")
    f.add("momentum_full_lr", "full batch: momentum's best lr", m.lr_of(mom_full), "g")
    f.add("momentum_full_steps", "… its steps", m.settle_step(mom_full), "d")
    v = {
        k: f.value(k)
        for k in ("gd_steps", "momentum_steps", "gd_full_steps", "momentum_full_steps")
    }
    holds = (
        float(f.value("momentum_turn") or 0) < float(f.value("gd_turn") or 0) / 2
        and float(f.value("momentum_wander") or 0) < float(f.value("gd_wander") or 0) / 2
        and None not in v.values()
        and int(v["momentum_steps"] or 0) < int(v["gd_steps"] or 0)
        and int(v["gd_full_steps"] or 0) < int(v["momentum_full_steps"] or 0)
    )
    answer = (
        f"An average of gradients does not make the path steeper; it makes it steadier. With "
        f"mini-batches of {batch} the gradient is a noisy estimate, and both optimizers read the "
        f"same batches at the same step, each at its best lr for bringing the loss within 1% "
        f"of its start and keeping it there. Once near the fit (steps {settle} on), GD turns "
        f"{f['gd_turn']}° between consecutive steps on average and travels "
        f"{f['gd_wander']}; momentum (β = 0.9) steps along the average of roughly its last 10 "
        f"gradients, turns {f['momentum_turn']}° and travels {f['momentum_wander']}. That "
        f"pays when the gradient is noisy: momentum stays within 1% after "
        f"{f.steps('momentum_steps')}, GD after {f.steps('gd_steps')}. Without the noise it "
        f"does not: on the full batch GD needs {f.steps('gd_full_steps')} and momentum "
        f"{f.steps('momentum_full_steps')}. The noise also lowers each one's best lr (GD "
        f"{f['gd_full_lr']} → {_lr(gd)}, momentum {f['momentum_full_lr']} → {_lr(mom)})."
    )
    return f.finding(holds, answer)


# -- 12 ------------------------------------------------------------------------------------
ESCAPE = 0.5
#: The ridge runs (with and without noise) are this long: escapes happen well before.
CONTROL_STEPS = 200
RIDGE_NOISE = 0.01
ADAPTIVE = ("adagrad", "rmsprop", "adam", "signgd")
PLAIN = ("gd", "momentum", "heavyball", "normgd")


def _escape_steps(runs: list[Trajectory]) -> dict[str, int | None]:
    return {
        t.setup.label: m.first_step_where(np.abs(t.column("params")[:, 1]), ESCAPE) for t in runs
    }


def _growth(t: Trajectory) -> float:
    """|y|'s factor per step near the ridge, where ∂f/∂y ≈ −2y (closed form)."""
    hp = t.setup.hyperparameters
    lr = float(hp["lr"])
    if t.setup.name == "gd":
        return 1 + 2 * lr
    alpha, mu = (
        (lr * (1 - float(hp["beta"])), float(hp["beta"]))
        if t.setup.name == "momentum"
        else (lr, float(hp["momentum"]))
    )
    s = 1 + mu + 2 * alpha
    return (s + math.sqrt(s * s - 4 * mu)) / 2


def saddle_escape(setup: Setup, runs: list[Trajectory]) -> Finding:
    near = _escape_steps(runs)
    ridge = setup.but(start=(setup.start[0], 0.0), steps=CONTROL_STEPS)
    on_runs = ridge.run()
    on = _escape_steps(on_runs)
    on_max_y = max(float(np.max(np.abs(t.column("params")[:, 1]))) for t in on_runs)
    noisy = _escape_steps(ridge.but(noise=RIDGE_NOISE, seed=1).run())
    order = sorted(near, key=lambda k: (near[k] is None, near[k] or 0))
    by_label = {t.setup.label: t for t in runs}
    f = Figures()
    for label in order:
        f.add(
            f"escape_{by_label[label].setup.name}",
            f"{label}: steps until |y| > {ESCAPE}",
            near[label],
            "d",
        )
    for t in runs:
        if t.setup.name in ("gd", "momentum", "heavyball"):
            f.add(
                f"growth_{t.setup.name}",
                f"{t.setup.label}: |y| factor per step near the ridge",
                _growth(t),
                ".3g",
            )
        if t.setup.name in ADAPTIVE:
            f.add(
                f"first_y_{t.setup.name}",
                f"{t.setup.label}: first step in y",
                float(abs(t.column("update")[0, 1])),
                ".3g",
            )
        if t.setup.name == "normgd":
            y = t.column("params")[:, 1]
            f.add(
                "growth_normgd",
                f"{t.setup.label}: |y| factor at the first step",
                float(abs(y[1] / y[0])),
                ".3g",
            )
    f.add(
        "on_ridge_escapes",
        "runs leaving y = 0 from exactly on the ridge",
        sum(v is not None for v in on.values()),
        "d",
    )
    f.add("on_ridge_max_y", "largest |y| reached from the ridge", on_max_y, ".2g")
    f.add("ridge_noise", "gradient noise σ added on the ridge", RIDGE_NOISE, "g")
    f.add(
        "noisy_escapes",
        "… runs leaving y = 0 with it",
        sum(v is not None for v in noisy.values()),
        "d",
    )
    adaptive = [v for k, v in near.items() if by_label[k].setup.name in ADAPTIVE]
    plain = [v for k, v in near.items() if by_label[k].setup.name in PLAIN]
    holds = (
        None not in near.values()
        and max(v for v in adaptive if v is not None) < min(v for v in plain if v is not None)
        and on_max_y == 0.0
        and None not in noisy.values()
    )
    ranking = ", ".join(f"{k} {f[f'escape_{by_label[k].setup.name}']}" for k in order)
    present = {t.setup.name for t in runs}
    firsts = ", ".join(f"{n} {f[f'first_y_{n}']}" for n in ADAPTIVE if n in present)
    answer = (
        f"Each method at its best lr for reaching a minimum (the loss within 1% of the gap "
        f"to it, and staying), from (1.5, 0.001), just off the ridge, steps until "
        f"|y| > {ESCAPE}: {ranking}. Near the saddle ∂f/∂y = y(y² − 2) ≈ −2y is tiny. The "
        f"adaptive methods divide it by its own small size, so their first step in y does not "
        f"depend on how small it is ({firsts}) and they leave at once. The others grow |y| by "
        f"a factor per step: GD by 1 + 2·lr ({f['growth_gd']}), heavy ball by the larger root "
        f"of r² − (1 + μ + 2·lr)·r + μ = 0 ({f['growth_heavyball']}), the course's momentum, "
        f"which is heavy ball at lr·(1−β), by {f['growth_momentum']}, and normalized GD by "
        f"1 + 2·lr/‖∇f‖, only {f['growth_normgd']} at first, because ∇f points mostly along x "
        "there. Started exactly on y = 0 the "
        f"y-gradient is 0, and {f['on_ridge_escapes']} of {len(on)} methods ever leave "
        f"(largest |y|: {f['on_ridge_max_y']}); with gradient noise σ = {f['ridge_noise']} "
        f"{f['noisy_escapes']} of {len(on)} do."
    )
    return f.finding(holds, answer)


# -- 13 ------------------------------------------------------------------------------------
#: Each optimizer is also run at this many log-spaced lrs from a tenth of its own to its own.
LR_CHECKS = 7


def himmelblau(setup: Setup, runs: list[Trajectory]) -> Finding:
    comparison = setup.build()
    surface = comparison.surface
    f = Figures()
    reached: dict[str, tuple[float, float] | None] = {}
    for t, opt in zip(runs, comparison.setups, strict=True):
        found = nearest_minimum(surface, t.column("params")[-1])
        point = found.point if found else None
        reached[t.setup.label] = point
        f.add(
            f"{t.setup.name}_x",
            f"{t.setup.label}: x of the minimum reached",
            point[0] if point else None,
            ".4g",
        )
        f.add(f"{t.setup.name}_y", "… y of the minimum reached", point[1] if point else None, ".4g")
        lr = m.lr_of(t)
        grid = np.geomspace(lr / 10, lr, LR_CHECKS)
        ends = run_lrs(surface, opt, comparison.start, grid, comparison.steps).final_params
        same = sum(
            1
            for end in ends
            if (hit := nearest_minimum(surface, end)) is not None and hit.point == point
        )
        f.add(
            f"{t.setup.name}_same",
            f"… the same minimum at how many of {LR_CHECKS} lrs from lr/10 to lr",
            same,
            "d",
        )
    labels = list(reached)
    points = list(reached.values())
    holds = (
        points[0] == points[1]
        and points[2] == points[3]
        and points[0] != points[2]
        and None not in points
        and all(f.value(f"{t.setup.name}_same") == LR_CHECKS for t in runs)
    )
    names = [t.setup.name for t in runs]

    counts = ", ".join(f"{n} {f[n + '_same']}" for n in names)

    def where(name: str) -> str:
        return f"({f[f'{name}_x']}, {f[f'{name}_y']})"

    answer = (
        f"Same start (0.54, −0.74), four equally deep minima. {labels[0]} and {labels[1]} "
        f"follow −∇f, which here points down and right: both end at {where(names[0])}. "
        f"{labels[2]} and {labels[3]} take sign-like first steps, as far in y as in x, and "
        f"end at {where(names[2])}. It is not a matter of one lucky lr: rerun at "
        f"{LR_CHECKS} learning rates from a tenth of each one's lr up to it (log-spaced), each "
        "optimizer "
        f"ends in the same minimum every time ({counts} of {LR_CHECKS}). Which minimum you "
        "reach depends on the update rule, not only on "
        "where you start."
    )
    return f.finding(holds, answer)


# -- 14 ------------------------------------------------------------------------------------
def conventions(setup: Setup, runs: list[Trajectory]) -> Finding:
    ewma, heavy = runs
    lr = m.lr_of(ewma)
    beta = float(ewma.setup.hyperparameters["beta"])
    f = Figures()
    f.add("ewma_lr", "EWMA momentum lr", lr, ".3g")
    f.add("heavyball_lr", "heavy-ball lr = lr·(1−β)", m.lr_of(heavy), ".3g")
    gap = f.add(
        "max_gap",
        "largest distance between the two paths",
        m.max_distance(ewma, heavy),
        ".2g",
        approx=True,
    )
    buffers = heavy.column("v")[1:] * (1 - beta) - ewma.column("v")[1:]
    f.add(
        "buffer_gap",
        "largest |(1−β)·B − v| between their buffers",
        float(np.max(np.abs(buffers))),
        ".2g",
        approx=True,
    )
    f.add(
        "buffer_ratio",
        "B/v at the last step (1/(1−β))",
        float(heavy.column("v")[-1, 0] / ewma.column("v")[-1, 0]),
        ".4g",
    )
    holds = float(gap or 1) < 1e-12
    answer = (
        f"The course writes v = βv + (1−β)g and steps η·v; PyTorch (heavy ball) writes "
        f"B = μB + g and steps η·B. Unrolled, B is v/(1−β) (B/v = {f['buffer_ratio']} here), "
        f"so heavy ball at {f['heavyball_lr']} = {f['ewma_lr']}·(1−{beta:g}) takes the same "
        f"steps as the course's momentum at {f['ewma_lr']}: over {setup.steps} steps the "
        f"paths are never more than {f['max_gap']} apart, which is rounding. So the same β "
        f"with the same lr is a {f['buffer_ratio']}× larger step in PyTorch's convention: copy "
        "hyperparameters between them with care."
    )
    return f.finding(holds, answer)
