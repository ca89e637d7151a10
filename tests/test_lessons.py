"""Every lesson's claim, checked against closed forms or the inequality it states, at the
lesson's settings and, where the settings are fixed by the question, at tuned ones too."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.lessons.catalog import LESSONS, get_lesson
from optiscope.core.lessons.lesson import Finding
from optiscope.core.lessons.tuning import HUNDREDTHS, Tuning
from optiscope.core.session.setup import Setup

A = (-4.7, -1.3)


def finding(lesson_id: str) -> Finding:
    return get_lesson(lesson_id).measure()


def test_twenty_lessons_numbered_in_order_with_unique_ids() -> None:
    assert [lesson.number for lesson in LESSONS] == list(range(1, 21))
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)
    assert get_lesson("5") is get_lesson("tiny-oscillation")
    with pytest.raises(OptiscopeError, match="unknown lesson 'nope'"):
        get_lesson("nope")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_claim_holds_and_its_answer_quotes_its_figures(lesson) -> None:  # type: ignore[no-untyped-def]
    found = lesson.measure()
    assert found.holds, found.answer
    quoted = [f for f in found.figures if f.value is not None and f.text in found.answer]
    assert len(quoted) >= 2, (found.answer, [f.text for f in found.figures])
    assert lesson.question and lesson.look_at and lesson.source


def _gd_settle_on_lecture_bowl(lr: float, start: tuple[float, float] = A) -> int:
    """GD on 0.1w² + 2b² in closed form: w and b shrink by 1−0.2·lr and 1−4·lr per step."""
    w, b = start
    first = 0.1 * w * w + 2 * b * b
    loss = [
        0.1 * (w * (1 - 0.2 * lr) ** k) ** 2 + 2 * (b * (1 - 4 * lr) ** k) ** 2 for k in range(400)
    ]
    outside = [k for k, v in enumerate(loss) if v > 0.01 * first]
    return max(outside) + 1


def test_1_zigzag_in_closed_form() -> None:
    f = finding("zigzag")
    assert f["gd_b_factor"] == pytest.approx(1 - 4 * 0.45, rel=1e-12)
    assert f["gd_w_factor"] == pytest.approx(1 - 0.2 * 0.45, rel=1e-12)
    assert f["gd_first_ratio"] == pytest.approx((0.2 * 4.7) / (4 * 1.3), rel=1e-12)
    assert f["rmsprop_first_ratio"] == pytest.approx(1.0, rel=1e-6)  # both lr/√(1−β)
    assert f["gd_steps"] == _gd_settle_on_lecture_bowl(0.45) == 20
    assert f["gd_b_reversals"] == f["gd_steps"] - 1  # type: ignore[operator]  # every step
    assert f["rmsprop_b_reversals"] < f["gd_b_reversals"]  # type: ignore[operator]
    assert f["fast_first"] < f["gd_steps"] < f["fast_steps"]  # type: ignore[operator]


def test_1_untuned_lrs_would_have_reversed_the_ranking_by_first_arrival() -> None:
    """The old setting (GD 0.4, RMSprop 0.2) by first arrival within 1%: RMSprop first. By
    the sweep's metric (arrive and stay), GD is first: the lesson says so plainly."""
    gd, rms = Setup("lecture-bowl", A, ("gd(lr=0.4)", "rmsprop(lr=0.2)"), steps=200).run()
    from optiscope.core.lessons import measures as m

    assert m.first_within(rms) < m.first_within(gd)  # type: ignore[operator]
    assert m.settle_step(gd) < m.settle_step(rms)  # type: ignore[operator]
    assert "RMSprop is the slower one" in finding("zigzag").answer


def test_2_start_b_rmsprop_moves_in_w_where_gd_does_not() -> None:
    f = finding("start-b")
    # GD at lr 0.25 multiplies w by 1 − 0.2·0.25 = 0.95 each step and b by 1 − 4·0.25 = 0.
    assert f["gd_w_travel"] == pytest.approx(0.3 * (1 - 0.95**50), rel=1e-9)
    assert f["gd_b_after_first"] == 0.0 and f["gd_steps"] == 1
    assert f["gd_w_reversals"] == 0
    assert f["rmsprop_first_w"] == pytest.approx(0.1 / math.sqrt(0.1), rel=1e-6)
    assert f["rmsprop_w_travel"] > 5 * f["gd_w_travel"]  # type: ignore[operator]


