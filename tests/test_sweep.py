"""The learning-rate sweep: its metrics as defined, GD's best lr in closed form, and one clear
error for every bad request."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.metrics import minimum_value, settled_at
from optiscope.core.session.setup import Setup, build_surface
from optiscope.core.surfaces import get_surface
from optiscope.core.sweep import (
    DEFAULT_SPAN,
    Metric,
    best_index,
    default_range,
    lr_grid,
    sweep,
)
from optiscope.core.sweep.export import sweep_document, sweep_rows

A = (-4.7, -1.3)


@pytest.mark.parametrize(
    ("surface", "curvatures", "metric"),
    [
        ("lecture-bowl", (4.0, 0.2), Metric("final-loss")),
        ("lecture-bowl", (4.0, 0.2), Metric("steps", 1e-8)),
        ("rotated-bowl(kappa=50,theta=30)", (4.0, 0.08), Metric("final-loss")),
        ("rotated-bowl(kappa=50,theta=30)", (4.0, 0.08), Metric("steps", 1e-6)),
    ],
)
def test_gds_best_lr_on_a_quadratic_is_two_over_l_plus_mu(
    surface: str, curvatures: tuple[float, float], metric: Metric
) -> None:
    """GD's error shrinks by max|1 − η·λ| per step, smallest at η = 2/(L + μ)."""
    big, small = curvatures
    start = build_surface(surface).start()
    result = sweep(Setup(surface, start, ("gd",), steps=800), metric, (0.1, 1.0), 121)
    (run,) = result.runs
    spacing = math.log(run.lrs[1] / run.lrs[0])
    assert run.best_lr is not None
    assert abs(math.log(run.best_lr / (2 / (big + small)))) <= spacing


def test_steps_counts_only_a_stay_not_a_visit() -> None:
    loss = np.array([10.0, 0.05, 5.0, 0.2, 0.01, 0.02])
    assert settled_at(loss, 0.0, 0.01).tolist() == [4]  # in at 1, out at 2, in for good at 4
    assert settled_at(loss[:-1] * 0 + 10, 0.0, 0.01).tolist() == [-1]
    assert settled_at(np.append(loss, 1.0), 0.0, 0.01).tolist() == [-1]  # out at the end
    assert settled_at(np.array([[2.0, 1.0, np.nan]]), 0.0, 0.9).tolist() == [-1]


def test_reached_then_bounced_out_does_not_count_in_a_sweep() -> None:
    """RMSprop at lr 0.2 from A is within 1% at step 19, climbs back, stays from step 82."""
    setup = Setup("lecture-bowl", A, ("rmsprop",), steps=200)
    (run,) = sweep(setup, Metric("steps", 0.01), (0.1, 0.2), 2).runs
    (traj,) = setup.but(optimizers=("rmsprop(lr=0.2)",)).run()
    loss = traj.column("loss")
    first_in = int(np.flatnonzero(loss <= 0.01 * loss[0])[0])
    assert first_in == 19 and run.values[1] == 82
    assert np.any(loss[first_in:82] > 0.01 * loss[0])


def test_final_and_mean_loss_are_the_runs_losses() -> None:
    setup = Setup("lecture-bowl", A, ("gd",), steps=30)
    lrs = (0.1, 0.3)
    final = sweep(setup, Metric("final-loss"), lrs, 2).runs[0].values
    mean = sweep(setup, Metric("mean-loss"), lrs, 2).runs[0].values
    for k, lr in enumerate(lrs):
        w, b = A
        losses = [
            0.1 * (w * (1 - 0.2 * lr) ** t) ** 2 + 2 * (b * (1 - 4 * lr) ** t) ** 2
            for t in range(31)
        ]
        assert final[k] == pytest.approx(losses[-1], rel=1e-12)
        assert mean[k] == pytest.approx(sum(losses) / 31, rel=1e-12)


def test_best_is_the_lowest_value_and_the_middle_of_ties() -> None:
    assert best_index([5, 3, 3, 3, 7]) == 2
    assert best_index([None, 4, 3, 3, None]) == 2
    assert best_index([2.0, 1.0]) == 1
    assert best_index([None, None]) is None


