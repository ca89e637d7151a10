"""The loss plot: its log axis, a cursor that moves cheaply, and odd data at any size."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from plot_canvas_helpers import COLORS, MARKERS
from textual.app import App, ComposeResult

from optiscope.tui.widgets.loss_plot import LossPlot, log_floor, log_ticks, transform, y_limits


# -- the loss plot --------------------------------------------------------------------------------
class LossHost(App[None]):
    def compose(self) -> ComposeResult:
        yield LossPlot(show_legend=True)


def loss_series(count: int = 3, n: int = 60) -> list[tuple[str, str, str, npt.NDArray[np.float64]]]:
    steps = np.arange(n, dtype=np.float64)
    return [
        (f"run{j}", COLORS[j], MARKERS[j], 5.0 * np.exp(-0.1 * (j + 1) * steps))
        for j in range(count)
    ]


def test_log_axis_when_no_loss_is_below_the_minimum() -> None:
    curves, log = transform([np.array([4.0, 1.0, 0.0, np.inf, 2.0])], 0.0)
    assert log
    assert curves[0].tolist() == pytest.approx([math.log10(4), 0.0, math.log10(log_floor(0.0))])
    curves, log = transform([np.array([4.0, 1.0, -0.5])], 0.0)
    assert not log and curves[0].tolist() == [4.0, 1.0, -0.5]
    assert log_ticks(-6.0, 1.0, 4) == ([-6.0, -4.0, -2.0, 0.0], ["1e-6", "1e-4", "0.01", "1"])
    assert y_limits(-3.2, 0.7, True) == (-4.0, 1.0)


async def test_loss_plot_moves_its_cursor_cheaply_and_labels_its_axis() -> None:
    async with LossHost().run_test(size=(80, 14)) as pilot:
        plot = pilot.app.query_one(LossPlot)
        series = loss_series()
        plot.set_losses(series, 10, 0.0)
        await pilot.pause()
        text = "\n".join(plot.render_line(y).text for y in range(plot.size.height))
        assert plot.log_scale and "loss − f* (log)" in text and "step" in text
        for marker in MARKERS[:3]:
            assert marker in text
        frames = plot.frames_built
        dirty = []
        for upto in range(11, 20):
            plot.set_losses(series, upto, 0.0)
            dirty.append(len(plot.last_dirty_rows))
            await pilot.pause()
        assert any(dirty)  # the cursor moved, but only the rows it crosses are repainted
        assert plot.frames_built == frames  # limits unchanged: the frame is reused
        column = [plot.render_line(y).text for y in range(plot.size.height)]
        assert sum("│" in row[6:-1] for row in column) >= 3  # the cursor line


async def test_loss_plot_handles_negative_gaps_divergence_emptiness_and_tiny_sizes() -> None:
    async with LossHost().run_test(size=(60, 12)) as pilot:
        plot = pilot.app.query_one(LossPlot)
        plot.set_losses([], 0, 0.0)
        await pilot.pause()
        diverged = np.array([1.0, 3.0, 1e10, np.inf, np.nan])
        plot.set_losses(
            [("a", "red", "●", diverged), ("b", "blue", "▲", np.array([-2.0, -1.0]))], 4, 0.0
        )
        await pilot.pause()
        assert not plot.log_scale
        text = "\n".join(plot.render_line(y).text for y in range(plot.size.height))
        assert "loss" in text and "(log)" not in text and "●" in text and "▲" in text
        plot.set_losses([("a", "red", "●", np.full(3, np.nan))], 2, math.nan)
        for size in [(20, 6), (8, 3), (1, 1), (60, 12)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            widths = [plot.render_line(y).cell_length for y in range(plot.size.height)]
            assert widths == [plot.size.width] * plot.size.height
