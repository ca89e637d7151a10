"""A lesson belongs to the setup it opened: any change to the setup closes it with one line
(its answer would be about another setup), and ``lesson=`` leaves the spec; stepping and
view changes keep it."""

from __future__ import annotations

from pathlib import Path

import pytest

from optiscope.core.lessons.catalog import get_lesson
from optiscope.core.session.spec import to_spec
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.explorer.messages import Edit
from optiscope.tui.model import ExplorerModel
from optiscope.tui.widgets.lesson_pane import LessonPane

SIZE = (120, 40)


async def open_lesson(app: OptiscopeApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app.explorer.load_lesson(get_lesson("zigzag"))
    await pilot.pause()
    assert app.explorer.lesson is not None and app.explorer.lesson_shown


def attached(app: OptiscopeApp) -> bool:
    return app.explorer.lesson is not None and "lesson=" in to_spec(app.explorer.current_session())


@pytest.mark.parametrize(
    "keys", [("n", "n", "p"), ("x",), ("v",), ("plus", "h"), ("e",), ("space", "space"), ("i",)]
)
async def test_stepping_and_view_changes_keep_the_lesson(
    tmp_path: Path, keys: tuple[str, ...]
) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(app, pilot)
        await pilot.press(*keys)
        await pilot.pause()
        assert attached(app)
        assert not any("closed" in n.message for n in app._notifications)


CHANGES = {
    "start (W)": ("keys", ("W",)),
    "named start": ("keys", ("2",)),
    "add an optimizer": ("keys", ("a", *"adam", "enter")),
    "remove an optimizer": ("keys", ("d",)),
    "surface": ("edit", Edit("surface", "rosenbrock")),
    "hyperparameter": ("edit", Edit("hp:lr", "0.3")),
    "noise": ("edit", Edit("noise-sigma", "0.1")),
    "seed": ("edit", Edit("noise-seed", "3")),
    "schedule": ("edit", Edit("schedule", "cosine(T=50)")),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
async def test_a_setup_change_closes_the_lesson_with_one_line(tmp_path: Path, change: str) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(app, pilot)
        kind, what = CHANGES[change]
        if kind == "keys":
            await pilot.press(*what)  # type: ignore[misc]
        else:
            app.explorer.post_message(what)  # type: ignore[arg-type]
        await pilot.pause()
        await pilot.pause()
        assert not attached(app)
        assert not app.explorer.lesson_shown
        assert app.query_one(LessonPane).region.width == 0
        notes = [n.message for n in app._notifications if "Lesson" in n.message]
        assert len(notes) == 1 and "closed" in notes[0]


async def test_a_formula_closes_the_lesson(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(app, pilot)
        await pilot.press("F", *"x*x+y*y", "enter")
        await pilot.pause()
        assert not attached(app)
