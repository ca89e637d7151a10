"""Sharpness beside every step: the closed-form λmax, each optimizer's stability threshold
against what its own runs do either side of it, Adam's and RMSprop's preconditioner against
the step they took, and a divergence that names its cause."""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.columns import record_columns, record_source
from optiscope.core.curvature import largest_preconditioned, largest_symmetric
from optiscope.core.export import csv_text
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import parse_optimizer
from optiscope.core.stability import PRECONDITIONED, SHARPNESS, THRESHOLD, rule_for
from optiscope.core.surfaces import get_surface
from optiscope.core.surfaces.formula import surface_from_text
from optiscope.core.trajectory import Trajectory, run

BOWL = get_surface("lecture-bowl")
A = (-4.7, -1.3)


def _run(spec: str, steps: int = 30, surface=BOWL, start=A, schedule=None) -> Trajectory:  # type: ignore[no-untyped-def]
    return run(surface, parse_optimizer(spec, surface), start, steps, schedule=schedule)


# -- λmax in closed form -----------------------------------------------------------------------
def test_largest_symmetric_equals_numpys_eigvalsh() -> None:
    rng = np.random.default_rng(0)
    m = rng.normal(size=(500, 2, 2)) * rng.choice([1e-6, 1.0, 1e6], size=(500, 1, 1))
    m = m + np.swapaxes(m, -1, -2)
    expected = np.linalg.eigvalsh(m)[:, -1]
    scale = np.abs(m).max(axis=(1, 2))
    assert np.all(np.abs(largest_symmetric(m) - expected) <= 1e-14 * scale)


def test_largest_preconditioned_equals_the_eigenvalues_of_the_explicit_product() -> None:
    rng = np.random.default_rng(1)
    h = rng.normal(size=(300, 2, 2))
    h = h + np.swapaxes(h, -1, -2)
    p = np.exp(rng.normal(size=(300, 2)) * 3)
    explicit = np.linalg.inv(p[:, :, None] * np.eye(2)) @ h
    expected = np.linalg.eigvals(explicit).real.max(axis=1)
    got = largest_preconditioned(h, p)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


# -- the preconditioner is what the step divides by ---------------------------------------------
ADAMS = [
    "adam(lr=0.05)",
    "adam(lr=0.05, amsgrad=true)",
    "adam(lr=0.05, bias_correction=false)",
    "adam(lr=0.02, beta1=0.5, beta2=0.9)",
    "adamw(lr=0.05, weight_decay=0)",
]


def _adam_p(traj: Trajectory) -> np.ndarray:
    """Cohen et al. 2022 write Adam as Δ = −η·P⁻¹·m with the raw m; P written out here."""
    hp = traj.setup.hyperparameters
    k = np.arange(1, len(traj) + 1)[:, None]
    second = traj.column("v_max" if hp["amsgrad"] else "v")
    if not hp.get("bias_correction", True):
        return np.sqrt(second) + hp["eps"]
    v_hat = second / (1 - hp["beta2"] ** k)
    return (1 - hp["beta1"] ** k) * (np.sqrt(v_hat) + hp["eps"])


