"""Pilot tests of the high-dimensional view: every number it shows is the core's, computed
here from an independent run; keys do what the footer says and never leak to the explorer."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from rich.text import Text
from textual import events
from textual.app import App
from textual.widgets import Static

from optiscope.core.format import fmt
from optiscope.core.highdim.basis import basis_dependence
from optiscope.core.highdim.problems import Quadratic
from optiscope.core.highdim.run import HighDimRun, parse_setup
from optiscope.core.highdim.views import plane, top_k
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.highdim_model import DEFAULT_SPECS, MAX_BARS
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.highdim import HighDimScreen
from optiscope.tui.widgets.basis_panel import BasisPanel
from optiscope.tui.widgets.loss_plot import LossPlot
from optiscope.tui.widgets.plot_canvas import ContourPlot
from optiscope.tui.widgets.status_line import StatusLine
from optiscope.tui.widgets.topk_bars import TopKBars, bar_rows, bar_text

WIDE, NARROW = (120, 40), (80, 24)


class ScreenApp(App[None]):
    """Just the view, without the explorer under it."""

    def __init__(self, screen: HighDimScreen) -> None:
        super().__init__()
        self.view = screen

    def on_mount(self) -> None:
        self.push_screen(self.view)


def independent_run(spec: str, rotated: bool = False) -> HighDimRun:
    q = Quadratic(100, 1e4, rotated, 0)
    run = HighDimRun(q, parse_setup(spec, q))
    run.extend(51)
    return run


async def settle(app: App[None]) -> None:
    await app.workers.wait_for_complete()


def header_text(screen: HighDimScreen) -> str:
    content = screen.query_one("#hd-header", Static).content
    return content.plain if isinstance(content, Text) else str(content)


# -- from the explorer -------------------------------------------------------------------------
async def test_H_opens_the_view_and_its_keys_do_not_step_the_explorer(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("n", "H")
        screen = app.screen
        assert isinstance(screen, HighDimScreen)
        await pilot.press("n", "n", "a", "x", "v")
        assert screen.model.cursor == 2
        assert app.explorer.model.cursor == 1  # the explorer's n did not fire behind the view
        assert len(app.explorer.model.runs) == 4  # nor its "a" (add optimizer)
        await settle(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, HighDimScreen)
        assert app.explorer.model.cursor == 1
        await pilot.press("n")
        assert app.explorer.model.cursor == 2


@pytest.mark.parametrize("key", ["escape", "q", "H"])
async def test_escape_q_and_H_return_to_the_explorer(tmp_path: Path, key: str) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("H")
        assert isinstance(app.screen, HighDimScreen)
        await settle(app)
        await pilot.press(key)
        assert not isinstance(app.screen, HighDimScreen)
        assert app.is_running and len(app.screen_stack) == 1


async def test_a_burst_of_escapes_pops_the_view_only(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("H")
        for _ in range(3):  # all queued before the first is handled
            event = events.Key("escape", None)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause()
        await settle(app)
        assert app.is_running and len(app.screen_stack) == 1


async def test_a_click_on_the_plane_does_not_move_the_explorer_start(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        start = app.explorer.model.start
        await pilot.press("H")
        await settle(app)
        await pilot.click("#hd-plane", offset=(20, 8))
        assert app.explorer.model.start == start


# -- the numbers -------------------------------------------------------------------------------
async def test_defaults_are_the_basis_story() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=WIDE):
        assert [c.spec for c in screen.model.compared] == list(DEFAULT_SPECS)
        assert "D = 100, κ = 10000, axis-aligned" in header_text(screen)


async def test_stepping_shows_the_core_numbers_at_the_new_step() -> None:
    screen = HighDimScreen()
    reference = independent_run(DEFAULT_SPECS[0])
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        bars = screen.query_one(TopKBars)
        before = bars.top
        await pilot.press("n", "n", "n", "right", "left")
        assert screen.model.cursor == 3
        expected = top_k(reference[3], "grad", MAX_BARS)
        assert bars.top is not None and before is not None
        assert not np.array_equal(bars.top.values, before.values)
        assert np.array_equal(bars.top.indices, expected.indices)
        assert np.array_equal(bars.top.signed, expected.signed)
        rows = bars.rows()
        assert len(rows) == bars.shown_rows > 5
        for (index, _, value), i, v in zip(rows, expected.indices, expected.signed, strict=False):
            assert index.strip() == f"#{i}" and value.strip() == fmt(float(v))
        status = screen.query_one(StatusLine).text.plain
        assert "t 3 " in status and fmt(reference[3].loss) in status
        loss = screen.query_one(LossPlot)
        assert loss.log_scale and loss._upto == 3
        # Losses are evaluated a chunk of records at a time: BLAS may round the last bit.
        np.testing.assert_allclose(loss._raw[0][:51], reference.column("loss"), rtol=1e-13)


async def test_focus_and_the_quantity_key_cycle_with_sqrt_s_skipped_for_gd() -> None:
    screen = HighDimScreen()
    rmsprop = independent_run(DEFAULT_SPECS[1])
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("n", "n")
        assert screen.model.field == "grad"
        await pilot.press("b")  # gd keeps no √S: straight on to ηeff, with a message
        assert screen.model.field == "effective_lr"
        assert any("no average of g²" in n.message for n in pilot.app._notifications)
        await pilot.press("b", "b")
        assert screen.model.field == "grad"
        await pilot.press("o", "b")
        assert screen.model.focused == 1 and screen.model.field == "sqrt_s"
        bars = screen.query_one(TopKBars)
        s_root = np.sqrt(rmsprop[2].state["s"])
        order = np.argsort(-s_root, kind="stable")[:MAX_BARS]
        assert bars.top is not None
        assert np.array_equal(bars.top.indices, order)
        assert np.array_equal(bars.top.values, s_root[order])
        await pilot.press("O")  # back to gd: its √S is missing, the bars say why
        assert bars.top is None and bars.message is not None
        assert "no average of g²" in bars.message


async def test_rotation_keeps_the_cursor_changes_the_projection_and_the_basis_is_measured() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        await settle(pilot.app)
        await pilot.pause()
        panel = screen.query_one(BasisPanel)
        expected = basis_dependence(DEFAULT_SPECS, 100, 1e4, 0, 1e-4, 10_000)
        assert panel.report is not None and panel.current == 0
        assert [r.counts for r in panel.report.rows] == [(r.unrotated, r.rotated) for r in expected]
        assert [r.counts for r in panel.report.rows][3] == (12, 1655)
        shown = panel.render().plain
        assert "1,655" in shown and "rotation leaves gd(lr=1) unchanged" in shown
        before = screen._paths[2].points.copy()
        await pilot.press("n", "n", "R")
        await settle(pilot.app)
        await pilot.pause()
        assert screen.model.cursor == 2
        assert isinstance(screen.model.problem, Quadratic) and screen.model.problem.rotated
        assert "rotated by a random orthogonal Q" in header_text(screen)
        assert panel.current == 1
        rotated_adam = independent_run(DEFAULT_SPECS[2], rotated=True)
        view = plane(rotated_adam.problem, "eigen")
        now = screen._paths[2].points
        assert not np.allclose(now[:51], before[:51])
        np.testing.assert_allclose(now[:51], view.coords(rotated_adam.column("params")))
        bars = screen.query_one(TopKBars)
        expected_top = top_k(independent_run(DEFAULT_SPECS[0], rotated=True)[2], "grad", 5)
        assert bars.top is not None
        assert np.array_equal(bars.top.indices[:5], expected_top.indices)


async def test_plane_key_switches_to_random_directions() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        plot = screen.query_one(ContourPlot)
        eigen = plot.window
        await pilot.press("e")
        assert screen.model.basis == "random"
        gd = independent_run(DEFAULT_SPECS[0])
        view = plane(gd.problem, "random", seed=0)
        np.testing.assert_allclose(screen._paths[0].points[:51], view.coords(gd.column("params")))
        await pilot.pause()
        assert plot.window != eigen


async def test_run_pauses_and_end_goes_to_the_last_computed_step() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.press("space")
        assert screen.running
        await pilot.pause(0.3)
        await pilot.press("space")
        assert not screen.running and screen.model.cursor > 0
        await pilot.press("end")
        assert screen.model.cursor == len(screen.model.runs[0]) - 1 == 2000
        await pilot.press("home")
        assert screen.model.cursor == 0


async def test_divergence_shows_as_a_state() -> None:
    screen = HighDimScreen(None, ["gd(lr=2.5)", "adam(lr=0.01)"])
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.press("end")
        status = screen.query_one(StatusLine).text.plain
        assert "diverged at step" in status
        assert any("diverged" in n.message for n in pilot.app._notifications)


async def test_bad_problem_text_gives_one_message_and_the_default_setup() -> None:
    screen = HighDimScreen("quadratic(dim=5000)")
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert screen.error == "problem quadratic: dim must be in [2, 1000]; got 5000"
        assert header_text(screen).startswith(screen.error)
        assert any("dim must be in" in n.message for n in pilot.app._notifications)
        assert screen.model.problem.dim == 100


async def test_a_bad_optimizer_spec_is_a_message_too() -> None:
    screen = HighDimScreen(None, ["adam(lr=-1)"])
    async with ScreenApp(screen).run_test(size=WIDE):
        assert screen.error is not None and "lr" in screen.error


async def test_logistic_regression_names_its_data_and_refuses_rotation() -> None:
    screen = HighDimScreen("logreg(n_samples=200, n_features=10, batch_size=20)")
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "n = 200 samples, 10 features (D = 11), mini-batch 20" in header_text(screen)
        await pilot.press("R")
        assert any(
            "rotation applies to the quadratic" in n.message for n in pilot.app._notifications
        )
        await settle(pilot.app)
        await pilot.pause()
        report = screen.query_one(BasisPanel).report
        assert report is not None and report.columns == ("steps",) and report.rel_tol == 1e-2


# -- sizes and key storms ----------------------------------------------------------------------
async def test_narrow_layout_shows_the_plane_or_the_basis_panel() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert screen.has_class("-narrow")
        plane_box = screen.query_one("#hd-plane-box")
        panel = screen.query_one(BasisPanel)
        assert plane_box.display and not panel.display
        await pilot.press("v")
        assert panel.display and not plane_box.display
        await pilot.press("n", "b", "o", "e")
        assert screen.query_one(TopKBars).shown_rows >= 5
        assert not screen.query_one(LossPlot).show_legend


async def test_resizing_switches_the_layout() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert screen.has_class("-wide") and screen.query_one(LossPlot).show_legend
        assert screen.query_one(BasisPanel).display
        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        assert screen.has_class("-narrow") and not screen.query_one(LossPlot).show_legend
        assert not screen.query_one(BasisPanel).display


async def test_stepping_past_the_computed_steps_extends_the_runs() -> None:
    screen = HighDimScreen()
    async with ScreenApp(screen).run_test(size=WIDE) as pilot:
        await pilot.press("end", "n")
        assert screen.model.cursor == 2001
        assert all(len(r) > 2001 for r in screen.model.runs)
        reference = independent_run(DEFAULT_SPECS[1])
        reference.extend(2002 - len(reference))
        expected = top_k(reference[2001], "grad", 3)
        await pilot.press("o")  # RMSprop's bars at step 2,001
        top = screen.query_one(TopKBars).top
        assert top is not None and np.array_equal(top.signed[:3], expected.signed)
        assert np.array_equal(top.indices[:3], expected.indices)


KEYS = [
    *"npbeoORvg",
    "right",
    "left",
    "space",
    "home",
    "end",
    "question_mark",
    "right_square_bracket",
    "left_square_bracket",
    "escape",
    "enter",
    "tab",
    "5",
    "H",
]


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_random_keys_on_the_view_never_raise(size: tuple[int, int], tmp_path: Path) -> None:
    rng = random.Random(size[0])
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for i in range(150):
            if not isinstance(app.screen, HighDimScreen) and len(app.screen_stack) == 1:
                key = "H"
            else:
                key = rng.choice(KEYS)
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app._driver.send_message(event)
            if i % 5 == 4:
                await pilot.pause()
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.is_running
        while len(app.screen_stack) > 1:
            await pilot.press("escape")
        await pilot.press("home", "n")
        assert app.explorer.model.cursor == 1


# -- the widgets' pure parts -------------------------------------------------------------------
def test_bar_text_rounds_to_eighths_and_pads() -> None:
    assert bar_text(1.0, 4) == "████"
    assert bar_text(0.5, 4) == "██  "
    assert bar_text(1 / 32, 4) == "▏   "
    assert bar_text(0.0, 3) == "   "
    assert bar_text(float("nan"), 2) == "  "


def test_bar_rows_scale_to_the_largest_finite_value() -> None:
    run = independent_run("adam(lr=0.01)")
    top = top_k(run[4], "update", 3)
    rows = bar_rows(top, 3, 40, 100)
    bars = [bar.rstrip() for _, bar, _ in rows]
    assert bars[0] == "█" * len(rows[0][1])  # the largest fills the bar
    assert all(len(b) <= len(bars[0]) for b in bars)
