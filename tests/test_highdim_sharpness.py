"""``optiscope highdim`` records carry the sharpness λmax(∇²f) in CSV and JSON, checked against
numpy.linalg.eigvalsh of a Hessian built here by central differences of the gradient."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from optiscope.core.highdim import sharpness as sharp
from optiscope.core.highdim.problems import LogisticRegression, Problem, Quadratic
from optiscope.core.highdim.run import HighDimRun, parse_setup
from optiscope.tui.cli.main import main


def fd_lambda_max(problem: Problem, point: np.ndarray, h: float = 1e-5) -> float:
    """λmax of the Hessian whose column i is (∇f(p + h·eᵢ) − ∇f(p − h·eᵢ)) / 2h."""
    eye = np.eye(problem.dim)
    cols = [(problem.grad(point + h * e) - problem.grad(point - h * e)) / (2 * h) for e in eye]
    hess = np.array(cols).T
    return float(np.linalg.eigvalsh((hess + hess.T) / 2)[-1])


def json_of(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["highdim", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_a_rotated_quadratics_sharpness_is_its_hessians_top_eigenvalue_at_every_record(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = "quadratic(dim=8, condition=100, rotated=true, seed=3)"
    doc = json_of(capsys, "--problem", spec, "--optimizer", "adam(lr=0.05)", "--steps", "6")
    q = Quadratic(8, 100.0, True, 3)
    expected = fd_lambda_max(q, np.ones(8))
    assert doc["sharpness_every"] == 1
    np.testing.assert_allclose(doc["optimizers"][0]["sharpness"], [expected] * 7, rtol=1e-8)
    assert expected == pytest.approx(1.0, rel=1e-8)  # eigenvalues log-spaced from 1 down


def test_logistic_regressions_sharpness_follows_the_point_as_finite_differences_say(
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = "logreg(n_samples=120, n_features=5, seed=4)"
    doc = json_of(capsys, "--problem", spec, "--optimizer", "gd", "--steps", "8")
    got = doc["optimizers"][0]["sharpness"]
    problem = LogisticRegression(n_samples=120, n_features=5, seed=4)
    run = HighDimRun(problem, parse_setup("gd", problem))
    run.extend(9)
    points = run.column("params")
    expected = [fd_lambda_max(problem, p) for p in points]
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert max(expected) - min(expected) > 1e-3 * max(expected)  # it does move along the path


def test_csv_has_a_sharpness_column_per_run(capsys: pytest.CaptureFixture[str]) -> None:
    spec = "logreg(n_samples=120, n_features=5, seed=4)"
    args = ["highdim", "--problem", spec, "--optimizer", "gd", "--optimizer", "adam"]
    assert main([*args, "--steps", "4", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    problem = LogisticRegression(n_samples=120, n_features=5, seed=4)
    start = fd_lambda_max(problem, problem.x0)
    assert len(rows) == 5
    columns = [name for name in rows[0] if name.endswith(" sharpness")]
    assert len(columns) == 2
    for name in columns:
        assert float(rows[0][name]) == pytest.approx(start, rel=1e-6)


def test_past_its_budget_sharpness_is_computed_every_kth_record_first_and_last_always(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = LogisticRegression(n_samples=120, n_features=5, seed=4)
    per_point = sharp.point_cost_ns(problem)
    monkeypatch.setattr(sharp, "SHARPNESS_BUDGET_NS", per_point * 11 / 3)  # 11 records: k = 3
    spec = "logreg(n_samples=120, n_features=5, seed=4)"
    doc = json_of(capsys, "--problem", spec, "--optimizer", "gd", "--steps", "10")
    assert doc["sharpness_every"] == 3
    values = doc["optimizers"][0]["sharpness"]
    assert [t for t, v in enumerate(values) if v is not None] == [0, 3, 6, 9, 10]
    assert main(["highdim", "--problem", spec, "--optimizer", "gd", "--steps", "10",
                 "--format", "csv"]) == 0  # fmt: skip
    cells = [r["gd sharpness"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))]
    assert [t for t, c in enumerate(cells) if c != ""] == [0, 3, 6, 9, 10]


def test_the_largest_logistic_regression_thins_its_sharpness_and_a_quadratic_never_does() -> None:
    big = LogisticRegression(n_samples=1000, n_features=100)
    assert sharp.sharpness_every(big, 4 * 1001) > 1
    assert sharp.sharpness_every(Quadratic(1000, 1e4, False, 0), 4 * 10_000) == 1
