"""Every lesson's claim, checked against closed forms or the inequality it states."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.lessons.catalog import LESSONS, get_lesson
from optiscope.core.lessons.lesson import Finding

FINDINGS: dict[str, Finding] = {}


def finding(lesson_id: str) -> Finding:
    if lesson_id not in FINDINGS:
        FINDINGS[lesson_id] = get_lesson(lesson_id).measure()
    return FINDINGS[lesson_id]


def test_fourteen_lessons_numbered_in_order_with_unique_ids() -> None:
    assert [lesson.number for lesson in LESSONS] == list(range(1, 15))
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)
    assert get_lesson("5") is get_lesson("tiny-oscillation")
    with pytest.raises(OptiscopeError, match="unknown lesson 'nope'"):
        get_lesson("nope")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_claim_holds_and_its_answer_quotes_its_figures(lesson) -> None:  # type: ignore[no-untyped-def]
    found = finding(lesson.id)
    assert found.holds, found.answer
    quoted = [f for f in found.figures if f.value is not None and f.text in found.answer]
    assert len(quoted) >= 2, (found.answer, [f.text for f in found.figures])
    assert lesson.question and lesson.look_at and lesson.source


def test_1_zigzag() -> None:
    f = finding("zigzag")
    assert f["gd_first_ratio"] == pytest.approx((0.2 * 4.7) / (4 * 1.3), rel=1e-12)
    assert f["rmsprop_first_ratio"] == pytest.approx(1.0, rel=1e-6)  # both lr/√(1−β)
    assert f["rmsprop_steps"] < f["gd_steps"]  # type: ignore[operator]
    assert f["gd_b_reversals"] >= 20 and f["rmsprop_b_reversals"] == 0  # type: ignore[operator]


def test_2_start_b_rmsprop_moves_in_w_where_gd_does_not() -> None:
    f = finding("start-b")
    # GD at lr 0.2 multiplies w by 1 − 0.2·0.2 = 0.96 each step: monotone, at most 0.3 of travel.
    assert f["gd_w_travel"] == pytest.approx(0.3 * (1 - 0.96**50), rel=1e-9)
    assert f["gd_w_reversals"] == 0
    assert f["rmsprop_w_travel"] > 5 * f["gd_w_travel"]  # type: ignore[operator]
    assert f["rmsprop_path"] > f["gd_path"]  # type: ignore[operator]


def test_3_valley_floor() -> None:
    f = finding("valley-floor")
    assert f["gd_max_b"] == pytest.approx(0.03)  # |1 − 0.4·4| = 0.6 < 1: |b| only shrinks
    assert f["rmsprop_max_b"] > 5 * 0.03 and f["adam_max_b"] > 2 * 0.03  # type: ignore[operator]


def test_4_already_good() -> None:
    f = finding("already-good")
    # GD on x² + y² at lr 0.1: p ← 0.8·p, loss 20·0.64ᵏ ≤ 0.01 first at k = 18.
    assert f["gd_steps"] == math.ceil(math.log(0.01 / 20) / math.log(0.64))
    assert f["gd_max_angle"] < 1e-3 and f["rmsprop_diagonal_angle"] < 1e-3  # type: ignore[operator]
    # RMSprop's first step is sign-like: (1, −1) against −∇f ∝ (4, −2).
    expected_first = math.degrees(math.atan2(1, 1) - math.atan2(2, 4))
    assert f["rmsprop_max_angle"] >= expected_first - 1e-6  # type: ignore[operator]


def test_5_tiny_oscillation() -> None:
    f = finding("tiny-oscillation")
    lr = 0.01
    assert f["gd_grad_w"] == pytest.approx(1e-4) and f["gd_grad_alternates"] is True
    assert f["gd_step"] == pytest.approx(lr * 1e-4, rel=1e-9)
    assert f["rmsprop_cache"] == pytest.approx(1e-8, rel=1e-3)
    assert f["rmsprop_step"] == pytest.approx(lr, rel=1e-3)
    assert f["rmsprop_eff_lr"] == pytest.approx(lr / 1e-4, rel=1e-3)
    assert f["step_ratio"] == pytest.approx(1e4, rel=1e-3)


def test_6_why_not_sign_first_steps_in_closed_form() -> None:
    f = finding("why-not-sign")
    assert f["rmsprop_first"] == pytest.approx(0.1 / math.sqrt(0.1), rel=1e-6)
    assert f["adam_first"] == pytest.approx(0.1, rel=1e-6)
    assert f["signgd_first"] == 0.1
    assert f["rmsprop_vs_sign_step0"] < 1e-3 < 1.0 < f["rmsprop_vs_sign_later"]  # type: ignore[operator]
    assert f["normgd_angle"] < 1e-3 and f["rmsprop_angle"] < f["signgd_angle"]  # type: ignore[operator]


def test_7_bigger_step() -> None:
    f = finding("bigger-step")
    assert f["rmsprop_first_length"] == pytest.approx(math.sqrt(2) * 0.1 / math.sqrt(0.1), rel=1e-6)
    assert f["normgd_first_length"] == pytest.approx(f["rmsprop_first_length"], rel=1e-6)
    assert f["rmsprop_steps_coarse"] < f["normgd_steps_coarse"]  # type: ignore[operator]
    assert f["normgd_steps_fine"] is None and f["rmsprop_steps_fine"] is not None


def test_8_rotation_invariance() -> None:
    f = finding("rotation")
    for name in ("gd", "momentum", "normgd"):
        assert f[f"{name}_aligned"] == f[f"{name}_rotated"] is not None
    for name in ("rmsprop", "adam", "adagrad", "signgd"):
        assert f[f"{name}_aligned"] != f[f"{name}_rotated"]


def test_9_adagrad_only_falls_rmsprop_rises() -> None:
    lesson = get_lesson("adagrad-vs-rmsprop")
    ada, rms = lesson.setup.run()
    e = ada.column("effective_lr")
    assert np.all(np.diff(e, axis=0) <= 1e-15)
    f = finding("adagrad-vs-rmsprop")
    assert f["adagrad_only_falls"] is True
    assert f["rmsprop_eff_end"] > 10 * f["rmsprop_eff_low"]  # type: ignore[operator]
    # RMSprop's effective lr is η/(√S + ε): check the column against the cache itself.
    s = rms.column("s")
    assert rms.column("effective_lr")[-1, 0] == pytest.approx(0.1 / (math.sqrt(s[-1, 0]) + 1e-8))


def test_10_momentum_smooths_noise() -> None:
    f = finding("momentum-noise")
    assert f["momentum_turn"] < f["gd_turn"] / 2  # type: ignore[operator]
    assert f["momentum_wander"] < f["gd_wander"] / 2  # type: ignore[operator]


def test_11_large_gradients_stability_limit() -> None:
    f = finding("large-gradients")
    assert f["limit"] == 0.5
    assert f["above_growth"] == pytest.approx(abs(1 - 4 * 0.51), rel=1e-9)
    assert f["below_shrink"] == pytest.approx(abs(1 - 4 * 0.49), rel=1e-9)
    assert f["rmsprop_final_loss"] < 1.0  # type: ignore[operator]


def test_12_saddle_escape() -> None:
    f = finding("saddle-escape")
    adaptive = [f[f"escape_{n}"] for n in ("adagrad", "rmsprop", "adam", "signgd")]
    plain = [f[f"escape_{n}"] for n in ("gd", "momentum", "heavyball", "normgd")]
    assert max(adaptive) < min(plain)  # type: ignore[type-var]
    assert f["on_ridge_escapes"] == 0 and f["on_ridge_max_y"] == 0.0
    assert f["noisy_escapes"] == 8


def test_13_himmelblau_basins() -> None:
    f = finding("himmelblau-basins")
    assert (f["gd_x"], f["gd_y"]) == pytest.approx((3.584428, -1.848127), abs=1e-5)
    assert (f["momentum_x"], f["momentum_y"]) == (f["gd_x"], f["gd_y"])
    assert (f["adam_x"], f["adam_y"]) == (f["rmsprop_x"], f["rmsprop_y"]) == (3.0, 2.0)


def test_14_momentum_conventions_identical_paths() -> None:
    f = finding("momentum-conventions")
    assert f["heavyball_lr"] == pytest.approx(0.4 * (1 - 0.9))
    assert f["max_gap"] < 1e-12 and f["buffer_gap"] < 1e-12  # type: ignore[operator]
