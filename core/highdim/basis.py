"""Why coordinate-wise methods depend on the basis: one spectrum, two bases, steps counted.

Recipe. Build ``Quadratic(dim, condition, rotated=False, seed)`` and the same with
``rotated=True``: one spectrum λ, one start in eigen-coordinates, only the basis differs.
Run each optimizer on both and count steps until f − f_min ≤ tol·(f(x0) − f_min).

- GD's update −η·A·(p − p*) commutes with rotation: the rotated run is the unrotated run
  turned by Q, so its step counts agree (up to rounding in the last step).
- RMSprop, Adam, Adagrad and sign-GD divide (or sign) each coordinate separately. When
  the coordinates are the eigen-directions this undoes the conditioning, and their counts
  hardly depend on κ; after a rotation every coordinate mixes all curvatures, the
  per-coordinate scale no longer matches any one of them, and the counts grow with κ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .problems import Quadratic
from .run import HighDimRun, parse_setup
from .views import steps_to_tolerance

#: Learning rates chosen per method on the unrotated problem (λmax = 1), held fixed.
DEFAULT_SPECS = (
    "gd(lr=1)",
    "rmsprop(lr=0.01)",
    "adam(lr=0.01)",
    "adagrad(lr=1)",
    "signgd(lr=0.003)",
)


@dataclass(frozen=True)
class BasisRow:
    """Steps to the tolerance for one optimizer in both bases (None: not within max_steps)."""

    label: str
    unrotated: int | None
    rotated: int | None


def steps_until(run: HighDimRun, rel_tol: float, max_steps: int) -> int | None:
    """Extend ``run`` until its gap falls to ``rel_tol`` of the start's, or max_steps."""
    chunk = 256
    while True:
        hit = steps_to_tolerance(run, rel_tol)
        if hit is not None:
            return hit
        if len(run) > max_steps or run.status.kind == "diverged" or run.at_horizon:
            return None
        run.extend(min(chunk, max_steps + 1 - len(run)))


def basis_dependence(
    specs: Sequence[str] = DEFAULT_SPECS,
    dim: int = 100,
    condition: float = 1e4,
    seed: int = 0,
    rel_tol: float = 1e-4,
    max_steps: int = 20_000,
) -> list[BasisRow]:
    """Steps to ``rel_tol`` for each optimizer spec, unrotated and rotated."""
    problems = [Quadratic(dim, condition, rotated, seed) for rotated in (False, True)]
    rows = []
    for spec in specs:
        counts = [
            steps_until(HighDimRun(q, parse_setup(spec, q)), rel_tol, max_steps) for q in problems
        ]
        rows.append(BasisRow(spec, counts[0], counts[1]))
    return rows
