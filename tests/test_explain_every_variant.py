"""Every optimizer explains itself, under every setting that changes its rule, and the pane
cannot disagree with the table: each result is the recorded value, each step the rule in
force, and the powers name the update count they use."""

from __future__ import annotations

import re

import numpy as np
import pytest
from arithmetic_parser import evaluate
from optimizer_variants import IDS, VARIANTS

from optiscope.core.columns import UPDATE, column_values, record_columns, record_source
from optiscope.core.explain_text import sup
from optiscope.core.format import fmt
from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.specs import make_setup
from optiscope.core.step_explain import explain_step
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run

BOWL = get_surface("lecture-bowl")
START = (-4.7, -1.3)
STEPS = (0, 1, 7)


def _run(name: str, hp: dict[str, object]) -> Trajectory:
    return run(BOWL, make_setup(name, hp, BOWL), START, 10)


def _recorded(traj: Trajectory, t: int) -> dict[str, float]:
    """The table's names for record t's state and step (S_w, v̂max_b, Πμ, Δw) -> value."""
    out: dict[str, float] = {}
    src = record_source(traj[t])
    for column in record_columns(traj, "table"):
        if column.section != "state" and column is not UPDATE:
            continue
        values = column_values(column, src)
        if not column.per_coordinate:
            out[column.symbol] = float(values[0])
            continue
        for c, v in zip(BOWL.coords, values, strict=True):
            out[f"Δ{c}" if column is UPDATE else f"{column.symbol}_{c}"] = float(v)
    return out


