"""The core pieces of the high-dimensional view: problem specs, the plane as a 2-D surface
and the basis report's words, each checked against an independent computation."""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.contours import contour_levels
from optiscope.core.errors import OptiscopeError
from optiscope.core.highdim.basis_story import CountRow, measure_basis, rotation_finding
from optiscope.core.highdim.plane_surface import plane_surface
from optiscope.core.highdim.problems import LogisticRegression, Quadratic
from optiscope.core.highdim.spec import (
    parse_problem,
    problem_spec,
    problem_summary,
    with_rotation,
)
from optiscope.core.highdim.views import plane


@pytest.mark.parametrize(
    "text",
    [
        "quadratic(dim=40, condition=1e3, rotated=true, seed=7)",
        "logreg(n_samples=120, n_features=6, batch_size=16, seed=2)",
        "Logistic_Regression",
        "quad",
    ],
)
def test_a_problem_spec_round_trips(text: str) -> None:
    problem = parse_problem(text)
    again = parse_problem(problem_spec(problem))
    assert type(again) is type(problem) and again.settings == problem.settings
    np.testing.assert_array_equal(again.x0, problem.x0)


def test_spec_settings_reach_the_problem() -> None:
    q = parse_problem("quadratic(dim=40, condition=1e3, rotated=true, seed=7)")
    assert isinstance(q, Quadratic)
    assert (q.dim, q.condition, q.rotated, q.seed) == (40, 1000.0, True, 7)
    lr = parse_problem("logreg(n_samples=120, n_features=6, batch_size=16)")
    assert isinstance(lr, LogisticRegression) and (lr.dim, lr.batch_size) == (7, 16)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cubic", "unknown problem 'cubic'"),
        ("quadratic(dim=1)", "dim must be in [2, 1000]"),
        ("quadratic(kappa=3)", "has no setting 'kappa'"),
        ("quadratic(dim=3", "cannot read problem spec"),
        ("logreg(batch_size=-1)", "batch_size must be in"),
    ],
)
def test_bad_specs_raise_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(OptiscopeError) as info:
        parse_problem(text)
    assert message in str(info.value)


def test_summary_names_dimension_condition_and_basis() -> None:
    q = Quadratic(30, 1e6, True, 4)
    assert problem_summary(q) == (
        "N-dimensional quadratic: D = 30, κ = 1e+06, rotated by a random orthogonal Q (seed 4)"
    )
    flat = with_rotation(q, False)
    assert not flat.rotated and np.array_equal(flat.eigenvalues, q.eigenvalues)
    np.testing.assert_allclose(flat.x0, q.eigenvectors.T @ q.x0, atol=1e-12)


@pytest.mark.parametrize("basis", ["eigen", "random"])
@pytest.mark.parametrize("rotated", [False, True])
def test_plane_surface_is_the_loss_and_projected_gradient_in_the_plane(
    basis: str, rotated: bool
) -> None:
    q = Quadratic(25, 100.0, rotated, 1)
    view = plane(q, basis, seed=3)  # type: ignore[arg-type]
    surface = plane_surface(q, view, ((-2.0, 2.0), (-1.0, 1.0)))
    a = np.array([[0.3, -1.2], [1.5, 0.0]])
    b = np.array([[0.7, 0.1], [-0.4, 0.9]])
    points = view.origin + a[..., None] * view.u + b[..., None] * view.v
    np.testing.assert_allclose(surface.f(a, b), q.loss(points), rtol=1e-12, atol=1e-15)
    ga, gb = surface.grad(a, b)
    h = 1e-6
    np.testing.assert_allclose(ga, (surface.f(a + h, b) - surface.f(a - h, b)) / (2 * h), atol=1e-7)
    np.testing.assert_allclose(gb, (surface.f(a, b + h) - surface.f(a, b - h)) / (2 * h), atol=1e-7)
    ((ma, mb),) = [m.point for m in surface.minima]
    assert (ma, mb) == (0.0, 0.0) and surface.minima[0].value == 0.0
    assert surface.starts["x0"] == tuple(view.coords(q.x0).tolist())
    assert surface.coords == (("e₁", "e₂") if basis == "eigen" else ("r₁", "r₂"))
    assert contour_levels(surface, surface.domain, 8).size == 8


def test_logistic_plane_surface_has_its_minimum_at_the_origin() -> None:
    lr = LogisticRegression(n_samples=80, n_features=4)
    view = plane(lr, "eigen")
    surface = plane_surface(lr, view, ((-1.0, 1.0), (-1.0, 1.0)))
    assert surface.minima[0].point == (0.0, 0.0)
    ga, gb = surface.grad(0.0, 0.0)
    assert abs(float(ga)) < 1e-8 and abs(float(gb)) < 1e-8


def test_rotation_finding_reports_what_was_measured() -> None:
    rows = [
        CountRow("gd", (100, 100)),
        CountRow("adam", (10, 50)),
        CountRow("adagrad", (4, 400)),
        CountRow("sign", (30, None)),
    ]
    assert rotation_finding(rows, 1000) == (
        "Measured: rotation leaves gd unchanged; costs adagrad 100× the steps; "
        "keeps sign from the tolerance within 1,000 steps."
    )


def test_measure_basis_on_a_small_quadratic_counts_gd_the_same_in_both_bases() -> None:
    q = Quadratic(10, 100.0, False, 0)
    report = measure_basis(q, ["gd(lr=1)", "adagrad(lr=1)"], 1e-6, 5000)
    gd, adagrad = report.rows
    # GD at η = 1: the slowest eigen-coordinate shrinks by (1 − 1/κ) per step; the gap is a
    # sum of such decays, so the count is the closed-form first t with gap(t) ≤ 1e-6 gap(0).
    lam, z0 = q.eigenvalues, q.z0
    gaps = [float(0.5 * ((z0 * (1 - lam) ** t) ** 2) @ lam) for t in range(5000)]
    first = next(t for t, g in enumerate(gaps) if g <= 1e-6 * gaps[0])
    assert gd.counts == (first, first)
    assert adagrad.counts[0] is not None and adagrad.counts[1] is not None
    assert adagrad.counts[0] < adagrad.counts[1]
