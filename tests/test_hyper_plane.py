"""The hyperparameter plane in the explorer, as a learner drives it: the nudge keys
(``*`` ``/`` ``}`` ``{``), the lr×β map (``B``) and the sharpness strip (``C``).

References are computed here: a fresh ``core`` run at the nudged rate, the closed-form
stability rule written out (η(1−β)·λmax < 2(1+β) with λmax = 4 on the lecture bowl, GD's
η < 2/λmax), and the stability columns of the run at the cursor.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot
from tui_helpers import burst, go_to, settle

from optiscope.core.format import fmt
from optiscope.core.lessons.catalog import get_lesson
from optiscope.core.maps.over import CELL_CLASSES
from optiscope.core.specs import make_setup
from optiscope.core.stability import SHARPNESS, THRESHOLD
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.bindings import COMMANDS
from optiscope.tui.model import ExplorerModel
from optiscope.tui.widgets.hyper_map import BOUNDARY_GLYPHS, HyperMapPlot
from optiscope.tui.widgets.sharpness_strip import SharpnessStrip
from optiscope.tui.widgets.status_line import StatusLine

SIZE = (120, 40)
#: The lecture bowl 0.1w² + 2b²: its Hessian is diag(0.2, 4).
LAMBDA_MAX = 4.0


def app_for(tmp_path: Path, *specs: str, surface: str = "lecture-bowl") -> OptiscopeApp:
    model = ExplorerModel.create(get_surface(surface), None, list(specs) or None)
    return OptiscopeApp(model, export_dir=tmp_path)


def status(app: OptiscopeApp) -> str:
    return app.query_one(StatusLine).text.plain


async def map_ready(pilot: Pilot[None], bound: float = 20.0) -> HyperMapPlot:
    app = pilot.app
    assert isinstance(app, OptiscopeApp)
    await pilot.pause()
    widget = app.explorer.hyper_plot
    assert widget is not None
    deadline = time.monotonic() + bound
    while (widget.computing or widget.picture is None) and time.monotonic() < deadline:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert widget.picture is not None
    return widget


# -- nudges -----------------------------------------------------------------------------------
async def test_a_burst_of_ten_lr_nudges_ends_at_1_25_to_the_10_and_equals_a_fresh_run(
    tmp_path: Path,
) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "o")  # RMSprop
        await go_to(pilot, app, 30)
        screen = app.explorer
        before = float(screen.model.focused_run.setup.hyperparameters["lr"])
        burst(app, *["asterisk"] * 10)
        await settle(pilot, app)
        run = screen.model.focused_run
        lr = float(run.setup.hyperparameters["lr"])
        expected = before
        for _ in range(10):
            expected *= 1.25
        assert lr == expected and lr == pytest.approx(before * 1.25**10, rel=1e-12)
        assert screen.model.cursor == 30 and screen.model.shown_step == 30
        assert f"rmsprop η {fmt(expected / 1.25)} → {fmt(expected)}" in status(app)

        surface = screen.model.surface
        fresh = Trajectory(surface, make_setup("rmsprop", {"lr": lr}, surface), screen.model.start)
        fresh.run_to(31)
        np.testing.assert_array_equal(run.trajectory.column("params")[:31], fresh.column("params"))

        burst(app, *["slash"] * 3)
        await settle(pilot, app)
        back = float(screen.model.focused_run.setup.hyperparameters["lr"])
        assert back == pytest.approx(before * 1.25**7, rel=1e-12)
        assert screen.model.cursor == 30


async def test_the_form_shows_the_nudged_value(tmp_path: Path) -> None:
    from optiscope.tui.widgets.field_row import FieldRow

    app = app_for(tmp_path, "momentum(lr=0.4)")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("asterisk", "right_curly_bracket")
        await settle(pilot, app)
        assert app.query_one("#hp-lr", FieldRow).input.value == "0.5"
        assert app.query_one("#hp-beta", FieldRow).input.value == "0.95"
        assert "momentum β 0.9 → 0.95" in status(app)


async def test_beta_nudges_halve_or_double_the_gap_to_1_and_stay_in_range(tmp_path: Path) -> None:
    app = app_for(tmp_path, "momentum")
    async with app.run_test(size=SIZE) as pilot:
        model = app.explorer.model
        await pilot.press("right_curly_bracket", "right_curly_bracket")
        await settle(pilot, app)
        assert model.focused_run.setup.hyperparameters["beta"] == pytest.approx(0.975)
        burst(app, *["left_curly_bracket"] * 8)
        await settle(pilot, app)
        assert model.focused_run.setup.hyperparameters["beta"] == 0.0
        assert "at its limit" in status(app)
        burst(app, *["right_curly_bracket"] * 70)
        await settle(pilot, app)
        beta = float(model.focused_run.setup.hyperparameters["beta"])
        assert 0.999 < beta < 1.0  # [0, 1): never 1
        assert "momentum β" in status(app)


async def test_an_optimizer_without_beta_says_so_and_nothing_changes(tmp_path: Path) -> None:
    app = app_for(tmp_path, "gd")
    async with app.run_test(size=SIZE) as pilot:
        version = app.explorer.model.version
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        assert "gd has no momentum-like β" in status(app)
        assert app.explorer.model.version == version


async def test_a_nudge_closes_a_lesson_as_any_setup_change(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.explorer.load_lesson(get_lesson("zigzag"))
        await pilot.pause()
        await pilot.press("asterisk")
        await pilot.pause()
        assert app.explorer.lesson is None and not app.explorer.lesson_shown
        assert any("closed" in n.message for n in app._notifications)


def test_the_new_keys_have_ids_and_are_in_the_explorer_table() -> None:
    ids = {c.id: c for c in COMMANDS}
    for id_, key in (
        ("lr-up", "asterisk"),
        ("lr-down", "slash"),
        ("beta-up", "right_curly_bracket"),
        ("beta-down", "left_curly_bracket"),
        ("hyper-map", "B"),
        ("sharpness-strip", "C"),
    ):
        assert ids[id_].keys == key


# -- the lr×β map -----------------------------------------------------------------------------
async def test_enter_on_a_cell_sets_exactly_that_cell_s_lr_and_beta(tmp_path: Path) -> None:
    app = app_for(tmp_path, "momentum(lr=0.4)", "gd")
    async with app.run_test(size=SIZE) as pilot:
        await go_to(pilot, app, 12)
        await pilot.press("B")
        widget = await map_ready(pilot)
        await pilot.press("left", "left", "left", "down", "down")
        lr, beta = widget.cell_value(*widget.cursor)
        assert beta is not None and beta < 0.9
        assert widget.caption().startswith(f"▸ η {fmt(lr)}  β {fmt(beta)}")
        await pilot.press("enter")
        await settle(pilot, app)
        hp = app.explorer.model.focused_run.setup.hyperparameters
        assert hp["lr"] == lr and hp["beta"] == beta
        assert app.explorer.plot_view == "contours" and app.explorer.model.cursor == 12
        assert f"β 0.9 → {fmt(beta)}" in status(app)


@pytest.mark.parametrize("spec", ["momentum(lr=0.4)", "heavyball(lr=0.5)", "gd"])
async def test_lecture_bowl_cells_agree_with_the_closed_form_boundary(
    tmp_path: Path, spec: str
) -> None:
    app = app_for(tmp_path, spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")
        widget = await map_ready(pilot)
        picture = widget.picture
        assert picture is not None
        hmap = picture.hmap
        lrs = np.array(picture.request.lrs)[None, :]
        name = spec.split("(")[0]
        if picture.request.betas is None:
            limit = 2.0 / LAMBDA_MAX * np.ones((1, 1))
        else:
            beta = np.array(picture.request.betas)[:, None]
            limit = (
                2 * (1 + beta) / ((1 - beta) * LAMBDA_MAX)
                if name == "momentum"
                else 2 * (1 + beta) / LAMBDA_MAX
            )
        margin = lrs / limit
        diverged = hmap.classes() == CELL_CLASSES.index("diverged")
        far_above, far_below = margin >= 1.1, margin <= 0.9
        assert far_above.any() and far_below.any()
        assert diverged[far_above].all()
        assert not diverged[far_below].any()


async def test_the_boundary_is_drawn_where_the_closed_form_puts_it(tmp_path: Path) -> None:
    app = app_for(tmp_path, "momentum(lr=0.4)")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")
        widget = await map_ready(pilot)
        canvas = widget.canvas
        assert canvas is not None
        cells = widget.boundary_cells(canvas)
        drawn = 0
        for col, row in cells:
            if not 0 <= col < canvas.cols:
                continue
            x, y = canvas.screen(col, row)
            line = "".join(s.text for s in widget.render_line(y))
            drawn += line[x] in BOUNDARY_GLYPHS
            # the limit lies within the cell's η range, by the same formula
            assert widget.picture is not None
            lrs = widget.picture.request.lrs
            betas = widget.picture.request.betas
            assert betas is not None
            limit = 2 * (1 + betas[row]) / ((1 - betas[row]) * LAMBDA_MAX)
            step = (np.log10(lrs[-1]) - np.log10(lrs[0])) / (len(lrs) - 1)
            assert abs(np.log10(limit) - np.log10(lrs[col])) <= step / 2 + 1e-9
        assert drawn >= len([c for c, _ in cells if 0 <= c < canvas.cols]) - 1
        assert "η(1−β)·λmax < 2(1+β)" in "\n".join(
            "".join(s.text for s in widget.render_line(y)) for y in range(widget.size.height)
        ).replace("\n   ", " ")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_no_color_map_shows_class_glyphs_cursor_and_caption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(tmp_path, "momentum(lr=0.4)")
    async with app.run_test(size=size) as pilot:
        assert app.no_color
        await pilot.press("B")
        widget = await map_ready(pilot)
        canvas = widget.canvas
        assert canvas is not None
        text = [
            "".join(s.text for s in widget.render_line(y))[canvas.left : canvas.left + canvas.cols]
            for y in range(canvas.top, canvas.top + canvas.rows)
        ]
        glyphs = set("".join(text))
        assert {"o", "x"} <= glyphs  # converged and diverged, told apart without colour
        caption = "".join(s.text for s in widget.render_line(widget.size.height - 1))
        assert caption.startswith("▸ η ")


async def test_escape_cancels_the_map_and_b_goes_back(tmp_path: Path) -> None:
    app = app_for(tmp_path, "momentum")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("B")
        await pilot.pause()
        assert app.explorer.plot_view == "hyper"
        widget = app.explorer.hyper_plot
        assert widget is not None
        await pilot.press("escape")  # cancels the computation if it still runs ...
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.explorer.plot_view == "hyper":
            await pilot.press("escape")  # ... and Escape on the map leaves it
            await pilot.pause()
        assert app.explorer.plot_view == "contours" and app.focused is app.explorer.plot
        await pilot.press("B")
        await pilot.pause()
        assert app.explorer.plot_view == "hyper"
        await pilot.press("B")
        await pilot.pause()
        assert app.explorer.plot_view == "contours"


# -- the sharpness strip ------------------------------------------------------------------------
async def test_the_strip_is_off_by_default_and_reads_nothing_while_off(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n", "n")
        # Off, it is not even mounted: nothing reads the sharpness for it.
        assert not app.explorer.sharpness and not app.query(SharpnessStrip)
        await pilot.press("C")
        await pilot.pause()
        strip = app.query_one(SharpnessStrip)
        assert strip.display and strip.shown is not None
        await pilot.press("C")
        await pilot.pause()
        assert not strip.display


async def test_the_strip_shows_the_numbers_of_the_record_at_the_cursor(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.explorer.load_lesson(get_lesson("edge-of-stability"))
        await pilot.pause()
        assert app.explorer.sharpness  # the lesson turns it on
        await go_to(pilot, app, 600)
        strip = app.query_one(SharpnessStrip)
        traj = app.explorer.model.focused_run.trajectory
        lam, threshold = traj.column(SHARPNESS)[600], traj.column(THRESHOLD)[600]
        text = strip.text()
        assert f"λmax {fmt(lam)}" in text and f"2/η = {fmt(threshold)}" in text
        assert f"= {fmt(lam / threshold)}×" in text
        shown = strip.shown
        assert shown is not None and len(shown.sharpness) == 601


@pytest.mark.parametrize(
    ("spec", "says"),
    [("adam", "≈"), ("adagrad", "no stability threshold is known for adagrad")],
)
async def test_the_strip_says_when_a_threshold_is_approximate_or_unknown(
    tmp_path: Path, spec: str, says: str
) -> None:
    app = app_for(tmp_path, spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("C", "n", "n")
        await pilot.pause()
        assert says in app.query_one(SharpnessStrip).text()
