"""The record-column schema: one name means one quantity across every optimizer, the three
views take their columns from it, and the Adam family's |Δ|/η is the closed form."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable

import numpy as np
import pytest
from optimizer_variants import VARIANTS

from optiscope.core.columns import UNDEFINED, column_values, record_columns, run_source
from optiscope.core.export import csv_text, json_text
from optiscope.core.noise import GradientNoise
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.schedules import Schedule, parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.step_geometry import angle_to_descent
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run
from optiscope.tui.cli.table_output import step_table
from optiscope.tui.widgets.step_columns import cell_text, columns_for

BOWL = get_surface("lecture-bowl")
START = (-4.7, -1.3)
A = np.ndarray


def _run(name: str, hp: dict[str, object], steps: int = 12, **kw: object) -> Trajectory:
    return run(BOWL, make_setup(name, hp, BOWL), START, steps, **kw)  # type: ignore[arg-type]


# -- one key, one meaning ---------------------------------------------------------------------
def _ewma_decay(x: A, new: A) -> A:
    """β of x_t = β·x_{t−1} + (1−β)·new_t from the first row (x starts at 0)."""
    return np.asarray(1.0 - x[0] / new[0])


def _is_ewma(x: A, new: A) -> None:
    beta = _ewma_decay(x, new)
    np.testing.assert_allclose(x[1:], beta * x[:-1] + (1 - beta) * new[1:], rtol=1e-12)


def _bias_corrected(raw: A, beta: A, x: A) -> None:
    k = np.arange(1, len(x) + 1)[:, None]
    np.testing.assert_allclose(x, raw / (1 - beta**k), rtol=1e-13)


Check = Callable[[dict[str, A], A, dict[str, object]], None]

#: What each key means, as a property of the recorded columns (g: the gradient seen).
MEANING: dict[str, Check] = {
    "velocity": lambda c, g, hp: _is_ewma(c["velocity"], g),
    "first_moment": lambda c, g, hp: _is_ewma(c["first_moment"], g),
    "second_moment": lambda c, g, hp: _is_ewma(c["second_moment"], g * g),
    "second_moment_max": lambda c, g, hp: np.testing.assert_array_equal(
        c["second_moment_max"], np.maximum.accumulate(c["second_moment"])
    ),
    "squared_grad_sum": lambda c, g, hp: np.testing.assert_allclose(
        np.diff(c["squared_grad_sum"], axis=0), g[1:] ** 2, rtol=1e-12
    ),
    "momentum_buffer": lambda c, g, hp: np.testing.assert_allclose(
        c["momentum_buffer"],
        np.vstack(
            [g[:1], hp["momentum"] * c["momentum_buffer"][:-1] + (1 - hp["dampening"]) * g[1:]]
        )
        if "dampening" in hp
        else np.vstack([g[:1], hp["momentum"] * c["momentum_buffer"][:-1] + g[1:]]),
        rtol=1e-12,
    ),
    "scaled_momentum_buffer": lambda c, g, hp: None,  # checked by the rebuild of Δ
    "bias_corrected_first_moment": lambda c, g, hp: _bias_corrected(
        c["first_moment"], _ewma_decay(c["first_moment"], g), c["bias_corrected_first_moment"]
    ),
    "bias_corrected_second_moment": lambda c, g, hp: _bias_corrected(
        c["second_moment"],
        _ewma_decay(c["second_moment"], g * g),
        c["bias_corrected_second_moment"],
    ),
    "bias_corrected_second_moment_max": lambda c, g, hp: _bias_corrected(
        c["second_moment_max"],
        _ewma_decay(c["second_moment"], g * g),
        c["bias_corrected_second_moment_max"],
    ),
    "update_second_moment": lambda c, g, hp: _is_ewma(
        c["update_second_moment"], (c["update"] / c["lr"][:, None]) ** 2
    ),
    "decaying_max_abs_grad": lambda c, g, hp: np.testing.assert_array_equal(
        c["decaying_max_abs_grad"][1:],
        np.maximum(hp["beta2"] * c["decaying_max_abs_grad"][:-1], np.abs(g[1:]) + hp["eps"]),
    ),
    "mu_product": lambda c, g, hp: np.testing.assert_allclose(
        c["mu_product"][1:] / c["mu_product"][:-1],
        hp["beta1"] * (1 - 0.5 * 0.96 ** (np.arange(2, len(g) + 1) * hp["momentum_decay"])),
        rtol=1e-12,
    ),
}


def test_every_state_key_has_one_stated_meaning() -> None:
    keys = {f.key for o in OPTIMIZERS.values() for f in (*o.state_fields, *o.extra_fields)}
    assert keys == set(MEANING)


@pytest.mark.parametrize(
    ("name", "hp"), [(n, hp) for n, hp in VARIANTS if not hp.get("weight_decay")]
)
def test_each_key_means_the_same_quantity_in_every_optimizer_that_records_it(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    src = run_source(traj)
    cols = {c.key: np.asarray(c.read(src), dtype=np.float64) for c in record_columns(traj)}
    g = cols["grad"]
    state = [c.key for c in record_columns(traj) if c.section == "state" and c.key != "step"]
    for key in state:
        MEANING[key](cols, g, dict(traj.setup.hyperparameters))


def test_a_csv_of_several_optimizers_names_each_column_once_by_what_it_is() -> None:
    names = ["gd", "momentum", "heavyball", "rmsprop", "adam", "adagrad", "nadam"]
    runs = [_run(n, {}) for n in names]
    header = next(csv.reader(io.StringIO(csv_text(BOWL, runs))))
    assert len(header) == len(set(header))
    assert not {"v_w", "s_w", "m_w", "v_max_w", "v_hat_w", "m_hat_w"} & set(header)
    rows = list(csv.DictReader(io.StringIO(csv_text(BOWL, runs))))
    by_run = {r["run"]: r for r in rows if r["t"] == "3"}
    # Momentum's velocity and Adam's second moment: two names, each empty where it is not kept.
    assert by_run["momentum"]["velocity_w"] and not by_run["adam"]["velocity_w"]
    assert by_run["adam"]["second_moment_w"] and not by_run["momentum"]["second_moment_w"]
    assert float(by_run["adam"]["second_moment_w"]) == traj_value(runs[4], "v", 3, 0)
    assert float(by_run["rmsprop"]["second_moment_w"]) == traj_value(runs[3], "s", 3, 0)
    assert by_run["nadam"]["mu_product"] and "mu_product_w" not in header


def traj_value(traj: Trajectory, name: str, t: int, i: int) -> float:
    return float(traj.column(name)[t, i])


# -- one schema, three views --------------------------------------------------------------------
@pytest.mark.parametrize(("name", "hp"), VARIANTS[::3])
def test_the_step_table_and_the_cli_table_have_the_schemas_columns(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    schema = [h for c in record_columns(traj, "table") for h in c.table_headers(BOWL.coords)]
    assert [c.header for c in columns_for(traj, BOWL.coords)] == schema
    assert [col.header for col in step_table(BOWL, traj, 1).columns] == schema
    csv_names = [n for c in record_columns(traj, "csv") for n in c.csv_names(BOWL.coords)]
    assert next(csv.reader(io.StringIO(csv_text(BOWL, [traj]))))[2:] == csv_names


def test_zero_over_zero_reads_as_undefined_in_the_tables_nan_in_csv_and_null_in_json() -> None:
    still = run(BOWL, make_setup("gd", {"lr": 0.3}, BOWL), (0.0, 0.0), 1)
    columns = {c.header: c for c in columns_for(still, BOWL.coords)}
    assert cell_text(columns["ηeff w"], still[0]) == (UNDEFINED, False)
    assert cell_text(columns["∠−∇f"], still[0]) == (UNDEFINED, False)
    row = next(csv.DictReader(io.StringIO(csv_text(BOWL, [still]))))
    assert row["eff_lr_w"] == "nan" and row["angle_to_descent"] == "nan"
    doc = json_text(BOWL, (0.0, 0.0), [still], GradientNoise(), Schedule())
    assert '"effective_lr": [null, null]' in doc and '"angle_to_descent": null' in doc


@pytest.mark.parametrize(
    ("surface", "start"), [("lecture-bowl", "A"), ("lecture-bowl", "B"), ("rosenbrock", None)]
)
def test_gd_steps_at_zero_degrees_to_steepest_descent(surface: str, start: str | None) -> None:
    """arccos of a cosine rounded to 1 − 1e-16 read 8.5e-7° for GD; the atan2 form reads 0."""
    s = get_surface(surface)
    traj = run(s, make_setup("gd", {}, s), s.start(start), 300)
    angles = angle_to_descent(traj.column("exact_grad"), traj.column("update"))
    assert np.nanmax(angles) < 1e-12


def test_the_angle_matches_the_dot_product_away_from_zero() -> None:
    g = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0], [1.0, 1.0]])
    d = np.array([[0.0, -1.0], [0.0, 5.0], [-3.0, -4.0], [-1.0, 0.0]])
    assert angle_to_descent(g, d) == pytest.approx([90.0, 180.0, 0.0, 45.0], abs=1e-12)


# -- |Δ|/η ----------------------------------------------------------------------------------------
def _lr_units(traj: Trajectory) -> A:
    column = next(c for c in record_columns(traj) if c.key == "update_over_lr")
    return np.asarray(column.read(run_source(traj)))


def _nadam_mu(k: A, hp: dict[str, object]) -> A:
    return float(hp["beta1"]) * (1 - 0.5 * 0.96 ** (k * float(hp["momentum_decay"])))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "hp"),
    [
        ("adam", {}),
        ("adam", {"amsgrad": True}),
        ("adam", {"bias_correction": False}),
        ("adamw", {"weight_decay": 0.0}),
        ("adamax", {}),
        ("nadam", {}),
    ],
)
def test_update_over_lr_is_the_adam_familys_step_in_units_of_the_rate_in_force(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, {"lr": 0.1, **hp}, 40, schedule=parse_schedule("cosine(T=30)"))
    h = traj.setup.hyperparameters
    eps, k = float(h["eps"]), traj.column("step").astype(float)[:, None]
    m = traj.column("m")
    if name == "adamax":
        want = np.abs(m) / ((1 - 0.9**k) * traj.column("u"))
    elif name == "nadam":
        mu, mu_next = _nadam_mu(k, h), _nadam_mu(k + 1, h)
        prod = traj.column("mu_product")[:, None]
        r = np.sqrt(traj.column("v") / (1 - 0.999**k)) + eps
        g = traj.column("grad")
        want = np.abs((1 - mu) / (1 - prod) * g / r + mu_next / (1 - prod * mu_next) * m / r)
    elif h.get("bias_correction", True):
        v = traj.column("v_max" if h["amsgrad"] else "v")
        want = np.abs(m / (1 - 0.9**k)) / (np.sqrt(v / (1 - 0.999**k)) + eps)  # |m̂|/(√v̂ + ε)
    else:
        want = np.abs(m) / (np.sqrt(traj.column("v")) + eps)
    lr = traj.column("lr")
    assert lr.min() < 0.05 < lr.max()  # the schedule moved η: the column divides by η in force
    finite = lr > 0
    np.testing.assert_allclose(_lr_units(traj)[finite], want[finite], rtol=1e-12)


def test_only_the_adam_family_has_an_update_over_lr_column() -> None:
    having = {n for n, o in OPTIMIZERS.items() if "update_over_lr" in o.extra_columns}
    assert having == {"adam", "adamw", "adamax", "nadam"}
    assert all(
        ("update_over_lr" in {c.key for c in record_columns(_run(n, {}))}) == (n in having)
        for n in OPTIMIZERS
    )


def test_update_over_lr_starts_at_one_for_adam_as_sign_descent_does() -> None:
    """Adam's first step is η·sign(g) up to ε: |Δ|/η = |g|/(|g| + ε)."""
    traj = _run("adam", {"lr": 0.1})
    g = np.abs(traj.column("grad")[0])
    np.testing.assert_allclose(_lr_units(traj)[0], g / (g + 1e-8), rtol=1e-14)
    assert math.isclose(float(_lr_units(traj)[0, 0]), 1.0, rel_tol=1e-7)
    assert column_values(record_columns(traj)[0], run_source(traj))[0][0] == 0  # t column
