"""The explorer's two modes about one step, each a modal over the right column: ``u`` plays
the current update in parts, ``y`` asks about the next step before it shows.

Both leave the plot in view (on a narrow terminal the lesson or the controls make way) and
cover what a played step replaces or what would give a question's answer away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.geometry import Region

if TYPE_CHECKING:
    from .screen import ExplorerScreen


def cover_area(screen: ExplorerScreen) -> tuple[Region, int]:
    """The right column under the plot, down to the footer (all of the column when the plot
    is hidden), and the column's top row."""
    right = screen.query_one("#right").region
    plots = screen.query_one("#plots").region
    top = plots.bottom if plots.height else right.y
    bottom = screen.size.height - 1
    return Region(right.x, top, right.width, max(0, bottom - top)), right.y


def show_plot_column(screen: ExplorerScreen) -> None:
    """Narrow: the lesson or the controls take the plot's place; bring the plot back."""
    if screen.narrow:
        screen.lesson_shown = False
        if screen.controls == "shown":
            screen.controls = "auto"
            screen.set_focus(screen.plot)


async def play_step(screen: ExplorerScreen) -> None:
    """The focused run's update at the step shown, in parts; past the last, the step."""
    from optiscope.core.step_frames import step_frames

    from ..screens.step_parts import StepPartsScreen
    from ..widgets.step_caption import Played

    screen.autorun.stop()
    shown = screen.snapshot()
    if shown.computing is not None:
        screen.notify("Still computing this step: u again in a moment.", timeout=2)
        return
    run = shown.focused_run
    frames = step_frames(run.trajectory, run.index)
    played = Played(run.label, run.marker, run.color, run.index, frames)
    show_plot_column(screen)

    def done(take: bool | None) -> None:
        if take:
            screen.action_step(1)

    # Awaited: keys typed right after u walk the parts.
    await screen.app.push_screen(StepPartsScreen(played, lambda: cover_area(screen)), done)


async def predict(screen: ExplorerScreen) -> None:
    """Predict mode: a loaded lesson's own question first (once a session), else the next
    step's."""
    from ..screens.predict import PredictScreen

    screen.autorun.stop()
    show_plot_column(screen)
    lesson = screen.lesson
    exercise = lesson.exercise if lesson is not None else None
    area = lambda: cover_area(screen)  # noqa: E731
    if lesson is not None and exercise is not None and lesson.id not in screen.exercises_asked:
        screen.exercises_asked = screen.exercises_asked | {lesson.id}
        model = screen.model
        model.focused = exercise.run % len(model.runs)
        model.jump(exercise.step)
        screen.keep_up()
        screen.show_all()
        question = PredictScreen(screen, area, exercise.form, exercise.name, exercise.prompt)
        await screen.app.push_screen(question)
        return
    screen.action_step(1)
    await screen.app.push_screen(PredictScreen(screen, area))
