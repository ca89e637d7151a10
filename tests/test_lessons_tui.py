"""Every lesson opens in the explorer with one key after L, set up as the lesson states, and
the runs it shows are the runs its claim measured."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from optiscope.core.lessons.catalog import LESSONS
from optiscope.core.lessons.lesson import Lesson
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.lessons import LESSON_KEYS
from optiscope.tui.widgets.lesson_pane import LessonPane, lesson_text

KEY_OF = {lesson_id: key for key, lesson_id in LESSON_KEYS.items()}


def _pane_text(app: OptiscopeApp) -> str:
    return " ".join(str(app.query_one(LessonPane).query_one("#lesson-text").render()).split())


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
async def test_each_lesson_opens_with_two_keys_as_stated(tmp_path: Path, lesson: Lesson) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("L", KEY_OF[lesson.id])
        await pilot.pause()
        model, setup = app.explorer.model, lesson.setup
        assert app.explorer.lesson is lesson
        surface = setup.build_surface()
        assert model.surface.name == surface.name
        assert model.surface.settings == surface.settings
        assert model.start == setup.start
        assert (model.noise.sigma, model.noise.seed) == (setup.noise, setup.seed)
        stated = setup.build().setups
        assert [r.label for r in model.runs] == [s.label for s in stated]
        assert [dict(r.setup.hyperparameters) for r in model.runs] == [
            dict(s.hyperparameters) for s in stated
        ]
        # The question, the thing to look at and the measured answer are on screen.
        pane = app.query_one(LessonPane)
        assert pane.region.width > 0
        shown = _pane_text(app)
        assert " ".join(lesson.question.split()) in shown
        assert " ".join(lesson.look_at.split()) in shown
        found = lesson.measure()
        assert all(" ".join(fig.text.split()) in shown for fig in found.figures)
        # Stepping to the lesson's last step shows the very runs the claim measured.
        await pilot.press("g", *str(setup.steps), "enter")
        await pilot.pause()
        assert model.cursor == setup.steps
        for shown_run, measured in zip(model.runs, setup.run(), strict=True):
            k = min(setup.steps, len(measured) - 1)
            shown_params = model.record(shown_run).params
            assert np.array_equal(shown_params, measured[k].params, equal_nan=True)


@pytest.mark.parametrize("width", [36, 42, 80])
def test_measured_figures_wrap_under_themselves_not_at_the_left_edge(width: int) -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.id == "tiny-oscillation")
    found = lesson.measure()
    lines = [
        line.plain.rstrip() for line in lesson_text(lesson, found, width).wrap(Console(), width)
    ]
    first = lines.index("Measured") + 1
    last = next(i for i in range(first, len(lines)) if not lines[i].strip())
    figures = lines[first:last]
    assert all(line.startswith("  ") and len(line) <= width for line in figures)
    joined = " ".join(" ".join(figures).split())
    for fig in found.figures:
        assert f"{fig.label}: {fig.text}" in joined
    # Continuation lines sit deeper than the figure lines they continue.
    starts = [len(line) - len(line.lstrip()) for line in figures]
    assert set(starts) <= {2, 4} and (width > 60 or 4 in starts)
