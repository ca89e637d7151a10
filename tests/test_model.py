"""The explorer's model: cursor, runs and setup edits, without any terminal.

The model never computes by itself (the screen extends the runs, in a worker when it takes
long): ``computed`` does here what the screen does, all at once.
"""

from __future__ import annotations

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.surfaces import get_surface
from optiscope.tui.model import EXPLORER_STEPS, MAX_RUNS, ExplorerModel


def computed(model: ExplorerModel) -> ExplorerModel:
    """The runs computed as far as the cursor needs, as the screen would."""
    model.extend_now(model.records_wanted())
    return model


def test_default_is_the_lecture_bowl_from_a_with_four_optimizers() -> None:
    model = computed(ExplorerModel.create())
    assert model.surface.name == "lecture-bowl" and model.start == (-4.7, -1.3)
    assert [r.label for r in model.runs] == ["gd", "momentum", "rmsprop", "adam"]
    assert len({r.marker for r in model.runs}) == 4 and len({r.color for r in model.runs}) == 4
    assert all(len(r.trajectory) == EXPLORER_STEPS + 1 for r in model.runs)


def test_stepping_past_the_computed_runs_waits_for_them_and_back_only_moves_the_cursor() -> None:
    model = computed(ExplorerModel.create())
    trajectories = [r.trajectory for r in model.runs]
    model.jump(EXPLORER_STEPS + 5)
    # Asked for, not there yet: the step shown stays the last computed one.
    assert model.pending and model.shown_step == EXPLORER_STEPS
    assert all(len(r.trajectory) == EXPLORER_STEPS + 1 for r in model.runs)  # reads compute nothing
    computed(model)
    assert not model.pending and model.shown_step == EXPLORER_STEPS + 5
    assert all(len(r.trajectory) > EXPLORER_STEPS + 5 for r in model.runs)
    assert [r.trajectory for r in model.runs] == trajectories  # extended, not recomputed
    before = model.version
    model.step(-3)
    assert model.cursor == EXPLORER_STEPS + 2 and model.version == before
    model.step(-10_000)
    assert model.cursor == 0


def test_record_at_cursor_reads_the_trajectory() -> None:
    model = computed(ExplorerModel.create())
    model.jump(7)
    run = model.focused_run
    np.testing.assert_array_equal(model.record(run).params, run.trajectory.column("params")[7])


def test_hyperparameter_edit_recomputes_only_the_focused_run() -> None:
    model = ExplorerModel.create()
    model.focused = 2  # rmsprop
    others = [r.trajectory for i, r in enumerate(model.runs) if i != 2]
    model.set_hyperparameter("beta", "0.99")
    run = model.focused_run
    assert run.setup.hyperparameters["beta"] == 0.99 and run.label == "rmsprop(beta=0.99)"
    assert [r.trajectory for i, r in enumerate(model.runs) if i != 2] == others
    with pytest.raises(OptiscopeError, match=r"beta must be in \[0, 1\); got 1.5"):
        model.set_hyperparameter("beta", "1.5")
    assert model.focused_run.setup.hyperparameters["beta"] == 0.99  # last good value kept


def test_surface_change_moves_the_start_and_resuggests_learning_rates() -> None:
    model = ExplorerModel.create()
    model.set_surface("rosenbrock")
    assert model.start == get_surface("rosenbrock").start()
    gd = model.runs[0]
    assert gd.setup.hyperparameters["lr"] == get_surface("rosenbrock").suggested_lr["gd"]


def test_user_given_lr_survives_a_surface_change() -> None:
    model = ExplorerModel.create(optimizer_specs=["adam(lr=0.3)"])
    model.set_surface("himmelblau")
    assert model.runs[0].setup.hyperparameters["lr"] == 0.3


