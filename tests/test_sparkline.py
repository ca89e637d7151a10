"""ηeff sparklines: log-scale bars whose heights follow the numbers, and the strip in the
explorer reading the focused run up to the cursor."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from optiscope.core.format import fmt
from optiscope.core.lessons.catalog import get_lesson
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.plotting.sparkline import (
    BLOCKS,
    GAP,
    RunningSparks,
    buckets,
    log_scale,
    spark,
    spark_columns,
)
from optiscope.tui.widgets.eff_lr_strip import EffLrStrip, Shown, strip_text


def test_few_values_get_a_cell_each_and_many_the_geometric_mean_of_their_cells() -> None:
    assert buckets([0.1, 0.2, 0.4], 10).tolist() == pytest.approx([0.1, 0.2, 0.4])
    # 8 values into 4 cells: pairs (1, 100) → 10, (1e-2, 1e-4) → 1e-3, ...
    cells = buckets([1, 100, 1e-2, 1e-4, 5, 5, 2, 8], 4)
    assert cells.tolist() == pytest.approx([10.0, 1e-3, 5.0, 4.0])
    # A 0/0 rate (NaN) or a zero is left out of its cell's mean; a cell of only those is a gap.
    assert buckets([np.nan, 4.0, 0.0, np.nan], 2)[0] == pytest.approx(4.0)
    assert math.isnan(buckets([np.nan, 4.0, 0.0, np.nan], 2)[1])


def test_bar_heights_follow_log10_of_the_value_on_a_shared_scale() -> None:
    values = 10.0 ** np.arange(-4, 4)  # eight decades: one block level each
    assert spark(values, log_scale(values)) == BLOCKS
    # On a scale shared with a series 1000× larger, the small one sits at the bottom.
    small, large = np.full(3, 1e-3), np.full(3, 1.0)
    scale = log_scale(small, large)
    assert spark(small, scale) == BLOCKS[0] * 3 and spark(large, scale) == BLOCKS[-1] * 3


def test_a_constant_rate_is_a_flat_half_height_line_and_missing_values_are_gaps() -> None:
    flat = np.full(5, 0.4)
    assert set(spark(flat, log_scale(flat))) == {BLOCKS[3]}
    assert spark([np.nan, 1.0, 0.0, np.inf], log_scale([1.0])) == f"{GAP}{BLOCKS[3]}{GAP}{GAP}"
    assert log_scale([np.nan, 0.0, -1.0]) is None
    assert spark([np.nan, np.nan], None) == GAP * 2


def _lines(app: OptiscopeApp) -> list[str]:
    strip = app.query_one(EffLrStrip)
    return str(strip.render()).splitlines()


async def test_adagrads_bars_only_fall_and_rmsprops_climb_near_the_minimum(tmp_path: Path) -> None:
    lesson = get_lesson("adagrad-vs-rmsprop")
    app = OptiscopeApp(ExplorerModel.from_lesson(lesson), export_dir=tmp_path, lesson=lesson)
    async with app.run_test(size=(140, 44)) as pilot:
        await pilot.pause()
        strip = app.query_one(EffLrStrip)
        assert strip.region.height == 2  # shown by default on a tall terminal
        await pilot.press("g")
        await pilot.press(*"40", "enter")
        await pilot.pause()
        adagrad = app.explorer.model.runs[0].trajectory.column("effective_lr")
        w_line, b_line = _lines(app)
        assert w_line.split()[:3] == ["●", "ηeff", "w"] and b_line.split()[:2] == ["ηeff", "b"]
        # One cell per step 0..40, then ηeff at step 40 as the step table prints it.
        for i, line in enumerate((w_line, b_line)):
            bars = line.split()[2 if i else 3]
            assert len(bars) == 41
            levels = [BLOCKS.index(c) for c in bars]
            assert levels == sorted(levels, reverse=True)  # Adagrad's rate never rises
            assert fmt(adagrad[40, i]) in line.split()
        await pilot.press("o")  # RMSprop
        await pilot.pause()
        rms = app.explorer.model.runs[1].trajectory.column("effective_lr")[:41, 1]
        bars = _lines(app)[1].split()[2]
        levels = [BLOCKS.index(c) for c in bars]
        # b's rate dips, then climbs past where it started as the gradient fades.
        assert int(np.argmin(rms)) < 10 and rms[40] > rms[0]
        assert levels[40] > levels[0] > min(levels)


async def test_s_toggles_the_strip_and_it_starts_hidden_on_a_small_terminal(
    tmp_path: Path,
) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        strip = app.query_one(EffLrStrip)
        assert strip.region.height == 0
        await pilot.press("s", "n", "n")
        await pilot.pause()
        assert strip.region.height == 2
        gd = app.explorer.model.runs[0].trajectory.column("effective_lr")
        w_line = _lines(app)[0]
        assert w_line.split()[3] == BLOCKS[3] * 3  # GD's constant rate, steps 0..2
        assert all(len(line) <= strip.content_region.width for line in _lines(app))
        assert fmt(gd[2, 0]) in w_line
        await pilot.press("s")
        await pilot.pause()
        assert strip.region.height == 0


def test_the_strip_names_its_scale_and_gives_way_on_narrow_widths() -> None:
    rates = np.array([[0.4, 0.4]] * 5)
    wide = strip_text(Shown(("w", "b"), rates, "●", "red", "= η"), 100).plain.splitlines()
    assert "= η" in wide[0] and "constant 0.4" in wide[1]
    falling = np.array([[0.3, 0.03], [0.1, 0.01], [0.01, 0.001]])
    lines = strip_text(Shown(("w", "b"), falling, "●", "red"), 100).plain.splitlines()
    assert "log 0.001…0.3" in lines[1]
    for width in (100, 40, 20):
        lines = strip_text(Shown(("w", "b"), falling, "●", "red"), width).plain.splitlines()
        assert len(lines) == 2 and all(len(line) <= width for line in lines)
        assert lines[0].split()[:3] == ["●", "ηeff", "w"]


async def test_a_step_that_changes_no_rate_repaints_no_line_of_the_strip(tmp_path: Path) -> None:
    """GD's ηeff is η at every step: past the steps that fill the strip's cells, stepping
    changes neither the bars nor the value, and the strip draws exactly what it drew (a
    step then repaints none of its lines)."""
    app = OptiscopeApp(ExplorerModel.create(None, None, ["gd(lr=0.01)"]), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await pilot.press(*"200", "enter")
        await pilot.pause()
        strip = app.query_one(EffLrStrip)
        before = strip.text
        refreshed: list[object] = []
        original = strip.refresh
        strip.refresh = lambda *a, **k: refreshed.append(a) or original(*a, **k)  # type: ignore[method-assign]
        await pilot.press("n")
        await pilot.pause()
        assert strip.text == before and not refreshed


@pytest.mark.parametrize("n", [0, 1, 5, 39, 40, 41, 300, 1001])
@pytest.mark.parametrize("width", [1, 8, 40])
def test_all_columns_at_once_draw_what_each_column_draws_alone(n: int, width: int) -> None:
    """``spark_columns`` (the strip's one pass) equals ``spark(buckets(...))`` per column
    on a shared ``log_scale``: random rates with zeros, negatives, NaN, inf and a flat
    column among them."""
    rng = np.random.default_rng(n * 100 + width)
    rates = 10.0 ** rng.uniform(-6, 2, size=(n, 3))
    if n:
        rates[rng.random(n) < 0.1, 0] = 0.0
        rates[rng.random(n) < 0.05, 1] = np.nan
        rates[rng.random(n) < 0.05, 1] = np.inf
        rates[rng.random(n) < 0.05, 0] = -1.0
        rates[:, 2] = 0.25  # GD's constant rate
    for sample in (rates, rates[:, 2:], np.full((n, 2), np.nan)):
        columns, scale = spark_columns(sample, width)
        assert scale == log_scale(sample)
        assert columns == [
            spark(buckets(sample[:, j], width), scale) for j in range(sample.shape[1])
        ]


def test_running_sparks_draw_what_spark_columns_draws_as_rows_arrive_and_n_moves() -> None:
    """The strip's running sums give the same blocks and scale as the whole pass, for the
    first n rows, n moving forward, back, and past rows not read before; a new source
    starts over."""
    rng = np.random.default_rng(7)
    rates = 10.0 ** rng.uniform(-6, 2, size=(3000, 2))
    rates[rng.random(3000) < 0.1, 0] = 0.0
    rates[rng.random(3000) < 0.05, 1] = np.nan
    rates[:5] = np.nan  # no positive rate at first: no scale
    sparks = RunningSparks()
    source = object()
    known = 50  # rows computed so far: a worker extends the series while n moves
    for n in [0, 1, 3, 6, 7, 40, 41, 39, 1000, 2999, 3000, 500, 1, 1001, 1002, 1003]:
        known = max(known, n + 7) if n < 2000 else 3000
        for width in (8, 40, 57):
            drawn = sparks.columns(rates[:known], n, width, source)
            assert drawn == spark_columns(rates[:n], width)
    other = np.full((100, 2), 0.25)  # GD's constant rate, from another run
    assert sparks.columns(other, 60, 40, object()) == spark_columns(other[:60], 40)


async def test_focusing_another_run_and_back_reads_each_runs_rates_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cycling the focus through the runs twice at step 1,500: the strip draws each run as
    the whole pass (``spark_columns``) draws its rates up to the cursor, and each run's
    rates are read into running sums once, not at every return to it."""
    taken: list[int] = []
    original = RunningSparks._take

    def counted(self: RunningSparks, new: np.ndarray) -> None:
        taken.append(len(new))
        original(self, new)

    monkeypatch.setattr(RunningSparks, "_take", counted)
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("g")
        await pilot.press(*"1500", "enter")
        for _ in range(50):
            await pilot.pause()
            if app.explorer.snapshot().step == 1500:
                break
        runs = len(app.explorer.model.runs)
        strip = app.query_one(EffLrStrip)
        taken.clear()  # the run focused at the start was read on the way to step 1,500
        for _ in range(2 * runs):
            await pilot.press("o")
            await pilot.pause()
            shown = strip._shown
            assert shown is not None
            run = app.explorer.snapshot().focused_run
            rates = run.trajectory.column("effective_lr")[: run.index + 1]
            whole = Shown(shown.coords, rates, shown.marker, shown.color, shown.means)
            assert strip.text == strip_text(whole, strip.content_region.width)
        assert len(taken) == runs - 1  # each other run once, on its first focus
