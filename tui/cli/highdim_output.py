"""``optiscope highdim`` output: the table, CSV and JSON of compared runs, and the basis
report. Imported only when the command runs (it loads the high-dimensional core)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.highdim.basis_story import BasisReport
from optiscope.core.highdim.problems import Problem
from optiscope.core.highdim.run import HighDimRun
from optiscope.core.highdim.sharpness import sharpness_column, sharpness_every
from optiscope.core.highdim.spec import problem_spec, problem_summary
from optiscope.core.highdim.views import FIELDS, TopK, steps_to_tolerance, top_k


def checkpoints(steps: int) -> list[int]:
    """0, 10, 100, … below ``steps``, then ``steps``: where the table reads the loss."""
    out = [0]
    k = 10
    while k < steps:
        out.append(k)
        k *= 10
    return [*out, steps] if steps else out


def last_top(run: HighDimRun, field: str, k: int) -> TopK | str:
    """Top-k at the run's last record, or why this optimizer has no such quantity."""
    try:
        return top_k(run[len(run) - 1], field, k)
    except OptiscopeError as exc:
        return str(exc)


def _to_tol(run: HighDimRun, tol: float) -> int | None:
    return steps_to_tolerance(run, tol) if run.problem.f_min is not None else None


# -- table ---------------------------------------------------------------------------------
def runs_table(
    problem: Problem, runs: Sequence[HighDimRun], steps: int, tol: float, field: str, k: int
) -> str:
    marks = checkpoints(steps)
    label_w = max(len("optimizer"), *(len(r.label) for r in runs))
    head = ["optimizer".ljust(label_w), *(f"loss@{m}".rjust(10) for m in marks)]
    head += ["to tol".rjust(8), "status"]
    lines = [
        problem_summary(problem),
        f"{steps:,} steps; to tol = first step with f − f* ≤ {tol:g} × (f(x0) − f*)",
        "",
        "  ".join(head),
    ]
    for r in runs:
        loss = r.column("loss")
        cells = [fmt(float(loss[m])) if m < len(loss) else "—" for m in marks]
        hit = _to_tol(r, tol)
        row = [r.label.ljust(label_w), *(c.rjust(10) for c in cells)]
        row += [(f"{hit:,}" if hit is not None else "—").rjust(8), r.status.text()]
        lines.append("  ".join(row))
    lines += ["", *top_table(runs, field, k)]
    return "\n".join(lines) + "\n"


def top_table(runs: Sequence[HighDimRun], field: str, k: int) -> list[str]:
    """Rank by rank, each optimizer's coordinate and signed value at its last step."""
    tops = [last_top(r, field, k) for r in runs]
    columns: list[list[str]] = []
    notes = []
    for r, top in zip(runs, tops, strict=True):
        if isinstance(top, str):
            columns.append([])
            notes.append(f"{r.label}: {top}")
        else:
            pairs = zip(top.indices.tolist(), top.signed.tolist(), strict=True)
            columns.append([f"#{i} {fmt(v)}" for i, v in pairs])
    width = max([len(r.label) for r in runs] + [len(c) for col in columns for c in col])
    rows = max((len(c) for c in columns), default=0)
    label = FIELDS[field]
    # Adam divides by √v̂ and Adamax by u: say so where the quantity has another name.
    other = [
        f"{r.label}: {t.label}"
        for r, t in zip(runs, tops, strict=True)
        if isinstance(t, TopK) and t.label != label
    ]
    if other:
        label += f" ({', '.join(other)})"
    lines = [f"top {k} by {label} at the last step (coordinate and signed value)"]
    lines.append("  ".join(["rank", *(r.label.ljust(width) for r in runs)]).rstrip())
    for i in range(rows):
        cells = [(col[i] if i < len(col) else "—").ljust(width) for col in columns]
        lines.append("  ".join([f"{i + 1:>4}", *cells]).rstrip())
    return lines + notes


