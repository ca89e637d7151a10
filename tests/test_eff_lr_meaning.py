"""What the ηeff sparklines say each optimizer's ηeff is: a formula, checked here against
the recorded |Δ|/|g| (computed from the state columns, not from the step), and short
enough for the strip's note; momentum-style methods name the past gradients in it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from optimizer_variants import IDS, VARIANTS

from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Step, Trajectory, run
from optiscope.tui.widgets.eff_lr_strip import NOTE_WIDTH

BOWL = get_surface("lecture-bowl")
Closed = Callable[[Step, Step, dict[str, float]], np.ndarray]


def _run(name: str, hp: dict[str, object]) -> Trajectory:
    return run(BOWL, make_setup(name, hp, BOWL), (-4.7, -1.3), 10)


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_optimizer_says_what_its_eff_lr_is_in_the_room_the_strip_has(
    name: str, hp: dict[str, object]
) -> None:
    opt = OPTIMIZERS[name]
    assert opt.eff_lr_means is not None
    text = opt.eff_lr_means(opt.resolve(hp))
    assert text.startswith("= ") and len(text) <= NOTE_WIDTH - 1
    # Steps built from a memory of gradients (Lion's |Δ| is η whatever its memory).
    carries = {"v", "m", "buf"}
    traj = _run(name, hp)
    if {f.name for f in traj.fields} & carries and name != "lion":
        assert "past" in text or "outruns" in text  # the step holds old gradients


def _abs(x: np.ndarray) -> np.ndarray:
    return np.abs(np.asarray(x, dtype=np.float64))


CASES: list[tuple[str, dict[str, object], str, Closed]] = [
    ("gd", {"lr": 0.3}, "= η on every coordinate", lambda r, p, h: np.full(2, r.lr)),
    (
        "gd",
        {"lr": 0.3, "weight_decay": 0.05},
        "= η|g+λp|/|g|",
        lambda r, p, h: r.lr * _abs(r.grad + 0.05 * r.params) / _abs(r.grad),
    ),
    ("momentum", {}, "= η|v|/|g|", lambda r, p, h: r.lr * _abs(r.state["v"]) / _abs(r.grad)),
    ("heavyball", {}, "= η|v|/|g|", lambda r, p, h: r.lr * _abs(r.state["v"]) / _abs(r.grad)),
    (
        "nesterov",
        {},
        "= η|g+μv|/|g|",
        lambda r, p, h: r.lr * _abs(r.grad + h["momentum"] * r.state["v"]) / _abs(r.grad),
    ),
    (
        "adagrad",
        {},
        "= η/(√S+ε)",
        lambda r, p, h: r.lr / (np.sqrt(r.state["s"]) + h["eps"]),
    ),
    (
        "rmsprop",
        {},
        "= η/r",
        lambda r, p, h: r.lr / (np.sqrt(r.state["s"]) + h["eps"]),
    ),
    (
        "rmsprop",
        {"momentum": 0.5},
        "= η|B|/|g|",
        lambda r, p, h: r.lr * _abs(r.state["buf"]) / _abs(r.grad),
    ),
    (
        "adam",
        {},
        "= η|m̂|/(|g|(√v̂+ε))",
        lambda r, p, h: (
            r.lr * _abs(r.state["m_hat"]) / (_abs(r.grad) * (np.sqrt(r.state["v_hat"]) + h["eps"]))
        ),
    ),
    (
        "adam",
        {"amsgrad": True},
        "= η|m̂|/(|g|(√v̂max+ε))",
        lambda r, p, h: (
            r.lr
            * _abs(r.state["m_hat"])
            / (_abs(r.grad) * (np.sqrt(r.state["v_hat_max"]) + h["eps"]))
        ),
    ),
    (
        "adamax",
        {},
        "= η|m|/(|g|u(1−β₁ᵏ))",
        lambda r, p, h: (
            r.lr
            * _abs(r.state["m"])
            / (_abs(r.grad) * r.state["u"] * (1 - h["beta1"] ** r.state["step"]))
        ),
    ),
    (
        "adadelta",
        {},
        "= η√(D+ε)/√(S+ε)",
        lambda r, p, h: (
            r.lr * np.sqrt(p.state["delta_acc"] + h["eps"]) / np.sqrt(r.state["s"] + h["eps"])
        ),
    ),
    ("signgd", {}, "= η/|g|", lambda r, p, h: r.lr / _abs(r.grad)),
    ("normgd", {}, "= η/‖g‖", lambda r, p, h: r.lr / np.full(2, np.hypot(*r.grad))),
    ("lion", {}, "= η/|g|", lambda r, p, h: r.lr / _abs(r.grad)),
]


@pytest.mark.parametrize(
    ("name", "hp", "formula", "closed"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES]
)
def test_the_stated_formula_is_the_recorded_eff_lr(
    name: str, hp: dict[str, object], formula: str, closed: Closed
) -> None:
    opt = OPTIMIZERS[name]
    resolved = opt.resolve(hp)
    assert opt.eff_lr_means is not None
    assert opt.eff_lr_means(resolved).startswith(formula)
    traj = _run(name, hp)
    settings = {k: float(v) for k, v in resolved.items()}
    for t in range(1, len(traj)):
        record = traj[t]
        expected = closed(record, traj[t - 1], settings)
        np.testing.assert_allclose(record.effective_lr, expected, rtol=1e-9)


def test_the_readmes_momentum_figures_velocity_outrunning_a_faded_gradient() -> None:
    """README: on the default screen momentum's ηeff (η = 0.4) runs from 9.2e-4 (b, step
    22) to 18.8 (w, step 70) over steps 0–100, and |v_w| = 47·|g_w| at step 70."""
    from optiscope.tui.model import ExplorerModel

    run_ = next(r for r in ExplorerModel.create().runs if r.label == "momentum")
    traj = run_.trajectory
    traj.run_to(101)
    assert float(run_.setup.hyperparameters["lr"]) == 0.4
    rates = traj.column("effective_lr")[:101]
    assert f"{np.nanmin(rates):.2g}" == "0.00092" and int(np.nanargmin(rates[:, 1])) == 22
    assert f"{np.nanmax(rates):.3g}" == "18.8" and int(np.nanargmax(rates[:, 0])) == 70
    record = traj[70]
    assert f"{abs(record.state['v'][0] / record.grad[0]):.2g}" == "47"
