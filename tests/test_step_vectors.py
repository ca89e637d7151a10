"""A step taken apart: every optimizer's parts add up to the recorded step, under every
setting that changes its rule, and the reference −η∇f is plain GD's step from the point
(the exact gradient, the learning rate in force)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optimizer_variants import IDS, VARIANTS

from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.step_vectors import step_vectors
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run

BOWL = get_surface("lecture-bowl")
START = (-4.7, -1.3)
ULP = np.finfo(np.float64).eps


def _run(name: str, hp: dict[str, object], noisy: bool = True, steps: int = 25) -> Trajectory:
    """A run where the seen gradient is not the exact one and η changes every step."""
    noise = GradientNoise(0.3, seed=4) if noisy else None
    schedule = parse_schedule("inverse-time(decay=0.05)")
    return run(BOWL, make_setup(name, hp, BOWL), START, steps, noise, schedule)


def test_every_optimizer_says_its_parts() -> None:
    assert [name for name, opt in OPTIMIZERS.items() if opt.parts is None] == []


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_the_parts_add_up_to_the_recorded_step(name: str, hp: dict[str, object]) -> None:
    traj = _run(name, hp)
    for t in range(len(traj) - 1):
        vectors = step_vectors(traj, t)
        assert vectors.addends, name
        total = np.sum([v.value for v in vectors.addends], axis=0)
        # Rounding only: a few ulps of the largest magnitude involved (AdamW and Lion
        # compute Δ as a difference of parameters, so |p| is one of them).
        scale = np.sum([np.abs(v.value) for v in vectors.addends], axis=0)
        scale = scale + np.abs(traj[t].params)
        assert np.all(np.abs(total - traj[t].update) <= 16 * ULP * scale), (t, total)
        assert np.array_equal(vectors.step.value, traj[t].update)


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_the_reference_is_gd_with_the_exact_gradient_and_the_lr_in_force(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    base = float(traj.setup.hyperparameters["lr"])
    for t in (0, 3, 11):
        vectors = step_vectors(traj, t)
        x, y = traj[t].params
        exact = np.array(BOWL.grad(x, y), dtype=np.float64)  # ∇f = (0.2w, 4b)
        assert np.allclose(exact, [0.2 * x, 4 * y], rtol=1e-15)
        lr = base / (1 + 0.05 * t)
        assert np.allclose(vectors.gd.value, -lr * exact, rtol=1e-14, atol=0)
        assert np.array_equal(vectors.point, traj[t].params)


def test_momentum_carries_beta_v_and_adds_one_minus_beta_g() -> None:
    traj = run(BOWL, make_setup("momentum", {"lr": 0.1, "beta": 0.9}, BOWL), START, 5)
    v_before = traj[2].state["v"]
    g = traj[3].grad
    vectors = step_vectors(traj, 3)
    carried, fresh = vectors.addends
    assert carried.key == "carried" and fresh.key == "fresh"
    assert np.allclose(carried.value, -0.1 * 0.9 * v_before, rtol=1e-15)
    assert np.allclose(fresh.value, -0.1 * 0.1 * g, rtol=1e-15)


def test_heavy_ball_carries_nothing_on_its_first_update() -> None:
    traj = run(BOWL, make_setup("heavyball", {"lr": 0.01}, BOWL), START, 3)
    first = step_vectors(traj, 0)
    assert [v.key for v in first.addends] == ["fresh"]
    assert [v.key for v in step_vectors(traj, 1).addends] == ["carried", "fresh"]


def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_beta_beside_the_unscaled_gd_step() -> None:
    traj = run(BOWL, make_setup("rmsprop", {"lr": 0.1, "beta": 0.9}, BOWL), START, 2)
    vectors = step_vectors(traj, 0)
    (scaled,) = vectors.addends
    (before,) = vectors.beside
    g = traj[0].grad
    assert np.allclose(scaled.value, -0.1 / math.sqrt(0.1) * np.sign(g), rtol=1e-7)
    assert np.allclose(before.value, -0.1 * g, rtol=1e-15)
    # Without noise the unscaled step is GD's own: the plot draws it once.
    assert [v.key for v in vectors.drawn()] == ["gd", "step"]


def test_adam_first_step_is_lr_times_sign_g_and_its_moment_starts_empty() -> None:
    traj = run(BOWL, make_setup("adam", {"lr": 0.1}, BOWL), START, 2)
    vectors = step_vectors(traj, 0)
    carried, fresh = vectors.addends
    assert np.array_equal(carried.value, np.zeros(2))
    assert np.allclose(fresh.value, -0.1 * np.sign(traj[0].grad), rtol=1e-6)
    (before,) = vectors.beside  # −η·m̂ with m̂ = g on the first step
    assert np.allclose(before.value, -0.1 * traj[0].grad, rtol=1e-12)


def test_the_turn_away_from_the_gradient_is_visible_as_two_directions() -> None:
    traj = run(BOWL, make_setup("rmsprop", {"lr": 0.1}, BOWL), START, 4)
    vectors = step_vectors(traj, 3)
    gd, step = vectors.gd.value, vectors.step.value
    cos = float(gd @ step / (np.hypot(*gd) * np.hypot(*step)))
    assert math.degrees(math.acos(cos)) == pytest.approx(36.2, abs=0.05)  # README's figure
