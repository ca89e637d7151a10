"""Hyperparameters on the batch axis: row i of a batch whose hyperparameters are (N, 1) arrays
is, bit for bit, the recorded run with row i's numbers (every optimizer, every numeric
hyperparameter varied at once), and the helpers that make it so do what they say."""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.loop import Stepper
from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.optimizers.base import lerp, power, value, with_weight_decay
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import OptimizerSetup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import run

ROWS, STEPS = 16, 150
#: Learning rates that keep every optimizer busy but finite on Himmelblau for most rows.
LR = {"adadelta": (0.5, 2.0), "signgd": (0.01, 0.2), "normgd": (0.01, 0.2), "lion": (0.01, 0.2)}


def _row_values(name: str, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random valid values per row for every numeric hyperparameter of optimizer ``name``."""
    rows: dict[str, np.ndarray] = {}
    for p in OPTIMIZERS[name].schema:
        if p.kind != "float":
            continue
        if p.name == "lr":
            lo, hi = LR.get(name, (1e-3, 0.05))
            rows[p.name] = np.geomspace(lo, hi, ROWS)
        elif p.name == "momentum" and name == "rmsprop":
            rows[p.name] = rng.uniform(0.1, 0.9, ROWS)  # all on: the buffer exists or not
        elif p.high is not None:
            # Near 1, where β^t stays far above 1e-16 and every last bit of it counts.
            rows[p.name] = rng.uniform(0.85, 0.999, ROWS) * p.high
        else:
            rows[p.name] = float(p.default) + rng.uniform(0.0, 0.05, ROWS)
    return rows


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_each_row_is_the_recorded_run_with_its_own_numbers(name: str) -> None:
    surface = get_surface("himmelblau")
    rng = np.random.default_rng(len(name))
    rows = _row_values(name, rng)
    opt = OPTIMIZERS[name]
    base = opt.resolve({})
    noise, schedule = GradientNoise(0.3, 4), parse_schedule("cosine(T=80, floor=0.1)")
    start = (-1.0, 2.5)
    stepper = Stepper(
        surface,
        opt,
        {**base, **{k: v[:, None] for k, v in rows.items()}},
        np.tile(start, (ROWS, 1)),
        noise,
        schedule,
    )
    stepper.advance(STEPS)
    for i in range(ROWS):
        hp = {**base, **{k: float(v[i]) for k, v in rows.items()}}
        recorded = run(surface, OptimizerSetup(opt, hp, name), start, STEPS, noise, schedule)
        want = recorded.column("params")[STEPS] if len(recorded) > STEPS else None
        if want is None:  # diverged: the batch row went wherever the arithmetic took it
            continue
        assert np.array_equal(stepper.points[i], want), (name, i, hp)
    assert np.isfinite(stepper.points).all(axis=1).sum() >= ROWS // 2


def test_power_is_pythons_pow_for_every_row_where_numpy_may_differ() -> None:
    bases = np.linspace(0.5, 0.999, 400)[:, None]
    for exponent in (2, 3, 17, 250):
        expected = np.array([[b**exponent] for b in bases.ravel().tolist()])
        assert np.array_equal(power(bases, exponent), expected)
    # NumPy's own vectorised pow is not Python's to the last bit for some of these (which is
    # why ``power`` exists); where it is, the check above still holds.
    exponents = np.array([[0.004], [0.008], [1.5]])
    expected = np.array([[0.96**e] for e in (0.004, 0.008, 1.5)])
    assert np.array_equal(power(0.96, exponents), expected)
    signed = power(np.array([[-0.0], [0.0]]), 3)
    assert np.signbit(signed).ravel().tolist() == [True, False]


def test_value_reads_a_number_as_a_float_and_an_array_as_is() -> None:
    per_row = np.array([[0.1], [0.2]])
    hp = {"lr": 1, "beta": per_row}
    assert value(hp, "lr") == 1.0 and isinstance(value(hp, "lr"), float)
    assert value(hp, "beta") is per_row
    assert value(hp, "dampening", 0.0) == 0.0
    with pytest.raises(KeyError):
        value(hp, "eps")


def test_choices_a_float_makes_with_if_are_made_per_row() -> None:
    g = np.array([[-0.0, 1.0], [2.0, 3.0]])
    p = np.array([[5.0, 5.0], [5.0, 5.0]])
    decayed = with_weight_decay(g, p, np.array([[0.0], [0.5]]))
    assert np.signbit(decayed[0, 0]) and decayed[1].tolist() == [4.5, 5.5]
    start, end = np.array([[1.0], [1.0]]), np.array([[3.0], [3.0]])
    weights = np.array([[0.1], [0.9]])
    mixed = lerp(start, end, weights)
    assert mixed[0, 0] == lerp(start[0], end[0], 0.1)[0]
    assert mixed[1, 0] == lerp(start[1], end[1], 0.9)[0]
