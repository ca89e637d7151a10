"""Every lesson says how each optimizer's settings were chosen, and "tuned" is true: the lr in
the setup (and in each control run a claim measures) is still the sweep's best on the grid
the lesson states."""

from __future__ import annotations

import pytest

from optiscope.core.callspec import parse_call
from optiscope.core.lessons import (
    claims_geometry,
    claims_lecture,
    claims_rmsprop,
    claims_stability,
)
from optiscope.core.lessons.catalog import LESSONS
from optiscope.core.lessons.lesson import Lesson
from optiscope.core.lessons.tuning import (
    HUNDREDTHS,
    TO_THREE,
    TunedControl,
    Tuning,
    without_lr,
)
from optiscope.core.session.setup import Setup

CONTROLS: tuple[TunedControl, ...] = (
    *claims_lecture.CONTROLS,
    *claims_rmsprop.CONTROLS,
    claims_geometry.FULL_BATCH_GD,
    claims_geometry.FULL_BATCH_MOMENTUM,
    *claims_stability.CONTROLS,
)
TUNED = [
    pytest.param(lesson, i, id=f"{lesson.id}-{spec}")
    for lesson in LESSONS
    for i, (spec, choice) in enumerate(zip(lesson.setup.optimizers, lesson.settings, strict=True))
    if choice.kind == "tuned"
]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_one_choice_per_optimizer_label_in_setup_order(lesson: Lesson) -> None:
    labels = [s.label for s in lesson.setup.build().setups]
    assert list(lesson.settings_chosen) == labels
    for text in lesson.settings_chosen.values():
        assert text.split(":")[0] in ("tuned", "matched", "fixed by the question") or text == (
            "course default"
        )


def test_comparing_lessons_run_at_tuned_learning_rates() -> None:
    """A lesson whose point is which method is faster tunes every method it ranks."""
    ranking = {"zigzag", "start-b", "valley-floor", "already-good", "bigger-step"}
    ranking |= {"momentum-noise", "saddle-escape", "averages-and-rescales"}
    for lesson in LESSONS:
        if lesson.id in ranking:
            kinds = [c.kind for c in lesson.settings]
            assert kinds.count("tuned") >= 2, (lesson.id, kinds)


@pytest.mark.parametrize(("lesson", "index"), TUNED)
def test_tuned_lr_is_still_the_sweeps_best(lesson: Lesson, index: int) -> None:
    choice = lesson.settings[index]
    assert choice.tuning is not None
    spec = lesson.setup.optimizers[index]
    alone = lesson.setup.but(optimizers=(spec,))
    assert choice.tuning.best(alone) == _lr(spec), spec
    assert choice.tuning.grid.text in choice.text and f"horizon {lesson.setup.steps}" in choice.text


@pytest.mark.parametrize(
    "control", CONTROLS, ids=lambda c: f"{c.setup.surface}-{c.setup.optimizers[0]}"
)
def test_control_runs_are_at_the_sweeps_best_lr(control: TunedControl) -> None:
    assert control.tuning.best(control.setup) == control.lr


def test_a_tuning_check_can_fail() -> None:
    """GD at lr 0.3 from A is not the best on the hundredths: the check notices."""
    setup = Setup("lecture-bowl", (-4.7, -1.3), ("gd(lr=0.3)",), steps=200)
    assert Tuning(HUNDREDTHS).best(setup) == 0.45 != _lr(setup.optimizers[0])


def test_grids_read_as_typed() -> None:
    assert HUNDREDTHS.text == "0.01, 0.02, …, 1" and len(HUNDREDTHS.values) == 100
    assert TO_THREE.text == "0.01, 0.02, …, 3" and TO_THREE.values[-1] == 3.0
    assert 0.45 in HUNDREDTHS.values  # k/100 is the double nearest 0.k, as typed
    assert without_lr("rmsprop(lr=0.1,beta=0.9)") == "rmsprop(beta=0.9)"


def _lr(spec: str) -> float:
    return float(parse_call(spec, "optimizer")[1]["lr"])
