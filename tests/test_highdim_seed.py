"""The mini-batch order follows a seed: the problem's own by default (``logreg(seed=2)``
used to change only the data, the batches always came from seed 0), or ``--seed``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from optiscope.core.highdim.problems import LogisticRegression
from optiscope.core.highdim.run import HighDimRun, parse_setup
from optiscope.tui.cli.main import main


def _batch_gradient(problem: LogisticRegression, p: np.ndarray, seed: int, t: int) -> np.ndarray:
    """The formula: mean over step t's batch of −y·σ(−y·x·p)·x, plus l2·p (rows drawn by
    numpy's generator seeded with (seed, t), as the problem's docstring states)."""
    rng = np.random.default_rng((seed, t))
    rows = np.sort(rng.choice(problem.n_samples, size=problem.batch_size, replace=False))
    x, y = problem.X[rows], problem.y[rows]
    margin = y * (x @ p)
    sigma = 1.0 / (1.0 + np.exp(margin))
    return -(y * sigma) @ x / len(rows) + problem.l2 * p


def test_a_run_draws_its_batches_from_the_problems_seed_by_default() -> None:
    problem = LogisticRegression(n_samples=200, n_features=5, seed=2, batch_size=16)
    run = HighDimRun(problem, parse_setup("gd", problem))
    run.extend(4)
    for t in range(3):
        expected = _batch_gradient(problem, run[t].params, 2, t)
        assert np.allclose(run[t].grad, expected, rtol=1e-12, atol=1e-15)
    other = HighDimRun(problem, parse_setup("gd", problem), seed=0)
    other.extend(2)
    assert not np.allclose(other[0].grad, run[0].grad)


def _losses(capsys: pytest.CaptureFixture[str], *extra: str) -> list[float]:
    problem = "logreg(n_samples=300, n_features=5, batch_size=16, seed=2)"
    argv = ["highdim", "--problem", problem, "--optimizer", "gd", "--steps", "20"]
    assert main([*argv, "--format", "json", *extra]) == 0
    doc = json.loads(capsys.readouterr().out)
    losses: list[float] = doc["optimizers"][0]["loss"]
    return losses


def test_highdim_seed_sets_the_batch_order(capsys: pytest.CaptureFixture[str]) -> None:
    default, two, five = (
        _losses(capsys),
        _losses(capsys, "--seed", "2"),
        _losses(capsys, "--seed", "5"),
    )
    assert default == two and default != five
    problem = LogisticRegression(n_samples=300, n_features=5, seed=2, batch_size=16)
    run = HighDimRun(problem, parse_setup("gd", problem), seed=5)
    run.extend(21)
    assert np.allclose(five, run.column("loss"), rtol=0, atol=0)


def test_list_schedules_says_where_cosine_equals_torch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "schedules"]) == 0
    cosine = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("cosine"))
    assert "CosineAnnealingLR" in cosine and "for t ≤ T" in cosine and "periodic" in cosine
