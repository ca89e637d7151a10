"""The sweep's batched runs are the recorded runs: every metric, at every learning rate, equals
what a Trajectory at that lr gives, bit for bit (noise, schedules and divergence included)."""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.metrics import minimum_value, settled_at
from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.schedules import parse_schedule
from optiscope.core.session.setup import build_surface
from optiscope.core.specs import OptimizerSetup, parse_optimizer
from optiscope.core.surfaces import get_surface
from optiscope.core.sweep import Metric, run_lrs
from optiscope.core.trajectory import Trajectory, run

STEPS = 150
LRS = np.geomspace(1e-4, 3.0, 9)  # the top ones diverge on Rosenbrock for most rules


def _at(setup: OptimizerSetup, lr: float) -> OptimizerSetup:
    return OptimizerSetup(setup.optimizer, {**setup.hyperparameters, "lr": float(lr)}, setup.label)


def _reference(traj: Trajectory, metric: str, tol: float) -> int | float | None:
    """The metric from a recorded run, written out from its definition."""
    if traj.status.kind == "diverged":
        return None
    loss = traj.column("loss")
    if metric == "steps":
        first = int(settled_at(loss, minimum_value(traj.surface), tol)[0])
        return None if first < 0 else first
    if metric == "final-loss":
        return float(loss[-1])
    # Summed in step order, as the batch accumulates it.
    return float(np.cumsum(loss)[-1]) / len(loss)


CASES = [
    ("rosenbrock", "gd", 0.0, "constant"),
    ("rosenbrock", "momentum(beta=0.8)", 0.3, "cosine(T=100)"),
    ("rosenbrock", "heavyball", 0.0, "step(every=40, gamma=0.5)"),
    ("rosenbrock", "nesterov", 0.1, "constant"),
    ("rosenbrock", "rmsprop(beta=0.99)", 0.5, "inverse-time(decay=0.02)"),
    ("rosenbrock", "rmsprop(momentum=0.5, centered=true)", 0.0, "constant"),
    ("himmelblau", "adagrad", 0.2, "cosine(T=60, floor=0.1)"),
    ("himmelblau", "adadelta", 0.0, "constant"),
    ("himmelblau", "signgd", 0.4, "constant"),
    ("himmelblau", "normgd", 0.0, "step(every=30, gamma=0.7)"),
    ("lecture-bowl", "adam(bias_correction=false, weight_decay=0.01)", 0.2, "constant"),
    # η enters these other than as a last factor (bias correction, decay, η·λ): a row at ηᵢ
    # must still be the run at ηᵢ, not η = 1 scaled.
    ("rosenbrock", "adam", 0.3, "cosine(T=100)"),
    ("rosenbrock", "adam(amsgrad=true, weight_decay=0.1)", 0.0, "constant"),
    ("himmelblau", "adagrad(lr_decay=0.01)", 0.0, "constant"),
    ("himmelblau", "adamw(weight_decay=0.1)", 0.2, "step(every=40, gamma=0.5)"),
    ("rosenbrock", "adamax", 0.0, "constant"),
    ("rosenbrock", "nadam", 0.1, "cosine(T=100)"),
    ("lecture-bowl", "lion(weight_decay=0.1)", 0.1, "constant"),
    ("regression(batch_size=8)", "adam", 0.0, "constant"),
]


@pytest.mark.parametrize(("surface_name", "spec", "sigma", "schedule_spec"), CASES)
def test_every_metric_equals_the_recorded_run_bit_for_bit(
    surface_name: str, spec: str, sigma: float, schedule_spec: str
) -> None:
    surface = build_surface(surface_name)
    setup = parse_optimizer(spec, surface)
    noise, schedule = GradientNoise(sigma, 7), parse_schedule(schedule_spec)
    start = surface.start()
    tol = 0.05
    runs = run_lrs(surface, setup, start, LRS, STEPS, noise, schedule, minimum_value(surface), tol)
    recorded = [run(surface, _at(setup, lr), start, STEPS, noise, schedule) for lr in LRS]
    for name in ("steps", "final-loss", "mean-loss"):
        got = Metric(name, tol).values(runs)  # type: ignore[arg-type]
        expected = [_reference(t, name, tol) for t in recorded]
        assert got == expected, (name, got, expected)
    diverged = [t.status.step if t.status.kind == "diverged" else -1 for t in recorded]
    assert runs.diverged_at.tolist() == diverged
    assert any(t.status.kind != "diverged" for t in recorded)


def test_the_cases_cover_every_optimizer() -> None:
    covered = {parse_optimizer(spec).name for _, spec, _, _ in CASES}
    assert covered == set(OPTIMIZERS)


def test_some_learning_rates_diverge_and_read_none() -> None:
    surface = get_surface("rosenbrock")
    runs = run_lrs(surface, parse_optimizer("gd", surface), surface.start(), LRS, STEPS)
    values = Metric("final-loss").values(runs)
    assert values[-1] is None and values[0] is not None
    assert runs.diverged_at[-1] >= 0
