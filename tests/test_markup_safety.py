"""Text a user types (or pastes, or a file holds) is shown as text, never parsed as markup.

Every box echoes what was typed into its error line; before, ``[/]`` raised a MarkupError
there and crashed the app (a spec pasted from a forum crashed whoever pasted it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.add_optimizer import AddOptimizerScreen
from optiscope.tui.screens.formula import FormulaScreen
from optiscope.tui.screens.session import SessionScreen
from optiscope.tui.widgets.field_row import FieldRow

SIZE = (120, 40)
#: Closing tag with nothing open, a style, a link: each parses as markup somewhere.
MARKUP = ["[/]", "[bold]", "[link=x]", "x[/", "[/bold]"]


def make_app(tmp_path: Path) -> OptiscopeApp:
    return OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)


@pytest.mark.parametrize("text", MARKUP)
async def test_a_typed_optimizer_spec_is_echoed_as_text(tmp_path: Path, text: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddOptimizerScreen)
        app.screen.query_one("#spec-input", Input).value = text
        app.screen.query_one("#spec-input", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AddOptimizerScreen)
        error = str(app.screen.query_one("#add-error").render())
        assert text.strip() in error or "unknown optimizer" in error
        assert app.return_code is None


@pytest.mark.parametrize("row_id", ["start-x", "start-y", "noise", "seed", "schedule"])
@pytest.mark.parametrize("text", MARKUP)
async def test_markup_typed_into_a_control_is_an_inline_error(
    tmp_path: Path, row_id: str, text: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        row = app.query_one(f"#{row_id}", FieldRow)
        row.input.focus()
        row.input.value = ""
        await pilot.press(*text)
        await pilot.pause()
        assert row.error, f"{text!r} in {row_id} was accepted"
        assert app.return_code is None
        assert app.is_running


@pytest.mark.parametrize("text", MARKUP)
async def test_markup_typed_into_a_hyperparameter_is_an_inline_error(
    tmp_path: Path, text: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        row = next(r for r in app.query(FieldRow) if r.id and r.id.startswith("hp-"))
        row.input.value = ""
        await pilot.press(*text)
        await pilot.pause()
        assert text in row.error
        assert app.is_running


@pytest.mark.parametrize("text", MARKUP)
@pytest.mark.parametrize("box", ["#formula-input", "#domain-input"])
async def test_markup_in_the_formula_dialog_is_an_error_line(
    tmp_path: Path, text: str, box: str
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FormulaScreen)
        app.screen.query_one("#formula-input", Input).value = "x*x"
        field = app.screen.query_one(box, Input)
        field.value = text
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FormulaScreen)
        assert str(app.screen.query_one("#formula-error").render()).strip()
        assert app.is_running


@pytest.mark.parametrize("text", MARKUP)
async def test_markup_as_a_session_file_name_is_an_error_line(tmp_path: Path, text: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        app.screen.query_one("#file-input", Input).value = text
        await pilot.click("#load-file")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        # "x[/" names the file "x[" (a trailing slash is no part of a name)
        assert text.rstrip("/") in str(app.screen.query_one("#session-error").render())
        assert app.is_running


@pytest.mark.parametrize(
    "spec",
    [
        "optiscope:v1 surface=lecture-bowl opt=adam(lr=[/])",
        "optiscope:v1 surface=[bold] opt=gd",
        "optiscope:v1 surface=lecture-bowl opt=[link=x]",
    ],
)
async def test_a_pasted_spec_with_markup_is_refused_as_text(tmp_path: Path, spec: str) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        field = app.screen.query_one("#spec-input", Input)
        field.value = spec
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert str(app.screen.query_one("#session-error").render()).strip()
        assert app.is_running


async def test_a_session_file_whose_name_is_markup_is_listed_as_text(tmp_path: Path) -> None:
    from optiscope.core.session.file import save
    from optiscope.core.session.setup import Session

    name = "[bold]x[link=y].toml"
    save(Session(surface="lecture-bowl", start=(-4.7, -1.3)), tmp_path / name)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        files = app.screen.query_one("#session-files", OptionList)
        assert any(
            name in str(files.get_option_at_index(i).prompt) for i in range(files.option_count)
        )


async def test_notifications_quote_user_text_verbatim(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.notify("got '[/]' and [bold]")
        await pilot.pause()
        assert app.is_running
