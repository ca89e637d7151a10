"""Our optimizers reproduce torch.optim's numbers (golden runs from scripts/make_golden.py).

(a) One step from every recorded state lands on torch's next record, params and every state
buffer, within |a − b| ≤ 1e-12·|b| + 1e-14·S (S: the largest magnitude of that array in the
run): the rules are the same rules, up to rounding and torch's fused multiply-adds.
(b) Free-running trajectories on our own surfaces track torch's to 1e-9 relative wherever
the run is well conditioned (a 1e-13 nudge of the start does not grow past 1e-10 in torch).
"""

from __future__ import annotations

import numpy as np
import pytest
from golden import GoldenCase, load_cases

from optiscope.core.optimizers import get_optimizer
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import run

CASES = load_cases()
FREE_RUN = [c for c in CASES if c.free_run_ok]


def _close(ours: np.ndarray, theirs: np.ndarray, scale: float) -> np.ndarray:
    return np.abs(ours - theirs) <= 1e-12 * np.abs(theirs) + 1e-14 * scale


def _state_at(case: GoldenCase, k: int):  # type: ignore[no-untyped-def]
    opt = get_optimizer(case.optimizer)
    hp = opt.resolve(case.hyperparameters)
    state = opt.init(case.params[k].copy(), hp)
    if k == 0:
        return opt, hp, state
    fields = {
        name: (float(values[k]) if values.ndim == 1 else values[k].copy())
        for name, values in case.state.items()
        if name != "count"
    }
    return opt, hp, state._replace(step=k, **fields)


def test_golden_data_cover_every_torch_backed_optimizer() -> None:
    covered = {c.optimizer for c in CASES}
    assert covered == {
        "gd",
        "heavyball",
        "nesterov",
        "adagrad",
        "rmsprop",
        "adam",
        "adamw",
        "adamax",
        "nadam",
        "adadelta",
    }
    assert all(c.n_steps >= 100 for c in CASES)
    assert len(FREE_RUN) >= len(CASES) // 2


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.case_id)
def test_one_step_from_each_recorded_state_matches_torch(case: GoldenCase) -> None:
    scale_p = float(np.max(np.abs(case.params)))
    scales = {
        name: float(np.nanmax(np.abs(v))) for name, v in case.state.items() if name != "count"
    }
    for k in range(case.n_steps):
        opt, hp, state = _state_at(case, k)
        update, new_state = opt.update(case.grads[k].copy(), state, case.params[k].copy(), hp)
        ours = case.params[k] + update
        ok = _close(ours, case.params[k + 1], scale_p)
        assert ok.all(), (case.case_id, k, ours, case.params[k + 1])
        assert new_state.step == k + 1
        if "count" in case.state:
            assert case.state["count"][k + 1] == k + 1
        for name, scale in scales.items():
            got = np.asarray(getattr(new_state, name), dtype=np.float64)
            want = case.state[name][k + 1]
            assert _close(got, want, scale).all(), (case.case_id, k, name, got, want)


@pytest.mark.parametrize("case", FREE_RUN, ids=lambda c: c.case_id)
def test_free_running_trajectory_tracks_torch(case: GoldenCase) -> None:
    surface = get_surface(case.surface)
    setup = make_setup(case.optimizer, dict(case.hyperparameters))
    traj = run(surface, setup, case.start, case.n_steps)
    ours = traj.column("params")
    scale = float(np.max(np.abs(case.params)))
    np.testing.assert_allclose(ours, case.params, rtol=1e-9, atol=1e-12 * scale)
    np.testing.assert_allclose(traj.column("loss"), case.loss, rtol=1e-8, atol=1e-14)
