"""The learning-rate sweep: fair comparisons need each optimizer at its own best lr."""

from .lr_batch import LrRuns, run_lrs
from .sweep import (
    DEFAULT_POINTS,
    DEFAULT_SPAN,
    DEFAULT_TOL,
    MAX_POINTS,
    METRIC_NAMES,
    Metric,
    Sweep,
    SweepRun,
    best_index,
    default_range,
    lr_grid,
    sweep,
)

__all__ = [
    "DEFAULT_POINTS",
    "DEFAULT_SPAN",
    "DEFAULT_TOL",
    "MAX_POINTS",
    "METRIC_NAMES",
    "LrRuns",
    "Metric",
    "Sweep",
    "SweepRun",
    "best_index",
    "default_range",
    "lr_grid",
    "run_lrs",
    "sweep",
]
