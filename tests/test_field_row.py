"""A form row that the form is mounting or removing: the form rebuilds its rows between two
frames, and the screen may show a new value in a row caught half-way (a key storm found
the crash: "No nodes match '.field-error'")."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Label, Static

from optiscope.tui.widgets.field_row import FieldRow


def _check(text: str) -> str | None:
    return None if text.replace(".", "", 1).isdigit() else f"not a number: {text!r}"


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield FieldRow("η", "0.1", "hp:lr", _check, id="row")


async def test_a_row_without_its_error_line_takes_a_value_and_an_answer_without_crashing() -> None:
    async with Host().run_test() as pilot:
        row = pilot.app.query_one(FieldRow)
        await row.query_one(".field-error", Static).remove()  # half torn down
        row.set_value("0.2")
        row.set_label("lr")
        row.show_result("0.3", "not in range")
        await pilot.pause()
        assert row.last_good == "0.2" and row.input.value == "0.1"  # nothing else touched


async def test_a_row_given_a_value_before_it_is_composed_shows_it_once_mounted() -> None:
    async with Host().run_test() as pilot:
        late = FieldRow("β", "0.9", "hp:beta", _check, id="late")
        late.set_value("0.5")
        late.set_label("beta")
        await pilot.app.mount(late)
        await pilot.pause()
        assert late.input.value == "0.5" and late.last_good == "0.5"
        assert str(late.query_one(Label).content) == "beta"
        late.set_value("0.7")  # whole now: the box follows
        assert late.query_one(Input).value == "0.7"