def test_3_valley_floor() -> None:
    f = finding("valley-floor")
    assert f["gd_max_b"] == pytest.approx(0.03)  # |1 − 0.49·4| = 0.96 < 1: |b| only shrinks
    # RMSprop's first b step is lr/√(1−β) from b = 0.03, across the floor.
    assert f["rmsprop_max_b"] >= 0.12 / math.sqrt(0.1) - 0.03 - 1e-6  # type: ignore[operator]
    assert f["adam_max_b"] >= 0.19 - 0.03 - 1e-6  # type: ignore[operator]


def test_4_already_good() -> None:
    f = finding("already-good")
    assert f["gd_loss_after_one"] == pytest.approx(20 * (1 - 2 * 0.49) ** 2, rel=1e-9)
    assert f["gd_max_angle"] == 0.0 and f["diagonal_angle"] == 0.0
    # RMSprop's first step is sign-like: (1, −1) against −∇f ∝ (4, −2).
    expected_first = math.degrees(math.atan2(1, 1) - math.atan2(2, 4))
    assert f["rmsprop_max_angle"] >= expected_first - 1e-6  # type: ignore[operator]
    assert f["gd_steps"] < f["diagonal_steps"] <= f["rmsprop_steps"]  # type: ignore[operator]


@pytest.mark.parametrize("lr", [0.01, 0.001])
def test_5_tiny_oscillation_at_any_shared_lr(lr: float) -> None:
    lesson = get_lesson("tiny-oscillation")
    # Half a GD step (lr·1e-4) off the floor: GD then crosses it at every step.
    setup = lesson.setup.but(
        optimizers=(f"gd(lr={lr})", f"rmsprop(lr={lr})"), start=(lr * 1e-4 / 2, 0.0)
    )
    f = lesson.claim(setup, setup.run())
    assert f["gd_grad_w"] == pytest.approx(1e-4) and f["gd_grad_alternates"] is True
    assert f["gd_step"] == pytest.approx(lr * 1e-4, rel=1e-9)
    assert f["rmsprop_cache"] == pytest.approx(1e-8, rel=1e-3)
    assert f["rmsprop_step"] == pytest.approx(lr, rel=1e-3)
    assert f["rmsprop_eff_lr"] == pytest.approx(lr / 1e-4, rel=1e-3)
    assert f["step_ratio"] == pytest.approx(1e4, rel=1e-3)


@pytest.mark.parametrize("lr", [0.1, 0.03])
def test_6_why_not_sign_first_steps_in_closed_form(lr: float) -> None:
    lesson = get_lesson("why-not-sign")
    setup = lesson.setup.but(
        optimizers=tuple(s.replace("0.1", f"{lr:g}") for s in lesson.setup.optimizers)
    )
    f = lesson.claim(setup, setup.run())
    assert f.holds
    assert f["rmsprop_first"] == pytest.approx(lr / math.sqrt(0.1), rel=1e-6)
    assert f["adam_first"] == pytest.approx(lr, rel=1e-6)
    assert f["signgd_first"] == lr and f["signgd_length"] == pytest.approx(lr * math.sqrt(2))
    assert f["rmsprop_vs_sign_step0"] < 1e-4 < 1.0 < f["rmsprop_vs_sign_later"]  # type: ignore[operator]
    assert f["normgd_angle"] == 0.0 < f["signgd_angle"]  # type: ignore[operator]


def test_7_bigger_step() -> None:
    f = finding("bigger-step")
    assert f["rmsprop_first_length"] == pytest.approx(
        math.sqrt(2) * 0.08 / math.sqrt(0.1), rel=1e-6
    )
    assert f["normgd_length"] == pytest.approx(f["rmsprop_first_length"], rel=1e-6)
    assert f["gd_same_lr_first_w"] == pytest.approx(0.08 * 0.2 * 4.7, rel=1e-12)
    assert f["gd_steps"] == _gd_settle_on_lecture_bowl(0.45)
    assert f["gd_same_lr_steps"] == _gd_settle_on_lecture_bowl(0.08)
    assert f["normgd_steps"] is None
    assert f["normgd_low"] > f["band"] == pytest.approx(0.01 * (0.1 * 4.7**2 + 2 * 1.3**2))  # type: ignore[operator]


def test_8_rotation_invariance_at_the_lessons_lrs() -> None:
    f = finding("rotation")
    for name in ("gd", "momentum", "normgd"):
        assert f[f"{name}_aligned"] == f[f"{name}_rotated"] is not None
        assert f[f"{name}_gap"] < 1e-12  # type: ignore[operator]
    for name in ("rmsprop", "adam", "adagrad", "signgd"):
        assert f[f"{name}_gap"] > 0.1  # type: ignore[operator]


