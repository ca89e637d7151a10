"""Pilot tests: every binding changes the state it names, and the forms validate input."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from optiscope.core.lessons.catalog import get_lesson
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.autorun import SPEEDS
from optiscope.tui.bindings import COMMANDS
from optiscope.tui.explorer.messages import Edit
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.add_optimizer import AddOptimizerScreen
from optiscope.tui.screens.help import HelpScreen
from optiscope.tui.screens.jump import JumpScreen
from optiscope.tui.screens.lessons import LessonScreen
from optiscope.tui.widgets.controls import ControlsPane
from optiscope.tui.widgets.explain_pane import ExplainPane
from optiscope.tui.widgets.field_row import FieldRow
from optiscope.tui.widgets.flag_box import FlagBox
from optiscope.tui.widgets.lesson_pane import LessonPane
from optiscope.tui.widgets.loss_plot import LossPlot
from optiscope.tui.widgets.plot_canvas import ContourPlot
from optiscope.tui.widgets.status_line import StatusLine

SIZE = (120, 40)


async def commit(pilot, row: FieldRow, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` into a field and press Enter: what is typed applies when done."""
    row.input.focus()
    row.input.value = text
    await pilot.press("enter")
    await pilot.pause()


def make_app(tmp_path: Path, **kwargs: object) -> OptiscopeApp:
    return OptiscopeApp(ExplorerModel.create(**kwargs), export_dir=tmp_path)  # type: ignore[arg-type]


async def test_opens_on_the_lecture_bowl_with_the_plot_focused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE):
        assert app.explorer.model.surface.name == "lecture-bowl"
        assert isinstance(app.focused, ContourPlot)
        assert [r.label for r in app.explorer.model.runs] == ["gd", "momentum", "rmsprop", "adam"]


@pytest.mark.parametrize(
    ("keys", "cursor"),
    [(["n"], 1), (["right"] * 3, 3), (["n", "n", "p"], 1), (["n", "left", "left"], 0)],
)
async def test_step_keys_move_the_cursor(tmp_path: Path, keys: list[str], cursor: int) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press(*keys)
        assert app.explorer.model.cursor == cursor
        assert app.explorer.table.cursor == cursor