# -- csv and json --------------------------------------------------------------------------
def runs_csv(runs: Sequence[HighDimRun]) -> str:
    """One row per step: each run's loss, ‖∇f‖ and sharpness λmax (an empty sharpness cell
    is a record it was not computed at: see ``core.highdim.sharpness``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["step"]
    for r in runs:
        header += [f"{r.label} loss", f"{r.label} grad_norm", f"{r.label} sharpness"]
    writer.writerow(header)
    every = sharpness_every(runs[0].problem, sum(len(r) for r in runs))
    columns = [
        (r.column("loss"), r.column("exact_grad_norm"), sharpness_column(r, every), len(r) - 1)
        for r in runs
    ]
    for t in range(max(len(r) for r in runs)):
        row = [str(t)]
        for loss, gnorm, sharp, last in columns:
            if t >= len(loss):
                row += ["", "", ""]
                continue
            computed = t % every == 0 or t == last
            row += [_cell(loss[t]), _cell(gnorm[t]), _cell(sharp[t]) if computed else ""]
        writer.writerow(row)
    return out.getvalue()


def _cell(value: float) -> str:
    x = float(value)
    return repr(x) if math.isfinite(x) else ("nan" if math.isnan(x) else str(x))


def _json_number(value: float) -> float | None:
    x = float(value)
    return x if math.isfinite(x) else None


def runs_document(
    problem: Problem, runs: Sequence[HighDimRun], steps: int, tol: float, field: str, k: int
) -> dict[str, object]:
    optimizers = []
    every = sharpness_every(problem, sum(len(r) for r in runs))
    for r in runs:
        top = last_top(r, field, k)
        top_doc: dict[str, object]
        if isinstance(top, str):
            top_doc = {"field": field, "error": top}
        else:
            top_doc = {
                "field": field,
                "label": top.label,
                "step": len(r) - 1,
                "indices": [int(i) for i in top.indices],
                "values": [_json_number(v) for v in top.values],
                "signed": [_json_number(v) for v in top.signed],
            }
        status = r.status
        optimizers.append(
            {
                "label": r.label,
                "optimizer": r.setup.optimizer.name,
                "hyperparameters": dict(r.setup.hyperparameters),
                "status": {"kind": status.kind, "step": status.step, "reason": status.reason},
                "steps_to_tolerance": _to_tol(r, tol),
                "loss": [_json_number(v) for v in r.column("loss")],
                "grad_norm": [_json_number(v) for v in r.column("exact_grad_norm")],
                "sharpness": [_json_number(v) for v in sharpness_column(r, every)],
                "top_k": top_doc,
            }
        )
    described = problem.describe()
    return {
        "problem": {**described, "spec": problem_spec(problem)},
        "steps": steps,
        "tolerance": tol,
        "sharpness_every": every,
        "optimizers": optimizers,
    }


def basis_output(report: BasisReport, problem: Problem, form: str) -> str:
    """The report as a table, CSV rows or a JSON document."""
    if form == "json":
        doc = {
            "problem": problem_spec(problem),
            "tolerance": report.rel_tol,
            "max_steps": report.max_steps,
            "columns": list(report.columns),
            "rows": [
                {"label": r.label, "steps": dict(zip(report.columns, r.counts, strict=True))}
                for r in report.rows
            ],
            "reason": report.reason,
            "finding": report.finding,
        }
        return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["optimizer", *report.columns])
        for r in report.rows:
            writer.writerow([r.label, *("" if c is None else str(c) for c in r.counts)])
        return out.getvalue()
    label_w = max(len("optimizer"), *(len(r.label) for r in report.rows))
    widths = [
        max(len(name), *(len(report.count_text(r.counts[j])) for r in report.rows))
        for j, name in enumerate(report.columns)
    ]
    lines = [
        problem_summary(problem),
        f"steps until f − f* ≤ {report.rel_tol:g} × (f(x0) − f*), at most {report.max_steps:,}",
        "",
        "  ".join(
            [
                "optimizer".ljust(label_w),
                *(n.rjust(w) for n, w in zip(report.columns, widths, strict=True)),
            ]
        ),
    ]
    for r in report.rows:
        cells = [report.count_text(c).rjust(w) for c, w in zip(r.counts, widths, strict=True)]
        lines.append("  ".join([r.label.ljust(label_w), *cells]))
    lines += ["", report.reason, report.finding]
    return "\n".join(lines) + "\n"
