"""A sweep as data: the JSON document and the CSV rows ``optiscope sweep`` writes."""

from __future__ import annotations

from typing import Any

from ..session.setup import surface_spec
from .sweep import Sweep, SweepRun, Value

CSV_HEADER = ("label", "optimizer", "lr", "value", "status", "best")


def status_of(run: SweepRun, k: int) -> str:
    """Why a value is what it is: ``ok``, ``diverged`` or (steps only) ``never``."""
    if run.runs.diverged_at[k] >= 0:
        return "diverged"
    return "never" if run.values[k] is None else "ok"


def sweep_document(result: Sweep) -> dict[str, Any]:
    """``{"surface", "start", "metric": {name, tol, steps}, "runs": [...]}``; a value is None
    where the metric is undefined (never reached, diverged)."""
    return {
        "surface": surface_spec(result.surface),
        "start": list(result.start),
        "metric": {
            "name": result.metric.name,
            "tol": result.metric.tol if result.metric.name == "steps" else None,
            "steps": result.steps,
        },
        "noise": {"sigma": result.noise.sigma, "seed": result.noise.seed},
        "schedule": result.schedule.spec(),
        "runs": [_run_document(run) for run in result.runs],
    }


def _run_document(run: SweepRun) -> dict[str, Any]:
    return {
        "optimizer": run.setup.name,
        "label": run.setup.label,
        "hyperparameters": {k: v for k, v in run.setup.hyperparameters.items() if k != "lr"},
        "lrs": list(run.lrs),
        "values": list(run.values),
        "status": [status_of(run, k) for k in range(len(run.lrs))],
        "best_lr": run.best_lr,
        "best": run.best,
    }


def sweep_rows(result: Sweep) -> list[tuple[object, ...]]:
    """One row per optimizer and learning rate, under ``CSV_HEADER``."""
    rows: list[tuple[object, ...]] = [CSV_HEADER]
    for run in result.runs:
        best = run.best_index
        for k, (lr, value) in enumerate(zip(run.lrs, run.values, strict=True)):
            rows.append(
                (
                    run.setup.label,
                    run.setup.name,
                    repr(lr),
                    _csv_value(value),
                    status_of(run, k),
                    int(k == best),
                )
            )
    return rows


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else repr(value)