def test_add_remove_and_cycle() -> None:
    model = ExplorerModel.create(optimizer_specs=["gd"])
    model.add_optimizer("rmsprop(lr=0.05)")
    assert model.focused == 1 and model.focused_run.label == "rmsprop(lr=0.05)"
    model.add_optimizer("rmsprop(lr=0.05)")
    assert model.focused_run.label == "rmsprop(lr=0.05)#2"
    assert model.cycle_focus(1).label == "gd"
    model.remove_focused()
    assert [r.label for r in model.runs] == ["rmsprop(lr=0.05)", "rmsprop(lr=0.05)#2"]
    model.remove_focused()
    with pytest.raises(OptiscopeError, match="at least one"):
        model.remove_focused()
    while len(model.runs) < MAX_RUNS:
        model.add_optimizer("signgd")
    with pytest.raises(OptiscopeError, match="at most"):
        model.add_optimizer("gd")
    with pytest.raises(OptiscopeError, match="unknown optimizer"):
        ExplorerModel.create().add_optimizer("adamm")


def test_a_full_explorer_has_a_marker_and_colour_per_run_and_saves_as_a_session() -> None:
    from optiscope.core.session.spec import from_spec, to_spec
    from optiscope.tui.comparison import COLORS, MARKERS
    from optiscope.tui.explorer.sessions import model_of, session_of

    assert len(set(MARKERS)) >= MAX_RUNS and len(set(COLORS)) >= MAX_RUNS
    model = ExplorerModel.create()
    while len(model.runs) < MAX_RUNS:
        model.add_optimizer(f"gd(lr={0.01 * len(model.runs):g})")
    again = model_of(from_spec(to_spec(session_of(model))))
    assert [r.label for r in again.runs] == [r.label for r in model.runs]


def test_start_moves_and_named_starts() -> None:
    model = ExplorerModel.create()
    model.nudge_start(1, 0, ((-6.0, 6.0), (-3.0, 3.0)))
    assert model.start == pytest.approx((-4.7 + 0.24, -1.3))
    assert model.named_start(1) == "B" and model.start == (0.3, -2.3)
    assert all(r.trajectory.start == (0.3, -2.3) for r in model.runs)
    with pytest.raises(OptiscopeError):
        model.named_start(7)


def test_status_at_the_cursor_does_not_reveal_the_future() -> None:
    model = computed(ExplorerModel.create(optimizer_specs=["gd(lr=0.6)"]))
    k = model.focused_run.trajectory.status.step
    assert k is not None
    model.jump(k - 1)
    assert model.status_text() == "running"
    model.jump(k + 5)
    assert model.status_text().startswith(f"diverged at step {k}")
    assert model.all_finished


def test_noise_and_schedule_edits_apply_to_every_run() -> None:
    model = ExplorerModel.create()
    model.set_noise(0.3, 5)
    assert all(r.trajectory.noise.sigma == 0.3 for r in model.runs)
    model.set_schedule("cosine(T=50)")
    assert all(r.trajectory.schedule.kind == "cosine" for r in model.runs)
    with pytest.raises(OptiscopeError):
        model.set_schedule("cosine(T=-1)")
    with pytest.raises(OptiscopeError):
        model.set_noise(-1.0)


def test_a_changed_setup_starts_its_runs_over_and_asks_only_as_far_as_the_cursor() -> None:
    model = computed(ExplorerModel.create())
    model.jump(5000)
    computed(model)
    model.jump(40)
    assert len(model.runs[0].trajectory) > 5000
    model.set_hyperparameter("lr", "0.3")
    assert len(model.focused_run.trajectory) == 1  # replaced (its start); the screen computes
    assert model.records_wanted() == EXPLORER_STEPS + 1
    assert model.missing(model.records_wanted()) == EXPLORER_STEPS  # that run only
    model.jump(3000)
    model.set_noise(0.1, None)
    assert model.records_wanted() == 3001
    computed(model)
    assert all(len(r.trajectory) == 3001 for r in model.runs)


def test_reading_the_model_never_computes() -> None:
    model = ExplorerModel.create()
    model.jump(300)
    assert model.pending and model.shown_step == 0
    for run in model.runs:
        model.status_text(run)
        model.record_index(run)
    assert model.last() == 300  # the cursor is past the steps asked for up front
    assert all(len(r.trajectory) == 1 for r in model.runs)  # the start only
