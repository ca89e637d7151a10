"""Lessons end with a question for predict mode; their text says when it runs past the pane
and J/K scroll it from the plot; the picker fits 80x24 one line per lesson."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from tui_helpers import settle

from optiscope.core.lessons.catalog import LESSONS
from optiscope.core.lessons.lesson import Lesson
from optiscope.core.predict import direction_question, value_names, value_question
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.lessons import LESSON_KEYS, LessonScreen
from optiscope.tui.widgets.lesson_pane import AT_END, MORE_BELOW, LessonPane

WITH_QUESTIONS = [lesson for lesson in LESSONS if lesson.exercise is not None]


def test_at_least_three_lessons_end_with_a_question() -> None:
    assert [lesson.number for lesson in WITH_QUESTIONS] == [1, 2, 5, 16]  # as the README says
    assert {lesson.exercise.form for lesson in WITH_QUESTIONS} == {"direction", "value"}  # type: ignore[union-attr]


@pytest.mark.parametrize("lesson", WITH_QUESTIONS, ids=[lesson.id for lesson in WITH_QUESTIONS])
def test_each_lessons_question_can_be_asked_on_its_own_runs(lesson: Lesson) -> None:
    exercise = lesson.exercise
    assert exercise is not None
    runs = lesson.setup.run()
    assert 0 <= exercise.run < len(runs) and exercise.step <= lesson.setup.steps
    traj = runs[exercise.run]
    if exercise.form == "direction":
        q = direction_question(traj, exercise.step)
        assert q is not None and len(q.candidates) >= 2
    else:
        assert exercise.name in value_names(traj)
        value_question(traj, exercise.step, exercise.name)


def test_start_b_asks_for_rmsprops_full_size_first_step_in_w() -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.id == "start-b")
    assert lesson.exercise is not None
    traj = lesson.setup.run()[lesson.exercise.run]
    q = value_question(traj, 0, "Δw")
    assert abs(q.truth) == pytest.approx(0.1 / (1 - 0.9) ** 0.5, rel=1e-6)
    assert abs(traj[0].grad[0]) < 0.1  # while ∂w itself is small


async def test_a_long_lesson_says_it_scrolls_and_j_k_scroll_it(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("L", "e")  # lesson 5's text runs past the pane at 120x40
        await settle(pilot, app)
        pane = app.query_one(LessonPane)
        more = pane.query_one("#lesson-more")
        assert pane.max_scroll_y > 0 and more.region.height == 1
        assert str(more.render()) == MORE_BELOW
        assert app.focused is app.explorer.plot  # no Tab needed
        for _ in range(10):
            await pilot.press("J")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y and str(more.render()) == AT_END
        assert app.focused is app.explorer.plot
        await pilot.press("K")
        await pilot.pause()
        assert pane.scroll_y < pane.max_scroll_y
        assert str(more.render()) == MORE_BELOW


async def test_a_short_lesson_says_nothing_about_scrolling(tmp_path: Path) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(200, 80)) as pilot:
        await pilot.pause()
        await pilot.press("L", "c")
        await settle(pilot, app)
        pane = app.query_one(LessonPane)
        assert pane.max_scroll_y == 0 and pane.query_one("#lesson-more").region.height == 0


async def test_the_picker_fits_80x24_one_line_a_lesson_and_the_letters_work(
    tmp_path: Path,
) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LessonScreen)
        choices = screen.query_one("#lesson-choices")
        width = choices.content_region.width
        prompts = [choices.get_option_at_index(i).prompt for i in range(len(LESSON_KEYS))]  # type: ignore[attr-defined]
        assert all(cell_len(p.plain) <= width for p in prompts)
        assert choices.region.bottom <= 24 and choices.content_region.height >= len(LESSON_KEYS)
        last = list(LESSON_KEYS)[-1]
        await pilot.press(last)
        await settle(pilot, app)
        assert app.explorer.lesson is not None
        assert app.explorer.lesson.id == LESSON_KEYS[last]
