"""Plot speed: one optimizer step on the cached contour plot vs a full plotext redraw.

Run: ``python benchmarks/bench_plot.py [--repeats 7] [--steps 200]``. At 120x40 content
with 4 series of 300 points on the lecture bowl it prints medians of

* one step: ``ContourPlot.set_series(upto + 1)`` plus ``render_line`` for all 40 rows,
* a full plotext redraw of the same figure (contours + paths + current points), as
  textual-plotext would do per frame (``build()``, and ``build()`` + ``Text.from_ansi``),
* the background build (frame + contour layer), cold (contours computed) and warm,
* the loss plot: a cursor move, and a step of runs that are still growing.

Machines are shared and noisy: read the ratio, not the absolute times.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import numpy as np
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from timing import median_time

from optiscope.core.contours import contour_levels, contour_lines
from optiscope.core.specs import make_setup
from optiscope.core.step_vectors import step_vectors
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import run as run_trajectory
from optiscope.tui.plotting.frame import dress, new_figure, rich_to_plotext
from optiscope.tui.plotting.step_arrows import vector_overlay
from optiscope.tui.widgets.loss_plot import LossPlot
from optiscope.tui.widgets.plot_canvas import (
    MINIMUM_GLYPH,
    MINIMUM_RGB,
    START_GLYPH,
    ContourPlot,
    PlotSeries,
    contour_rgb,
    draw_order,
)

WIDTH, HEIGHT = 120, 40
N_SERIES, N_POINTS = 4, 300
SURFACE = get_surface("lecture-bowl")
COLORS = ("#e06c75", "#98c379", "#61afef", "#c678dd")
MARKERS = "●▲■◆"


def make_series() -> list[PlotSeries]:
    """Four noisy gradient-descent paths from start A, with different step sizes."""
    rng = np.random.default_rng(1)
    series = []
    for j in range(N_SERIES):
        p = np.array(SURFACE.start("A"))
        points = [p]
        for _ in range(N_POINTS - 1):
            g = np.array(SURFACE.grad(*p)) + rng.normal(size=2) * 0.5
            p = p - (0.03 + 0.04 * j) * g
            points.append(p)
        series.append(
            PlotSeries(f"gd(lr={0.03 + 0.04 * j:.2f})", COLORS[j], MARKERS[j], np.array(points))
        )
    return series


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    return 1e3 * median_time(fn, repeats)


def plotext_redraw(plot: ContourPlot, series: list[PlotSeries], upto: int, parse: bool) -> None:
    """What a plain plotext figure does per frame: draw everything, then build (and parse)."""
    canvas = plot.canvas
    assert canvas is not None
    window = (canvas.xlim, canvas.ylim)
    fig = new_figure(WIDTH, HEIGHT)
    dress(fig, *window, title=SURFACE.title, xlabel="w →", ylabel="↑ b")
    levels = contour_levels(SURFACE, window, plot.n_levels)
    lines = contour_lines(SURFACE, window, levels, (2 * canvas.cols, 4 * canvas.rows))
    for level, pts in lines:
        i = int(np.argmin(np.abs(levels - level)))
        rgb = contour_rgb(i, len(levels))
        fig._draw(
            pts[:, 0].tolist(),
            pts[:, 1].tolist(),
            lines=True,
            marker="braille",
            color=rgb,
            style="dim",
        )
    fig._draw([0.0], [0.0], lines=False, marker=MINIMUM_GLYPH, color=MINIMUM_RGB, style="bold")
    for i in draw_order(len(series), 0):
        p = series[i].points[: upto + 1]
        fig._draw(
            p[:, 0].tolist(),
            p[:, 1].tolist(),
            lines=True,
            marker="braille",
            color=rich_to_plotext(series[i].color),
            style="bold" if i == 0 else None,
        )
    start = series[0].points[0]
    fig._draw(
        [float(start[0])], [float(start[1])], lines=False, marker=START_GLYPH, color="default"
    )
    for i in draw_order(len(series), 0):
        x, y = series[i].points[upto]
        fig._draw(
            [float(x)],
            [float(y)],
            lines=False,
            marker=series[i].marker,
            color=rich_to_plotext(series[i].color),
        )
    out = fig.build()
    if parse:
        Text.from_ansi(out)


def grown(series: PlotSeries, n: int) -> PlotSeries:
    """The series as a still-running trajectory shows it: its first ``n`` points (a view)."""
    return PlotSeries(series.label, series.color, series.marker, series.points[:n])


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ContourPlot(SURFACE)


async def run(repeats: int, steps: int) -> None:
    app = Host()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        plot = app.query_one(ContourPlot)
        series = make_series()
        plot.set_series(series, 0)
        await pilot.pause()
        assert tuple(plot.size) == (WIDTH, HEIGHT), plot.size

        def render_all() -> None:
            """Our own path for every row (no Textual line cache)."""
            for y in range(HEIGHT):
                plot.render_line(y)

        def paint_all() -> None:
            """What Textual does on a repaint: render_lines over the whole widget."""
            plot.render_lines(Region(0, 0, WIDTH, HEIGHT))

        def steps_ms(
            render: Callable[[], None], grow: bool = False
        ) -> tuple[float, float, list[int]]:
            times, dirty = [], []
            for upto in range(1, steps + 1):
                shown = [grown(s, upto + 1) for s in series] if grow else series
                t0 = time.perf_counter()
                plot.set_series(shown, upto)
                render()
                times.append(time.perf_counter() - t0)
                dirty.append(len(plot.last_dirty_rows))
            plot.set_series(series, 0)
            render()
            return 1e3 * statistics.median(times), 1e3 * float(np.percentile(times, 95)), dirty

        step_ms, p95_ms, dirty = steps_ms(render_all)
        paint_ms, paint_p95_ms, _ = steps_ms(paint_all)
        # The same steps with the focused run's vectors drawn (V): the screen takes step t
        # apart (core.step_vectors) and hands the arrows over before the paths.
        momentum = run_trajectory(SURFACE, make_setup("momentum", {}, SURFACE), (-4.7, -1.3), steps)

        def with_vectors(upto: int) -> None:
            overlay = vector_overlay(step_vectors(momentum, upto), COLORS[0])
            plot.set_vectors(overlay)

        vec_times = []
        for upto in range(1, steps + 1):
            t0 = time.perf_counter()
            with_vectors(upto)
            plot.set_series(series, upto)
            paint_all()
            vec_times.append(time.perf_counter() - t0)
        plot.set_vectors(None)
        plot.set_series(series, 0)
        paint_all()
        vec_ms = 1e3 * statistics.median(vec_times)
        vec_p95_ms = 1e3 * float(np.percentile(vec_times, 95))
        plot.set_series([grown(s, 1) for s in series], 0)
        paint_all()
        grow_ms, grow_p95_ms, _ = steps_ms(paint_all, grow=True)

        def rebuild(cold: bool) -> None:
            if cold:
                plot._contours.clear()
            plot._frame_key = None
            render_all()

        cold_ms = median_ms(lambda: rebuild(True), repeats)
        warm_ms = median_ms(lambda: rebuild(False), repeats)
        upto = steps // 2
        build_ms = median_ms(lambda: plotext_redraw(plot, series, upto, False), repeats)
        parse_ms = median_ms(lambda: plotext_redraw(plot, series, upto, True), repeats)

    print(f"ContourPlot at {WIDTH}x{HEIGHT} content, {N_SERIES} series x {N_POINTS} points")
    print("  one step = set_series(upto+1), then render (median / p95, ms):")
    print(f"    + render_line for all {HEIGHT} rows:    {step_ms:7.3f} / {p95_ms:.3f}")
    print(f"    + render_lines(whole widget):         {paint_ms:7.3f} / {paint_p95_ms:.3f}")
    print(f"    ditto, paths growing a point a step:  {grow_ms:7.3f} / {grow_p95_ms:.3f}")
    print(f"    ditto, with the vectors drawn (V):    {vec_ms:7.3f} / {vec_p95_ms:.3f}")
    print(f"    rows recomposed per step (median):   {statistics.median(dirty):5.0f}")
    print("  full plotext redraw of the same figure (median, ms):")
    print(f"    build():                             {build_ms:7.1f}  ({build_ms / step_ms:.0f}x)")
    print(f"    build() + Text.from_ansi():          {parse_ms:7.1f}  ({parse_ms / step_ms:.0f}x)")
    print("  background rebuild, frame + contour layer (median, ms):")
    print(f"    cold (contours computed):            {cold_ms:7.1f}")
    print(f"    warm (contours cached):              {warm_ms:7.1f}")


class LossHost(App[None]):
    def compose(self) -> ComposeResult:
        yield LossPlot()


async def run_loss(steps: int) -> None:
    """The loss plot at 120x12: moving the cursor, and a run growing by a step."""
    app = LossHost()
    width, height = WIDTH, 12
    async with app.run_test(size=(width, height)) as pilot:
        plot = app.query_one(LossPlot)
        losses = [(s.label, s.color, s.marker, SURFACE.value(s.points)) for s in make_series()]
        plot.set_losses(losses, 0, 0.0)
        await pilot.pause()
        region = Region(0, 0, width, height)

        def steps_ms(grow: bool) -> float:
            times = []
            for upto in range(1, steps + 1):
                shown = [(a, b, c, v[: upto + 1]) for a, b, c, v in losses] if grow else losses
                t0 = time.perf_counter()
                plot.set_losses(shown, upto, 0.0)
                plot.render_lines(region)
                times.append(time.perf_counter() - t0)
            return 1e3 * statistics.median(times)

        move_ms = steps_ms(False)
        grow_ms = steps_ms(True)
    print(
        f"LossPlot at {width}x{height} content, {N_SERIES} series x {N_POINTS} steps (median, ms):"
    )
    print(f"    set_losses(upto+1) + render_lines:   {move_ms:7.3f}")
    print(f"    ditto, runs growing a step a step:   {grow_ms:7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.repeats, min(args.steps, N_POINTS - 1)))
    asyncio.run(run_loss(min(args.steps, N_POINTS - 1)))


if __name__ == "__main__":
    main()
