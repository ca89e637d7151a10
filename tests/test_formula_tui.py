"""Typing your own surface in the explorer (key F, or the surface list's last entry).

The formula reaches the model only through the whitelist parser; what it refuses is shown
in the box and the explorer keeps its surface. Numbers are checked against closed forms.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from textual.widgets import Input, Label, OptionList, Select
from tui_helpers import go_to

from optiscope.core.surfaces import get_surface
from optiscope.core.surfaces.formula import FormulaSurface
from optiscope.core.trajectory import Trajectory
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.formula import EXAMPLES, FormulaScreen
from optiscope.tui.widgets.controls import TYPE_FORMULA, ControlsPane
from optiscope.tui.widgets.plot_canvas import ContourPlot
from optiscope.tui.widgets.status_line import StatusLine

SIZE = (120, 40)


def _app(tmp_path: Path, optimizers: list[str] | None = None) -> OptiscopeApp:
    return OptiscopeApp(ExplorerModel.create(optimizer_specs=optimizers), export_dir=tmp_path)


async def _type_formula(pilot, formula: str, domain: str = "") -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("F")
    await pilot.pause()
    assert isinstance(app.screen, FormulaScreen)
    app.screen.query_one("#formula-input", Input).value = formula
    app.screen.query_one("#domain-input", Input).value = domain
    app.screen.query_one("#formula-input", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_a_typed_formula_becomes_the_surface_and_gd_follows_its_exact_gradient(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path, ["gd(lr=0.05)"])
    async with app.run_test(size=SIZE) as pilot:
        await _type_formula(pilot, "x**2 + 10*sin(y)", "-2,2,-1,1")
        assert not isinstance(app.screen, FormulaScreen)
        surface = app.explorer.model.surface
        assert isinstance(surface, FormulaSurface)
        assert surface.text == "x**2 + 10*sin(y)"
        assert surface.domain == ((-2.0, 2.0), (-1.0, 1.0))
        assert app.query_one(ContourPlot)._surface is surface
        for _ in range(5):
            await pilot.press("n")
        await pilot.pause()
        # Closed form: ∇f = (2x, 10 cos y), x ← x − η∇f.
        x, y = app.explorer.model.start
        for _ in range(5):
            x, y = x - 0.05 * 2 * x, y - 0.05 * 10 * math.cos(y)
        shown = app.explorer.model.record(app.explorer.model.runs[0]).params
        np.testing.assert_allclose(shown, [x, y], rtol=1e-13)
        await pilot.pause()
        select = app.query_one("#surface-select", Select)
        assert select.value == "formula"
        labels = [str(prompt) for prompt, _value in app.query_one(ControlsPane)._shown_surfaces]
        assert "f = x**2 + 10*sin(y)" in labels


async def test_code_in_the_formula_box_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        before = app.explorer.model.surface
        for attempt in (
            f"__import__('os').system('touch {marker}')",
            "x.__class__",
            "(lambda: 1)()",
            "[x for x in (1,)]",
            "x**10**10",
        ):
            await _type_formula(pilot, attempt)
            assert isinstance(app.screen, FormulaScreen), attempt
            message = str(app.screen.query_one("#formula-error", Label).render())
            assert message.startswith("bad formula") or "not" in message, (attempt, message)
            await pilot.press("escape")
            await pilot.pause()
        assert app.explorer.model.surface is before
        assert not marker.exists()


async def test_an_unbalanced_formula_shows_where_and_escape_keeps_the_surface(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        version = app.explorer.model.version
        await _type_formula(pilot, "x**2 + 10*sin(y")
        message = str(app.screen.query_one("#formula-error", Label).render())
        assert "')' is missing" in message
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FormulaScreen)
        assert app.explorer.model.surface.name == "lecture-bowl"
        assert app.explorer.model.version == version


async def test_a_bad_domain_is_refused_with_a_message(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _type_formula(pilot, "x**2 + y**2", "3,1,0,1")
        assert isinstance(app.screen, FormulaScreen)
        message = str(app.screen.query_one("#formula-error", Label).render())
        assert "domain" in message
        assert app.explorer.model.surface.name == "lecture-bowl"


async def test_the_rosenbrock_example_steps_exactly_like_the_built_in(tmp_path: Path) -> None:
    app = _app(tmp_path, ["adam(lr=0.02)"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        await pilot.pause()
        index = next(i for i, (text, *_rest) in enumerate(EXAMPLES) if "100*(y" in text)
        choices = app.screen.query_one("#formula-examples", OptionList)
        choices.focus()
        choices.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#formula-input", Input).value == EXAMPLES[index][0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.explorer.model.surface, FormulaSurface)
        await go_to(pilot, app, 300)
        run = app.explorer.model.runs[0]
        built_in = Trajectory(
            get_surface("rosenbrock"), run.setup, app.explorer.model.start, app.explorer.model.noise
        )
        built_in.run_to(301)
        np.testing.assert_array_equal(
            run.trajectory.column("params")[:301], built_in.column("params")[:301]
        )


async def test_a_formula_that_leaves_its_domain_is_a_shown_state(tmp_path: Path) -> None:
    # f = log(x) + y²: GD drives x down through 0, where log is undefined.
    app = _app(tmp_path, ["gd(lr=0.5)"])
    async with app.run_test(size=SIZE) as pilot:
        await _type_formula(pilot, "log(x) + y**2", "0.05,3,-2,2")
        assert isinstance(app.explorer.model.surface, FormulaSurface)
        await go_to(pilot, app, 50)
        status = app.explorer.model.runs[0].trajectory.status
        assert status.kind == "diverged"
        assert "domain" in status.text()
        assert "diverged" in str(app.query_one(StatusLine).render())


async def test_the_surface_lists_last_entry_opens_the_formula_box(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        select = app.query_one("#surface-select", Select)
        select.value = TYPE_FORMULA
        await pilot.pause()
        assert isinstance(app.screen, FormulaScreen)
        assert select.value == "lecture-bowl"  # the list shows the current surface again


async def test_the_box_opens_on_the_current_formula_to_edit_it(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _type_formula(pilot, "x^2 + 3*y^2", "-1,1,-2,2")
        await pilot.press("F")
        await pilot.pause()
        assert app.screen.query_one("#formula-input", Input).value == "x**2 + 3*y**2"
        assert app.screen.query_one("#domain-input", Input).value == "-1,1,-2,2"


async def test_a_formula_and_domain_typed_in_one_burst_land_in_their_own_boxes(
    tmp_path: Path,
) -> None:
    """`F x*x+y*y Tab -1,1,-2,2 Enter` arriving at once (a fast typist over SSH, tmux
    send-keys) acts as if typed slowly: Tab moves to the domain box before what follows it."""
    from textual import events

    app = _app(tmp_path, ["gd(lr=0.05)"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        names = {"*": "asterisk", "+": "plus", ",": "comma", "-": "minus"}
        keys = [(names.get(c, c), c) for c in "x*x+y*y"] + [("tab", None)]
        keys += [(names.get(c, c), c) for c in "-1,1,-2,2"] + [("enter", None)]
        for key, char in keys:
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # no idle wait between keys
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, FormulaScreen)
        surface = app.explorer.model.surface
        assert isinstance(surface, FormulaSurface)
        assert surface.text == "x*x + y*y"
        assert surface.domain == ((-1.0, 1.0), (-2.0, 2.0))
