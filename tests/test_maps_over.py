"""Maps over (lr, β): every cell is the recorded run at its (lr, β) bit for bit, and on the
lecture bowl the cells agree with the closed-form stability boundaries, which are checked
against the spectral radius of each method's iteration matrix."""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.maps.over import (
    BETA_NAMES,
    CELL_CLASSES,
    beta_grid,
    compute_over,
    lr_axis,
)
from optiscope.core.maps.stability import quadratic_hessian, stability_boundary
from optiscope.core.metrics import steps_to_settle
from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import OptimizerSetup, parse_optimizer
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import run

DIVERGED = CELL_CLASSES.index("diverged")


def _iteration_radius(name: str, lr: float, beta: float, lam: float, damp: float = 0.0) -> float:
    """Spectral radius of the linear map one step applies to (p, v) along an eigenvector with
    eigenvalue λ, written from each update rule (not from the closed forms)."""
    if name == "gd":
        matrix = np.array([[1.0 - lr * lam]])
    elif name == "momentum":  # v' = βv + (1−β)λp, p' = p − ηv'
        matrix = np.array([[1.0 - lr * (1 - beta) * lam, -lr * beta], [(1 - beta) * lam, beta]])
    elif name == "heavyball":  # v' = μv + (1−τ)λp, p' = p − ηv'
        matrix = np.array([[1.0 - lr * (1 - damp) * lam, -lr * beta], [(1 - damp) * lam, beta]])
    else:  # nesterov: v' = μv + λp, p' = p − η(λp + μv')
        matrix = np.array([[1.0 - lr * lam * (1 + beta), -lr * beta * beta], [lam, beta]])
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


@pytest.mark.parametrize(
    "spec", ["gd", "momentum", "heavyball", "heavyball(dampening=0.4)", "nesterov"]
)
def test_closed_forms_match_the_iteration_matrices_spectral_radius(spec: str) -> None:
    bowl = get_surface("lecture-bowl")
    setup = parse_optimizer(spec, bowl)
    boundary = stability_boundary(bowl, setup)
    assert boundary is not None and boundary.lam_max == pytest.approx(4.0)
    damp = float(setup.hyperparameters.get("dampening", 0.0))
    for beta in (0.0, 0.3, 0.9, 0.99):
        limit = float(boundary.lr_limit(None if setup.name == "gd" else beta))
        for factor, stable in ((0.98, True), (1.02, False)):
            radius = _iteration_radius(setup.name, factor * limit, beta, 4.0, damp)
            assert (radius < 1) is stable, (spec, beta, factor, radius)


def test_the_hessian_is_found_on_quadratics_only() -> None:
    booth = quadratic_hessian(get_surface("booth"))
    assert booth is not None
    np.testing.assert_allclose(booth, [[10.0, 8.0], [8.0, 10.0]], rtol=1e-12)
    assert quadratic_hessian(get_surface("rosenbrock")) is None
    assert quadratic_hessian(get_surface("himmelblau")) is None
    assert stability_boundary(get_surface("booth"), parse_optimizer("adam")) is None
    cosine = parse_schedule("cosine(T=100)")
    assert stability_boundary(get_surface("booth"), parse_optimizer("gd"), cosine) is None


@pytest.mark.parametrize("spec", ["gd", "momentum", "heavyball", "nesterov"])
def test_lecture_bowl_cells_agree_with_the_boundary_away_from_it(spec: str) -> None:
    bowl = get_surface("lecture-bowl")
    setup = parse_optimizer(spec, bowl)
    lrs = lr_axis(0.01, 10.0, 60)
    betas = None if spec == "gd" else beta_grid(setup, 0.0, 0.99, 40)
    hmap = compute_over(bowl, setup, bowl.start("A"), 500, lrs, betas)
    boundary = hmap.boundary
    assert boundary is not None
    column = np.zeros((1, 1)) if betas is None else betas[:, None]
    margin = np.asarray(boundary.margin(lrs[None, :], None if betas is None else column))
    classes = hmap.classes()
    inside, outside = margin <= 0.9, margin >= 1.1
    assert inside.sum() > 10 and outside.sum() > 10
    assert (classes[inside] != DIVERGED).all()
    assert (classes[outside] == DIVERGED).all()
    assert (classes == CELL_CLASSES.index("converged")).sum() > 10


