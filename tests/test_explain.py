"""The explain pane's arithmetic: recorded results, re-computable inputs, every optimizer."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from arithmetic_parser import evaluate

from optiscope.core.explain_text import num
from optiscope.core.format import fmt
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import make_setup
from optiscope.core.step_explain import explain_step
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run

BOWL = get_surface("lecture-bowl")
START = (-4.7, -1.3)

#: (optimizer, overrides): every optimizer, plus the variants that change the lines.
VARIANTS: list[tuple[str, dict[str, object]]] = [
    ("gd", {"lr": 0.3}),
    ("gd", {"lr": 0.3, "weight_decay": 0.05}),
    ("momentum", {"lr": 0.3, "beta": 0.8}),
    ("heavyball", {"lr": 0.03}),
    ("heavyball", {"lr": 0.03, "dampening": 0.3, "weight_decay": 0.01}),
    ("nesterov", {"lr": 0.03}),
    ("adagrad", {"lr": 0.5}),
    ("adagrad", {"lr": 0.5, "lr_decay": 0.1, "initial_accumulator": 0.2}),
    ("rmsprop", {"lr": 0.1}),
    ("rmsprop", {"lr": 0.05, "centered": True}),
    ("rmsprop", {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.1}),
    ("rmsprop", {"lr": 0.02, "centered": True, "momentum": 0.5}),
    ("adam", {"lr": 0.1}),
    ("adam", {"lr": 0.1, "amsgrad": True}),
    ("adam", {"lr": 0.1, "bias_correction": False}),
    ("adam", {"lr": 0.1, "weight_decay": 0.05}),
    ("adamw", {"lr": 0.1}),
    ("adamw", {"lr": 0.1, "weight_decay": 0.0, "amsgrad": True}),
    ("adamax", {"lr": 0.1}),
    ("nadam", {"lr": 0.1}),
    ("nadam", {"lr": 0.1, "weight_decay": 0.02}),
    ("adadelta", {"lr": 1.0}),
    ("adadelta", {"lr": 1.0, "weight_decay": 0.01}),
    ("signgd", {"lr": 0.1}),
    ("normgd", {"lr": 0.3}),
    ("lion", {"lr": 0.1}),
    ("lion", {"lr": 0.1, "weight_decay": 0.1}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in hp.items())}" for name, hp in VARIANTS]
STEPS = (0, 1, 2, 7)


def _run(name: str, hp: dict[str, object], **kw: object) -> Trajectory:
    return run(BOWL, make_setup(name, hp, BOWL), START, 10, **kw)  # type: ignore[arg-type]


def test_the_parser_reads_the_lines_own_notation() -> None:
    assert evaluate("0.9·3.240e-02 + 0.1·(−1.80)²") == pytest.approx(0.9 * 0.0324 + 0.1 * 3.24)
    assert evaluate("−0.1·(−1.80)/0.5943") == pytest.approx(0.1 * 1.8 / 0.5943)
    assert evaluate("√(0.5 − (0.2)²) + 1.000e-08") == pytest.approx(math.sqrt(0.46))
    assert evaluate("max(0.999·2, 3 + 1) − sign(−2)") == 5


def _final(line: str) -> str:
    return line.rsplit(" = ", 1)[1]


def _as_fmt(text: str) -> str:
    """A displayed number back in fmt's spelling (ASCII minus)."""
    return text.replace("−", "-")


