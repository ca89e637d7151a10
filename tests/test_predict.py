"""Predict, then reveal: every question asked has exactly one right answer, the truth is
the record's, and a typed answer is marked by the one number rule."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optimizer_variants import IDS, VARIANTS

from optiscope.core.errors import OptiscopeError
from optiscope.core.explain_text import num
from optiscope.core.noise import GradientNoise
from optiscope.core.predict import (
    MAX_CANDIDATES,
    MERGE_DEGREES,
    REL_TOL,
    Score,
    arrow,
    direction_question,
    mark,
    value_names,
    value_question,
)
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run

BOWL = get_surface("lecture-bowl")
A, C = (-4.7, -1.3), (-4.7, 0.03)


def _run(name: str, hp: dict[str, object], start=A, surface=BOWL, **kw: object) -> Trajectory:  # type: ignore[no-untyped-def]
    return run(surface, make_setup(name, hp, surface), start, 12, **kw)


def _degrees(a: np.ndarray, b: np.ndarray) -> float:
    cross = a[0] * b[1] - a[1] * b[0]
    return abs(math.degrees(math.atan2(cross, float(np.dot(a, b)))))


def _check_direction_questions(traj: Trajectory) -> int:
    asked = 0
    for t in range(len(traj) - 1):
        q = direction_question(traj, t)
        if q is None:
            continue
        asked += 1
        assert 2 <= len(q.candidates) <= MAX_CANDIDATES
        assert sum(c.right for c in q.candidates) == 1
        right = q.candidates[q.answer - 1]
        assert right.right and any(n.startswith("the step") for n in right.names)
        # The right direction is the record's own step, measured here from the record.
        assert _degrees(np.array(right.direction), traj[t].update) < 1e-6
        # No two candidates closer than the merge angle: none could be mistaken for another.
        for i, a in enumerate(q.candidates):
            for b in q.candidates[i + 1 :]:
                assert _degrees(np.array(a.direction), np.array(b.direction)) >= MERGE_DEGREES
        # The same question twice: the shuffle is seeded.
        assert direction_question(traj, t) == q
    return asked


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_direction_question_has_exactly_one_right_candidate(
    name: str, hp: dict[str, object]
) -> None:
    assert _check_direction_questions(_run(name, hp)) > 0
    _check_direction_questions(_run(name, hp, start=C))
    noisy = _run(name, hp, noise=GradientNoise(1.0, 2))
    _check_direction_questions(noisy)
    himmelblau = get_surface("himmelblau")
    _check_direction_questions(_run(name, hp, start=(0.54, -0.74), surface=himmelblau))


def test_gd_and_normalized_gd_point_the_same_way_so_they_are_one_candidate() -> None:
    q = direction_question(_run("rmsprop", {"lr": 0.1}), 3)
    assert q is not None
    merged = [c for c in q.candidates if "GD's: −g" in c.names]
    assert len(merged) == 1 and "normalized GD's: −g/‖g‖" in merged[0].names


def test_adams_first_step_is_sign_gds_so_that_candidate_is_the_right_one() -> None:
    q = direction_question(_run("adam", {"lr": 0.1}), 0)
    assert q is not None
    right = q.candidates[q.answer - 1]
    assert right.names == ("the step adam takes", "sign-GD's: −sign(g)")
    assert not any("sign-GD's: −sign(g)" in c.names for c in q.candidates if not c.right)


def test_gd_asks_about_its_own_direction_against_real_alternatives() -> None:
    q = direction_question(_run("gd", {"lr": 0.1}), 2)
    assert q is not None
    right = q.candidates[q.answer - 1]
    assert "GD's: −g" in right.names  # GD's step is −η·g: the same candidate
    assert len(q.candidates) >= 2


def test_the_shuffle_moves_the_right_answer_between_steps() -> None:
    traj = _run("rmsprop", {"lr": 0.1})
    answers = {q.answer for t in range(10) if (q := direction_question(traj, t)) is not None}
    assert len(answers) >= 2


def test_no_direction_question_at_a_minimum() -> None:
    traj = _run("gd", {"lr": 0.1}, start=(0.0, 0.0))
    assert direction_question(traj, 0) is None


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_value_question_reveals_the_explain_line_that_ends_in_the_recorded_value(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    record = traj[4]
    for value_name in value_names(traj):
        q = value_question(traj, 4, value_name)
        coord = 0 if value_name.endswith("w") else 1
        if value_name.startswith("Δ"):
            expected = float(record.update[coord])
        else:
            symbol = value_name[:-2]
            field = next(f for f in (*traj.fields, *traj.derived) if f.symbol == symbol)
            expected = float(record.state[field.name][coord])
        assert q.truth == expected
        assert q.working[-1].split(" ")[0] == value_name
        assert q.working[-1].endswith(f"= {num(expected)}") or q.working[-1].endswith(
            f"← g_{value_name[-1]} = {num(expected)}"
        )
        other = "b" if coord == 0 else "w"
        assert not any(ln.split(" ")[0].endswith(f"_{other}") for ln in q.working)
        assert mark(q, repr(expected * (1 + REL_TOL / 2))).right
        if expected != 0:
            assert not mark(q, repr(expected * (1 + 3 * REL_TOL))).right


def test_rmsprops_first_step_from_b_is_lr_over_root_one_minus_beta_even_where_w_is_right() -> None:
    traj = _run("rmsprop", {"lr": 0.1}, start=(0.3, -2.3))
    q = value_question(traj, 0, "Δw")
    closed_form = -0.1 * np.sign(0.2 * 0.3) / math.sqrt(1 - 0.9)
    assert q.truth == pytest.approx(closed_form, rel=1e-6)  # ε = 1e-8 against √S = 0.019
    assert mark(q, "-0.316").right
    assert not mark(q, "0").right
    assert not mark(q, "-0.06").right  # GD's step −η·g would be −0.006: far off too
    assert "g_w = 0.06" in q.givens and "S_w before = 0" in q.givens and "β = 0.9" in q.givens


def test_a_typed_answer_goes_through_the_one_number_rule() -> None:
    q = value_question(_run("adam", {"lr": 0.1}), 2, "v_b")
    for bad in ("abc", "inf", "nan", "1e400", "１", "1_0", ""):
        with pytest.raises(OptiscopeError, match="v_b"):
            mark(q, bad)


def test_a_value_question_names_a_field_of_the_record() -> None:
    traj = _run("gd", {"lr": 0.1})
    assert value_names(traj) == ["Δw", "Δb"]
    with pytest.raises(OptiscopeError, match="S_b"):
        value_question(traj, 1, "S_b")
    assert value_question(traj, 3).name == value_question(traj, 3).name  # a seeded pick


def test_adam_asks_for_the_bias_corrected_moments_too() -> None:
    names = value_names(_run("adam", {"lr": 0.1}))
    assert {"m_w", "v_b", "m̂_w", "v̂_b", "Δb"} <= set(names)
    q = value_question(_run("adam", {"lr": 0.1}), 3, "m̂_b")
    assert "k = t + 1 = 4" in q.givens


def test_the_score_counts_right_answers() -> None:
    score = Score().add(True).add(False).add(True)
    assert (score.right, score.asked) == (2, 3)
    assert score.text() == "2 of 3 right"


def test_arrows_follow_the_angle() -> None:
    assert [arrow(a) for a in (0, 44, 90, 180, 225, 359)] == ["→", "↗", "↑", "←", "↙", "→"]
