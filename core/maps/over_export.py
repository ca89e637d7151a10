"""A map over hyperparameters as data and as classes: JSON, CSV rows, what a view draws.

JSON: ``{"x": {"name": "lr", "values"}, "y": {"name": <the β varied>, "values"} | null,
"cells": [[{"class", "steps", "loss"}, ...], ...]}`` with ``cells[j][i]`` for ``y.values[j]``
and ``x.values[i]``, plus the setup, the definitions and the stability boundary (or null).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..export import finite_or_none
from ..session.setup import surface_spec
from .classes import (
    DIVERGED_GLYPH,
    NONE_GLYPH,
    CellClass,
    CellClasses,
    by_range,
    loss_labels,
    steps_labels,
)
from .compute import LOSS_FLOOR
from .over import CELL_CLASSES, HyperMap, OverMetric

ORDER = "cells[j][i] is the run at (x.values[i], y.values[j]); y ascending, row 0 first"
CLASS_GLYPHS = {"converged": "o", "running": NONE_GLYPH, "diverged": DIVERGED_GLYPH}
_BINS = 8


def definitions(hmap: HyperMap) -> dict[str, str]:
    return {
        "class": (
            "diverged: a record's point, loss or gradient is not finite or it went over 1000x "
            f"the plot size away; converged: some record has ‖∇f‖ <= {hmap.gtol:g}; "
            "otherwise running"
        ),
        "steps": (
            f"first step from which f − f* stays <= {hmap.tol:g}·(f(x₀) − f*) to the end "
            "(the sweep's steps metric); null: never, or diverged"
        ),
        "loss": "f at the last record (the sweep's final-loss); null: diverged",
    }


def over_document(hmap: HyperMap, metric: OverMetric) -> dict[str, Any]:
    """Everything a view or a script needs, with null for undefined numbers."""
    classes = hmap.classes()
    ny, nx = hmap.shape
    cells = [
        [
            {
                "class": CELL_CLASSES[int(classes[j, i])],
                "steps": _whole(hmap.settled[j, i]),
                "loss": finite_or_none(float(hmap.final_loss[j, i])),
            }
            for i in range(nx)
        ]
        for j in range(ny)
    ]
    varied = {"lr"} | ({hmap.y.name} if hmap.y is not None else set())
    boundary = hmap.boundary
    return {
        "surface": surface_spec(hmap.surface),
        "optimizer": {
            "name": hmap.setup.name,
            "label": hmap.setup.label,
            "hyperparameters": finite_or_none(
                {k: v for k, v in hmap.setup.hyperparameters.items() if k not in varied}
            ),
        },
        "start": list(hmap.start),
        "steps": hmap.steps,
        "gtol": hmap.gtol,
        "tol": hmap.tol,
        "noise": {"sigma": hmap.noise.sigma, "seed": hmap.noise.seed},
        "schedule": hmap.schedule.spec(),
        "metric": metric,
        "definitions": definitions(hmap),
        "x": {"name": "lr", "values": finite_or_none(hmap.x.values), "scale": "log"},
        "y": (
            None
            if hmap.y is None
            else {"name": hmap.y.name, "values": finite_or_none(hmap.y.values), "scale": "linear"}
        ),
        "order": ORDER,
        "cells": cells,
        "boundary": (
            None
            if boundary is None
            else {
                "rule": boundary.rule,
                "lambda_max": boundary.lam_max,
                "depends_on": boundary.beta_name,
                "lr_limit": [
                    finite_or_none(float(boundary.lr_limit(hmap.beta_at(j)))) for j in range(ny)
                ],
            }
        ),
    }


def over_csv(hmap: HyperMap) -> list[list[str]]:
    """Header and one row per cell, first row of y first: lr, β, class, steps, loss."""
    beta = [] if hmap.y is None else [hmap.y.name]
    rows = [["lr", *beta, "class", "steps", "loss"]]
    classes = hmap.classes()
    ny, nx = hmap.shape
    for j in range(ny):
        for i in range(nx):
            steps = _whole(hmap.settled[j, i])
            loss = float(hmap.final_loss[j, i])
            rows.append(
                [
                    repr(float(hmap.x.values[i])),
                    *([] if hmap.y is None else [repr(float(hmap.y.values[j]))]),
                    CELL_CLASSES[int(classes[j, i])],
                    "" if steps is None else str(steps),
                    repr(loss) if math.isfinite(loss) else "",
                ]
            )
    return rows


def over_classes(hmap: HyperMap, metric: OverMetric) -> CellClasses:
    """The classes a view draws: converged / running / diverged, or ranges of a metric."""
    diverged = hmap.diverged_at >= 0
    if metric == "class":
        kinds = {"converged": "range", "diverged": "diverged", "running": "none"}
        classes = tuple(
            CellClass(CLASS_GLYPHS[name], _class_label(hmap, name), kinds[name])  # type: ignore[arg-type]
            for name in CELL_CLASSES
        )
        return CellClasses(hmap.classes(), classes, "how the run ends")
    if metric == "steps":
        missing = CellClass(NONE_GLYPH, f"never settled in {hmap.steps} steps", "none")
        title = f"steps until f − f* stays ≤ {hmap.tol:g}·(f(x₀) − f*)"
        return by_range(diverged, hmap.settled, _BINS, title, missing, steps_labels)
    minima = hmap.surface.minima
    finite = hmap.final_loss[np.isfinite(hmap.final_loss)]
    base = min(m.value for m in minima) if minima else (float(finite.min()) if finite.size else 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        gap = np.log10(np.maximum(hmap.final_loss - base, LOSS_FLOOR))
    title = "final loss − f*" if minima else "final loss − the lowest on the map"
    missing = CellClass(NONE_GLYPH, "no loss", "none")
    return by_range(diverged, gap, _BINS, title, missing, loss_labels)


def _class_label(hmap: HyperMap, name: str) -> str:
    if name == "converged":
        return f"converged (‖∇f‖ ≤ {hmap.gtol:g})"
    if name == "running":
        return f"still running after {hmap.steps} steps"
    return "diverged"


def _whole(value: float) -> int | None:
    return int(value) if math.isfinite(value) else None
