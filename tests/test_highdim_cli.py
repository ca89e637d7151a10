"""``optiscope highdim``: its outputs against the core's numbers computed here, and closed forms."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from optiscope.core.format import fmt
from optiscope.core.highdim.basis import basis_dependence
from optiscope.core.highdim.problems import LogisticRegression, Quadratic
from optiscope.core.highdim.run import HighDimRun, parse_setup
from optiscope.core.highdim.views import steps_to_tolerance, top_k
from optiscope.tui.cli.highdim_output import checkpoints
from optiscope.tui.cli.main import main
from optiscope.tui.highdim_model import DEFAULT_SPECS


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["highdim", *args])
    out, err = capsys.readouterr()
    return code, out, err


def reference(spec: str, steps: int, problem: Quadratic | None = None) -> HighDimRun:
    q = problem or Quadratic(100, 1e4, False, 0)
    run = HighDimRun(q, parse_setup(spec, q))
    run.extend(steps + 1)
    return run


def test_checkpoints_are_decades_then_the_last_step() -> None:
    assert checkpoints(1000) == [0, 10, 100, 1000]
    assert checkpoints(250) == [0, 10, 100, 250]
    assert checkpoints(10) == [0, 10]


def test_table_has_the_loss_at_decades_and_the_steps_to_tolerance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(capsys, "--steps", "1000")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "N-dimensional quadratic: D = 100, κ = 10000, axis-aligned (Q = I)"
    for spec in DEFAULT_SPECS:
        run = reference(spec, 1000)
        row = next(line for line in lines if line.startswith(spec + " "))
        cells = row.split()
        assert cells[1:5] == [fmt(float(run.column("loss")[m])) for m in (0, 10, 100, 1000)]
        hit = steps_to_tolerance(run, 1e-4)
        assert cells[5] == (f"{hit:,}" if hit is not None else "—")
    # Measured once by hand: the basis story's unrotated counts, GD not yet there at 1,000.
    assert [line.split()[5] for line in lines[4:8]] == ["—", "308", "590", "12"]


def test_table_lists_the_top_k_of_the_chosen_field_at_the_last_step(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        capsys, "--steps", "40", "--top", "3", "--field", "update", "--optimizer", "adam"
    )
    assert code == 0
    expected = top_k(reference("adam", 40)[40], "update", 3)
    lines = out.splitlines()
    start = lines.index("top 3 by |Δ| at the last step (coordinate and signed value)")
    for rank, (i, v) in enumerate(zip(expected.indices, expected.signed, strict=True), 1):
        assert lines[start + 1 + rank].split() == [str(rank), f"#{i}", fmt(float(v))]


def test_sqrt_s_names_the_optimizers_that_keep_none(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "--steps", "5", "--field", "sqrt_s", "--optimizer", "gd", "--optimizer", "adam"
    )
    assert code == 0
    assert "gd: gd keeps no average of g² (no √S to show)" in out
    assert "top 5 by √S (adam: √v̂)" in out


def test_csv_is_loss_and_grad_norm_per_step_and_gd_follows_the_closed_form(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        capsys, "--steps", "30", "--format", "csv", "--optimizer", "gd(lr=1)", "--optimizer", "adam"
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "step",
        "gd(lr=1) loss",
        "gd(lr=1) grad_norm",
        "gd(lr=1) sharpness",
        "adam loss",
        "adam grad_norm",
        "adam sharpness",
    ]
    assert [int(r[0]) for r in rows[1:]] == list(range(31))
    table = np.array([[float(c) for c in r[1:]] for r in rows[1:]])
    # GD at η = 1 on diag(λ): each eigen-coordinate shrinks by (1 − λᵢ) per step.
    q = Quadratic(100, 1e4, False, 0)
    t = np.arange(31)[:, None]
    z = q.z0 * (1.0 - q.eigenvalues) ** t
    np.testing.assert_allclose(table[:, 0], 0.5 * (z * z) @ q.eigenvalues, rtol=1e-12)
    np.testing.assert_allclose(table[:, 1], np.linalg.norm(z * q.eigenvalues, axis=1), rtol=1e-12)
    np.testing.assert_allclose(table[:, 2], 1.0, rtol=1e-12)  # λmax: eigenvalues 1 … 1e-4
    adam = reference("adam", 30)
    np.testing.assert_allclose(table[:, 3], adam.column("loss"), rtol=1e-13)
    np.testing.assert_array_equal(table[:, 4], adam.column("exact_grad_norm"))
    np.testing.assert_allclose(table[:, 5], 1.0, rtol=1e-12)


def test_json_has_every_step_and_the_top_k(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys,
        "--problem",
        "quadratic(dim=50, condition=100, rotated=true, seed=3)",
        "--optimizer",
        "rmsprop(lr=0.01)",
        "--steps",
        "60",
        "--top",
        "4",
        "--field",
        "effective_lr",
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["problem"]["spec"] == "quadratic(dim=50, condition=100, rotated=true, seed=3)"
    assert doc["steps"] == 60 and doc["tolerance"] == 1e-4
    (opt,) = doc["optimizers"]
    run = reference("rmsprop(lr=0.01)", 60, Quadratic(50, 100.0, True, 3))
    np.testing.assert_allclose(opt["loss"], run.column("loss"), rtol=1e-13)
    assert len(opt["grad_norm"]) == 61
    expected = top_k(run[60], "effective_lr", 4)
    assert opt["top_k"]["indices"] == expected.indices.tolist()
    assert opt["top_k"]["values"] == expected.values.tolist()
    assert opt["top_k"]["step"] == 60
    assert opt["steps_to_tolerance"] == steps_to_tolerance(run, 1e-4)
    assert opt["status"]["kind"] == run.status.kind


def test_basis_table_matches_the_core_and_gd_ignores_the_rotation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(capsys, "--basis")
    assert code == 0
    expected = basis_dependence(DEFAULT_SPECS, 100, 1e4, 0, 1e-4, 10_000)
    lines = out.splitlines()
    for row in expected:
        cells = next(line for line in lines if line.startswith(row.label + " ")).split()
        assert cells[1:] == [f"{row.unrotated:,}", f"{row.rotated:,}"]
    assert expected[0].unrotated == expected[0].rotated  # GD commutes with the rotation
    assert "A diagonal preconditioner can only rescale the axes" in out
    assert "costs adagrad(lr=1) 138× the steps" in out


def test_basis_on_logistic_regression_counts_its_own_coordinates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        capsys, "--basis", "--problem", "logreg", "--optimizer", "gd", "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["columns"] == ["steps"]
    lr = LogisticRegression()
    run = HighDimRun(lr, parse_setup("gd", lr))
    run.extend(1000)
    assert doc["rows"] == [{"label": "gd", "steps": {"steps": steps_to_tolerance(run, 1e-4)}}]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--problem", "cubic(dim=3)"], "unknown problem 'cubic'"),
        (["--problem", "quadratic(dim=2000)"], "dim must be in [2, 1000]"),
        (["--problem", "quadratic(dim=1e999)"], "dim is too large (not a finite number)"),
        (["--problem", "logreg(batch_size=900)"], "batch_size must be at most n_samples"),
        (["--optimizer", "nosuch"], "nosuch"),
        (["--steps", "0"], "steps must be in [1, 20000]"),
        (["--top", "0"], "top must be in [1, 1000]"),
        (["--tol", "2"], "tol must be in (0, 1)"),
        (["--field", "m"], "invalid choice"),
        (["--open", "--problem", "quadratic(rotated=perhaps)"], "rotated must be true or false"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscope: error: ") and message in err


async def test_open_puts_the_view_on_top_of_the_explorer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from optiscope.tui.app import OptiscopeApp
    from optiscope.tui.screens.highdim import HighDimScreen

    started: list[OptiscopeApp] = []
    monkeypatch.setattr(OptiscopeApp, "run", lambda self, *a, **k: started.append(self))
    monkeypatch.setattr("optiscope.tui.cli.launch._is_tty", lambda stream: True)
    code = main(
        ["highdim", "--open", "--problem", "quadratic(dim=30, rotated=true)", "--optimizer", "adam"]
    )
    assert code == 0
    (app,) = started
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HighDimScreen)
        problem = screen.model.problem
        assert isinstance(problem, Quadratic) and problem.dim == 30 and problem.rotated
        assert [c.label for c in screen.model.compared] == ["adam"]
        await app.workers.wait_for_complete()
        await pilot.press("escape")
        assert not isinstance(app.screen, HighDimScreen)
