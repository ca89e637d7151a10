"""The headless CLI: output formats, every surface and optimizer, and one-line usage errors."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from optiscope.core.optimizers import OPTIMIZERS
from optiscope.core.surfaces import SURFACES
from optiscope.tui.cli.main import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_document_has_the_documented_shape(capsys) -> None:
    code, out, err = _run(
        capsys,
        "run",
        "--surface",
        "lecture-bowl",
        "--start",
        "A",
        "--optimizer",
        "rmsprop(lr=0.1, beta=0.9)",
        "--steps",
        "12",
        "--format",
        "json",
    )
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["surface"]["name"] == "lecture-bowl" and doc["start"] == [-4.7, -1.3]
    (runs,) = doc["runs"]
    assert runs["optimizer"] == "rmsprop"
    assert runs["hyperparameters"] == {
        "lr": 0.1,
        "beta": 0.9,
        "eps": 1e-8,
        "momentum": 0.0,
        "centered": False,
        "weight_decay": 0.0,
    }
    steps = runs["steps"]
    assert len(steps) == 13 and steps[0]["params"] == [-4.7, -1.3]
    for a, b in itertools.pairwise(steps):
        np.testing.assert_allclose(np.add(a["params"], a["update"]), b["params"], rtol=1e-15)
        w, bb = b["params"]
        assert b["grad"] == pytest.approx([0.2 * w, 4.0 * bb], rel=1e-14)
        assert b["loss"] == pytest.approx(0.1 * w * w + 2 * bb * bb, rel=1e-14)
    assert set(steps[3]) == {
        "t",
        "params",
        "loss",
        "grad",
        "update",
        "state",
        "effective_lr",
        "step_length",
        "angle_to_descent",
        "sharpness",
        "preconditioned_sharpness",
        "stability_threshold",
        "lr",
    }
    assert steps[3]["sharpness"] == 4.0 and steps[3]["stability_threshold"] == pytest.approx(20)
    # RMSprop's first step is −lr·g/√(0.1·g²) = −lr/√0.1·sign(g): length lr·√2/√0.1, and its
    # angle to −∇f is the angle between (1, 1) and |g₀| = (0.94, 5.2).
    assert steps[0]["step_length"] == pytest.approx(0.1 * math.sqrt(2 / 0.1), rel=1e-7)
    cos = (0.94 + 5.2) / (math.sqrt(2) * math.hypot(0.94, 5.2))
    assert steps[0]["angle_to_descent"] == pytest.approx(math.degrees(math.acos(cos)), rel=1e-6)
    assert set(steps[3]["state"]) == {"step", "second_moment"}
    # RMSprop's cache after taking in g₀ = (0.2·-4.7, 4·-1.3): S = 0.1·g².
    assert steps[0]["state"]["second_moment"] == pytest.approx(
        [0.1 * 0.94**2, 0.1 * 5.2**2], rel=1e-14
    )


def test_non_finite_numbers_are_null_in_json_and_divergence_exits_zero(capsys) -> None:
    code, out, _ = _run(
        capsys,
        "run",
        "--surface",
        "rosenbrock",
        "--start",
        "-2,2",
        "--optimizer",
        "gd(lr=1e6)",
        "--steps",
        "50",
        "--format",
        "json",
    )
    assert code == 0
    run = json.loads(out)["runs"][0]
    assert run["status"]["kind"] == "diverged"
    last = run["steps"][-1]
    assert last["t"] == run["status"]["step"]
    far = [abs(v) > 1000 * 4 for v in last["params"] if v is not None]
    assert None in last["params"] + [last["loss"]] or any(far)
    assert "NaN" not in out and "Infinity" not in out


def test_csv_has_one_row_per_step_and_named_columns(capsys) -> None:
    code, out, _ = _run(
        capsys, "run", "--optimizer", "adam", "--optimizer", "gd", "--steps", "9", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 20
    names = {"first_moment_w", "second_moment_b", "bias_corrected_first_moment_w"}
    assert {"w", "b", "dw", "db", *names, "eff_lr_w", "delta_b"} <= set(rows[0])
    assert {"step_length", "angle_to_descent"} <= set(rows[0])
    gd0 = rows[10]
    # GD steps straight down the gradient: length lr·‖g₀‖ = 0.4·‖(0.2·−4.7, 4·−1.3)‖, angle 0.
    assert float(gd0["step_length"]) == pytest.approx(0.4 * math.hypot(0.94, 5.2), rel=1e-12)
    assert float(gd0["angle_to_descent"]) == pytest.approx(0.0, abs=1e-6)
    adam0 = rows[0]
    assert float(adam0["first_moment_w"]) == pytest.approx(0.1 * 0.2 * -4.7, rel=1e-14)
    assert rows[10]["run"] == "gd" and rows[10]["first_moment_w"] == ""


def test_table_output_shows_the_state_columns_and_status(capsys) -> None:
    code, out, _ = _run(capsys, "run", "--optimizer", "rmsprop", "--steps", "3")
    assert code == 0
    assert "S w" in out and "S b" in out and "ηeff w" in out and "Δb" in out
    assert "‖Δ‖" in out and "∠−∇f" in out
    assert "rmsprop: running" in out and "summary" in out


def test_every_k_keeps_first_and_last(capsys) -> None:
    _, out, _ = _run(
        capsys, "run", "--optimizer", "gd", "--steps", "10", "--every", "4", "--format", "csv"
    )
    assert [r["t"] for r in csv.DictReader(io.StringIO(out))] == ["0", "4", "8", "10"]


@pytest.mark.parametrize("surface", list(SURFACES))
def test_every_surface_runs_the_default_comparison(capsys, surface: str) -> None:
    code, out, err = _run(capsys, "run", "--surface", surface, "--steps", "200", "--format", "json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert len(doc["runs"]) == 4
    for r in doc["runs"]:
        # Suggested learning rates give a meaningful first run: the loss goes down.
        first, last = r["steps"][0]["loss"], r["steps"][-1]["loss"]
        assert r["status"]["kind"] != "diverged", (surface, r["label"])
        assert last < first, (surface, r["label"])


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_optimizer_runs(capsys, optimizer: str) -> None:
    code, out, _ = _run(
        capsys, "run", "--optimizer", optimizer, "--steps", "20", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["runs"][0]["optimizer"] == optimizer


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--surface", "nope"], "unknown surface 'nope'"),
        (["run", "--optimizer", "adamm"], "unknown optimizer 'adamm'"),
        (["run", "--optimizer", "adam(lr=)"], "is not key=value"),
        (["run", "--optimizer", "adam(lr=abc)"], "lr must be a number"),
        (["run", "--optimizer", "rmsprop(beta=1.5)"], "beta must be in [0, 1); got 1.5"),
        (["run", "--steps", "-3"], "steps must be in [0, 100000]"),
        (["run", "--steps", "ten"], "steps must be a number; got 'ten'"),
        (["run", "--start", "1;2"], "cannot read start '1;2'"),
        (["run", "--start", "Z"], "named start (A, B, C)"),
        (["run", "--noise", "-1"], "noise must be in [0, inf)"),
        (["run", "--schedule", "cosine(T=0)"], "T must be in [1, inf)"),
        (["run", "--format", "xml"], "invalid choice: 'xml'"),
        (["run", "--surface", "rotated-bowl(kappa=0)"], "kappa must be in"),
        (["bogus"], "invalid choice: 'bogus'"),
        (["list", "things"], "invalid choice: 'things'"),
    ],
)
def test_bad_usage_exits_2_with_one_line(capsys, argv: list[str], message: str) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscope: error: ")
    assert message in err


def test_negative_start_is_accepted_after_a_space(capsys) -> None:
    code, out, _ = _run(
        capsys,
        "run",
        "--surface",
        "rosenbrock",
        "--start",
        "-1.5,2",
        "--steps",
        "0",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["start"] == [-1.5, 2.0]


def test_out_writes_a_file(capsys, tmp_path) -> None:
    target = tmp_path / "run.json"
    code, out, _ = _run(capsys, "run", "--steps", "2", "--format", "json", "--out", str(target))
    assert code == 0 and out == ""
    assert len(json.loads(target.read_text())["runs"]) == 4


def test_out_to_a_missing_folder_is_a_runtime_failure_in_one_line(capsys, tmp_path) -> None:
    code, _, err = _run(capsys, "run", "--steps", "2", "--out", str(tmp_path / "no" / "x.csv"))
    assert code == 1 and err.count("\n") == 1 and "No such file" in err


@pytest.mark.parametrize("what", ["surfaces", "optimizers", "schedules"])
def test_list_prints_one_line_each(capsys, what: str) -> None:
    from optiscope.core.schedules import KINDS

    code, out, _ = _run(capsys, "list", what)
    names = {"surfaces": SURFACES, "optimizers": OPTIMIZERS, "schedules": KINDS}[what]
    lines = out.splitlines()
    assert code == 0 and [ln.split()[0] for ln in lines] == list(names)


def test_console_script_runs_in_a_subprocess() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "optiscope.tui.cli.main", "run", "--steps", "1", "--format", "csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("run,optimizer,t,w,b,loss")


def test_list_lessons_prints_twenty_numbered_lines(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(capsys, "list", "lessons")
    lines = out.strip().splitlines()
    assert code == 0 and err == "" and len(lines) == 20
    assert lines[4].split()[:2] == ["5", "tiny-oscillation"]
    assert [line.split()[1] for line in lines[14:]] == [
        "averages-and-rescales",
        "adam-pieces",
        "adam-sign-noise",
        "edge-of-stability",
        "warmup",
        "momentum-beta",
    ]


def test_lesson_prints_question_measured_figures_and_answer(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(capsys, "lesson", "5")
    assert code == 0 and err == ""
    assert "Question, from “Week 2 RMSprop intuition”" in out and "Answer:" in out
    assert "RMSprop's cache S_w at the end: 1e-08" in out  # measured: (1e-4)²
    assert "rmsprop(lr=0.01): fixed by the question" in out and "WARNING" not in out


def test_lesson_text_says_how_each_optimizers_settings_were_chosen(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(capsys, "lesson", "bigger-step")
    text = " ".join(out.split())
    assert code == 0 and "How each optimizer's settings were chosen:" in text
    assert "gd(lr=0.45): tuned: the lr with the fewest steps" in text
    assert "normgd(lr=0.3577708764): matched: same first-step length as rmsprop(lr=0.08)" in text
    assert "gd(lr=0.08): fixed by the question: RMSprop's lr" in text


def test_lesson_json_carries_the_figures(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(capsys, "lesson", "momentum-conventions", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["holds"] is True and doc["number"] == 14
    assert doc["figures"]["max_gap"] < 1e-12
    # A lesson's setup is a core Setup: specs in their one canonical spelling.
    assert doc["setup"]["optimizers"] == [
        "momentum(lr=0.4,beta=0.9)",
        "heavyball(lr=0.04,momentum=0.9)",
    ]
    # One entry per optimizer, keyed by its run label, in the setup's order.
    assert list(doc["setup"]["settings_chosen"]) == [
        "momentum(lr=0.4, beta=0.9)",
        "heavyball(lr=0.04, momentum=0.9)",
    ]
    assert doc["setup"]["settings_chosen"]["heavyball(lr=0.04, momentum=0.9)"].startswith(
        "matched: heavy ball at lr·(1−β)"
    )


@pytest.mark.parametrize("ident", ["zigzag", "start-b", "tiny-oscillation", "adam-pieces"])
def test_a_lesson_that_ends_with_a_question_prints_it(capsys, ident: str) -> None:  # type: ignore[no-untyped-def]
    from optiscope.core.lessons.catalog import get_lesson

    exercise = get_lesson(ident).exercise
    assert exercise is not None
    code, out, _ = _run(capsys, "lesson", ident)
    text = " ".join(out.split())
    assert code == 0 and f"Your turn: {exercise.prompt}" in text
    assert text.index("Your turn:") > text.index("Answer:")


def test_a_lesson_without_a_question_prints_none(capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(capsys, "lesson", "momentum-conventions")
    assert code == 0 and "Your turn" not in out
    _, out, _ = _run(capsys, "lesson", "momentum-conventions", "--format", "json")
    assert json.loads(out)["exercise"] is None


def test_lesson_2s_question_is_rmsprops_first_w_step_from_b_in_closed_form(capsys) -> None:  # type: ignore[no-untyped-def]
    """From B = (0.3, −2.3), g_w = 0.2·0.3; S starts at 0, so S = (1−β)·g² and
    Δw = −η·g/(√S + ε): a full −η/√(1−β) however small g is."""
    code, out, _ = _run(capsys, "lesson", "start-b")
    assert code == 0 and "rmsprop(lr=0.1)'s Δw at step 0, from:" in out and "g_w = 0.06" in out
    _, out, _ = _run(capsys, "lesson", "start-b", "--format", "json")
    exercise = json.loads(out)["exercise"]
    g, lr, beta = 0.2 * 0.3, 0.1, 0.9
    assert exercise["form"] == "value" and exercise["name"] == "Δw"
    assert exercise["answer"] == pytest.approx(-lr * g / (math.sqrt((1 - beta) * g * g) + 1e-8))
    assert exercise["answer"] == pytest.approx(-lr / math.sqrt(1 - beta), rel=1e-6)


def test_lesson_1s_question_is_answered_by_the_sign_direction(capsys) -> None:  # type: ignore[no-untyped-def]
    """RMSprop's first step from A, both gradients negative: −η·sign(g)/√(1−β) per
    coordinate, so it heads up and right at 45°, whatever GD's 80° says."""
    code, out, _ = _run(capsys, "lesson", "zigzag", "--format", "json")
    exercise = json.loads(out)["exercise"]
    assert code == 0 and exercise["form"] == "direction"
    assert exercise["offered_degrees"][exercise["answer"] - 1] == pytest.approx(45.0, abs=0.05)
    gd = math.degrees(math.atan2(4 * 1.3, 0.2 * 4.7))  # −∇f at A = (−4.7, −1.3)
    assert any(abs(d - gd) < 0.1 for d in exercise["offered_degrees"])


@pytest.mark.parametrize(
    "argv", [("lesson", "nope"), ("--lesson", "99"), ("lesson", "0", "--open")]
)
def test_unknown_lessons_exit_2_with_one_line(capsys, argv: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("optiscope: error: unknown lesson") and err.count("\n") == 1
