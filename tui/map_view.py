"""What the explorer's convergence map computes, as plain values a worker thread can take.

The map runs off the UI thread, so a ``MapRequest`` holds only immutable values read from
the model when it is made (surface, optimizer setups, noise, schedule, window, grid), never
the model's ``Trajectory`` objects, which are not thread-safe. Equal requests mean an
unchanged map: moving the start point, which no cell depends on, only moves its marker.

The map is computed once per request with one gradient tolerance for all three metrics, so
switching the metric re-classifies cells that exist instead of recomputing them. That
tolerance is 1e-2, looser than the explorer's 1e-6: RMSprop and Adam at a constant
learning rate hover around a minimum with a gradient of about their step size and would
read as "never converged" at 1e-6. The panel states it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from optiscope.core.maps.classes import CellClasses, classify
from optiscope.core.maps.compute import METRICS, ConvergenceMap, Metric, Window, compute_map
from optiscope.core.maps.diff import MapDifference, difference
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import Schedule
from optiscope.core.specs import OptimizerSetup
from optiscope.core.surfaces import Surface

from .model import ExplorerModel

MAP_STEPS = 500
MAP_GTOL = 1e-2
#: Starts per side at most: beyond it each start covers a block of screen cells.
MAX_SIDE = 400
METRIC_PHRASES: dict[Metric, str] = {
    "minimum": "which minimum",
    "steps": "steps to converge",
    "loss": "final loss",
}


@dataclass(frozen=True)
class MapSetup:
    """What the app hands the map view: the model's setup as plain values, and the window.

    ``setups`` holds the focused optimizer, then, for the difference view, the next one.
    """

    surface: Surface
    setups: tuple[OptimizerSetup, ...]
    start: tuple[float, float]
    noise: GradientNoise
    schedule: Schedule
    window: Window


def map_setup(model: ExplorerModel, window: Window, compare: bool) -> MapSetup:
    """Read the model once, on the UI thread: A = focused, B = the next in the list."""
    runs = model.runs
    a = runs[model.focused].setup
    setups = (a, runs[(model.focused + 1) % len(runs)].setup) if compare and len(runs) > 1 else (a,)
    (x0, x1), (y0, y1) = window
    return MapSetup(
        model.surface,
        setups,
        (float(model.start[0]), float(model.start[1])),
        model.noise,
        model.schedule,
        ((float(x0), float(x1)), (float(y0), float(y1))),
    )


@dataclass(frozen=True)
class MapRequest:
    """One map to compute: every field a plain value, compared by value (surface by identity)."""

    surface: Surface
    setups: tuple[OptimizerSetup, ...]
    noise: GradientNoise
    schedule: Schedule
    window: Window
    grid: tuple[int, int]
    steps: int = MAP_STEPS
    gtol: float = MAP_GTOL


@dataclass(frozen=True, eq=False)
class MapPicture:
    """A computed request: one map per setup, and how long they took."""

    request: MapRequest
    maps: tuple[ConvergenceMap, ...]
    seconds: float

    def classes(self, metric: Metric) -> CellClasses:
        """Cells by ``metric``; with two maps, the difference A vs B."""
        if len(self.maps) == 2:
            return self.difference(metric).classes
        return classify(self.maps[0], metric)

    def difference(self, metric: Metric) -> MapDifference:
        return difference(self.maps[0], self.maps[1], metric)


def next_metric(metric: Metric) -> Metric:
    return METRICS[(METRICS.index(metric) + 1) % len(METRICS)]


@dataclass(frozen=True)
class GridLayout:
    """How a grid of starts lies on a plot canvas of ``cols`` x ``sub_rows`` cells.

    Start (i, j) covers canvas columns ``[i·kx, (i+1)·kx)`` and sub-rows ``[j·ky, (j+1)·ky)``
    (a sub-row is half a terminal row with half blocks, a whole row without). ``window`` is
    chosen so each start sits exactly where plotext maps a point to that cell: column c is
    centred on x = lo + c·(hi − lo)/(cols − 1), so the grid reaches half a column beyond the
    axis limits on each side. What is drawn is the computed grid, cell for cell.
    """

    grid: tuple[int, int]
    window: Window
    block: tuple[int, int]


def grid_layout(
    xlim: tuple[float, float], ylim: tuple[float, float], cols: int, sub_rows: int, per_row: int
) -> GridLayout:
    """The layout for a canvas with limits ``xlim``/``ylim``; ``per_row`` sub-rows a row."""
    rows = sub_rows // per_row
    hx = (xlim[1] - xlim[0]) / max(cols - 1, 1)
    hy = (ylim[1] - ylim[0]) / max(rows - 1, 1) / per_row
    kx, ky = math.ceil(cols / MAX_SIDE), math.ceil(sub_rows / MAX_SIDE)
    nx, ny = math.ceil(cols / kx), math.ceil(sub_rows / ky)
    x0 = xlim[0] - hx / 2
    y0 = ylim[0] - hy * per_row / 2
    window = ((x0, x0 + nx * kx * hx), (y0, y0 + ny * ky * hy))
    return GridLayout((nx, ny), window, (kx, ky))


def compute_picture(
    request: MapRequest,
    ready: tuple[ConvergenceMap | None, ...] = (),
    progress: Callable[[float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> MapPicture:
    """Compute each setup's map (reusing ``ready[k]`` where given); raises ``Cancelled``."""
    began = time.perf_counter()
    parts = len(request.setups)
    maps: list[ConvergenceMap] = []
    for part, setup in enumerate(request.setups):
        known = ready[part] if part < len(ready) else None
        if known is not None:
            maps.append(known)
            continue

        def report(fraction: float, part: int = part) -> None:
            if progress is not None:
                progress((part + fraction) / parts)

        maps.append(
            compute_map(
                request.surface,
                setup,
                request.grid,
                request.steps,
                request.window,
                gtol=request.gtol,
                noise=request.noise,
                schedule=request.schedule,
                progress=report,
                should_stop=should_stop,
            )
        )
    return MapPicture(request, tuple(maps), time.perf_counter() - began)
