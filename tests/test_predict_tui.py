"""y is predict mode: a question about the next step before it shows, marked against the
record (computed here from the run, not read from the screen), a running score, the
lessons' own questions, and keys in a burst in the order typed."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from tui_helpers import burst, settle

from optiscope.core.predict import DirectionQuestion, ValueQuestion
from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.predict import PredictScreen
from optiscope.tui.widgets.step_table import StepTable


def make_app(tmp_path: Path) -> OptiscopeApp:
    return OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)


def predicting(app: OptiscopeApp) -> PredictScreen:
    screen = app.screen
    assert isinstance(screen, PredictScreen)
    return screen


def text_of(screen: PredictScreen) -> str:
    return " ".join(str(screen.query_one(f"#{name}").render()) for name in ("head", "question"))


def focused_record(app: OptiscopeApp):  # type: ignore[no-untyped-def]
    run = app.explorer.model.focused_entry
    return run.trajectory[app.explorer.model.cursor]


def right_label(app: OptiscopeApp, q: DirectionQuestion) -> int:
    """The candidate pointing along the record's own step, found from the record."""
    step = focused_record(app).update
    want = math.atan2(step[1], step[0])
    gaps = [
        abs(math.remainder(math.atan2(c.direction[1], c.direction[0]) - want, math.tau))
        for c in q.candidates
    ]
    return int(np.argmin(gaps)) + 1


async def test_a_direction_question_scores_a_right_and_a_wrong_answer(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o", "o", "n", "n", "y")  # RMSprop; the question is about step 3
        await settle(pilot, app)
        screen = predicting(app)
        assert app.explorer.model.cursor == 3
        q = screen.question
        assert isinstance(q, DirectionQuestion)
        # The step table (where the answer is) is under the question.
        table = app.explorer.query_one(StepTable).region
        cover = screen.query_one("#cover").region
        assert cover.contains_region(table.intersection(cover)) and cover.y <= table.y
        await pilot.press(str(right_label(app, q)))
        assert "Right" in text_of(screen) and "1 of 1 right" in text_of(screen)
        await pilot.press("n")
        await settle(pilot, app)
        q = screen.question
        assert isinstance(q, DirectionQuestion) and app.explorer.model.cursor == 4
        wrong = next(k for k in range(1, len(q.candidates) + 1) if k != right_label(app, q))
        await pilot.press(str(wrong))
        text = text_of(screen)
        assert "Not that one" in text and "1 of 2 right" in text
        assert f"The step is {right_label(app, q)}" in text
        # The start did not move: 1–4 answered, they were not the explorer's named starts.
        assert app.explorer.model.start == (-4.7, -1.3)


async def test_a_value_question_scores_a_right_and_a_wrong_answer(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o", "o", "y", "tab")
        await settle(pilot, app)
        screen = predicting(app)
        q = screen.question
        assert isinstance(q, ValueQuestion)
        record = focused_record(app)
        coord = "wb".index(q.name[-1])
        expected = float(
            record.update[coord] if q.name.startswith("Δ") else record.state["s"][coord]
        )
        await pilot.press(*f"{expected:.6g}", "enter")
        assert "Right" in text_of(screen) and "1 of 1 right" in text_of(screen)
        await pilot.press("n")  # the next question keeps the form
        await settle(pilot, app)
        q = screen.question
        assert isinstance(q, ValueQuestion)
        await pilot.press(*"1e400", "enter")  # not a finite number: one line, not scored
        assert "must be finite" in text_of(screen) or "too large" in text_of(screen)
        assert "1 of 1 right" in text_of(screen)
        screen.query_one("#typed").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"123.5", "enter")
        text = text_of(screen)
        assert "Not quite" in text and "1 of 2 right" in text
        assert q.working[-1] in str(screen.query_one("#question").render())


async def test_the_score_is_kept_for_the_session(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot, app)
        q = predicting(app).question
        assert isinstance(q, DirectionQuestion)
        await pilot.press(str(right_label(app, q)), "escape")
        await pilot.pause()
        assert app.screen is app.explorer
        await pilot.press("y")
        await settle(pilot, app)
        assert "1 of 1 right" in text_of(predicting(app))


async def test_a_lessons_own_question_comes_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("L", "b")  # start-b: RMSprop's first Δw from B
        await settle(pilot, app)
        await pilot.press("y")
        await settle(pilot, app)
        screen = predicting(app)
        q = screen.question
        assert isinstance(q, ValueQuestion) and q.name == "Δw" and q.t == 0
        assert "rmsprop" in q.optimizer
        assert app.explorer.plot.region.height >= 8  # the lesson made way for the plot
        await pilot.press(*"-0.3162", "enter")  # −η/√(1−β), whatever the size of ∂w
        assert "Right" in text_of(screen)


async def test_keys_in_a_burst_keep_their_order(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o", "o")
        await settle(pilot, app)
        # Into predict mode, to the value form, a number typed and marked, then on: the
        # n must not be typed into the box (it was marked and left by then).
        burst(app, "y", "tab", *"0.5", "enter", "n")
        await settle(pilot, app)
        screen = predicting(app)
        assert "of 1 right" in text_of(screen)
        assert app.explorer.model.cursor == 2 and not screen.answered
        burst(app, "escape", "x")
        await settle(pilot, app)
        assert app.screen is app.explorer and app.explorer.explaining


async def test_a_run_that_diverged_before_the_step_asks_for_another_run(tmp_path: Path) -> None:
    from optiscope.core.surfaces import get_surface

    model = ExplorerModel.create(get_surface("lecture-bowl"), None, ["gd(lr=3)", "rmsprop"])
    app = OptiscopeApp(model, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("g", *"300", "enter")
        await settle(pilot, app)
        status = app.explorer.model.runs[0].trajectory.status
        assert status.kind == "diverged" and status.step is not None and status.step < 300
        await pilot.press("y")
        await settle(pilot, app)
        screen = predicting(app)
        assert screen.question is None and "stopped at step" in text_of(screen)
        await pilot.press("o")  # RMSprop, still running: a question again
        await settle(pilot, app)
        assert isinstance(screen.question, DirectionQuestion)
