"""CSV and JSON from the columns equal, byte for byte, what an independent record-by-record
writer makes of the same runs: the old writer's content under the documented names."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import numpy as np
import pytest

from optiscope.core.export import csv_header, csv_rows, csv_text, json_text, run_document
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import Schedule, parse_schedule
from optiscope.core.specs import make_setup, parse_optimizer
from optiscope.core.step_geometry import angle_to_descent, step_length
from optiscope.core.surfaces import Surface, get_surface
from optiscope.core.trajectory import Step, Trajectory, compare

#: (optimizer, state field) -> the documented CSV/JSON name (README: What a record holds).
NAMES = {
    ("momentum", "v"): "velocity",
    ("heavyball", "v"): "momentum_buffer",
    ("nesterov", "v"): "momentum_buffer",
    ("adagrad", "s"): "squared_grad_sum",
    ("rmsprop", "s"): "second_moment",
    ("rmsprop", "g_avg"): "first_moment",
    ("rmsprop", "buf"): "scaled_momentum_buffer",
    ("adadelta", "s"): "second_moment",
    ("adadelta", "delta_acc"): "update_second_moment",
    ("adamax", "m"): "first_moment",
    ("adamax", "u"): "decaying_max_abs_grad",
    ("nadam", "mu_product"): "mu_product",
    ("lion", "m"): "first_moment",
}
ADAM_NAMES = {
    "m": "first_moment",
    "v": "second_moment",
    "v_max": "second_moment_max",
    "m_hat": "bias_corrected_first_moment",
    "v_hat": "bias_corrected_second_moment",
    "v_hat_max": "bias_corrected_second_moment_max",
}
LR_UNITS = {"adam", "adamw", "adamax", "nadam"}
STABILITY = ("sharpness", "preconditioned_sharpness", "stability_threshold")


def _name(optimizer: str, field: str) -> str:
    if optimizer in ("adam", "adamw", "nadam") and field in ADAM_NAMES:
        return ADAM_NAMES[field]
    return NAMES[(optimizer, field)]


def _record(traj: Trajectory, step: Step) -> list[tuple[str, Any]]:
    """One record as (name, value) pairs in the documented order; arrays stay arrays."""
    name = traj.setup.name
    state = [("step", step.state["step"])]
    state += [(_name(name, k), v) for k, v in step.state.items() if k != "step"]
    out: list[tuple[str, Any]] = [
        ("t", step.t),
        ("params", step.params),
        ("loss", step.loss),
        ("grad", step.grad),
        ("state", state),
        ("effective_lr", step.effective_lr),
    ]
    if name in LR_UNITS:
        with np.errstate(divide="ignore", invalid="ignore"):
            out.append(("update_over_lr", np.abs(step.update) / step.lr))
    out += [
        ("update", step.update),
        ("step_length", float(step_length(step.update))),
        ("angle_to_descent", float(angle_to_descent(step.exact_grad, step.update))),
    ]
    # The writer's layout is under test here; the values are checked against independent
    # Hessians and closed forms in test_stability.py.
    out += [(k, step.stability[k]) for k in STABILITY if k in step.stability]
    out.append(("lr", step.lr))
    if traj.noise.active or traj.surface.stochastic:
        out.append(("exact_grad", step.exact_grad))
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, list):
        return {k: _json_value(v) for k, v in value}
    if isinstance(value, np.ndarray):
        return [_json_value(float(v)) for v in value]
    if isinstance(value, int):
        return value
    x = float(value)
    return x if math.isfinite(x) else None


def independent_json(
    surface: Surface, start: Any, runs: list[Trajectory], noise: Any, sched: Any
) -> str:
    doc = {
        "surface": _plain(surface.describe()),
        "start": list(start),
        "noise": {"sigma": noise.sigma, "seed": noise.seed},
        "schedule": sched.spec(),
        "runs": [
            {
                "optimizer": t.setup.name,
                "label": t.setup.label,
                "hyperparameters": dict(t.setup.hyperparameters),
                "status": {
                    "kind": t.status.kind,
                    "step": t.status.step,
                    "reason": t.status.reason,
                    "cause": t.status.cause or None,
                    "text": t.status.text(),
                },
                "steps": [_json_value(_record(t, s)) for s in t],
            }
            for t in runs
        ],
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def independent_csv(surface: Surface, runs: list[Trajectory], every: int = 1) -> str:
    """Each record's cells by name, repr for numbers, '' where a run lacks the column."""
    x, y = surface.coords
    header: list[str] = ["run", "optimizer"]
    rows = []
    for traj in runs:
        for step in traj:
            if step.t % every and step.t != len(traj) - 1:
                continue
            cells: dict[str, str] = {"run": traj.setup.label, "optimizer": traj.setup.name}
            for key, value in _record(traj, step):
                for k, v in value if key == "state" else [(key, value)]:
                    if (k == "step" and key == "state") or k == "exact_grad":
                        continue  # JSON only
                    arr = np.asarray(v)
                    if arr.ndim == 0:
                        cells[k] = repr(v) if isinstance(v, int) else repr(float(v))
                        continue
                    stem = {"params": "{c}", "grad": "d{c}", "effective_lr": "eff_lr_{c}"}.get(
                        k, "delta_{c}" if k == "update" else k + "_{c}"
                    )
                    for c, item in zip((x, y), arr.tolist(), strict=True):
                        cells[stem.format(c=c)] = repr(float(item))
            for name in cells:
                if name not in header:
                    header.append(name)
            rows.append(cells)
    order = _documented_order(header, x, y)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(order)
    writer.writerows([[r.get(h, "") for h in order] for r in rows])
    return out.getvalue()


