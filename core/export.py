"""Trajectories as plain data: the JSON document and the CSV rows the CLI and explorer write."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .noise import GradientNoise
from .schedules import Schedule
from .step_geometry import angle_to_descent, step_length
from .surfaces import Surface
from .trajectory import Trajectory


def finite_or_none(value: Any) -> Any:
    """JSON has no inf or NaN: non-finite numbers become null, arrays become lists."""
    if isinstance(value, np.ndarray):
        return [finite_or_none(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, bool | int | str) or value is None:
        return value
    x = float(value)
    return x if math.isfinite(x) else None


def run_document(
    surface: Surface,
    start: tuple[float, float],
    runs: Sequence[Trajectory],
    noise: GradientNoise,
    schedule: Schedule,
) -> dict[str, Any]:
    """The whole comparison as one JSON-ready document (see README: JSON output)."""
    return {
        "surface": finite_or_none(surface.describe()),
        "start": finite_or_none(list(start)),
        "noise": {"sigma": noise.sigma, "seed": noise.seed},
        "schedule": schedule.spec(),
        "runs": [_run_entry(t) for t in runs],
    }


def _run_entry(traj: Trajectory) -> dict[str, Any]:
    status = traj.status
    steps = []
    for step in traj:
        entry = {
            "t": step.t,
            "params": step.params,
            "loss": step.loss,
            "grad": step.grad,
            "update": step.update,
            "state": step.state,
            "effective_lr": step.effective_lr,
            "step_length": float(step_length(step.update)),
            "angle_to_descent": float(angle_to_descent(step.exact_grad, step.update)),
            "lr": step.lr,
        }
        if traj.noise.active or traj.surface.stochastic:
            entry["exact_grad"] = step.exact_grad
        steps.append(finite_or_none(entry))
    return {
        "optimizer": traj.setup.name,
        "label": traj.setup.label,
        "hyperparameters": dict(traj.setup.hyperparameters),
        "status": {
            "kind": status.kind,
            "step": status.step,
            "reason": status.reason,
            "text": status.text(),
        },
        "steps": steps,
    }


def csv_header(surface: Surface, runs: Sequence[Trajectory]) -> list[str]:
    """Long format: one row per (run, step); state columns are the union over runs."""
    x, y = surface.coords
    state_names: list[str] = []
    for traj in runs:
        for name in traj.state_names:
            if name not in state_names:
                state_names.append(name)
    head = ["run", "optimizer", "t", x, y, "loss", f"d{x}", f"d{y}"]
    for name in state_names:
        head += [f"{name}_{x}", f"{name}_{y}"]
    head += [f"eff_lr_{x}", f"eff_lr_{y}", f"delta_{x}", f"delta_{y}"]
    head += ["step_length", "angle_to_descent", "lr"]
    return head


def csv_rows(surface: Surface, runs: Sequence[Trajectory]) -> list[list[str]]:
    header = csv_header(surface, runs)
    rows: list[list[str]] = []
    for traj in runs:
        for step in traj:
            cells: dict[str, object] = {
                "run": traj.setup.label,
                "optimizer": traj.setup.name,
                "t": step.t,
            }
            flat = [*step.params.tolist(), step.loss, *step.grad.tolist()]
            cells.update(zip(header[3:8], flat, strict=True))
            x, y = surface.coords
            for name, value in step.state.items():
                if name == "step":
                    continue
                arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (2,))
                cells[f"{name}_{x}"], cells[f"{name}_{y}"] = float(arr[0]), float(arr[1])
            cells[f"eff_lr_{x}"], cells[f"eff_lr_{y}"] = step.effective_lr.tolist()
            cells[f"delta_{x}"], cells[f"delta_{y}"] = step.update.tolist()
            cells["step_length"] = float(step_length(step.update))
            cells["angle_to_descent"] = float(angle_to_descent(step.exact_grad, step.update))
            cells["lr"] = step.lr
            rows.append([_csv_cell(cells.get(h)) for h in header])
    return rows


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return (
            repr(value)
            if math.isfinite(value)
            else ("nan" if math.isnan(value) else ("inf" if value > 0 else "-inf"))
        )
    return str(value)