def _lhs(line: str) -> str:
    return line.split(" = ", 1)[0].split(" ← ")[0]


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_line_is_a_recorded_value_or_arithmetic_that_reproduces_its_result(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    for t in STEPS:
        recorded = _recorded(traj, t)
        lines = explain_step(traj, t).lines
        shown: set[str] = set()
        for line in lines:
            parts = line.split(" = ")
            lhs, result = _lhs(line), parts[-1]
            checked = False
            if lhs in recorded:
                # The number right of the last "=" is the record's, as the table prints it.
                assert result.replace("−", "-") == fmt(recorded[lhs]), (t, line)
                assert float(result.replace("−", "-")) == pytest.approx(recorded[lhs], rel=5e-4)
                shown.add(lhs)
                checked = True
            if len(parts) >= 3:
                value = evaluate(parts[-2])
                assert value == pytest.approx(float(result.replace("−", "-")), rel=2e-3, abs=1e-12)
                checked = True
            assert checked or line in (f"Δ{c} = 0" for c in BOWL.coords), (t, line)
        # Every state column and both steps the table shows for this record are explained.
        assert set(recorded) <= shown, (t, sorted(set(recorded) - shown))


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_no_optimizer_falls_back_to_a_bare_step(name: str, hp: dict[str, object]) -> None:
    """Each coordinate's step is the optimizer's own formula, with its numbers in it."""
    traj = _run(name, hp)
    for t in STEPS:
        lines = explain_step(traj, t).lines
        for c in BOWL.coords:
            steps = [ln for ln in lines if _lhs(ln).startswith(f"Δ{c}")]
            assert steps, (t, lines)
            assert all(len(ln.split(" = ")) >= 3 for ln in steps), (t, steps)
            # ... and names what it divides or multiplies: never "Δw = <number>" alone.
            assert any(("η" in ln or "·" in ln) for ln in steps), (t, steps)


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_the_rule_shown_is_the_one_these_settings_run(name: str, hp: dict[str, object]) -> None:
    setup = make_setup(name, hp, BOWL)
    rule = " ".join(explain_step(run(BOWL, setup, START, 2), 1).rule)
    resolved = setup.hyperparameters
    assert "[" not in rule  # no "[centered] ..." alternatives: only what runs
    decays = float(resolved.get("weight_decay", 0.0)) != 0
    assert ("λ" in rule) == decays
    if "amsgrad" in resolved:
        assert ("vmax" in rule) == bool(resolved["amsgrad"])
    if "bias_correction" in resolved:
        assert ("m̂" in rule) == bool(resolved["bias_correction"])
    if name == "rmsprop":
        assert ("ḡ" in rule) == bool(resolved["centered"])
        assert ("B" in rule) == (float(resolved["momentum"]) > 0)
    if name == "heavyball":
        assert ("τ" in rule) == (float(resolved["dampening"]) != 0)
    if name == "adagrad":
        assert ("d)" in rule) == (float(resolved["lr_decay"]) != 0)


def test_rmsprop_without_momentum_or_centering_shows_only_its_plain_rule() -> None:
    traj = _run("rmsprop", {"lr": 0.1})
    assert explain_step(traj, 3).rule == ["S ← β·S + (1−β)·g²", "r = √S + ε", "Δp = −η·g/r"]
    both = _run("rmsprop", {"lr": 0.1, "centered": True, "momentum": 0.5, "weight_decay": 0.1})
    assert explain_step(both, 3).rule == [
        "g ← ∇f(p) + λ·p",
        "S ← β·S + (1−β)·g²",
        "ḡ ← β·ḡ + (1−β)·g",
        "r = √(S − ḡ²) + ε",
        "B ← μ·B + g/r",
        "Δp = −η·B",
    ]


_POWER = re.compile(r"[β][₁₂]([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_power_is_the_update_count_k_which_the_first_line_relates_to_t(
    name: str, hp: dict[str, object]
) -> None:
    """Record t is the point after t updates; its step is update k = t + 1, and that k is
    what β₁ᵏ, β₂ᵏ and NAdam's μₖ use. The pane says so beside t, so 'step t = 3' and β₁⁴
    never look inconsistent."""
    traj = _run(name, hp)
    for t in STEPS:
        explanation = explain_step(traj, t)
        text = "\n".join(explanation.lines)
        powers = _POWER.findall(text)
        uses_count = bool(powers) or ("μ" in text and name == "nadam")
        if not uses_count:
            assert "k = t + 1" not in text
            continue
        assert explanation.lines[0] == f"k = t + 1 = {t} + 1 = {t + 1}"
        assert set(powers) <= {sup(t + 1)}, (t, powers)
        assert "k = t + 1" in " ".join(explanation.rule)
        assert int(traj[t].state["step"]) == t + 1


def test_adam_at_t_3_names_its_power_4_as_the_update_count() -> None:
    lines = explain_step(_run("adam", {"lr": 0.1}), 3).lines
    assert lines[0] == "k = t + 1 = 3 + 1 = 4"
    assert any(ln.startswith("m̂_w = m_w/(1−β₁⁴) = ") for ln in lines)


def test_every_registered_optimizer_is_among_the_variants_and_brings_its_own_explain() -> None:
    assert {name for name, _ in VARIANTS} == set(OPTIMIZERS)
    builders = {id(opt.explain) for opt in OPTIMIZERS.values()}
    assert len(builders) == len(OPTIMIZERS)  # one builder each, none shared as a default


def test_amsgrad_explains_the_bias_corrected_max_that_its_step_divides_by() -> None:
    traj = _run("adam", {"lr": 0.1, "amsgrad": True})
    m_hat, v_max = traj.column("m_hat"), traj.column("v_max")
    k = np.arange(1, len(traj) + 1)[:, None]
    v_hat_max = v_max / (1 - 0.999**k)
    np.testing.assert_allclose(traj.column("v_hat_max"), v_hat_max, rtol=1e-15)
    rebuilt = -0.1 * m_hat / (np.sqrt(v_hat_max) + 1e-8)
    np.testing.assert_allclose(traj.column("update"), rebuilt, rtol=1e-13)
    line = next(ln for ln in explain_step(traj, 5).lines if ln.startswith("v̂max_w"))
    assert line.endswith(f"= {fmt(float(v_hat_max[5, 0]))}")
