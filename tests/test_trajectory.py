"""Trajectory records, statuses, noise, schedules and storage."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, compare, run

BOWL = get_surface("lecture-bowl")


def test_records_chain_point_plus_update_and_hold_the_gradient_at_the_point() -> None:
    traj = run(BOWL, make_setup("rmsprop", {"lr": 0.1}), (-4.7, -1.3), 30)
    assert len(traj) == 31
    p, u, g = traj.column("params"), traj.column("update"), traj.column("grad")
    np.testing.assert_array_equal(p[1:], p[:-1] + u[:-1])
    np.testing.assert_allclose(g, np.stack([0.2 * p[:, 0], 4.0 * p[:, 1]], axis=1), rtol=1e-15)
    np.testing.assert_allclose(traj.column("loss"), 0.1 * p[:, 0] ** 2 + 2 * p[:, 1] ** 2)
    np.testing.assert_allclose(traj.column("effective_lr"), np.abs(u) / np.abs(g))


def test_gd_on_the_bowl_matches_the_closed_form() -> None:
    lr, n = 0.3, 40
    traj = run(BOWL, make_setup("gd", {"lr": lr}), (-4.7, -1.3), n)
    k = np.arange(n + 1)
    expected = np.stack([-4.7 * (1 - lr * 0.2) ** k, -1.3 * (1 - lr * 4.0) ** k], axis=1)
    np.testing.assert_allclose(traj.column("params"), expected, rtol=1e-12)


def test_state_after_record_k_has_taken_in_gradient_k() -> None:
    traj = run(BOWL, make_setup("rmsprop", {"lr": 0.05, "beta": 0.9}), (-4.7, -1.3), 10)
    s, g = traj.column("s"), traj.column("grad")
    np.testing.assert_allclose(s[0], 0.1 * g[0] ** 2, rtol=1e-15)
    np.testing.assert_allclose(s[5], 0.9 * s[4] + 0.1 * g[5] ** 2, rtol=1e-14)
    step = traj[5]
    assert step.state["step"] == 6 and step.t == 5
    np.testing.assert_allclose(step.state["s"], s[5])


def test_adam_bias_corrected_moments_are_derived_per_record() -> None:
    traj = run(BOWL, make_setup("adam", {"lr": 0.1}), (-4.7, -1.3), 5)
    m, v = traj.column("m"), traj.column("v")
    t = np.arange(1, 7)[:, None]
    np.testing.assert_allclose(traj.column("m_hat"), m / (1 - 0.9**t), rtol=1e-14)
    np.testing.assert_allclose(traj[3].state["v_hat"], v[3] / (1 - 0.999**4), rtol=1e-14)
    assert traj.state_names == ["m", "v", "m_hat", "v_hat"]


def test_divergence_is_a_status_with_the_step_and_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(BOWL, make_setup("gd", {"lr": 0.6}), (-4.7, -1.3), 5000)
    assert traj.status.kind == "diverged"
    k = traj.status.step
    assert k is not None and len(traj) == k + 1
    # GD on b multiplies by (1 - 0.6·4) = -1.4 each step: it leaves the 1000x box at that step.
    b = np.abs(traj.column("params")[:, 1])
    assert b[k] > 1000 * 12 and b[k - 1] <= 1000 * 12 + 3
    assert traj.extend(10) == 0
    assert "diverged at step" in traj.status.text()


def test_overflow_to_inf_is_reported_not_warned() -> None:
    surface = get_surface("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(surface, make_setup("gd", {"lr": 1e9}), (-2.0, 2.0), 100)
    assert traj.status.kind == "diverged"


def test_convergence_reports_the_first_step_below_the_gradient_tolerance() -> None:
    traj = run(BOWL, make_setup("gd", {"lr": 0.3}), (-4.7, -1.3), 1000)
    assert traj.status.kind == "converged"
    k = traj.status.step
    assert k is not None
    norms = np.linalg.norm(traj.column("grad"), axis=1)
    assert norms[k] <= 1e-6 < norms[k - 1]
    assert traj.status.text() == f"converged at step {k} (‖∇f‖ ≤ 1e-06)"


def test_noise_is_one_stream_shared_by_every_optimizer() -> None:
    noise = GradientNoise(0.5, seed=7)
    runs = compare(BOWL, [make_setup("gd"), make_setup("adam")], (-4.7, -1.3), 50, noise)
    for traj in runs:
        expected = np.array([noise.at(t) for t in range(len(traj))])
        np.testing.assert_array_equal(traj.column("grad"), traj.column("exact_grad") + expected)
    again = GradientNoise(0.5, seed=7)
    np.testing.assert_array_equal(again.at(300), noise.at(300))
    assert not np.array_equal(GradientNoise(0.5, seed=8).at(3), noise.at(3))
    draws = np.array([noise.at(t) for t in range(4000)])
    assert draws.std() == pytest.approx(0.5, rel=0.05) and abs(draws.mean()) < 0.05


def test_noise_rejects_bad_settings() -> None:
    with pytest.raises(OptiscopeError, match="noise"):
        GradientNoise(-1.0)


def test_minibatch_gradients_are_shared_across_optimizers() -> None:
    surface = get_surface("regression", batch_size=4)
    noise = GradientNoise(0.0, seed=3)
    a, b = compare(surface, [make_setup("gd"), make_setup("momentum")], surface.start(), 20, noise)
    # Same batch at step 0 from the same start: the same gradient.
    np.testing.assert_array_equal(a.column("grad")[0], b.column("grad")[0])
    assert not np.allclose(a.column("grad")[0], a.column("exact_grad")[0])


@pytest.mark.parametrize(
    ("spec", "factor"),
    [
        ("constant", lambda t: 1.0),
        ("inverse-time(decay=0.1)", lambda t: 1 / (1 + 0.1 * t)),
        ("step(every=3, gamma=0.5)", lambda t: 0.5 ** (t // 3)),
        ("cosine(T=10)", lambda t: 0.5 * (1 + math.cos(math.pi * min(t, 10) / 10))),
    ],
)
def test_schedules_scale_the_learning_rate_per_step(spec, factor) -> None:
    traj = run(BOWL, make_setup("gd", {"lr": 0.2}), (-4.7, -1.3), 15, schedule=parse_schedule(spec))
    lrs = traj.column("lr")
    np.testing.assert_allclose(lrs, [0.2 * factor(t) for t in range(16)], rtol=1e-15)
    np.testing.assert_allclose(traj.column("update"), -lrs[:, None] * traj.column("grad"))


def test_unknown_schedule_is_a_clear_error() -> None:
    with pytest.raises(OptiscopeError, match="unknown schedule 'linear'"):
        parse_schedule("linear")
    with pytest.raises(OptiscopeError, match="gamma must be in"):
        parse_schedule("step(gamma=2)")


def test_long_runs_grow_columnar_storage_and_read_any_step() -> None:
    traj = Trajectory(get_surface("rosenbrock"), make_setup("adam", {"lr": 0.001}), (-2, 2))
    traj.extend(100_000)
    assert len(traj) == 100_000
    assert traj.column("params").nbytes == 100_000 * 2 * 8
    step = traj[77_777]
    np.testing.assert_array_equal(step.params, traj.column("params")[77_777])
    with pytest.raises(IndexError):
        traj[100_000]


def test_columns_are_read_only_views() -> None:
    traj = run(BOWL, make_setup("gd"), (-4.7, -1.3), 3)
    with pytest.raises(ValueError):
        traj.column("params")[0, 0] = 1.0
