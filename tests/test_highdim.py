"""The N-dimensional core: problems, the recorded run, the view data, the basis lesson.

References are independent of the code under test: the 2-D ``Trajectory`` on an equivalent
surface, ``torch.optim`` in float64, central differences, closed forms, NumPy's eigh.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.highdim import run as run_module
from optiscope.core.highdim.basis import basis_dependence
from optiscope.core.highdim.problems import LogisticRegression, Quadratic
from optiscope.core.highdim.run import BLOCK, HighDimRun, horizon, parse_setup
from optiscope.core.highdim.views import (
    loss_curves,
    plane,
    projection,
    steps_to_tolerance,
    top_k,
)
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import Minimum
from optiscope.core.surfaces.common import FixedSurface, as_pair
from optiscope.core.trajectory import run as run_2d


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


# -- per-coordinate numbers equal the 2-D core's -----------------------------------------------
class _AxisBowl(FixedSurface):
    """f = ½(λ₁x² + λ₂y²): Quadratic(dim=2, condition=10, rotated=False) as a 2-D surface."""

    name = "axis-bowl-test"
    title = "test bowl"
    formula = "½(x² + 0.1·y²)"
    teaches = ""
    LAMBDA = (1.0, 0.1)
    DOMAIN = ((-5.0, 5.0), (-5.0, 5.0))
    MINIMA = (Minimum((0.0, 0.0), 0.0),)
    STARTS: ClassVar[Mapping[str, tuple[float, float]]] = {"A": (1.0, 1.0)}

    def f(self, x, y):  # type: ignore[no-untyped-def]
        xa, ya = as_pair(x, y)
        return 0.5 * (self.LAMBDA[0] * xa * xa + self.LAMBDA[1] * ya * ya)

    def grad(self, x, y):  # type: ignore[no-untyped-def]
        xa, ya = as_pair(x, y)
        return self.LAMBDA[0] * xa, self.LAMBDA[1] * ya


PARITY_SPECS = [
    ("gd", {"lr": 0.5}),
    ("momentum", {"lr": 0.5}),
    ("heavyball", {"lr": 0.1}),
    ("nesterov", {"lr": 0.1}),
    ("adagrad", {"lr": 0.3}),
    ("rmsprop", {"lr": 0.05}),
    ("rmsprop", {"lr": 0.05, "centered": True, "momentum": 0.5}),
    ("adam", {"lr": 0.05}),
    ("adam", {"lr": 0.05, "amsgrad": True}),
    ("adamw", {"lr": 0.05}),
    ("adamax", {"lr": 0.05}),
    ("nadam", {"lr": 0.05}),
    ("adadelta", {"lr": 1.0}),
    ("signgd", {"lr": 0.05}),
    ("normgd", {"lr": 0.05}),
    ("lion", {"lr": 0.02}),
]


@pytest.mark.parametrize(("name", "hp"), PARITY_SPECS, ids=lambda x: str(x))
def test_two_dimensional_run_matches_the_2d_trajectory_bit_for_bit(
    name: str, hp: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny cache forces early blocks to be rebuilt by replay before they are compared.
    monkeypatch.setattr(run_module, "CACHE_BLOCKS", 1)
    q = Quadratic(dim=2, condition=10.0, rotated=False, seed=0)
    assert tuple(q.eigenvalues) == _AxisBowl.LAMBDA
    setup = make_setup(name, hp)
    steps = 3 * BLOCK + 5
    ours = HighDimRun(q, setup)
    ours.extend(steps + 1)
    start = (float(q.x0[0]), float(q.x0[1]))
    ref = run_2d(_AxisBowl(), setup, start, steps)
    assert len(ours) == len(ref) == steps + 1
    for k in range(len(ref)):
        a, b = ours[k], ref[k]
        np.testing.assert_array_equal(a.params, b.params)
        np.testing.assert_array_equal(a.grad, b.grad)
        np.testing.assert_array_equal(a.update, b.update)
        np.testing.assert_array_equal(a.effective_lr, b.effective_lr)
        assert a.lr == b.lr
        assert a.loss == pytest.approx(b.loss, rel=1e-15, abs=1e-300)
        assert a.state.keys() == b.state.keys()
        for key, value in b.state.items():
            np.testing.assert_array_equal(a.state[key], value, err_msg=f"{key} at {k}")


def test_scheduled_run_matches_the_2d_trajectory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "CACHE_BLOCKS", 1)
    q = Quadratic(dim=2, condition=10.0, rotated=False, seed=1)
    setup = make_setup("adam", {"lr": 0.1})
    schedule = parse_schedule("cosine(T=150, floor=0.1)")
    ours = HighDimRun(q, setup, schedule=schedule)
    ours.extend(201)
    ref = run_2d(_AxisBowl(), setup, (float(q.x0[0]), float(q.x0[1])), 200, schedule=schedule)
    np.testing.assert_array_equal(ours.column("lr"), ref.column("lr"))
    for k in (0, 70, 150, 199, 200):
        np.testing.assert_array_equal(ours[k].params, ref[k].params)
        np.testing.assert_array_equal(ours[k].update, ref[k].update)
        np.testing.assert_array_equal(ours[k].state["v"], ref[k].state["v"])
    assert ours[150].lr == pytest.approx(0.01, rel=1e-12)


def test_rmsprop_effective_lr_is_lr_over_root_s_plus_eps() -> None:
    q = Quadratic(dim=30, condition=100.0, rotated=True, seed=1)
    r = HighDimRun(q, make_setup("rmsprop", {"lr": 0.01, "eps": 1e-8}))
    r.extend(50)
    for k in (0, 1, 49):
        rec = r[k]
        want = 0.01 / (np.sqrt(rec.state["s"]) + 1e-8)
        np.testing.assert_allclose(rec.effective_lr, want, rtol=1e-14)
        bar = top_k(rec, "sqrt_s", 30)
        np.testing.assert_allclose(
            np.sort(bar.values)[::-1], np.sort(np.sqrt(rec.state["s"]))[::-1], rtol=0
        )


# -- torch.optim parity at D = 50 --------------------------------------------------------------
TORCH_CASES = [
    ("sgd", "gd", {"lr": 0.5}),
    ("sgd-momentum", "heavyball", {"lr": 0.05, "momentum": 0.9}),
    ("rmsprop", "rmsprop", {"lr": 0.01, "beta": 0.9, "eps": 1e-8}),
    ("adam", "adam", {"lr": 0.01}),
    ("adagrad", "adagrad", {"lr": 0.5}),
]
# Our state field for each torch state entry.
_TORCH_STATE = {
    "exp_avg": "m",
    "exp_avg_sq": "v",
    "square_avg": "s",
    "sum": "s",
    "momentum_buffer": "v",
}
_TORCH_KEYS = {
    "sgd-momentum": ("momentum_buffer",),
    "rmsprop": ("square_avg",),
    "adam": ("exp_avg", "exp_avg_sq"),
    "adagrad": ("sum",),
}
TORCH_STEPS = 300


@pytest.fixture
def torch_float64():  # type: ignore[no-untyped-def]
    torch = pytest.importorskip("torch")
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield torch
    torch.set_default_dtype(before)


def _torch_optimizer(torch, kind: str, hp: dict[str, float], params):  # type: ignore[no-untyped-def]
    optim = torch.optim
    if kind == "sgd":
        return optim.SGD(params, lr=hp["lr"], foreach=False)
    if kind == "sgd-momentum":
        return optim.SGD(params, lr=hp["lr"], momentum=hp["momentum"], foreach=False)
    if kind == "rmsprop":
        return optim.RMSprop(params, lr=hp["lr"], alpha=hp["beta"], eps=hp["eps"], foreach=False)
    if kind == "adam":
        return optim.Adam(params, lr=hp["lr"], foreach=False)
    return optim.Adagrad(params, lr=hp["lr"], foreach=False)


def _close(ours: np.ndarray, theirs: np.ndarray, scale: float) -> bool:
    """The tolerance of test_parity_torch: rounding and fused multiply-adds, nothing more."""
    return bool((np.abs(ours - theirs) <= 1e-12 * np.abs(theirs) + 1e-14 * scale).all())


@pytest.mark.parametrize(("kind", "name", "hp"), TORCH_CASES, ids=[c[0] for c in TORCH_CASES])
def test_every_recorded_step_at_d50_is_a_torch_optim_step(
    kind: str,
    name: str,
    hp: dict[str, float],
    torch_float64,  # type: ignore[no-untyped-def]
) -> None:
    """From each record's point and the state before it, torch.optim (autograd on the same
    quadratic) lands on our next point with our new state."""
    torch = torch_float64
    q = Quadratic(dim=50, condition=100.0, rotated=True, seed=11)
    ours = HighDimRun(q, make_setup(name, hp))
    ours.extend(TORCH_STEPS + 1)
    points = ours.column("params")
    a = torch.tensor(q.matrix)
    scale = float(np.max(np.abs(points)))
    before: dict[str, object] = {}
    for k in range(TORCH_STEPS):
        p = torch.tensor(points[k], requires_grad=True)
        opt = _torch_optimizer(torch, kind, hp, [p])
        if k > 0 and kind != "sgd":
            state = {key: torch.tensor(before[_TORCH_STATE[key]]) for key in _TORCH_KEYS[kind]}
            if kind != "sgd-momentum":
                state["step"] = torch.tensor(float(k))
            opt.state[p] = state
        (0.5 * p @ (a @ p)).backward()
        opt.step()
        assert _close(points[k + 1], p.detach().numpy(), scale), (kind, k)
        rec = ours[k]
        assert rec.state["step"] == k + 1
        for key, value in opt.state[p].items():
            if key in _TORCH_STATE:
                theirs = value.numpy()
                mine = rec.state[_TORCH_STATE[key]]
                assert _close(mine, theirs, float(np.max(np.abs(theirs)))), (kind, k, key)
        before = rec.state


@pytest.mark.parametrize(
    ("kind", "name", "hp"),
    # RMSprop at a constant lr is left out: on this quadratic a 1e-13 nudge of the start
    # moves torch's own run by ~4e-7 relative within 300 steps (it cycles sign-like near the
    # minimum), so no free-running re-implementation can track it to 1e-9. The test above
    # covers its every step.
    [c for c in TORCH_CASES if c[0] != "rmsprop"],
    ids=[c[0] for c in TORCH_CASES if c[0] != "rmsprop"],
)
def test_fifty_dimensional_run_tracks_torch_optim_free_running(
    kind: str,
    name: str,
    hp: dict[str, float],
    torch_float64,  # type: ignore[no-untyped-def]
) -> None:
    torch = torch_float64
    q = Quadratic(dim=50, condition=100.0, rotated=True, seed=11)
    ours = HighDimRun(q, make_setup(name, hp))
    ours.extend(TORCH_STEPS + 1)
    a = torch.tensor(q.matrix)
    p = torch.tensor(q.x0, requires_grad=True)
    opt = _torch_optimizer(torch, kind, hp, [p])
    theirs = [p.detach().clone().numpy()]
    for _ in range(TORCH_STEPS):
        opt.zero_grad()
        (0.5 * p @ (a @ p)).backward()
        opt.step()
        theirs.append(p.detach().clone().numpy())
    want = np.array(theirs)
    scale = float(np.max(np.abs(want)))
    np.testing.assert_allclose(ours.column("params"), want, rtol=1e-9, atol=1e-12 * scale)


# -- the recorded run --------------------------------------------------------------------------
def test_replayed_blocks_equal_the_recorded_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    q = Quadratic(dim=50, condition=1e3, rotated=True, seed=3)
    setup = make_setup("adam", {"lr": 0.02})
    kept = HighDimRun(q, setup)
    monkeypatch.setattr(run_module, "CACHE_BLOCKS", 10**6)
    kept.extend(10 * BLOCK)
    reference = [kept[k] for k in range(len(kept))]
    monkeypatch.setattr(run_module, "CACHE_BLOCKS", 1)
    replayed = HighDimRun(q, setup)
    replayed.extend(10 * BLOCK)
    params = replayed.column("params")
    for k in reversed(range(len(replayed) - 1)):
        rec, ref = replayed[k], reference[k]
        for field in ("params", "grad", "update", "effective_lr"):
            np.testing.assert_array_equal(getattr(rec, field), getattr(ref, field))
        for key in ref.state:
            np.testing.assert_array_equal(rec.state[key], ref.state[key])
        np.testing.assert_array_equal(rec.params + rec.update, params[k + 1])
    assert len(replayed._cache) <= 1


def test_extending_in_pieces_equals_extending_at_once() -> None:
    q = Quadratic(dim=20, condition=100.0, rotated=True, seed=0)
    setup = make_setup("rmsprop", {"lr": 0.01})
    whole, pieces = HighDimRun(q, setup), HighDimRun(q, setup)
    whole.extend(300)
    for n in (1, 2, 61, 1, 64, 100, 71):
        pieces.extend(n)
    np.testing.assert_array_equal(pieces.column("params"), whole.column("params"))
    # The loss is evaluated a chunk at a time through BLAS, whose rounding may depend on
    # the chunk's row count: equal to the last bit or one ulp away.
    np.testing.assert_allclose(pieces.column("loss"), whole.column("loss"), rtol=4e-16)


def test_diverging_run_stops_at_the_first_bad_record() -> None:
    q = Quadratic(dim=10, condition=10.0, rotated=True, seed=0)
    r = HighDimRun(q, make_setup("gd", {"lr": 2.5}))  # λmax = 1: stable only below 2
    added = r.extend(1000)
    assert r.status.kind == "diverged"
    assert r.status.step == len(r) - 1 == added - 1
    away = np.linalg.norm(r.column("params") - q.x0, axis=1)
    reach = 1e3 * np.linalg.norm(q.x0)
    assert away[-1] > reach >= away[-2]
    assert r.extend(10) == 0


def test_overflow_is_reported_without_warnings() -> None:
    q = Quadratic(dim=4, condition=10.0, seed=0)
    r = HighDimRun(q, make_setup("gd", {"lr": 1e308}))
    r.extend(10)
    assert r.status.kind == "diverged"
    assert r.status.step == 1


def test_converged_status_uses_the_exact_gradient_norm() -> None:
    q = Quadratic(dim=10, condition=10.0, rotated=True, seed=0)
    r = HighDimRun(q, make_setup("gd", {"lr": 1.0}), gtol=1e-6)
    r.extend(500)
    assert r.status.kind == "converged"
    k = r.status.step
    assert k is not None and k > 0
    norms = np.linalg.norm(q.grad(r.column("params")), axis=1)
    assert norms[k] <= 1e-6 < norms[k - 1]
    assert len(r) == 500  # converging does not stop the run, as in 2-D


def test_effective_lr_is_nan_for_zero_over_zero() -> None:
    q = Quadratic(dim=6, condition=10.0, seed=0)
    start = q.x0.copy()
    start[2] = 0.0  # unrotated: coordinate 2 has zero gradient and sign-GD leaves it there
    r = HighDimRun(q, make_setup("signgd", {"lr": 0.01}), start)
    r.extend(5)
    rec = r[3]
    assert rec.grad[2] == 0.0 and rec.update[2] == 0.0
    assert np.isnan(rec.effective_lr[2])
    assert np.isfinite(np.delete(rec.effective_lr, 2)).all()
    bars = top_k(rec, "effective_lr", 6)
    assert bars.indices[-1] == 2 and np.isnan(bars.values[-1])


def test_horizon_caps_records_and_memory_stays_bounded() -> None:
    assert horizon(1000) == 10_000
    assert horizon(50) == 100_000
    q = Quadratic(dim=1000, condition=100.0, rotated=False, seed=0)
    r = HighDimRun(q, make_setup("adam", {"lr": 0.01}), max_records=1500)
    assert r.extend(2000) == 1500
    assert r.at_horizon and len(r) == 1500 and r.extend(1) == 0
    for k in range(0, 1500, 7):
        r[k]
    assert len(r._cache) <= run_module.CACHE_BLOCKS
    dense = 1500 * 1000 * 8 * 4  # g, Δ, m, v for every record
    points = (1500 + 1) * 1000 * 8
    blocks = (run_module.CACHE_BLOCKS + 1) * BLOCK * 1000 * 8 * 4
    checkpoints = math.ceil(1500 / BLOCK) * 1000 * 8 * 2
    assert r.nbytes <= 1.05 * (points + blocks + checkpoints) < dense
    with pytest.raises(OptiscopeError):
        HighDimRun(q, make_setup("gd"), max_records=10_001)


def test_parse_setup_takes_the_problem_learning_rate_unless_given() -> None:
    q = Quadratic(dim=5)
    gd = parse_setup("gd", q)
    assert gd.hyperparameters["lr"] == 1.0 and gd.label == "gd"
    adam = parse_setup("adam(lr=0.2)", q)
    assert adam.hyperparameters["lr"] == 0.2 and adam.label == "adam(lr=0.2)"
    with pytest.raises(OptiscopeError):
        parse_setup("nope", q)


def test_start_must_match_the_dimension() -> None:
    q = Quadratic(dim=5)
    with pytest.raises(OptiscopeError):
        HighDimRun(q, make_setup("gd"), np.zeros(4))
    with pytest.raises(OptiscopeError):
        HighDimRun(q, make_setup("gd"), [0, 0, 0, 0, math.nan])


# -- the basis lesson --------------------------------------------------------------------------
def test_gd_ignores_the_basis_while_rmsprop_depends_on_it() -> None:
    rows = {
        r.label: r
        for r in basis_dependence(
            ("gd(lr=1)", "rmsprop(lr=0.01)", "adagrad(lr=1)"), dim=50, condition=1e4, seed=1
        )
    }
    gd = rows["gd(lr=1)"]
    assert gd.unrotated is not None and gd.rotated is not None
    assert abs(gd.unrotated - gd.rotated) <= 1
    for label in ("rmsprop(lr=0.01)", "adagrad(lr=1)"):
        row = rows[label]
        assert row.unrotated is not None
        assert row.rotated is None or row.rotated > 3 * row.unrotated


def test_gd_path_in_the_rotated_basis_is_the_unrotated_path_turned() -> None:
    plain, turned = Quadratic(30, 1e3, False, 2), Quadratic(30, 1e3, True, 2)
    setup = make_setup("gd", {"lr": 1.0})
    a, b = HighDimRun(plain, setup), HighDimRun(turned, setup)
    a.extend(400)
    b.extend(400)
    back = b.column("params") @ turned.eigenvectors
    np.testing.assert_allclose(back, a.column("params"), rtol=1e-9, atol=1e-12)


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


def test_the_highdim_core_loads_no_terminal_library() -> None:
    code = (
        "import sys, optiscope.core.highdim.problems, optiscope.core.highdim.run, "
        "optiscope.core.highdim.views, optiscope.core.highdim.basis\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'plotext', 'textual_plotext', 'torch'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