# -- the claims ----------------------------------------------------------------------------
def _recorded(traj: Trajectory, t: int) -> dict[str, float]:
    """Displayed name -> recorded value, for every recorded quantity of record t."""
    step = traj[t]
    opt = traj.setup.optimizer
    symbols = {f.name: f.symbol for f in (*opt.state_fields, *opt.extra_fields)}
    out: dict[str, float] = {}
    for i, c in enumerate(BOWL.coords):
        out[f"Δ{c}"] = float(step.update[i])
        for name, value in step.state.items():
            if name == "step":
                continue
            arr = np.asarray(value, dtype=np.float64)
            if arr.ndim == 0:
                out[symbols[name]] = float(arr)
            else:
                out[f"{symbols[name]}_{c}"] = float(arr[i])
    return out


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_recorded_quantity_shown_equals_the_record_as_fmt_prints_it(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    for t in STEPS:
        recorded = _recorded(traj, t)
        lines = explain_step(traj, t).lines
        shown: set[str] = set()
        for line in lines:
            lhs = line.split(" = ", 1)[0].split(" ← ")[0]
            if lhs in recorded:
                assert _as_fmt(_final(line)) == fmt(recorded[lhs]), (t, line)
                shown.add(lhs)
        # Every state field of both coordinates, and both steps, are on screen.
        # (Without bias correction m̂ = m and v̂ = v; AMSGrad divides by v̂max, not v̂.)
        hidden = set()
        if not hp.get("bias_correction", True):
            hidden |= {"m̂", "v̂"}
        if hp.get("amsgrad"):
            hidden.add("v̂")
        expected = {k for k in recorded if k.split("_")[0] not in hidden}
        assert expected <= shown, (t, sorted(expected - shown))
        assert lines[-1].startswith(f"Δ{BOWL.coords[1]}")


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_the_substituted_arithmetic_reproduces_each_displayed_result(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    for t in STEPS:
        checked = 0
        for line in explain_step(traj, t).lines:
            parts = line.split(" = ")
            if len(parts) < 3:
                continue
            value = evaluate(parts[-2])
            shown = float(_as_fmt(parts[-1]))
            assert value == pytest.approx(shown, rel=2e-3, abs=1e-12), (t, line)
            checked += 1
        step_lines = [ln for ln in explain_step(traj, t).lines if ln.startswith("Δ")]
        assert checked >= len(step_lines) >= 2


def test_rmsprop_lines_read_like_the_lecture() -> None:
    traj = _run("rmsprop", {"lr": 0.1, "beta": 0.9})
    s, g, u = traj.column("s"), traj.column("grad"), traj.column("update")
    lines = explain_step(traj, 3).lines
    b = [ln for ln in lines if "_b" in ln or ln.startswith("Δb")]
    assert b[0] == f"S_b = 0.9·{num(s[2, 1])} + 0.1·{'(' + num(g[3, 1]) + ')'}² = {num(s[3, 1])}"
    r = math.sqrt(s[3, 1]) + 1e-8
    assert b[1] == f"r_b = √S_b + ε = √{num(s[3, 1])} + 1.000e-08 = {num(r)}"
    assert b[2] == f"Δb = −η·g_b/r_b = −0.1·({num(g[3, 1])})/{num(r)} = {num(u[3, 1])}"


def test_numbers_use_one_minus_sign_helper_and_parenthesise_negatives_in_products() -> None:
    assert num(-1.8) == "−1.8"
    assert num(-1e-8) == "−1.000e-08"
    assert num(0.5) == "0.5"
    lines = explain_step(_run("gd", {"lr": 0.3}), 0).lines
    assert lines[0] == "Δw = −η·g_w = −0.3·(−0.94) = 0.282"
    assert not any("-" in ln.replace("e-", "") for ln in lines)


@pytest.mark.parametrize(
    ("name", "hp", "initial"),
    [
        ("rmsprop", {"lr": 0.1}, "S_w = 0.9·0 + 0.1·"),
        ("adagrad", {"lr": 0.5, "initial_accumulator": 0.2}, "S_w = 0.2 + "),
        ("adam", {"lr": 0.1}, "m_w = 0.9·0 + 0.1·"),
        ("heavyball", {"lr": 0.03}, "v_w ← g_w = −0.94"),
        ("nadam", {"lr": 0.1}, "Πμ = Πμ·μ₁ = 1·"),
        ("adadelta", {"lr": 1.0}, "S_w = 0.9·0 + 0.1·"),
    ],
)
def test_step_zero_starts_from_the_optimizers_initial_state(
    name: str, hp: dict[str, object], initial: str
) -> None:
    explanation = explain_step(_run(name, hp), 0)
    assert any(ln.startswith(initial) for ln in explanation.lines), explanation.lines
    assert explanation.t == 0
    assert explanation.notes and "first step" in explanation.notes[0]


def test_the_rule_is_the_optimizers_own_and_coordinates_follow_the_surface() -> None:
    surface = get_surface("rosenbrock")
    traj = run(surface, make_setup("rmsprop", {"lr": 0.01}), (-1.0, 1.5), 3)
    explanation = explain_step(traj, 1)
    # The rule in force: plain RMSprop, without the centered and momentum variants.
    assert explanation.rule == ["S ← β·S + (1−β)·g²", "r = √S + ε", "Δp = −η·g/r"]
    assert explanation.rule == list(OPTIMIZERS["rmsprop"].rule_in_force(traj.setup.hyperparameters))
    assert [ln.split(" ")[0] for ln in explanation.lines] == [
        "S_x",
        "r_x",
        "Δx",
        "S_y",
        "r_y",
        "Δy",
    ]


def test_a_schedule_is_explained_with_the_rate_the_record_used() -> None:
    traj = _run("gd", {"lr": 0.3}, schedule=parse_schedule("step(every=2, gamma=0.5)"))
    lines = explain_step(traj, 5).lines
    assert lines[0].startswith("Δw = −η·g_w = −0.075·")
    assert "η = 0.075" in explain_step(traj, 5).notes[-1]


def test_weight_decay_appears_only_when_nonzero() -> None:
    plain = explain_step(_run("adam", {"lr": 0.1}), 1).lines
    decayed = explain_step(_run("adam", {"lr": 0.1, "weight_decay": 0.05}), 1).lines
    assert not any(ln.startswith("g_") for ln in plain)
    # (Adam's first line is the update count its powers use.)
    assert decayed[0] == "k = t + 1 = 1 + 1 = 2"
    assert decayed[1].startswith("g_w = ∂f/∂w + λ·w = ")


def test_derived_quantities_match_an_independent_computation() -> None:
    traj = _run("lion", {"lr": 0.1})
    m, g = traj.column("m"), traj.column("grad")
    c_line = explain_step(traj, 4).lines[0]
    assert _as_fmt(_final(c_line)) == fmt(0.9 * m[3, 0] + 0.1 * g[4, 0])
    traj = _run("normgd", {"lr": 0.3})
    norm_line = explain_step(traj, 2).lines[0]
    assert _as_fmt(_final(norm_line)) == fmt(float(np.linalg.norm(traj.column("grad")[2])))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_diverged_record_explains_with_nan_or_inf_and_no_exception(name: str) -> None:
    # lr = 1e308 overflows within a step or two, for every optimizer.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = _run(name, {"lr": 1e308})
        assert traj.status.kind == "diverged"
        texts = []
        for t in range(len(traj)):
            explanation = explain_step(traj, t)
            texts.append(" ".join(explanation.lines))
    last = traj[len(traj) - 1]
    if not np.all(np.isfinite(np.r_[last.grad, last.update])):
        assert "inf" in texts[-1] or "nan" in texts[-1]
    assert "diverged" in explain_step(traj, traj.status.step or 0).notes[-1]


def test_negative_t_counts_from_the_end_and_missing_records_raise() -> None:
    traj = _run("gd", {"lr": 0.3})
    assert explain_step(traj, -1).t == len(traj) - 1
    with pytest.raises(IndexError):
        explain_step(traj, len(traj))


def test_the_geometry_line_gives_the_steps_length_and_its_angle_to_steepest_descent() -> None:
    # RMSprop's first step is −lr·sign(g)/√(1−β): length lr·√2/√0.1, at the angle between
    # (1, 1) and |g₀| = (0.94, 5.2) from −∇f.
    traj = _run("rmsprop", {"lr": 0.1, "beta": 0.9})
    length = 0.1 * math.sqrt(2 / 0.1)
    cos = (0.94 + 5.2) / (math.sqrt(2) * math.hypot(0.94, 5.2))
    angle = math.degrees(math.acos(cos))
    geometry = explain_step(traj, 0).geometry
    assert geometry.startswith("‖Δ‖ = √(Δw² + Δb²) = √(0.3162² + 0.3162²) = ")
    assert f"= {num(length)}   ∠(Δ, −∇f) = {angle:.1f}°" in geometry
    # GD moves straight down the gradient; a step of zero has no direction.
    assert explain_step(_run("gd", {"lr": 0.3}), 4).geometry.endswith("∠(Δ, −∇f) = 0.0°")
    still = run(BOWL, make_setup("gd", {"lr": 0.3}, BOWL), (0.0, 0.0), 2)
    assert explain_step(still, 0).geometry.endswith("undefined: a zero step or gradient")