async def test_home_end_and_reset(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("end")
        assert app.explorer.model.cursor == app.explorer.model.base_steps
        await pilot.press("home")
        assert app.explorer.model.cursor == 0
        await pilot.press("n", "n", "space", "r")
        assert app.explorer.model.cursor == 0 and not app.explorer.running


async def test_jump_screen_goes_to_the_typed_step_and_rejects_nonsense(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("g")
        assert isinstance(app.screen, JumpScreen)
        jump = app.screen.query_one(Input)
        jump.value = "abc"
        await pilot.press("enter")
        assert isinstance(app.screen, JumpScreen)
        jump.value = "250"
        await pilot.press("enter")
        await pilot.pause()
        assert (
            app.explorer.model.cursor == 250
            and len(app.explorer.model.focused_run.trajectory) > 250
        )


async def test_a_long_run_of_digits_and_a_letter_in_the_jump_box_is_refused_at_once(
    tmp_path: Path,
) -> None:
    """Textual's type="integer" check backtracks exponentially on this input: 40 digits and
    an "e" took minutes (the test would hit its timeout). The box refuses letters outright."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g", "backspace", "backspace", *("1" * 40), "e", "z", "x")
        jump = app.screen.query_one(Input)
        assert jump.value == "1" * len(jump.value) and 6 <= len(jump.value) <= 12
        await pilot.press("enter")
        assert isinstance(app.screen, JumpScreen)  # 111,111,111,111 is past the last step
        assert "must be in" in str(app.screen.query_one("#jump-error").render())


async def test_space_runs_and_pauses(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert app.explorer.speed == SPEEDS[SPEEDS.index(10) + 3]
        await pilot.press("space")
        assert app.explorer.running
        await pilot.pause(0.3)
        await pilot.press("space")
        assert not app.explorer.running
        moved = app.explorer.model.cursor
        assert moved > 2
        await pilot.pause(0.2)
        assert app.explorer.model.cursor == moved
        await pilot.press("left_square_bracket")
        assert app.explorer.speed == SPEEDS[SPEEDS.index(10) + 2]


async def test_cycle_add_and_remove_optimizers(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("o")
        assert app.explorer.model.focused == 1
        await pilot.press("O", "O")
        assert app.explorer.model.focused == 3
        await pilot.press("a")
        assert isinstance(app.screen, AddOptimizerScreen)
        app.screen.query_one("#spec-input", Input).value = "rmsprop(beta=2)"
        app.screen.query_one("#spec-input", Input).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, AddOptimizerScreen)  # error shown, nothing added
        assert "beta must be in [0, 1)" in str(app.screen.query_one("#add-error").content)
        app.screen.query_one("#spec-input", Input).value = "signgd(lr=0.05)"
        await pilot.press("enter")
        await pilot.pause()
        assert [r.label for r in app.explorer.model.runs][-1] == "signgd(lr=0.05)"
        assert app.explorer.model.focused == 4
        await pilot.press("d")
        assert len(app.explorer.model.runs) == 4 and "signgd(lr=0.05)" not in [
            r.label for r in app.explorer.model.runs
        ]


async def test_start_moves_with_keys_and_named_starts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        x0, y0 = app.explorer.model.start
        await pilot.press("D")
        assert app.explorer.model.start[0] > x0 and app.explorer.model.start[1] == y0
        await pilot.press("W")
        assert app.explorer.model.start[1] > y0
        await pilot.press("2")
        assert app.explorer.model.start == (0.3, -2.3)
        assert all(r.trajectory.start == (0.3, -2.3) for r in app.explorer.model.runs)
        await pilot.press("shift+left")
        assert app.explorer.model.start[0] < 0.3


async def test_zoom_pan_reset_and_equal_aspect_change_the_window(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        (x0, x1), (y0, y1) = app.explorer.plot.window
        await pilot.press("plus")
        (a0, a1), _ = app.explorer.plot.window
        assert (a1 - a0) < (x1 - x0)
        await pilot.press("l")
        (b0, _), _ = app.explorer.plot.window
        assert b0 > a0
        await pilot.press("0")
        assert app.explorer.plot.window == ((x0, x1), (y0, y1))
        await pilot.press("e")
        assert app.explorer.plot.equal_aspect
        assert app.explorer.plot.window != ((x0, x1), (y0, y1))


async def test_explain_and_loss_views_toggle(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("o", "o", "n", "x")
        pane = app.query_one(ExplainPane)
        assert app.explorer.explaining and pane.region.height > 0
        text = str(pane.content)
        assert "rmsprop" in text and "S_w" in text
        await pilot.press("v")
        await pilot.pause()
        loss = app.query_one(LossPlot)
        assert loss.region.height > 0 and app.explorer.plot.region.height == 0
        await pilot.press("v", "x")
        await pilot.pause()
        assert app.explorer.plot.region.height > 0 and not app.explorer.explaining
        assert pane.region.height == 0


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_adams_whole_explanation_and_the_status_fit_on_screen(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    """Adam explains in 13+ lines; all of them, the table header and the status stay visible."""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("o", "o", "o", "n", "n", "x")
        await pilot.pause()
        pane = app.query_one(ExplainPane)
        lines = len(pane.content.wrap(app.console, pane.content_region.width))
        assert pane.content_region.height >= lines
        assert "Δb = " in str(pane.content)
        status = app.query_one(StatusLine)
        assert status.region.height == 1 and status.region.bottom <= size[1] - 1
        assert app.explorer.table.region.height >= 5
        plot_shown = app.explorer.plot.region.height > 0
        assert plot_shown == (size[0] >= 100)  # stacked layout: the pane takes the plot's place
        await pilot.press("x")
        await pilot.pause()
        assert app.explorer.plot.region.height >= 8


async def test_export_writes_csv_and_json_and_screenshot_svg(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("n", "E", "P")
        await pilot.pause()
    names = sorted(p.suffix for p in tmp_path.iterdir())
    assert names == [".csv", ".json", ".svg"]
    csv_text = next(tmp_path.glob("*.csv")).read_text()
    assert csv_text.startswith("run,optimizer,t,w,b,loss")


async def test_help_screen_opens_and_closes(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.timeout(60)  # a wedged screen hangs the app's shutdown: fail, don't hang
@pytest.mark.parametrize("opener", ["question_mark", "g", "a"])
async def test_closing_a_dialog_leaves_the_explorer_responsive(tmp_path: Path, opener: str) -> None:
    """A dialog closed (twice, in a burst) must not pop the explorer or wedge its message loop."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        explorer = app.screen
        await pilot.press(opener)
        assert app.screen is not explorer
        await pilot.press("escape", "escape")
        assert app.screen is explorer
        await pilot.press("n", "n")
        assert app.explorer.model.cursor == 2


async def test_quit(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_hyperparameter_form_validates_inline_and_keeps_the_last_good_value(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("o", "o")  # rmsprop
        row = app.query_one("#hp-beta", FieldRow)
        row.input.focus()
        row.input.value = "abc"
        await pilot.pause()
        assert "beta must be a number" in row.error
        assert app.explorer.model.focused_run.setup.hyperparameters["beta"] == 0.9
        row.input.value = "1.5"
        await pilot.pause()
        assert "beta must be in [0, 1); got 1.5" in row.error
        row.input.value = "0.99"
        await pilot.pause()
        assert row.error == ""
        # Typed, not yet applied: only Enter, Tab or leaving the field applies it.
        assert app.explorer.model.focused_run.setup.hyperparameters["beta"] == 0.9
        await pilot.press("enter")
        await pilot.pause()
        assert app.explorer.model.focused_run.setup.hyperparameters["beta"] == 0.99
        await pilot.press("escape", "n")
        assert app.explorer.model.cursor == 1


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["wide", "narrow"])
async def test_f_opens_the_form_and_typing_sets_beta(tmp_path: Path, size: tuple[int, int]) -> None:
    """The whole edit by keyboard, as a new user would do it: f, Tab to β, retype, Esc, step."""
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        await pilot.press("o", "o", "f")  # rmsprop, then its form
        lr_row = app.query_one("#hp-lr", FieldRow)
        assert app.focused is lr_row.input and lr_row.input.region.area > 0
        await pilot.press("tab")
        beta_row = app.query_one("#hp-beta", FieldRow)
        assert app.focused is beta_row.input
        await pilot.press(*"0.5")  # focusing an Input selects its text: typing replaces it
        assert app.explorer.model.focused_run.setup.hyperparameters["beta"] == 0.9  # typing
        await pilot.press("escape", "n", "n")  # leaving the field applies it
        assert app.explorer.model.focused_run.setup.hyperparameters["beta"] == 0.5
        assert app.focused is app.explorer.plot and app.explorer.model.cursor == 2
        first = app.explorer.model.focused_run.trajectory[
            0
        ]  # S after the first gradient: (1 − β)·g²
        assert first.state["s"] == pytest.approx(0.5 * first.grad**2, rel=1e-12)


async def test_form_keys_typed_in_a_burst_edit_the_new_optimizer(tmp_path: Path) -> None:
    """`o o f Tab 0.5 Esc n n` sent at once (tmux send-keys) acts as if typed slowly."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lr_before = app.explorer.model.runs[2].setup.hyperparameters["lr"]
        for key, char in (
            [("o", "o"), ("o", "o"), ("f", "f"), ("tab", None)]
            + [(c if c != "." else "full_stop", c) for c in "0.5"]
            + [("escape", None), ("n", "n"), ("n", "n")]
        ):
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # no idle wait between keys, as a fast typist
        await pilot.pause()
        await pilot.pause()
        rmsprop = app.explorer.model.focused_run.setup
        assert rmsprop.optimizer.name == "rmsprop"
        assert rmsprop.hyperparameters["beta"] == 0.5
        assert rmsprop.hyperparameters["lr"] == lr_before
        assert app.focused is app.explorer.plot and app.explorer.model.cursor == 2


async def test_flag_boxes_read_without_colour_and_toggle_the_hyperparameter(tmp_path: Path) -> None:
    """Under NO_COLOR an unticked box must not look ticked: the X is drawn only when on."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o", "o")  # rmsprop: `centered` is a bool
        await pilot.pause()
        box = app.query_one("#hp-centered", FlagBox)
        assert box.render().plain.startswith("▐ ▌")
        box.focus()
        await pilot.press("space")
        assert app.explorer.model.focused_run.setup.hyperparameters["centered"] is True
        assert box.render().plain.startswith("▐X▌")


async def test_bad_start_and_noise_text_show_messages(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        row = app.query_one("#start-x", FieldRow)
        row.input.value = "left"
        await pilot.pause()
        assert "w must be a number" in row.error and app.explorer.model.start == (-4.7, -1.3)
        await commit(pilot, row, "1.5")
        assert app.explorer.model.start == (1.5, -1.3)
        noise = app.query_one("#noise", FieldRow)
        await commit(pilot, noise, "-2")
        assert "noise must be in [0, inf)" in noise.error


async def test_huge_learning_rate_is_a_status_not_a_crash(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        row = app.query_one("#hp-lr", FieldRow)
        await commit(pilot, row, "1e9")
        await pilot.press("escape", "n", "n", "n")
        assert app.explorer.model.status_text().startswith("diverged at step")
        assert "diverged" in app.query_one(StatusLine).text.plain


async def test_surface_select_changes_the_surface(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        app.explorer.post_message(Edit("surface", "rotated-bowl"))
        await pilot.pause()
        assert app.explorer.model.surface.name == "rotated-bowl"
        await pilot.pause()
        row = app.query_one("#surface-theta", FieldRow)
        await commit(pilot, row, "45")
        assert app.explorer.model.surface.settings["theta"] == 45
        await commit(pilot, row, "200")
        assert "theta must be in [-90, 90]" in row.error
        assert app.explorer.model.surface.settings["theta"] == 45


async def test_narrow_layout_and_controls_toggle(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        assert app.screen.has_class("-narrow")
        controls = app.query_one(ControlsPane)
        assert not controls.display or controls.region.width == 0
        await pilot.press("c")
        assert app.screen.has_class("-show-controls") and controls.region.width > 0
        await pilot.press("escape", "n")
        assert app.explorer.model.cursor == 1


async def test_too_small_terminal_shows_a_message(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()  # the controls pane mounts just after the first frame
        assert app.screen.has_class("-too-small")
        assert "enlarge" in str(app.query_one("#too-small").content)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")


async def test_every_command_is_in_the_palette(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE):
        titles = {c.title for c in app.get_system_commands(app.screen)}
    for command in COMMANDS:
        if command.action != "app.quit":
            assert command.help[:1].upper() + command.help[1:] in titles


def test_every_binding_has_an_id_and_appears_in_help() -> None:
    from optiscope.tui.screens.help import help_table

    ids = [c.id for c in COMMANDS]
    assert len(ids) == len(set(ids)) and all(ids)
    assert help_table(COMMANDS).row_count >= len(COMMANDS)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
async def test_lesson_picker_loads_a_lesson_with_one_key(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    lesson = get_lesson("tiny-oscillation")
    app = make_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "L")
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("e")  # the fifth lesson's letter
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        model = app.explorer.model
        assert model.surface.name == "vee" and model.start == lesson.setup.start
        assert [r.label for r in model.runs] == list(lesson.setup.optimizers)
        assert model.cursor == 0 and app.explorer.lesson is lesson
        pane = app.query_one(LessonPane)
        shown = str(pane.query_one("#lesson-text").render())
        assert pane.region.width > 0 and lesson.question[:40] in shown.replace("\n", " ")
        assert "1e-08" in shown  # the measured cache, quoted
        await pilot.press("i")
        await pilot.pause()
        assert pane.region.width == 0 and app.explorer.plot.region.width > 0
        await pilot.press("n")
        assert model.cursor == 1 and model.record(model.runs[0]).grad[0] == pytest.approx(-1e-4)
        await pilot.press("i", "f")
        await pilot.pause()
        assert pane.region.width == 0  # editing hyperparameters brings the controls back
        assert app.query_one("#hp-lr", FieldRow).input.has_focus


async def test_app_opened_on_a_lesson_shows_it(tmp_path: Path) -> None:
    lesson = get_lesson("himmelblau-basins")
    app = OptiscopeApp(ExplorerModel.from_lesson(lesson), export_dir=tmp_path, lesson=lesson)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(LessonPane).region.width > 0
        assert app.explorer.model.surface.name == "himmelblau" and len(app.explorer.model.runs) == 4
        assert app.explorer.model.computed_step >= lesson.setup.steps


async def test_toggling_the_lesson_without_one_says_how_to_pick_one(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert any("press L" in str(n.message) for n in app._notifications)
        assert all(pane.region.width == 0 for pane in app.query(LessonPane))  # none shown


async def test_a_formula_surface_opens_with_the_controls_naming_it(tmp_path: Path) -> None:
    """A typed formula (from --spec or --surface) is not one of the built-ins in the surface
    list: the list gains it instead of raising."""
    from textual.widgets import Select

    from optiscope.core.surfaces.formula import surface_from_text

    surface = surface_from_text("x**2 + 10*sin(y)")
    app = OptiscopeApp(ExplorerModel.create(surface, None, ["gd"]), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        select = app.query_one("#surface-select", Select)
        assert select.value == "formula"
        await pilot.press("n", "n")
        assert app.explorer.model.cursor == 2 and app.explorer.model.surface.name == "formula"


def test_each_key_group_is_one_block_so_help_shows_each_heading_once() -> None:
    groups = [c.group for c in COMMANDS]
    blocks = [g for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
    assert len(blocks) == len(set(blocks)), blocks


async def test_at_80_columns_the_column_keys_bring_the_hidden_step_geometry_into_view(
    tmp_path: Path,
) -> None:
    """RMSprop's table at 80x24 hides ‖Δ‖ ∠ (after the sharpness columns) behind ›: > shows
    it a column at a time (with its numbers), < goes back."""
    import math

    app = make_app(tmp_path, optimizer_specs=["rmsprop"])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", "n", "n")
        await pilot.pause()
        table = app.explorer.table
        assert "‖Δ‖" not in table.render_line(0).text
        presses = 0
        while "‖Δ‖ ∠" not in table.render_line(0).text and presses < 8:
            await pilot.press("greater_than_sign")
            await pilot.pause()
            presses += 1
        assert "‖Δ‖ ∠" in table.render_line(0).text and table.scroll_x > 0 and presses > 1
        step = app.explorer.model.focused_run.trajectory[3]
        moved = math.dist(step.params, app.explorer.model.focused_run.trajectory[4].params)
        # Each line without its last cell, where the table shows its scroll position.
        lines = [table.render_line(y).text[:-1] for y in range(1, table.size.height)]
        assert any(line.rstrip().endswith(f"{moved:.4g}") for line in lines), lines
        await pilot.press(*["less_than_sign"] * presses)
        await pilot.pause()
        assert table.scroll_x == 0 and "loss" in table.render_line(0).text


async def test_keys_never_reach_a_control_the_lesson_has_hidden(tmp_path: Path) -> None:
    """80x24: the surface list keeps the focus when a lesson takes the controls' place. Up
    then opened the hidden list, Page Up crashed Textual's option list (no room to page) and
    n went to it as a search: a key storm found it. The keys go to the explorer instead."""
    from textual.widgets import Select

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        select = app.query_one("#surface-select", Select)
        select.focus()
        await pilot.pause()
        app.explorer.load_lesson(get_lesson("zigzag"))
        await pilot.pause()
        # Textual leaves the focus on a list in the hidden pane.
        assert isinstance(app.focused, Select) and not app.query_one(ControlsPane).display
        await pilot.press("up", "pageup", "n", "n")
        assert app.is_running
        assert app.explorer.model.cursor == 2
        assert not select.expanded


@pytest.mark.parametrize("row_id", ["start-x", "noise", "seed", "hp-lr"])
@pytest.mark.parametrize("text", ["１", "inf", "1e400", "nan", "0x10", "1_0"])
async def test_a_number_no_box_accepts_is_refused_inline_and_nothing_changes(
    tmp_path: Path, row_id: str, text: str
) -> None:
    """The explorer's boxes check numbers as the command line does (core's Param rules):
    a fullwidth digit, inf, 1e400 or NaN is one inline line, never applied."""
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        before = app.explorer.model.setup()
        row = app.query_one(f"#{row_id}", FieldRow)
        await commit(pilot, row, text)
        assert row.error, f"{text!r} in {row_id} was accepted"
        assert app.explorer.model.setup() == before