def test_default_range_is_around_the_surfaces_suggestion() -> None:
    setup = Setup("lecture-bowl", A, ("gd", "rmsprop(beta=0.99)"), steps=20)
    result = sweep(setup, Metric("final-loss"), points=7)
    gd, rms = result.runs
    assert (gd.lrs[0], gd.lrs[-1]) == (0.4 * DEFAULT_SPAN[0], 0.4 * DEFAULT_SPAN[1])
    assert (rms.lrs[0], rms.lrs[-1]) == pytest.approx((0.001, 1.0))
    assert default_range(result.surface, gd.setup) == (0.4 * 0.01, 0.4 * 10)
    ratios = np.array(gd.lrs[1:]) / np.array(gd.lrs[:-1])
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-12)  # log-spaced
    # The other hyperparameters are the spec's; lr is what varies.
    assert rms.setup.hyperparameters["beta"] == 0.99


def test_document_and_rows_carry_every_value() -> None:
    setup = Setup("rosenbrock", (-1.5, 2.0), ("gd", "adam(beta2=0.99)"), steps=50)
    result = sweep(setup, Metric("steps", 0.5), (1e-4, 10.0), 5)
    doc = sweep_document(result)
    assert set(doc) == {"surface", "start", "metric", "noise", "schedule", "runs"}
    assert doc["metric"] == {"name": "steps", "tol": 0.5, "steps": 50}
    gd, adam = doc["runs"]
    assert set(gd) == {
        "optimizer",
        "label",
        "hyperparameters",
        "lrs",
        "values",
        "status",
        "best_lr",
        "best",
    }
    assert "lr" not in adam["hyperparameters"] and adam["hyperparameters"]["beta2"] == 0.99
    assert gd["values"][-1] is None and gd["status"][-1] == "diverged"
    assert gd["best"] == min(v for v in gd["values"] if v is not None)
    rows = sweep_rows(result)
    assert rows[0] == ("label", "optimizer", "lr", "value", "status", "best")
    assert len(rows) == 1 + 2 * 5
    assert sum(int(r[5]) for r in rows[1:]) == 2  # one best per optimizer


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr_range": (float("nan"), 1.0)}, "must be finite"),
        ({"lr_range": (0.1, float("inf"))}, "must be finite"),
        ({"lr_range": (1.0, 0.1)}, "needs LO < HI"),
        ({"lr_range": (0.1, 0.1)}, "needs LO < HI"),
        ({"lr_range": (0.0, 1.0)}, "must be positive"),
        ({"lr_range": (-1.0, 1.0)}, "must be positive"),
        ({"points": 1}, r"points must be a whole number in \[2, 1000\]"),
        ({"points": 1001}, r"points must be a whole number in \[2, 1000\]"),
    ],
)
def test_bad_ranges_and_point_counts_are_refused(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    setup = Setup("lecture-bowl", A, ("gd",), steps=5)
    with pytest.raises(OptiscopeError, match=message):
        sweep(setup, Metric("final-loss"), **kwargs)


@pytest.mark.parametrize(
    ("name", "tol", "message"),
    [
        ("speed", 0.01, "unknown metric 'speed'"),
        ("steps", 0.0, r"tol must be in \(0, 1\)"),
        ("steps", 1.0, r"tol must be in \(0, 1\)"),
        ("steps", float("nan"), "tol must be a finite number"),
    ],
)
def test_bad_metrics_are_refused(name: str, tol: float, message: str) -> None:
    with pytest.raises(OptiscopeError, match=message):
        Metric(name, tol)  # type: ignore[arg-type]


def test_a_spec_that_fixes_lr_is_refused_and_steps_needs_a_known_minimum() -> None:
    with pytest.raises(OptiscopeError, match=r"varies lr: leave it out of gd\(lr=0.1\)"):
        sweep(Setup("lecture-bowl", A, ("adam", "gd(lr=0.1)"), steps=5))

    class Unlisted(type(get_surface("round-bowl"))):  # type: ignore[misc]
        minima = ()  # a surface that knows no minimum

    with pytest.raises(OptiscopeError, match="no known minimum"):
        minimum_value(Unlisted())
    # A formula's f* is the lowest point found in its window.
    formula = Setup("x**2 + y", (1.0, 1.0), ("gd",), steps=5)
    assert sweep(formula, Metric("steps", 0.5), points=3).runs[0].values is not None


def test_lr_grid_ends_exactly_at_the_range() -> None:
    grid = lr_grid(0.003, 0.7, 13)
    assert (grid[0], grid[-1], len(grid)) == (0.003, 0.7, 13)
