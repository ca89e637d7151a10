"""Convergence maps as plain data: the JSON documents and CSV rows the CLI writes.

Grids are written as nested lists ``values[j][i]``: row j is ``y[j]`` (ascending, so the
first row is the *bottom* of the window), column i is ``x[i]``. Non-finite numbers are null.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..export import finite_or_none
from .classes import CellClasses, classify
from .compute import METRICS, ConvergenceMap, Metric
from .diff import MapDifference
from .summary import summarize

ORDER = "values[j][i] is the start (x[i], y[j]); y ascending, so row 0 is the bottom"


def grid_entry(cmap: ConvergenceMap) -> dict[str, Any]:
    (x0, x1), (y0, y1) = cmap.window
    return {
        "nx": cmap.shape[1],
        "ny": cmap.shape[0],
        "window": [[x0, x1], [y0, y1]],
        "x": finite_or_none(cmap.xs),
        "y": finite_or_none(cmap.ys),
        "order": ORDER,
    }


def classes_entry(classes: CellClasses) -> dict[str, Any]:
    return {
        "title": classes.title,
        "classes": [
            {"glyph": c.glyph, "label": c.label, "kind": c.kind, "fraction": f}
            for c, f in zip(classes.classes, classes.fractions(), strict=True)
        ],
        "cells": classes.cells.tolist(),
    }


def run_entry(cmap: ConvergenceMap) -> dict[str, Any]:
    """One optimizer's map: its setup, every metric per cell, its minima and summary."""
    setup = cmap.setup
    return {
        "optimizer": setup.name,
        "label": setup.label,
        "hyperparameters": finite_or_none(dict(setup.hyperparameters)),
        "values": {m: finite_or_none(cmap.values(m)) for m in METRICS},
        "diverged": cmap.diverged.tolist(),
        "minima": [
            {
                "index": k,
                "name": cmap.minimum_name(k),
                "label": m.label,
                "point": finite_or_none(list(m.point)),
                "value": finite_or_none(m.value),
                "known": k < cmap.known_minima,
            }
            for k, m in enumerate(cmap.minima)
        ],
        "f_min": finite_or_none(cmap.f_min),
        "summary": finite_or_none(summarize(cmap).as_dict()),
    }


def _common(cmap: ConvergenceMap, metric: Metric) -> dict[str, Any]:
    return {
        "surface": finite_or_none(cmap.surface.describe()),
        "steps": cmap.steps,
        "gtol": cmap.gtol,
        "steps_definition": (
            f"first step whose exact gradient norm is <= gtol ({cmap.gtol:g}); null: never"
        ),
        "loss_definition": "log10(max(final loss - f_min, 1e-16)); null: diverged",
        "minimum_definition": cmap.reach_rule,
        "noise": {"sigma": cmap.noise.sigma, "seed": cmap.noise.seed},
        "schedule": cmap.schedule.spec(),
        "grid": grid_entry(cmap),
        "metric": metric,
    }


def map_document(cmap: ConvergenceMap, metric: Metric) -> dict[str, Any]:
    """One map: shared setup, the run, and the classes a view draws for ``metric``."""
    doc = _common(cmap, metric)
    doc["run"] = run_entry(cmap)
    doc["classes"] = classes_entry(classify(cmap, metric))
    return doc


def difference_document(diff: MapDifference) -> dict[str, Any]:
    """Two maps and their cell-by-cell comparison (positive = A better)."""
    doc = _common(diff.a, diff.metric)
    doc["runs"] = {"A": run_entry(diff.a), "B": run_entry(diff.b)}
    doc["difference"] = {
        "convention": "positive = A better",
        "values": finite_or_none(diff.values),
        "lines": diff.lines(),
        **classes_entry(diff.classes),
    }
    return doc


def map_csv(diff_or_map: ConvergenceMap | MapDifference) -> list[list[str]]:
    """Header and one row per cell, bottom row of the grid first.

    A map gives the start, then where it ended (end point, loss, steps, minimum, diverged);
    a difference gives the start, each run's outcome prefixed ``a_`` and ``b_``, then the
    difference value (positive = A better) and the cell's comparison.
    """
    maps: tuple[ConvergenceMap, ...]
    prefixes: tuple[str, ...]
    if isinstance(diff_or_map, MapDifference):
        maps, prefixes = (diff_or_map.a, diff_or_map.b), ("a_", "b_")
    else:
        maps, prefixes = (diff_or_map,), ("",)
    first = maps[0]
    x, y = first.surface.coords
    per_run = [f"end_{x}", f"end_{y}", "loss", "steps", "minimum", "diverged"]
    header = [x, y] + [f"{p}{h}" for p in prefixes for h in per_run]
    if isinstance(diff_or_map, MapDifference):
        header += [f"difference_{diff_or_map.metric}", "comparison"]
    rows = [header]
    names = [[m.minimum_name(k) for k in range(len(m.minima))] for m in maps]
    ny, nx = first.shape
    for j in range(ny):
        for i in range(nx):
            row = [_cell(first.xs[i]), _cell(first.ys[j])]
            for cmap, labels in zip(maps, names, strict=True):
                k = int(cmap.minimum[j, i])
                steps = int(cmap.converged_at[j, i])
                row += [
                    _cell(cmap.end[j, i, 0]),
                    _cell(cmap.end[j, i, 1]),
                    _cell(cmap.loss[j, i]),
                    str(steps) if steps >= 0 else "",
                    labels[k] if k >= 0 else "",
                    "true" if cmap.diverged[j, i] else "false",
                ]
            if isinstance(diff_or_map, MapDifference):
                classes = diff_or_map.classes
                value = float(diff_or_map.values[j, i])
                row += [
                    _cell(value) if math.isfinite(value) else "",
                    classes.classes[int(classes.cells[j, i])].label,
                ]
            rows.append(row)
    return rows


def _cell(value: float | np.floating[Any]) -> str:
    x = float(value)
    if math.isfinite(x):
        return repr(x)
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
