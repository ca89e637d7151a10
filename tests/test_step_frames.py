"""One update played in parts: every optimizer under every setting that changes its rule
plays as 3–5 frames that together show exactly the explain pane's lines, in its order,
each under the part of the rule that computes it."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest
from optimizer_variants import IDS, VARIANTS

from optiscope.core.format import fmt
from optiscope.core.noise import GradientNoise
from optiscope.core.specs import make_setup
from optiscope.core.step_explain import explain_step
from optiscope.core.step_frames import GRADIENT, line_symbol, step_frames
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run

BOWL = get_surface("lecture-bowl")
START = (-4.7, -1.3)
STEPS = (0, 1, 7)
_NUMBER = re.compile(r"−?\d+(?:\.\d+)?(?:e[+-]\d+)?")


def _run(name: str, hp: dict[str, object], **kw: object) -> Trajectory:
    return run(BOWL, make_setup(name, hp, BOWL), START, 10, **kw)  # type: ignore[arg-type]


def _numbers(text: str) -> list[float]:
    return [float(n.replace("−", "-")) for n in _NUMBER.findall(text)]


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_the_frames_show_every_explain_line_once_in_its_order(
    name: str, hp: dict[str, object]
) -> None:
    traj = _run(name, hp)
    claimed = set(GRADIENT.symbols) | {
        s for part in traj.setup.optimizer.sub_steps for s in part.symbols
    }
    for t in STEPS:
        explanation = explain_step(traj, t)
        frames = step_frames(traj, t)
        assert 3 <= len(frames) <= 5, [f.title for f in frames]
        assert [f.index for f in frames] == list(range(1, len(frames) + 1))
        assert {f.count for f in frames} == {len(frames)}
        assert frames[0].lines[0] == explanation.given
        assert frames[-1].lines == (explanation.geometry,)
        shown = [ln for f in frames for ln in f.lines[(1 if f.index == 1 else 0) :]][:-1]
        assert Counter(shown) == Counter(explanation.lines)
        for f in frames:
            # Within a frame, the lines keep the explain pane's order.
            own = [ln for ln in f.lines if ln in explanation.lines]
            rest = iter(explanation.lines)
            assert all(ln in rest for ln in own), f.title
        # No line falls back to the first frame unclaimed: each part is declared.
        coords = traj.surface.coords
        assert {line_symbol(ln, coords) for ln in explanation.lines} <= claimed
        # The rule shown is only what runs: no alternatives, each line run by one frame.
        assert not any(w in " ".join(explanation.rule) for w in ("[", " else ", " or "))
        ruled = [r for f in frames for r in f.rule]
        assert sorted(ruled) == sorted(explanation.rule), (t, ruled)
        assert frames[0].notes == tuple(explanation.notes)


@pytest.mark.parametrize(("name", "hp"), VARIANTS, ids=IDS)
def test_every_number_a_frame_shows_is_the_explain_panes(name: str, hp: dict[str, object]) -> None:
    traj = _run(name, hp)
    for t in STEPS:
        explanation = explain_step(traj, t)
        pane = [explanation.given, *explanation.lines, explanation.geometry]
        pane_numbers = Counter(n for text in pane for n in _numbers(text))
        frame_lines = [ln for f in step_frames(traj, t) for ln in f.lines]
        frame_numbers = Counter(n for ln in frame_lines for n in _numbers(ln))
        assert frame_numbers == pane_numbers


def test_the_given_line_is_the_records_point_and_gradient() -> None:
    traj = _run("rmsprop", {"lr": 0.1})
    record = traj[3]
    given = step_frames(traj, 3)[0].lines[0]
    assert given.startswith("p = (w, b) = (")
    numbers = _numbers(given.split("=", 2)[2])
    np.testing.assert_allclose(numbers[:2], record.params, rtol=5e-4)
    np.testing.assert_allclose(numbers[2:], 2 * np.array([0.1, 2.0]) * record.params, rtol=5e-4)


def test_a_noisy_gradient_says_so_beside_the_exact_one() -> None:
    traj = _run("gd", {"lr": 0.1}, noise=GradientNoise(0.5, 1))
    record = traj[2]
    given = step_frames(traj, 2)[0].lines[0]
    assert "noisy" in given
    numbers = _numbers(given.split("g =", 1)[1])
    np.testing.assert_allclose(numbers[:2], record.grad, rtol=5e-4)
    np.testing.assert_allclose(numbers[2:], record.exact_grad, rtol=5e-4)


def test_rmsprop_plays_as_gradient_square_average_root_division_and_the_step() -> None:
    traj = _run("rmsprop", {"lr": 0.1})
    frames = step_frames(traj, 3)
    assert [f.title for f in frames] == [
        "the gradient here",
        "its square folded into S",
        "the root of S per coordinate",
        "the division by r",
        "the step taken",
    ]
    record, before = traj[3], traj[2]
    # S_b = β·S_b + (1−β)·g_b², computed here from the records, not from the lines.
    s_b = 0.9 * before.state["s"][1] + 0.1 * record.grad[1] ** 2
    s_old = fmt(before.state["s"][1])
    assert frames[1].lines[1] == f"S_b = 0.9·{s_old} + 0.1·(−2.558)² = {fmt(s_b)}"
    assert [ln.split(" ")[0] for ln in frames[2].lines] == ["r_w", "r_b"]
    assert [ln.split(" ")[0] for ln in frames[3].lines] == ["Δw", "Δb"]
    assert frames[3].rule == ("Δp = −η·g/r",)


def test_momentum_plays_the_velocity_before_the_step() -> None:
    frames = step_frames(_run("momentum", {"lr": 0.1}), 2)
    assert [f.title for f in frames][1:3] == [
        "the gradient folded into the velocity",
        "the step along the velocity",
    ]
    assert all(ln.startswith("v_") for ln in frames[1].lines)


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("S_w = 0.9·0.21 + 0.1·(−0.7961)² = 0.2524", "S"),
        ("√v̂max_b + ε = √0.5 + 1e-08 = 0.7071", "√v̂max"),
        ("Δb = −η·g_b/r_b = 0.1171", "Δp"),
        ("Δ_w = √(0 + 1e-06)/√(0.5 + 1e-06)·(−0.9) = −0.001", "Δ"),
        ("μ₅ = β₁·(1 − ½·0.96^(5·ψ)) = 0.45", "μ"),
        ("v_w ← g_w = 0.88", "v"),
        ("k = t + 1 = 3 + 1 = 4", "k"),
    ],
)
def test_a_lines_symbol_drops_its_coordinate(text: str, symbol: str) -> None:
    assert line_symbol(text, ("w", "b")) == symbol