def test_8_survives_tuning_each_angle_separately() -> None:
    """Tuned at each angle on its own, the invariant rules find the same best lr and steps;
    RMSprop and Adagrad do not."""
    results = {}
    for theta, start in ((0.0, A), (45.0, get_lesson("rotation").setup.start)):
        for name in ("gd", "momentum", "normgd", "rmsprop", "adagrad"):
            setup = Setup(f"rotated-bowl(theta={theta:g})", start, (name,), steps=400)
            values = Tuning(HUNDREDTHS).values(setup)
            best = min(v for v in values if v is not None)
            results[theta, name] = (best, Tuning(HUNDREDTHS).best(setup))
    for name in ("gd", "momentum", "normgd"):
        assert results[0.0, name] == results[45.0, name]
    for name in ("rmsprop", "adagrad"):
        assert results[0.0, name][0] < results[45.0, name][0]


@pytest.mark.parametrize("lrs", [(0.5, 0.1), (0.99, 0.08)])
def test_9_adagrad_only_falls_rmsprop_rises(lrs: tuple[float, float]) -> None:
    lesson = get_lesson("adagrad-vs-rmsprop")
    setup = lesson.setup.but(optimizers=(f"adagrad(lr={lrs[0]})", f"rmsprop(lr={lrs[1]})"))
    ada, rms = setup.run()
    assert np.all(np.diff(ada.column("effective_lr"), axis=0) <= 1e-15)
    f = lesson.claim(setup, [ada, rms])
    assert f.holds and f["adagrad_only_falls"] is True
    # RMSprop's effective lr is η/(√S + ε): check the column against the cache itself.
    s = rms.column("s")
    assert rms.column("effective_lr")[-1, 0] == pytest.approx(lrs[1] / (math.sqrt(s[-1, 0]) + 1e-8))


def test_10_momentum_smooths_noise_and_wins_only_with_it() -> None:
    f = finding("momentum-noise")
    assert f["momentum_turn"] < f["gd_turn"] / 2  # type: ignore[operator]
    assert f["momentum_wander"] < f["gd_wander"] / 2  # type: ignore[operator]
    assert f["momentum_steps"] < f["gd_steps"]  # type: ignore[operator]
    assert f["gd_full_steps"] < f["momentum_full_steps"]  # type: ignore[operator]


def test_11_large_gradients_stability_limit() -> None:
    f = finding("large-gradients")
    assert f["limit"] == 0.5
    assert f["above_growth"] == pytest.approx(abs(1 - 4 * 0.51), rel=1e-9)
    assert f["below_shrink"] == pytest.approx(abs(1 - 4 * 0.49), rel=1e-9)
    assert f["w_factor"] == pytest.approx(1 - 0.2 * 0.49, rel=1e-12)
    assert f["first_ratio"] == pytest.approx((4 * 1.3) / (0.2 * 4.7), rel=1e-12)
    assert f["tuned_gd_steps"] == _gd_settle_on_lecture_bowl(0.45)


def test_12_saddle_escape_factors_match_the_runs() -> None:
    lesson = get_lesson("saddle-escape")
    f = lesson.measure()
    runs = {t.setup.name: t for t in lesson.setup.run()}
    for name in ("gd", "heavyball", "momentum"):
        y = np.abs(runs[name].column("params")[:, 1])
        # Once the start's transient has faded and while |y| is still small (y³ ≪ y).
        k = int(np.flatnonzero(y > 0.05)[0]) - 1
        assert y[k + 1] / y[k] == pytest.approx(f[f"growth_{name}"], rel=2e-3), name
    assert f["growth_gd"] == pytest.approx(1 + 2 * 0.49)
    heavy = f["growth_heavyball"]
    assert heavy * heavy - (1 + 0.9 + 2 * 0.32) * heavy + 0.9 == pytest.approx(0, abs=1e-12)  # type: ignore[operator]
    adaptive = [f[f"escape_{n}"] for n in ("adagrad", "rmsprop", "adam", "signgd")]
    plain = [f[f"escape_{n}"] for n in ("gd", "momentum", "heavyball", "normgd")]
    assert max(adaptive) < min(plain)  # type: ignore[type-var]
    assert f["on_ridge_escapes"] == 0 and f["on_ridge_max_y"] == 0.0
    assert f["noisy_escapes"] == 8


