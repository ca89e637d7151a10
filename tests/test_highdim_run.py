"""The recorded N-dimensional run and the basis lesson.

References are independent of the code under test: the 2-D ``Trajectory`` on an equivalent
surface, ``torch.optim`` in float64, closed forms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.highdim import run as run_module
from optiscope.core.highdim.basis import basis_dependence
from optiscope.core.highdim.problems import Quadratic
from optiscope.core.highdim.run import BLOCK, HighDimRun, horizon, parse_setup
from optiscope.core.highdim.views import top_k
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import Minimum
from optiscope.core.surfaces.common import FixedSurface, as_pair
from optiscope.core.trajectory import run as run_2d


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
