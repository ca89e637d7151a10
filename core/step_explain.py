"""One step of a run explained: the optimizer's rule, then its arithmetic with the numbers.

The lines themselves are the optimizer's own (``Optimizer.explain``, next to its update
rule); this module only gathers what they read from the trajectory (record t, the state it
started from) and adds what every optimizer shares: notes on the step and its geometry.
Every line reads ``name = arithmetic = result``, the result being the recorded value, so
the pane never disagrees with the table. Pure Python and NumPy: no terminal library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .explain_text import Explanation, line, num, sq
from .step_geometry import angle_to_descent, degrees, step_length
from .step_inputs import step_inputs
from .trajectory import Trajectory


def explain_step(traj: Trajectory, t: int) -> Explanation:
    """Step t's arithmetic, per coordinate, ending in the update taken (raises IndexError
    if record t does not exist). Non-finite records produce "nan"/"inf", never an error."""
    if t < 0:
        t += len(traj)
    record = traj[t]
    setup = traj.setup
    inputs = step_inputs(traj, t)
    before = inputs.before
    with np.errstate(all="ignore"):
        lines = setup.optimizer.explain(inputs)
    return Explanation(
        t=t,
        rule=list(setup.optimizer.rule_in_force(setup.hyperparameters)),
        lines=lines,
        notes=_notes(traj, t, before),
        geometry=_geometry(record.exact_grad, record.update, traj.surface.coords),
        given=_given(record.params, record.grad, record.exact_grad, traj.surface.coords),
    )


def _given(params: Any, grad: Any, exact: Any, coords: tuple[str, ...]) -> str:
    """The point and the gradient the step reads there (a noisy or mini-batch one says so)."""
    point = f"p = ({', '.join(coords)}) = {_vector(params)}"
    if np.array_equal(grad, exact, equal_nan=True):
        return f"{point}   g = ∇f(p) = {_vector(grad)}"
    return f"{point}   g = {_vector(grad)}  (noisy; ∇f(p) = {_vector(exact)})"


def _vector(values: Any) -> str:
    return "(" + ", ".join(num(float(v)) for v in values) + ")"


def _notes(traj: Trajectory, t: int, before: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    if t == 0:
        shown = [
            f"{f.symbol} = {_initial_text(before[f.name])}"
            for f in traj.fields
            if before.get(f.name) is not None
        ]
        if shown:
            notes.append("first step: the state starts at its initial value, " + ", ".join(shown))
    if not traj.schedule.constant:
        notes.append(f"scheduled learning rate at this step: η = {num(traj[t].lr)}")
    status = traj.status
    if status.step == t and status.kind != "running":
        notes.append(status.text())
    return notes


def _initial_text(value: Any) -> str:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0 or bool(np.all(arr == arr.flat[0])):
        return num(float(arr.flat[0]))
    return "(" + ", ".join(num(float(x)) for x in arr.flat) + ")"


def _geometry(grad: Any, update: Any, coords: tuple[str, str]) -> str:
    """‖Δ‖ with its arithmetic, and how far the step turns from −∇f (the exact gradient)."""
    x, y = coords
    dx, dy = float(update[0]), float(update[1])
    with np.errstate(all="ignore"):
        length = line(
            f"‖Δ‖ = √(Δ{x}² + Δ{y}²)", f"√({sq(dx)} + {sq(dy)})", float(step_length(update))
        )
        angle = float(angle_to_descent(grad, update))
    if not np.isnan(angle):
        turn = degrees(angle)
    elif np.all(np.isfinite(np.r_[grad, update])):
        turn = "undefined: a zero step or gradient"
    else:
        turn = "nan"
    return f"{length}   ∠(Δ, −∇f) = {turn}"