def test_12_untuned_heavy_ball_was_an_artefact_of_its_lr() -> None:
    """At lr 0.01 (EWMA momentum's 0.1 in torch's convention) heavy ball left after GD; at
    its tuned lr it leaves before GD."""
    f = finding("saddle-escape")
    assert f["escape_heavyball"] < f["escape_gd"]  # type: ignore[operator]
    slow = Setup("saddle", (1.5, 0.001), ("heavyball(lr=0.01)", "gd(lr=0.1)"), steps=400).run()
    escapes = [int(np.flatnonzero(np.abs(t.column("params")[:, 1]) > 0.5)[0]) for t in slow]
    assert escapes[0] > escapes[1]


def test_13_himmelblau_basins() -> None:
    f = finding("himmelblau-basins")
    assert (f["gd_x"], f["gd_y"]) == pytest.approx((3.584428, -1.848127), abs=1e-5)
    assert (f["momentum_x"], f["momentum_y"]) == (f["gd_x"], f["gd_y"])
    assert (f["adam_x"], f["adam_y"]) == (f["rmsprop_x"], f["rmsprop_y"]) == (3.0, 2.0)
    assert all(f[f"{n}_same"] == 7 for n in ("gd", "momentum", "adam", "rmsprop"))


@pytest.mark.parametrize("lr", [0.4, 0.1])
def test_14_momentum_conventions_identical_paths(lr: float) -> None:
    lesson = get_lesson("momentum-conventions")
    setup = lesson.setup.but(
        optimizers=(f"momentum(lr={lr},beta=0.9)", f"heavyball(lr={lr * 0.1!r},momentum=0.9)")
    )
    f = lesson.claim(setup, setup.run())
    assert f["heavyball_lr"] == pytest.approx(lr * (1 - 0.9))
    assert f["max_gap"] < 1e-12 and f["buffer_gap"] < 1e-12  # type: ignore[operator]
    assert f["buffer_ratio"] == pytest.approx(10, rel=1e-9)


def test_15_momentum_averages_rmsprop_rescales_adam_both() -> None:
    f = finding("averages-and-rescales")
    assert f["gd_eff_ratio"] == 1.0 and f["gd_step_ratio"] == pytest.approx(f["gd_grad_ratio"])
    assert f["momentum_turn"] < f["gd_turn"] / 3 and f["adam_turn"] < f["rmsprop_turn"] / 3  # type: ignore[operator]
    assert f["rmsprop_eff_ratio"] > 2 and f["adam_eff_ratio"] > 2  # type: ignore[operator]
    assert f["rmsprop_step_ratio"] > 1 > f["rmsprop_grad_ratio"]  # type: ignore[operator]


def test_16_adam_with_beta1_zero_is_rmsprop_and_bias_correction_is_the_difference() -> None:
    lesson = get_lesson("adam-pieces")
    f = lesson.measure()
    rms, plain, corrected, *_ = lesson.setup.run()
    # Bias correction off: m = g and v = S, the same arithmetic, so the same bits.
    assert np.array_equal(rms.column("params"), plain.column("params"))
    assert f["gap_plain"] == 0.0
    # On: Adam(β₁ = 0) is RMSprop with S divided by 1 − βᵗ, written out here.
    p, s = np.array(lesson.setup.start), np.zeros(2)
    for t in range(1, 60):
        g = np.array([0.2 * p[0], 4.0 * p[1]])
        s = 0.9 * s + 0.1 * g * g
        p = p - 0.1 * g / (np.sqrt(s / (1 - 0.9**t)) + 1e-8)
        np.testing.assert_allclose(corrected.column("params")[t], p, rtol=1e-12, atol=1e-15)
    assert f["corrected_first"] == pytest.approx(0.1, rel=1e-7)
    # √(1−β), but for RMSprop's ε against √(1−β)·|∂w| = 0.019 at B.
    assert f["first_ratio"] == pytest.approx(math.sqrt(1 - 0.9), rel=1e-6)


@pytest.mark.parametrize(("lr", "steps"), [(2e-5, 1000), (1e-4, 250)])
def test_17_adam_is_sign_descent_until_noisy_at_any_lr(lr: float, steps: int) -> None:
    """Any lr whose run stays on the valley's side (w > 0: at most lr per step from 0.03)."""
    lesson = get_lesson("adam-sign-noise")
    setup = lesson.setup.but(optimizers=(f"adam(lr={lr:g})", f"signgd(lr={lr:g})"), steps=steps)
    f = lesson.claim(setup, setup.run())
    assert f.holds
    assert f["quiet"] == pytest.approx(1.0, abs=1e-7) and f["sign"] == 1.0
    assert f["model_middle"] == pytest.approx(1 / math.sqrt(2))
    assert f["loud"] < f["middle"] < 1  # type: ignore[operator]


