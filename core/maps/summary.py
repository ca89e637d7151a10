"""The figures a learner reads off a convergence map, as data and as sentences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..format import fmt
from .compute import LOSS_FLOOR, ConvergenceMap


@dataclass(frozen=True)
class MinimumShare:
    """How many starts reached one minimum."""

    index: int
    name: str
    point: tuple[float, float]
    known: bool
    count: int
    fraction: float


@dataclass(frozen=True)
class MapSummary:
    """Shares of the grid per outcome, and how fast and how low the runs got."""

    cells: int
    minima: tuple[MinimumShare, ...]
    #: Finite end point near no minimum: still moving, or settled somewhere unlisted.
    no_minimum: float
    converged: float
    median_steps: float | None
    diverged: float
    #: Median over finite runs of the final loss above ``f_min`` (floored at ``LOSS_FLOOR``).
    median_loss_gap: float | None
    gtol: float
    steps: int
    #: What "reached" means here (``ConvergenceMap.reach_rule``).
    rule: str = ""

    def lines(self, minima: bool = True) -> list[str]:
        """Sentences, one per figure, and the rule that says what "reached" means;
        ``minima=False`` leaves out the shares per minimum (where a legend shows them)."""
        out = [
            f"{m.name}: {percent(m.fraction)} of starts ({m.count})"
            for m in self.minima
            if m.count and minima
        ]
        if self.no_minimum:
            out.append(f"no minimum reached: {percent(self.no_minimum)}")
        if self.rule:
            out.append(self.rule)
        conv = f"converged (‖∇f‖ ≤ {self.gtol:g}) from {percent(self.converged)} of starts"
        if self.median_steps is not None:
            conv += f", median {fmt(self.median_steps)} steps"
        out.append(conv)
        out.append(f"diverged: {percent(self.diverged)}")
        gap = self.median_loss_gap
        if gap is not None:
            text = (
                f"≤ {LOSS_FLOOR:g} (at it, to double precision)" if gap <= LOSS_FLOOR else fmt(gap)
            )
            out.append(f"median final loss above the best minimum: {text}")
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "cells": self.cells,
            "minima": [
                {
                    "index": m.index,
                    "name": m.name,
                    "point": list(m.point),
                    "known": m.known,
                    "count": m.count,
                    "fraction": m.fraction,
                }
                for m in self.minima
            ],
            "no_minimum": self.no_minimum,
            "converged": self.converged,
            "median_steps": self.median_steps,
            "diverged": self.diverged,
            "median_loss_gap": self.median_loss_gap,
            "gtol": self.gtol,
            "steps": self.steps,
            "rule": self.rule,
            "lines": self.lines(),
        }


def summarize(cmap: ConvergenceMap) -> MapSummary:
    cells = cmap.minimum.size
    counts = np.bincount(cmap.minimum[cmap.minimum >= 0], minlength=len(cmap.minima))
    shares = tuple(
        MinimumShare(
            k,
            cmap.minimum_name(k),
            cmap.minima[k].point,
            k < cmap.known_minima,
            int(counts[k]),
            int(counts[k]) / cells,
        )
        for k in range(len(cmap.minima))
    )
    steps = cmap.converged_at[cmap.converged]
    alive = ~cmap.diverged
    with np.errstate(invalid="ignore"):
        gaps = np.maximum(cmap.loss[alive] - cmap.f_min, LOSS_FLOOR)
    return MapSummary(
        cells=cells,
        minima=shares,
        no_minimum=float(np.count_nonzero((cmap.minimum < 0) & alive)) / cells,
        converged=float(steps.size) / cells,
        median_steps=float(np.median(steps)) if steps.size else None,
        diverged=float(np.count_nonzero(cmap.diverged)) / cells,
        median_loss_gap=float(np.median(gaps)) if gaps.size else None,
        gtol=cmap.gtol,
        steps=cmap.steps,
        rule=cmap.reach_rule,
    )


def percent(fraction: float) -> str:
    """A share as a learner reads it; a share that is not zero never reads as 0%."""
    if fraction == 0:
        return "0%"
    if fraction < 0.001:
        return "<0.1%"
    if fraction > 0.999 and fraction < 1:
        return ">99.9%"
    return f"{100 * fraction:.1f}%"
