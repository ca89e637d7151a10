"""Load the torch.optim golden trajectories in ``tests/data/golden/`` (no torch needed).

The data come from ``scripts/make_golden.py`` (torch 2.13.0, float64, single-tensor code
paths). One JSON file per optimizer; each case is one config run from one start on one
surface. Import as ``from golden import load_cases`` (pytest puts ``tests/`` on sys.path)
or ``from tests.golden import load_cases``.

Arrays are indexed by k = 0..n_steps (``n_steps + 1`` rows):

* ``params[k]``: params after k steps (``params[0]`` is the start);
* ``grads[k]``: torch's autograd gradient at ``params[k]``: the gradient step k+1 consumed
  (weight decay not included; the last row is at the final point and was never consumed);
* ``loss[k]``: the loss at ``params[k]``;
* ``state[field][k]``: the optimizer state after k steps, in our field names. ``"count"`` is
  an int64 array of shape (K+1,), ``"mu_product"`` a float array of shape (K+1,), every
  other field a float array of shape (K+1, 2). A state torch did not have yet is NaN: only
  SGD's momentum buffer ``"v"`` at k = 0 (torch creates it from the first gradient).

``free_run_ok`` says whether a free-running re-implementation can be expected to track torch
to ~1e-9 relative: a 1e-13 relative nudge of the start moved the torch run by at most
1e-10 (max over k and coordinates of |Δp| / max(|p|, 1e-12); ``free_run_max_rel``). Cases
without it (chaotic or sign-sensitive) should be checked one step at a time instead: feed
``params[k]``, ``grads[k]`` and ``state[...][k]`` and compare with row k+1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

GOLDEN_DIR = Path(__file__).resolve().parent / "data" / "golden"

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class GoldenCase:
    """One torch.optim reference run (see the module docstring for the array layout)."""

    optimizer: str
    config: str
    hyperparameters: dict[str, Any]
    surface: str
    start: tuple[float, float]
    n_steps: int
    params: FloatArray
    grads: FloatArray
    loss: FloatArray
    state: dict[str, npt.NDArray[Any]]
    free_run_ok: bool
    free_run_max_rel: float
    torch_version: str
    case_id: str

    def __repr__(self) -> str:
        return f"GoldenCase({self.case_id})"


def _state_array(field: str, values: list[Any]) -> npt.NDArray[Any]:
    if field == "count":
        return np.asarray(values, dtype=np.int64)
    if all(v is None or isinstance(v, int | float) for v in values):
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    width = len(next(v for v in values if v is not None))
    rows = [[np.nan] * width if v is None else v for v in values]
    return np.array(rows, dtype=np.float64)


def _case(raw: dict[str, Any], torch_version: str) -> GoldenCase:
    def arr(key: str) -> FloatArray:
        out = np.array(raw[key], dtype=np.float64)
        out.flags.writeable = False
        return out

    state = {field: _state_array(field, values) for field, values in raw["state"].items()}
    for a in state.values():
        a.flags.writeable = False
    start = raw["start"]
    return GoldenCase(
        optimizer=raw["optimizer"],
        config=raw["config"],
        hyperparameters=dict(raw["hyperparameters"]),
        surface=raw["surface"],
        start=(float(start[0]), float(start[1])),
        n_steps=int(raw["n_steps"]),
        params=arr("params"),
        grads=arr("grads"),
        loss=arr("loss"),
        state=state,
        free_run_ok=bool(raw["free_run_ok"]),
        free_run_max_rel=float(raw["free_run_max_rel"]),
        torch_version=torch_version,
        case_id=raw["case_id"],
    )


def golden_optimizers() -> list[str]:
    """Names of the optimizers with golden data (our names: "adam", "gd", ...), sorted."""
    return sorted(p.stem for p in GOLDEN_DIR.glob("*.json"))


@cache
def _load_file(optimizer: str) -> tuple[GoldenCase, ...]:
    path = GOLDEN_DIR / f"{optimizer}.json"
    if not path.is_file():
        raise KeyError(f"no golden data for optimizer {optimizer!r} in {GOLDEN_DIR}")
    doc = json.loads(path.read_text(encoding="utf-8"))
    return tuple(_case(raw, doc["torch_version"]) for raw in doc["cases"])


def load_cases(optimizer: str | None = None) -> list[GoldenCase]:
    """All golden cases of ``optimizer`` (our name), or of every optimizer when None."""
    names = golden_optimizers() if optimizer is None else [optimizer]
    return [case for name in names for case in _load_file(name)]
