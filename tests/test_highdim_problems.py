"""The N-dimensional problems: the quadratic and logistic regression.

References are independent of the code under test: central differences, closed forms,
NumPy's eigh.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.highdim.problems import LogisticRegression, Quadratic
from optiscope.core.highdim.run import HighDimRun, parse_setup
from optiscope.core.highdim.views import plane


def _central_diff(f, p: np.ndarray, h: float) -> np.ndarray:  # type: ignore[no-untyped-def]
    out = np.empty_like(p)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        out[i] = (f(p + e) - f(p - e)) / (2 * h)
    return out


# -- the quadratic -----------------------------------------------------------------------------
@pytest.mark.parametrize("rotated", [False, True])
def test_quadratic_gradient_matches_central_differences(rotated: bool) -> None:
    q = Quadratic(dim=12, condition=50.0, rotated=rotated, seed=3)
    rng = np.random.default_rng(0)
    for p in (q.x0, rng.standard_normal(12) * 3):
        fd = _central_diff(lambda x: float(q.loss(x)), p, 1e-4)
        # f is quadratic: central differences are exact but for rounding.
        np.testing.assert_allclose(q.grad(p), fd, rtol=1e-7, atol=1e-9)


def test_quadratic_functions_broadcast_over_leading_axes() -> None:
    q = Quadratic(dim=5, condition=10.0, rotated=True, seed=1)
    pts = np.random.default_rng(1).standard_normal((3, 4, 5))
    assert q.loss(pts).shape == (3, 4)
    assert q.grad(pts).shape == (3, 4, 5)
    np.testing.assert_allclose(q.loss(pts)[2, 1], q.loss(pts[2, 1]), rtol=1e-14)
    np.testing.assert_allclose(q.grad(pts)[2, 1], q.grad(pts[2, 1]), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("rotated", [False, True])
def test_eigen_decomposition_reproduces_the_hessian(rotated: bool) -> None:
    q = Quadratic(dim=40, condition=1e3, rotated=rotated, seed=5)
    lam, vecs = q.curvature()
    a = q.matrix
    np.testing.assert_allclose(vecs @ np.diag(lam) @ vecs.T, a, atol=1e-13)
    np.testing.assert_allclose(a @ vecs, vecs * lam, atol=1e-13)
    # An independent decomposition finds the same spectrum.
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(a))[::-1], lam, rtol=1e-10)
    # The Hessian is the matrix of the gradient map: ∇f(p) = A·(p − p*).
    p = np.random.default_rng(2).standard_normal(40)
    np.testing.assert_allclose(q.grad(p), a @ p, rtol=1e-12, atol=1e-14)


def test_eigenvalues_are_log_spaced_from_one_down_to_one_over_condition() -> None:
    q = Quadratic(dim=7, condition=1e6)
    assert q.eigenvalues[0] == 1.0
    assert q.eigenvalues[-1] == pytest.approx(1e-6, rel=1e-14)
    ratios = q.eigenvalues[1:] / q.eigenvalues[:-1]
    np.testing.assert_allclose(ratios, 10.0**-1, rtol=1e-12)


def test_rotation_is_a_seeded_orthogonal_matrix() -> None:
    q = Quadratic(dim=30, condition=10.0, rotated=True, seed=7)
    qm = q.eigenvectors
    np.testing.assert_allclose(qm.T @ qm, np.eye(30), atol=1e-13)
    assert abs(abs(np.linalg.det(qm)) - 1.0) < 1e-12
    assert not np.allclose(qm, np.eye(30), atol=0.1)
    np.testing.assert_array_equal(Quadratic(30, 10.0, True, 7).eigenvectors, qm)
    assert not np.allclose(Quadratic(30, 10.0, True, 8).eigenvectors, qm)


def test_loss_is_zero_at_the_minimum_and_positive_elsewhere() -> None:
    q = Quadratic(dim=25, condition=1e4, rotated=True, seed=2)
    assert q.f_min == 0.0
    assert float(q.loss(q.p_star)) == 0.0
    np.testing.assert_array_equal(q.grad(q.p_star), np.zeros(25))
    pts = np.random.default_rng(3).standard_normal((100, 25)) * 1e-6
    assert (q.loss(pts) > 0).all()
    x0 = q.x0
    assert float(q.loss(x0)) == pytest.approx(0.5 * x0 @ q.matrix @ x0, rel=1e-12)


def test_rotated_and_unrotated_share_the_start_in_eigen_coordinates() -> None:
    plain, turned = Quadratic(20, 100.0, False, 4), Quadratic(20, 100.0, True, 4)
    np.testing.assert_allclose(turned.eigenvectors.T @ turned.x0, plain.x0, rtol=1e-12)
    assert float(turned.loss(turned.x0)) == pytest.approx(float(plain.loss(plain.x0)), rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dim": 1},
        {"dim": 1001},
        {"dim": 2.5},
        {"dim": math.inf},
        {"condition": 0.5},
        {"condition": math.inf},
        {"condition": math.nan},
        {"seed": -1},
    ],
)
def test_quadratic_rejects_bad_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(OptiscopeError):
        Quadratic(**kwargs)  # type: ignore[arg-type]


# -- logistic regression -----------------------------------------------------------------------
def test_logistic_gradient_matches_central_differences() -> None:
    lr = LogisticRegression(n_samples=200, n_features=6, seed=1)
    rng = np.random.default_rng(0)
    for p in (lr.x0, rng.standard_normal(7), lr.p_star + 0.1):
        fd = _central_diff(lambda x: float(lr.loss(x)), p, 1e-5)
        np.testing.assert_allclose(lr.grad(p), fd, rtol=1e-6, atol=1e-9)


def test_minibatch_gradient_is_the_gradient_of_the_batch_loss() -> None:
    lr = LogisticRegression(n_samples=200, n_features=4, seed=2, batch_size=16)
    idx = lr.batch(t=5, seed=9)
    x, y = lr.X[idx], lr.y[idx]

    def batch_loss(p: np.ndarray) -> float:
        return float(np.mean(np.log1p(np.exp(-y * (x @ p)))) + 0.5 * lr.l2 * p @ p)

    p = np.random.default_rng(1).standard_normal(5) * 0.3
    fd = _central_diff(batch_loss, p, 1e-5)
    np.testing.assert_allclose(lr.grad_at_step(p, 5, 9), fd, rtol=1e-6, atol=1e-9)


def test_minibatches_are_fixed_by_seed_and_step_and_shared_across_optimizers() -> None:
    lr = LogisticRegression(n_samples=300, n_features=5, seed=0, batch_size=20)
    assert lr.stochastic
    np.testing.assert_array_equal(lr.batch(3, 4), lr.batch(3, 4))
    assert not np.array_equal(lr.batch(3, 4), lr.batch(4, 4))
    assert not np.array_equal(lr.batch(3, 4), lr.batch(3, 5))
    assert len(set(lr.batch(3, 4).tolist())) == 20
    runs = [HighDimRun(lr, parse_setup(s, lr), seed=4) for s in ("gd", "adam", "rmsprop")]
    for r in reversed(runs):  # order of running must not matter
        r.extend(40)
    for r in runs:
        for t in (0, 17, 39):
            rec = r[t]
            idx = lr.batch(t, 4)
            x, y = lr.X[idx], lr.y[idx]
            s = 1.0 / (1.0 + np.exp(y * (x @ rec.params)))
            want = -(y * s) @ x / len(idx) + lr.l2 * rec.params
            np.testing.assert_allclose(rec.grad, want, rtol=1e-12, atol=1e-15)
            full = np.linalg.norm(lr.grad(rec.params))
            assert rec.grad_norm == pytest.approx(full, rel=1e-12)


def test_logistic_has_no_overflow_warnings_at_large_weights() -> None:
    lr = LogisticRegression(n_samples=100, n_features=8, seed=3)
    for p in (1e3 * np.ones(9), -1e3 * np.ones(9), 1e6 * np.ones(9)):
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss = lr.loss(p)
            g = lr.grad(p)
            h = lr.hessian(p)
            flat = plane(lr, "random", seed=1, origin=p).loss(np.array([0.0, 1.0]), 2.0)
        assert np.isfinite(loss) and np.isfinite(g).all() and np.isfinite(h).all()
        assert np.isfinite(flat).all()
        # Far out the loss is (almost) linear in p: mean max(0, −y·z) + ½·l2·‖p‖².
        z = lr.X @ p
        hinge = float(np.mean(np.maximum(0.0, -lr.y * z)) + 0.5 * lr.l2 * p @ p)
        assert float(loss) == pytest.approx(hinge, rel=1e-6)


def test_logistic_minimum_is_a_true_minimum() -> None:
    lr = LogisticRegression(n_samples=400, n_features=10, seed=4, l2=1e-3)
    assert lr.f_min is not None and lr.p_star is not None
    assert float(lr.loss(lr.p_star)) == lr.f_min
    assert np.linalg.norm(lr.grad(lr.p_star)) < 1e-12
    assert (np.linalg.eigvalsh(lr.hessian(lr.p_star)) > 0).all()
    nearby = lr.p_star + 1e-3 * np.random.default_rng(0).standard_normal((50, 11))
    assert (lr.loss(nearby) > lr.f_min).all()
    # A long full-batch GD run from an unrelated start settles at the same value.
    gd = HighDimRun(lr, parse_setup("gd", lr), start=np.full(11, 0.5))
    gd.extend(20_000)
    assert gd[-1].loss - lr.f_min < 1e-8


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch_size": 501},
        {"l2": 0.0},
        {"label_noise": 0.5},
        {"n_features": 0},
        {"n_samples": 5},
        {"spread": 0.5},
    ],
)
def test_logistic_rejects_bad_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(OptiscopeError):
        LogisticRegression(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "problem", [Quadratic(30, 100.0, True, 1), LogisticRegression(150, 7, 1)], ids=repr
)
def test_a_problem_reads_as_the_call_that_builds_it(problem) -> None:  # type: ignore[no-untyped-def]
    text = repr(problem)
    assert text.startswith(f"{type(problem).__name__}(") and "object at" not in text
    for key, value in problem.settings.items():
        assert f"{key}={value!r}" in text
    again = type(problem)(**problem.settings)
    np.testing.assert_array_equal(again.x0, problem.x0)


# -- curvature: Hessian, Hessian-vector products, sharpness -------------------------------------
@pytest.mark.parametrize("rotated", [False, True])
def test_quadratic_sharpness_is_its_top_eigenvalue_everywhere(rotated: bool) -> None:
    q = Quadratic(dim=12, condition=50.0, rotated=rotated, seed=3)
    points = np.random.default_rng(0).normal(size=(4, 5, 12))
    expected = np.linalg.eigvalsh(q.matrix)[-1]
    np.testing.assert_allclose(q.sharpness(points), np.full((4, 5), expected), rtol=1e-12)
    v = np.random.default_rng(1).normal(size=(5, 12))
    np.testing.assert_allclose(q.hvp(points[0], v), v @ q.matrix, rtol=1e-12, atol=1e-14)


def test_logistic_hvp_is_the_hessian_times_the_vector() -> None:
    p = LogisticRegression(n_samples=80, n_features=6, seed=2)
    rng = np.random.default_rng(4)
    points, vectors = rng.normal(size=(7, p.dim)), rng.normal(size=(7, p.dim))
    for x, v in zip(points, vectors, strict=True):
        np.testing.assert_allclose(p.hvp(x, v), p.hessian(x) @ v, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        p.hvp(points, vectors), np.einsum("nij,nj->ni", [p.hessian(x) for x in points], vectors)
    )


def test_logistic_hessian_matches_central_differences_of_its_gradient() -> None:
    p = LogisticRegression(n_samples=60, n_features=4, seed=5)
    x = np.random.default_rng(6).normal(size=p.dim)
    h = 1e-5
    numeric = np.column_stack(
        [(p.grad(x + h * e) - p.grad(x - h * e)) / (2 * h) for e in np.eye(p.dim)]
    )
    np.testing.assert_allclose(p.hessian(x), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "settings",
    [
        {"n_samples": 50, "n_features": 3},
        {"n_samples": 200, "n_features": 12, "spread": 1.0},  # a small eigengap: 0.95
        {"n_samples": 300, "n_features": 20, "spread": 100.0, "l2": 1e-3},
        {"n_samples": 400, "n_features": 100, "spread": 1.0},  # D = 101: fewer steps than D
    ],
)
def test_logistic_sharpness_from_hessian_vector_products_equals_eigvalsh(
    settings: dict[str, float],
) -> None:
    p = LogisticRegression(**settings)  # type: ignore[arg-type]
    rng = np.random.default_rng(7)
    points = p.minimiser + rng.normal(size=(3, 4, p.dim))
    expected = np.array([[np.linalg.eigvalsh(p.hessian(x))[-1] for x in row] for row in points])

    def no_matrix(x: object) -> None:
        raise AssertionError("sharpness must not form the Hessian")

    p.hessian = no_matrix  # type: ignore[method-assign,assignment]
    np.testing.assert_allclose(p.sharpness(points), expected, rtol=1e-10)
