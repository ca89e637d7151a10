"""What an optimizer's explain, parts and frame builders read for step t of a run: record
t and the state it started from (one place, so the explain pane, the vectors, the played
step and predict mode all read the same numbers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .explain_text import StepInputs
from .trajectory import Trajectory


def state_before(traj: Trajectory, t: int) -> dict[str, Any]:
    """The state step t starts from: record t−1's, or the optimizer's initial state."""
    if t > 0:
        return traj[t - 1].state
    setup = traj.setup
    init = setup.optimizer.init(np.array(traj.start, dtype=np.float64), setup.hyperparameters)
    return {name: getattr(init, name) for name in init._fields}


def step_inputs(traj: Trajectory, t: int) -> StepInputs:
    """Record t and the state it started from, as the optimizer's builders read them."""
    record = traj[t]
    return StepInputs(
        t=t,
        count=int(record.state["step"]),
        hp=traj.setup.hyperparameters,
        lr=record.lr,
        coords=traj.surface.coords,
        params=record.params,
        grad=record.grad,
        update=record.update,
        before=state_before(traj, t),
        after=record.state,
    )