def test_16_survives_tuning_adam_at_its_best_lr_still_moves_in_w_from_b() -> None:
    """At Adam's own best lr from B (0.09 on the hundredths) its w travel stays far above
    tuned GD's: the extra w steps are the rule's, not the shared lr's."""
    from optiscope.core.lessons import measures as m

    setup = Setup("lecture-bowl", (0.3, -2.3), ("adam",), steps=200)
    assert Tuning(HUNDREDTHS).best(setup) == 0.09
    adam, gd = setup.but(optimizers=("adam(lr=0.09)", "gd(lr=0.25)")).run()
    travel = [float(np.sum(np.abs(t.column("update")[:50, 0]))) for t in (adam, gd)]
    assert travel[0] > 2 * travel[1]
    assert m.sign_changes(adam, 0, 50) > m.sign_changes(gd, 0, 50) == 0


def test_18_edge_of_stability_sharpens_to_two_over_lr_and_hovers() -> None:
    lesson = get_lesson("edge-of-stability")
    f = lesson.measure()
    gd, control = lesson.setup.run()
    assert f["edge"] == 2 / 0.1 and f["lambda_minimum"] == 1 + 5**2
    # At (0, 1) the Hessian is diag(2a + y², 1 + x²) = diag(1.04, 1): the largest is along x.
    assert f["lambda_start"] == pytest.approx(2 * 0.02 + 1.0**2, rel=1e-12)
    # λmax ≈ 1 + x² near the floor: the crossing is where x first reaches about √19.
    x = gd.column("params")[:, 0]
    assert x[f["cross"]] == pytest.approx(math.sqrt(19), abs=0.01)  # type: ignore[index]
    assert f["band_low"] < f["edge"] < f["band_high"]  # type: ignore[operator]
    assert abs(f["band_mid"] - 20) < 2  # type: ignore[operator]
    loss = gd.column("loss")
    k = f["cross"]
    assert np.all(np.diff(loss[: k + 1]) <= 0) and np.any(np.diff(loss[k:]) > 0)  # type: ignore[operator,index]
    assert f["x_median"] < 5  # type: ignore[operator]
    assert control.status.kind == "converged" and np.all(np.diff(control.column("loss")) <= 0)


def test_19_warmup_survives_where_constant_diverges_and_then_runs_at_full_speed() -> None:
    lesson = get_lesson("warmup")
    f = lesson.measure()
    (warm,) = lesson.setup.run()
    assert warm.status.kind != "diverged"
    np.testing.assert_allclose(
        warm.column("lr")[:201], [min(1.0, (t + 1) / 200) for t in range(201)], rtol=1e-15
    )
    (constant,) = lesson.setup.but(schedule="constant").run()
    assert constant.status.kind == "diverged"
    assert constant.status.cause.startswith("η·λmax = 24.68 > 2 since step 0")
    # Along x the valley is a·x² (a = 0.02): GD at η contracts x by 1 − 2aη per step.
    assert f["rate"] == pytest.approx((1 - 0.04 * 1.0) ** 2, rel=1e-9)
    assert f["lambda_at_w"] * 1.0 < 2  # type: ignore[operator]
    assert f["rushed_diverged"] is not None and f["constant_diverged"] is not None


def test_20_beta_099_is_stable_but_its_oscillation_decays_by_beta_per_step() -> None:
    f = finding("momentum-beta")
    # Heavy ball at α = η(1−β) on λ = 4: stable while α·λ < 2(1+β).
    assert f["high_product"] == pytest.approx(0.4 * 0.01 * 4)
    assert f["high_limit"] == pytest.approx(2 * 1.99 / (0.01 * 4))
    # Both roots of r² − (1+β−αλ)r + β are complex here (for λ = 4 and λ = 0.2): |r|² = β.
    for lam in (4.0, 0.2):
        assert (1 + 0.99 - 0.4 * 0.01 * lam) ** 2 < 4 * 0.99
        assert (1 + 0.9 - 0.4 * 0.1 * lam) ** 2 < 4 * 0.9
    assert f["high_rate"] == pytest.approx(0.99, abs=0.005)
    assert f["default_rate"] == pytest.approx(0.9, abs=0.005)
    assert f["high_steps"] > 5 * f["default_steps"]  # type: ignore[operator]
    assert f["high_overshoot"] > 0 and f["tuned_high_steps"] > 5 * f["tuned_default_steps"]  # type: ignore[operator]
