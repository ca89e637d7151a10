"""Trajectories as files: the CSV and the JSON document that the CLI and the explorer write.

Both come from the record-column schema (``core.columns``) and are written from the runs'
columns, not from one record object per step: each column is turned into text once
(``float.__repr__`` over ``tolist()``, the shortest text that reads back as the same
float), then rows are joined. JSON has no NaN or infinity: non-finite numbers are null.
CSV keeps them as ``nan``, ``inf`` and ``-inf`` (what ``float()`` and pandas read back),
and leaves a cell empty where a run has no such column (gd has no second moment).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from .columns import Array, RecordColumn, column_values, record_columns, run_source, union_columns
from .noise import GradientNoise
from .schedules import Schedule
from .surfaces import Surface
from .trajectory import Trajectory

#: Rows turned into text at a time: bounds the memory of the intermediate strings.
CHUNK = 2048


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


def _texts(values: Array, null: str | None) -> list[str]:
    """Each value as repr spells it; non-finite ones as ``null`` when given (JSON)."""
    items = values.tolist()
    if values.dtype.kind in "iu":
        return list(map(str, items))
    texts = list(map(float.__repr__, items))
    if null is not None:
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            texts[i] = null
    return texts


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


# -- CSV -------------------------------------------------------------------------------------
def csv_header(surface: Surface, runs: Sequence[Trajectory]) -> list[str]:
    """Long format: one row per (run, step); the columns are the union over the runs."""
    names = ["run", "optimizer"]
    for column in union_columns(runs, "csv"):
        names += column.csv_names(surface.coords)
    return names


def kept_rows(n: int, every: int) -> Array:
    """Every ``every``-th record, and always the last one."""
    rows = np.arange(0, n, every)
    if n and rows[-1] != n - 1:
        rows = np.append(rows, n - 1)
    return rows  # not np.unique: it imports numpy.ma (~12 ms of a CLI start)


def csv_text(surface: Surface, runs: Sequence[Trajectory], every: int = 1) -> str:
    """The whole CSV file (header and rows, ``\\n`` line ends)."""
    columns = union_columns(runs, "csv")
    out = [_csv_line(csv_header(surface, runs))]
    for traj in runs:
        out += _csv_run(traj, columns, kept_rows(len(traj), every), len(surface.coords))
    return "".join(out)


def _csv_line(cells: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def _csv_run(traj: Trajectory, columns: list[RecordColumn], rows: Array, dim: int) -> list[str]:
    # The run's own column for each key: the same quantity, read from its own state field.
    own = {c.key: c for c in record_columns(traj, "csv")}
    src = run_source(traj)
    arrays: list[Array | None] = []
    for column in columns:
        if column.key in own:
            arrays += column_values(own[column.key], src)
        else:
            arrays += [None] * (dim if column.per_coordinate else 1)
    prefix = _csv_line([traj.setup.label, traj.setup.name])[:-1] + ","
    chunks = []
    for first in range(0, len(rows), CHUNK):
        idx = rows[first : first + CHUNK]
        cells = [repeat("", len(idx)) if a is None else _texts(a[idx], None) for a in arrays]
        chunks.append("".join([prefix + ",".join(r) + "\n" for r in zip(*cells, strict=False)]))
    return chunks


def csv_rows(surface: Surface, runs: Sequence[Trajectory]) -> list[list[str]]:
    """The CSV's rows as cells (without the header), for writers of their own."""
    return list(csv.reader(io.StringIO(csv_text(surface, runs))))[1:]


# -- JSON ------------------------------------------------------------------------------------
def json_text(
    surface: Surface,
    start: tuple[float, float],
    runs: Sequence[Trajectory],
    noise: GradientNoise,
    schedule: Schedule,
) -> str:
    """The whole comparison as one line of JSON (see README: JSON output)."""
    head = {
        "surface": finite_or_none(surface.describe()),
        "start": finite_or_none(list(start)),
        "noise": {"sigma": noise.sigma, "seed": noise.seed},
        "schedule": schedule.spec(),
    }
    # Pieces of text joined once at the end: the document is never copied whole.
    pieces = [_dumps(head)[:-1], ', "runs": [']
    for i, traj in enumerate(runs):
        if i:
            pieces.append(", ")
        pieces += _run_json(traj)
    pieces.append("]}\n")
    return "".join(pieces)


def run_document(
    surface: Surface,
    start: tuple[float, float],
    runs: Sequence[Trajectory],
    noise: GradientNoise,
    schedule: Schedule,
) -> dict[str, Any]:
    """The JSON document as Python data (the same content as ``json_text``)."""
    doc: dict[str, Any] = json.loads(json_text(surface, start, runs, noise, schedule))
    return doc


def _run_json(traj: Trajectory) -> list[str]:
    status = traj.status
    meta = {
        "optimizer": traj.setup.name,
        "label": traj.setup.label,
        "hyperparameters": dict(traj.setup.hyperparameters),
        "status": {
            "kind": status.kind,
            "step": status.step,
            "reason": status.reason,
            "cause": status.cause or None,
            "text": status.text(),
        },
    }
    return [_dumps(meta)[:-1], ', "steps": [', *_steps_json(traj), "]}"]


def _steps_json(traj: Trajectory) -> list[str]:
    """Every record as a JSON object, from a template of literals and value columns."""
    pieces: list[str | int] = []  # literal text, or the index of a value column
    arrays: list[Array] = []
    in_state = False
    for i, column in enumerate(record_columns(traj, "json")):
        sep = "" if i == 0 else ", "
        if column.section == "state" and not in_state:
            pieces.append(f'{sep}"state": {{')
            sep, in_state = "", True
        elif column.section == "step" and in_state:
            pieces.append("}")
            in_state = False
        pieces.append(f'{sep}"{column.key}": ')
        values = column_values(column, run_source(traj))
        if column.per_coordinate:
            pieces.append("[")
        for j, v in enumerate(values):
            if j:
                pieces.append(", ")
            pieces.append(len(arrays))
            arrays.append(v)
        if column.per_coordinate:
            pieces.append("]")
    pieces.append("}}" if in_state else "}")
    template = _merge_literals(["{", *pieces])
    n = len(traj)
    chunks: list[str] = []
    for first in range(0, n, CHUNK):
        rows = slice(first, min(n, first + CHUNK))
        texts = [_texts(a[rows], "null") for a in arrays]
        parts = [
            repeat(p, rows.stop - rows.start) if isinstance(p, str) else texts[p] for p in template
        ]
        if chunks:
            chunks.append(", ")
        chunks.append(", ".join(map("".join, zip(*parts, strict=False))))
    return chunks


def _merge_literals(pieces: list[str | int]) -> list[str | int]:
    merged: list[str | int] = []
    for p in pieces:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    return merged