@pytest.mark.parametrize(
    ("surface_name", "spec", "sigma", "schedule"),
    [
        ("lecture-bowl", "momentum", 0.0, "constant"),
        ("rosenbrock", "adam", 0.2, "cosine(T=60)"),
        ("himmelblau", "heavyball(dampening=0.2)", 0.0, "step(every=20, gamma=0.5)"),
        ("rosenbrock", "lion", 0.0, "constant"),
        ("himmelblau", "nadam", 0.1, "constant"),
    ],
)
def test_every_cell_is_the_recorded_run_at_its_lr_and_beta(
    surface_name: str, spec: str, sigma: float, schedule: str
) -> None:
    surface = get_surface(surface_name)
    setup = parse_optimizer(spec, surface)
    noise, sched = GradientNoise(sigma, 3), parse_schedule(schedule)
    lrs = lr_axis(1e-3, 1.5, 7)
    betas = beta_grid(setup, 0.5, 0.98, 4)
    start, steps = surface.start(), 120
    hmap = compute_over(surface, setup, start, steps, lrs, betas, noise=noise, schedule=sched)
    name = BETA_NAMES[setup.name]
    for j, beta in enumerate(betas):
        for i, lr in enumerate(lrs):
            hp = {**setup.hyperparameters, "lr": float(lr), name: float(beta)}
            traj = run(
                surface, OptimizerSetup(setup.optimizer, hp, spec), start, steps, noise, sched
            )
            status = traj.status
            assert CELL_CLASSES[int(hmap.classes()[j, i])] == status.kind, (i, j, status)
            if status.kind == "diverged":
                assert hmap.diverged_at[j, i] == status.step
                assert np.isnan(hmap.final_loss[j, i]) and np.isnan(hmap.settled[j, i])
                continue
            assert hmap.final_loss[j, i] == traj.column("loss")[-1]
            settled = steps_to_settle(traj, hmap.tol)
            assert (np.nan if settled is None else settled) == pytest.approx(
                hmap.settled[j, i], nan_ok=True
            )


def test_a_map_over_lr_alone_is_the_sweep_at_the_setups_beta() -> None:
    bowl = get_surface("lecture-bowl")
    setup = parse_optimizer("momentum(beta=0.5)", bowl)
    lrs = lr_axis(0.01, 4.0, 25)
    hmap = compute_over(bowl, setup, bowl.start(), 200, lrs)
    assert hmap.shape == (1, 25) and hmap.y is None
    assert hmap.beta_at(0) == 0.5
    from optiscope.core.sweep import Metric, run_lrs

    runs = run_lrs(bowl, setup, bowl.start(), lrs, 200, f_star=0.0, tol=hmap.tol)
    expected = [np.nan if v is None else v for v in Metric("steps", hmap.tol).values(runs)]
    np.testing.assert_array_equal(hmap.settled[0], expected)


def test_every_momentum_like_beta_names_a_real_bounded_hyperparameter() -> None:
    for name, beta in BETA_NAMES.items():
        param = OPTIMIZERS[name].param(beta)
        assert param.low == 0.0 and param.high == 1.0 and param.high_open


def test_bad_beta_ranges_and_optimizers_without_beta_are_one_clear_error() -> None:
    momentum = parse_optimizer("momentum")
    with pytest.raises(OptiscopeError, match="beta"):
        beta_grid(momentum, 0.0, 1.0, 10)
    with pytest.raises(OptiscopeError, match="LO < HI"):
        beta_grid(momentum, 0.5, 0.5, 10)
    with pytest.raises(OptiscopeError, match="no momentum-like"):
        beta_grid(parse_optimizer("gd"), 0.0, 0.9, 10)