@pytest.mark.parametrize("spec", ADAMS)
def test_adams_preconditioner_reproduces_its_steps(spec: str) -> None:
    traj = _run(spec, 60, get_surface("rosenbrock"), (-1.5, 2.0))
    p = _adam_p(traj)
    lr = traj.setup.hyperparameters["lr"]
    # AdamW forms its step as (p·(1 − η·λ) + step) − p: rounding at 1e-16 of p.
    expected = -lr * traj.column("m") / p
    np.testing.assert_allclose(traj.column("update"), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("spec", ADAMS)
def test_adams_preconditioned_sharpness_is_lambda_max_of_p_inverse_h(spec: str) -> None:
    surface = get_surface("rosenbrock")
    traj = _run(spec, 60, surface, (-1.5, 2.0))
    p = _adam_p(traj)
    params = traj.column("params")
    for k in range(0, len(traj), 7):
        h = surface.hessian(*params[k])
        expected = np.linalg.eigvals(np.diag(1.0 / p[k]) @ h).real.max()
        assert traj[k].stability[PRECONDITIONED] == pytest.approx(expected, rel=1e-10)
    beta1 = traj.setup.hyperparameters["beta1"]
    threshold = (2 + 2 * beta1) / ((1 - beta1) * traj.setup.hyperparameters["lr"])
    np.testing.assert_allclose(traj.column(THRESHOLD), threshold, rtol=1e-14)


@pytest.mark.parametrize("spec", ["rmsprop(lr=0.01)", "rmsprop(lr=0.01, centered=true)"])
def test_rmsprops_preconditioner_reproduces_its_steps(spec: str) -> None:
    surface = get_surface("rosenbrock")
    traj = _run(spec, 60, surface, (-1.5, 2.0))
    hp = traj.setup.hyperparameters
    s = traj.column("s")
    if hp["centered"]:
        s = s - traj.column("g_avg") ** 2
    p = np.sqrt(s) + hp["eps"]
    np.testing.assert_allclose(
        traj.column("update"), -hp["lr"] * traj.column("grad") / p, rtol=1e-12
    )
    params = traj.column("params")
    for k in (0, 13, 59):
        expected = np.linalg.eigvals(np.diag(1.0 / p[k]) @ surface.hessian(*params[k])).real.max()
        assert traj.column(PRECONDITIONED)[k] == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(traj.column(THRESHOLD), 2 / hp["lr"])


# -- thresholds against the optimizers' own dynamics --------------------------------------------
#: (spec with {lr}, the lr at which η·λmax meets the bound on the lecture bowl, λmax = 4)
BOUNDARIES = [
    ("gd(lr={lr})", 2 / 4),
    ("momentum(lr={lr}, beta=0.9)", (2 + 2 * 0.9) / (1 - 0.9) / 4),
    ("momentum(lr={lr}, beta=0.5)", (2 + 2 * 0.5) / (1 - 0.5) / 4),
    ("heavyball(lr={lr}, momentum=0.9)", 2 * 1.9 / 4),
    ("heavyball(lr={lr}, momentum=0.9, dampening=0.5)", 2 * 1.9 / 0.5 / 4),
    ("nesterov(lr={lr}, momentum=0.9)", 2 * 1.9 / 2.8 / 4),
]


@pytest.mark.parametrize(("spec", "lr_star"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_runs_converge_just_below_the_threshold_and_diverge_just_above(
    spec: str, lr_star: float
) -> None:
    below = _run(spec.format(lr=0.95 * lr_star), 3000)
    above = _run(spec.format(lr=1.05 * lr_star), 3000)
    assert below.status.kind != "diverged"
    assert below.column("loss")[-1] < 1e-6 * below.column("loss")[0]
    assert above.status.kind == "diverged"
    assert above.status.cause.startswith("η·λmax = ")
    # The column: the threshold sits where the sharpness (4) meets it at lr*.
    assert above.column(THRESHOLD)[0] * 1.05 == pytest.approx(4.0, rel=1e-12)
    np.testing.assert_array_equal(below.column(SHARPNESS)[:-1], 4.0)


def test_threshold_follows_the_lr_in_force_under_a_schedule() -> None:
    traj = _run("gd(lr=0.4)", 40, schedule=parse_schedule("cosine(T=60)"))
    np.testing.assert_allclose(traj.column(THRESHOLD), 2 / traj.column("lr"), rtol=1e-15)
    assert len(set(traj.column(THRESHOLD).tolist())) > 20


def test_no_threshold_where_none_is_known() -> None:
    assert rule_for("adagrad", {"lr": 0.1}) is None
    assert rule_for("gd", {"lr": 0.1, "weight_decay": 0.01}) is None
    assert rule_for("heavyball", {"lr": 0.1, "momentum": 0.9, "dampening": 1.0}) is None
    for spec in ("adagrad", "gd(weight_decay=0.1)", "signgd", "lion"):
        keys = [c.key for c in record_columns(_run(spec, 3))]
        assert SHARPNESS in keys and THRESHOLD not in keys and PRECONDITIONED not in keys, spec


# -- the columns in every view -----------------------------------------------------------------
def test_columns_are_named_once_for_the_table_csv_and_json() -> None:
    gd, adam = _run("gd(lr=0.4)", 3), _run("adam", 3)
    symbols = {c.key: c.symbol for c in record_columns(gd, "table")}
    assert symbols[SHARPNESS] == "λmax" and symbols[THRESHOLD] == "2/η"
    adam_symbols = {c.key: c.symbol for c in record_columns(adam, "table")}
    assert adam_symbols[PRECONDITIONED] == "λmax(P⁻¹H)" and adam_symbols[THRESHOLD] == "38/η"
    header = csv_text(BOWL, [gd, adam]).splitlines()[0].split(",")
    assert header[-4:] == [SHARPNESS, PRECONDITIONED, THRESHOLD, "lr"]
    step = gd[2]
    read = {c.key: c.read(record_source(step)) for c in record_columns(gd)}
    assert read[SHARPNESS] == 4.0 and read[THRESHOLD] == pytest.approx(5.0)


def test_a_surface_without_a_hessian_has_no_stability_columns() -> None:
    from optiscope.core.surfaces.base import Surface

    class NoHessian(Surface):
        name = title = formula = teaches = "plain"

        @property
        def domain(self):  # type: ignore[no-untyped-def]
            return ((-1.0, 1.0), (-1.0, 1.0))

        @property
        def minima(self):  # type: ignore[no-untyped-def]
            return ()

        @property
        def starts(self):  # type: ignore[no-untyped-def]
            return {"s": (0.5, 0.5)}

        def f(self, x, y):  # type: ignore[no-untyped-def]
            return x * x + y * y

        def grad(self, x, y):  # type: ignore[no-untyped-def]
            return 2 * x, 2 * y

    # η·λ = 2·2 = 4: it diverges, but without a Hessian the status can only say how.
    traj = _run("gd(lr=2)", 600, NoHessian(), (0.5, 0.5))
    assert traj.stability_names == [] and traj[1].stability == {}
    assert SHARPNESS not in [c.key for c in record_columns(traj)]
    assert traj.status.kind == "diverged" and traj.status.cause == ""
    assert traj.status.text() == f"diverged at step {traj.status.step} ({traj.status.reason})"


# -- a diverged status names its cause -------------------------------------------------------------
def test_gd_above_two_over_lambda_max_says_why_it_diverged() -> None:
    traj = _run("gd(lr=0.55)", 200)
    status = traj.status
    assert status.kind == "diverged" and status.reason
    # 0.55 · 4 = 2.2 > 2 from the first step on.
    assert status.text() == f"diverged at step {status.step}: η·λmax = 2.2 > 2 since step 0"


def test_warmup_crossing_the_threshold_names_the_step_it_crossed() -> None:
    """warmup(W=10) at lr 0.6: ηₜ = 0.6·(t+1)/10 passes 0.5 = 2/λmax at t = 8 (ηₜ = 0.54)."""
    traj = _run("gd(lr=0.6)", 400, schedule=parse_schedule("warmup(W=10)"))
    assert traj.status.cause == "η·λmax = 2.16 > 2 since step 8"


def test_momentum_names_its_own_bound() -> None:
    traj = _run("momentum(lr=10, beta=0.9)", 400)
    assert traj.status.cause == "η·λmax = 40 > 38 since step 0"


def test_a_divergence_for_another_reason_keeps_its_reason() -> None:
    """log(x) stepped into x < 0: the formula's domain, not instability (η·λmax < 2)."""
    surface = surface_from_text("log(x) + y**2", "0.01,3,-1,1")
    traj = _run("gd(lr=1)", 20, surface, (0.5, 0.1))
    assert traj.status.kind == "diverged" and traj.status.cause == ""
    assert "outside the formula's domain" in traj.status.text()


def test_a_stable_run_has_no_cause() -> None:
    traj = _run("gd(lr=0.45)", 100)
    assert traj.status.kind != "diverged" and traj.status.cause == ""
