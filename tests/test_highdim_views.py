"""The N-dimensional view data: plane projections, top-k bars, loss curves.

References are independent of the code under test: closed forms, NumPy's own sorting.
(That the N-dimensional core loads no terminal library is checked for all of core in
test_packaging.)
"""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.highdim.problems import LogisticRegression, Quadratic
from optiscope.core.highdim.run import HighDimRun, parse_setup
from optiscope.core.highdim.views import (
    loss_curves,
    plane,
    projection,
    steps_to_tolerance,
    top_k,
)
from optiscope.core.specs import make_setup

# -- projection --------------------------------------------------------------------------------
PLANE_CASES = [
    (Quadratic(30, 100.0, True, 1), "eigen"),
    (Quadratic(30, 100.0, True, 1), "random"),
    (Quadratic(30, 100.0, False, 1), "random"),
    (LogisticRegression(150, 7, 1), "eigen"),
    (LogisticRegression(150, 7, 1), "random"),
]


@pytest.mark.parametrize(("problem", "basis"), PLANE_CASES, ids=lambda x: str(x))
def test_plane_loss_is_the_loss_at_origin_plus_a_u_plus_b_v(problem, basis) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(5)
    origin = problem.x0 + rng.standard_normal(problem.dim)
    pl = plane(problem, basis, seed=3, origin=origin)
    a, b = rng.standard_normal((4, 6)) * 2, rng.standard_normal((4, 6)) * 2
    points = origin + a[..., None] * pl.u + b[..., None] * pl.v
    np.testing.assert_allclose(pl.loss(a, b), problem.loss(points), rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(pl.u @ pl.u, 1.0, rtol=1e-14)
    np.testing.assert_allclose(pl.v @ pl.v, 1.0, rtol=1e-14)
    assert abs(pl.u @ pl.v) < 1e-14
    aa, bb, z = pl.grid((-1.0, 1.0), (-2.0, 2.0), n=9)
    assert aa.shape == bb.shape == z.shape == (9, 9)
    np.testing.assert_allclose(pl.coords(points), np.stack([a, b], axis=-1), atol=1e-12)
    np.testing.assert_allclose(pl.off_plane(points), 0.0, atol=1e-12)


def test_random_directions_are_seeded() -> None:
    q = Quadratic(40, 10.0, True, 0)
    one, again, other = plane(q, "random", 5), plane(q, "random", 5), plane(q, "random", 6)
    np.testing.assert_array_equal(one.u, again.u)
    np.testing.assert_array_equal(one.v, again.v)
    assert abs(one.u @ other.u) < 0.9


def test_eigen_plane_of_the_quadratic_is_its_top_two_curvatures() -> None:
    q = Quadratic(60, 1e3, True, 4)
    pl = plane(q, "eigen")
    lam = q.eigenvalues
    assert pl.curvatures == (lam[0], lam[1])
    a, b = np.meshgrid(np.linspace(-3, 3, 7), np.linspace(-2, 2, 5))
    np.testing.assert_allclose(pl.loss(a, b), 0.5 * (lam[0] * a**2 + lam[1] * b**2), rtol=1e-12)


def test_projected_gd_path_follows_the_closed_form_on_the_top_eigendirections() -> None:
    q = Quadratic(50, 100.0, True, 8)
    lr = 0.7
    r = HighDimRun(q, make_setup("gd", {"lr": lr}))
    r.extend(200)
    proj = projection(q, r, "eigen")
    k = np.arange(200)
    lam, z0 = q.eigenvalues, q.z0
    want = np.stack([(1 - lr * lam[0]) ** k * z0[0], (1 - lr * lam[1]) ** k * z0[1]], axis=1)
    np.testing.assert_allclose(proj.coords, want, rtol=1e-9, atol=1e-13)
    rest = np.sqrt(np.sum(((1 - lr * lam[2:, None]) ** k * z0[2:, None]) ** 2, axis=0))
    np.testing.assert_allclose(proj.off_plane, rest, rtol=1e-9)


def test_projection_of_several_runs_can_share_one_plane() -> None:
    q = Quadratic(20, 100.0, True, 0)
    runs = [HighDimRun(q, parse_setup(s, q)) for s in ("gd", "adam")]
    for r in runs:
        r.extend(30)
    pl = plane(q, "random", seed=2)
    coords = [projection(q, r, view=pl).coords for r in runs]
    assert all(c.shape == (30, 2) for c in coords)
    np.testing.assert_allclose(coords[0][0], coords[1][0])  # one start


# -- top-k and curves --------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["grad", "update", "effective_lr", "sqrt_s", "m"])
def test_top_k_returns_the_largest_magnitudes_with_their_indices(field: str) -> None:
    q = Quadratic(80, 1e3, True, 3)
    r = HighDimRun(q, make_setup("adam", {"lr": 0.05}))
    r.extend(20)
    rec = r[19]
    x = {
        "grad": rec.grad,
        "update": rec.update,
        "effective_lr": rec.effective_lr,
        "sqrt_s": np.sqrt(rec.state["v_hat"]),
        "m": rec.state["m"],
    }[field]
    for k in (1, 5, 80, 200):
        got = top_k(rec, field, k)
        want = np.argsort(-np.abs(x), kind="stable")[:k]
        np.testing.assert_array_equal(got.indices, want)
        np.testing.assert_array_equal(got.values, np.sort(np.abs(x))[::-1][:k])
        np.testing.assert_array_equal(got.signed, x[want])
    with pytest.raises(OptiscopeError):
        top_k(rec, field, 0)


def test_top_k_of_sqrt_s_needs_an_optimizer_that_keeps_one() -> None:
    q = Quadratic(5)
    r = HighDimRun(q, parse_setup("momentum", q))
    r.extend(2)
    with pytest.raises(OptiscopeError):
        top_k(r[1], "sqrt_s", 3)
    with pytest.raises(OptiscopeError):
        top_k(r[1], "nonsense", 3)
    assert list(top_k(r[1], "v", 2).indices) == list(np.argsort(-np.abs(r[1].state["v"]))[:2])


def test_loss_curves_and_steps_to_tolerance() -> None:
    q = Quadratic(10, 10.0, True, 0)
    runs = [HighDimRun(q, make_setup("gd", {"lr": lr})) for lr in (1.0, 0.1)]
    for r in runs:
        r.extend(100)
    curves = loss_curves(runs)
    assert [c.label for c in curves] == ["gd(lr=1)", "gd(lr=0.1)"]
    for c, r in zip(curves, runs, strict=True):
        assert c.gap is not None
        np.testing.assert_array_equal(c.gap, q.loss(r.column("params")))
    hit = steps_to_tolerance(runs[0], 1e-6)
    loss = runs[0].column("loss")
    assert hit is not None and loss[hit] <= 1e-6 * loss[0] < loss[hit - 1]


@pytest.mark.parametrize(
    ("name", "hp", "label"),
    [
        ("adam", {}, "√v̂"),
        ("adam", {"amsgrad": True}, "√v̂max"),
        ("adam", {"bias_correction": False}, "√v"),
        ("nadam", {}, "√v̂"),
    ],
)
def test_the_root_bars_show_the_second_moment_the_step_divides_by(
    name: str, hp: dict[str, object], label: str
) -> None:
    """Rebuild each step from the bars' √v̂ and m: AMSGrad's is √(vmax/(1−β₂ᵏ)), not √vmax."""
    q = Quadratic(30, 1e2, True, 2)
    r = HighDimRun(q, make_setup(name, {"lr": 0.05, **hp}))
    r.extend(25)
    for k in (0, 7, 24):
        rec = r[k]
        top = top_k(rec, "sqrt_s", 30)
        assert top.label == label
        root = np.empty(30)
        root[top.indices] = top.values
        count = rec.state["step"]
        if name == "nadam":
            np.testing.assert_allclose(root**2, rec.state["v"] / (1 - 0.999**count), rtol=1e-13)
            continue
        m = rec.state["m"] / (1 - 0.9**count) if hp.get("bias_correction", True) else rec.state["m"]
        np.testing.assert_allclose(rec.update, -0.05 * m / (root + 1e-8), rtol=1e-12)