def _documented_order(names: list[str], x: str, y: str) -> list[str]:
    """run, optimizer, t, x, y, loss, dx, dy, the state (first seen first), then the tail."""
    head = ["run", "optimizer", "t", x, y, "loss", f"d{x}", f"d{y}"]
    tail = [f"eff_lr_{x}", f"eff_lr_{y}", f"update_over_lr_{x}", f"update_over_lr_{y}"]
    tail += [f"delta_{x}", f"delta_{y}", "step_length", "angle_to_descent", *STABILITY, "lr"]
    state = [n for n in names if n not in head and n not in tail]
    return head + state + [n for n in tail if n in names]


def _comparison(noise: GradientNoise, schedule: Schedule) -> tuple[Surface, Any, list[Trajectory]]:
    surface = get_surface("lecture-bowl")
    specs = [
        "gd",
        "momentum",
        "rmsprop(centered=true, momentum=0.5)",
        "adam(amsgrad=true)",
        "nadam",
        "adagrad",
        "adam(lr=0.1, bias_correction=false)",
    ]
    setups = [parse_optimizer(s, surface) for s in specs]
    start = surface.start("A")
    return surface, start, compare(surface, setups, start, 25, noise, schedule)


@pytest.mark.parametrize(
    ("noise", "schedule"),
    [(GradientNoise(), Schedule()), (GradientNoise(0.3, 4), parse_schedule("cosine(T=20)"))],
)
def test_json_and_csv_equal_an_independent_writer_byte_for_byte(
    noise: GradientNoise, schedule: Schedule
) -> None:
    surface, start, runs = _comparison(noise, schedule)
    assert json_text(surface, start, runs, noise, schedule) == independent_json(
        surface, start, runs, noise, schedule
    )
    assert csv_text(surface, runs) == independent_csv(surface, runs)
    assert csv_text(surface, runs, every=7) == independent_csv(surface, runs, every=7)


def test_non_finite_numbers_are_null_in_json_and_nan_or_inf_in_csv() -> None:
    surface = get_surface("lecture-bowl")
    runs = compare(surface, [make_setup("gd", {"lr": 1e308}, surface)], (-4.7, -1.3), 5)
    assert runs[0].status.kind == "diverged"
    noise, schedule = GradientNoise(), Schedule()
    text = json_text(surface, (-4.7, -1.3), runs, noise, schedule)
    assert text == independent_json(surface, (-4.7, -1.3), runs, noise, schedule)
    assert "NaN" not in text and "Infinity" not in text and "null" in text
    body = csv_text(surface, runs)
    assert body == independent_csv(surface, runs)
    assert {"inf", "-inf"} & set(body.replace("\n", ",").split(","))


def test_every_number_reads_back_as_the_recorded_float() -> None:
    surface, start, runs = _comparison(GradientNoise(0.3, 1), Schedule())
    doc = json.loads(json_text(surface, start, runs, GradientNoise(0.3, 1), Schedule()))
    for traj, exported in zip(runs, doc["runs"], strict=True):
        params = np.array([s["params"] for s in exported["steps"]])
        assert np.array_equal(params, traj.column("params"))
        assert np.array_equal(np.array([s["grad"] for s in exported["steps"]]), traj.column("grad"))
    rows = list(csv.DictReader(io.StringIO(csv_text(surface, runs))))
    adam = [r for r in rows if r["optimizer"] == "adam" and r["run"].startswith("adam(amsgrad")]
    assert np.array_equal(
        np.array([float(r["second_moment_max_b"]) for r in adam]), runs[3].column("v_max")[:, 1]
    )


def test_the_explorers_document_and_rows_are_the_same_content() -> None:
    surface, start, runs = _comparison(GradientNoise(), Schedule())
    text = json_text(surface, start, runs, GradientNoise(), Schedule())
    assert run_document(surface, start, runs, GradientNoise(), Schedule()) == json.loads(text)
    parsed = list(csv.reader(io.StringIO(csv_text(surface, runs))))
    assert [csv_header(surface, runs), *csv_rows(surface, runs)] == parsed
    # A label holding a comma is one quoted cell.
    assert parsed[1][0] == "gd" and any(r[0] == runs[2].setup.label for r in parsed)
    assert "," in runs[2].setup.label


def test_a_diverged_runs_json_names_its_cause_from_the_closed_form_sharpness() -> None:
    """GD at η = 0.55 on 0.1·w² + 2·b² (Hessian diag(0.2, 4), so λmax = 4): η·λmax = 2.2 > 2
    from the first step; a run that converges has no cause."""
    bowl = get_surface("lecture-bowl")
    runs = compare(
        bowl,
        [parse_optimizer("gd(lr=0.55)", bowl), parse_optimizer("gd(lr=0.45)", bowl)],
        (-4.7, -1.3),
        300,
        GradientNoise(),
        Schedule(),
    )
    doc = json.loads(json_text(bowl, (-4.7, -1.3), runs, GradientNoise(), Schedule()))
    lam = max(np.linalg.eigvalsh(np.diag([0.2, 4.0])))
    over, under = (run["status"] for run in doc["runs"])
    assert over["kind"] == "diverged"
    assert over["cause"] == f"η·λmax = {0.55 * lam:.2g} > 2 since step 0"
    assert over["text"].endswith(over["cause"])
    assert under["kind"] == "converged" and under["cause"] is None


def test_kept_rows_are_every_kth_and_the_last_sorted_and_unique() -> None:

    from optiscope.core.export import kept_rows

    for n in range(0, 40):
        for every in range(1, 15):
            expected = sorted({*range(0, n, every), n - 1}) if n else []
            assert kept_rows(n, every).tolist() == expected, (n, every)
