"""A map's "minimum reached" means the start *stayed* near the minimum over the final
window, not that its last point happened to pass near it (issue 17, §1).

References are textbook loops (``maps_helpers.gd_loop``'s formula, RMSprop as torch writes
it) that keep every point of the final window; they never call the map code.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from maps_helpers import HIMMELBLAU_MINIMA, grid_starts, himmelblau_gradient

from optiscope.core.maps.minima import MAX_WINDOW, REACH_RADIUS, WINDOW_SHARE, final_window
from optiscope.tui.cli.main import main
from optiscope.tui.cli.map_command import REACH_RULE


def _map_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(["map", *argv, "--format", "json"]) == 0
    doc: dict = json.loads(capsys.readouterr().out)  # type: ignore[type-arg]
    return doc


def _window_points(step, starts: np.ndarray, steps: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Points of records steps-W..steps of ``p <- step(p)``, shape (W+1, *starts.shape)."""
    window = final_window(steps)
    p = starts.astype(float).copy()
    kept = []
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            if k >= steps - window:
                kept.append(p.copy())
            if k < steps:
                p = step(p)
    return np.array(kept)


def _held(points: np.ndarray, centre: tuple[float, float], radius: float) -> np.ndarray:
    d = np.hypot(points[..., 0] - centre[0], points[..., 1] - centre[1])
    with np.errstate(invalid="ignore"):
        return np.all(d <= radius, axis=0)


def test_the_window_is_a_tenth_of_the_steps_between_one_and_a_hundred() -> None:
    assert (WINDOW_SHARE, MAX_WINDOW, REACH_RADIUS) == (0.1, 100, 1e-2)
    assert [final_window(n) for n in (0, 1, 5, 20, 100, 500, 1000, 10**5)] == [
        0,
        1,
        1,
        2,
        10,
        50,
        100,
        100,
    ]
    # The words of --help, the legend and the README say the same numbers.
    assert "last 10% of the steps (at least 1, at most 100 updates)" in REACH_RULE
    assert "within 1% of the domain's longer side" in REACH_RULE


def test_chaotic_gd_orbits_on_himmelblau_reach_no_minimum(capsys) -> None:  # type: ignore[no-untyped-def]
    """The reproduction: gd(lr=0.03), where λmax·η ≈ 3.2 > 2 near minimum 4, so the orbits
    are chaotic; two of them end within 0.1 of minimum 4 at step 500 by chance."""
    doc = _map_json(
        capsys,
        "--surface",
        "himmelblau",
        "--optimizer",
        "gd(lr=0.03)",
        "--grid",
        "40x30",
        "--steps",
        "500",
        "--metric",
        "minimum",
    )
    run = doc["run"]
    values = np.array(run["values"]["minimum"], dtype=float)
    starts = grid_starts((-5.0, 5.0, -5.0, 5.0), 40, 30)
    points = _window_points(lambda p: p - 0.03 * himmelblau_gradient(p), starts, 500)
    radius = REACH_RADIUS * 10.0
    end = points[-1]
    for x, y in ((2.125, -1.8333), (2.625, -1.1667)):
        j, i = np.unravel_index(
            np.argmin(np.hypot(starts[..., 0] - x, starts[..., 1] - y)), values.shape
        )
        # The end point alone would say "minimum 4" (what the map used to report) ...
        assert np.hypot(*(end[j, i] - HIMMELBLAU_MINIMA[3])) < 0.1
        # ... but the orbit left it within the final window, so the map says none.
        assert not _held(points[:, j, i], HIMMELBLAU_MINIMA[3], radius)
        assert values[j, i] == -1
    # Every cell against the reference rule: reached k iff held at minimum k all window long.
    expected = np.full(values.shape, -1.0)
    for k, centre in enumerate(HIMMELBLAU_MINIMA):
        expected[_held(points, centre, radius)] = k
    diverged = np.array(run["diverged"])
    assert np.array_equal(np.where(diverged, np.nan, expected), values, equal_nan=True)
    assert "at every step from 450 to 500" in doc["minimum_definition"]


def test_an_rmsprop_burst_on_the_lecture_bowl_is_no_minimum_not_settled(capsys) -> None:  # type: ignore[no-untyped-def]
    """The reproduction: RMSprop at a constant lr hovers and bursts near (0, 0); the map
    said "settled near (−3.7e-09, ±0.2254)" for starts caught mid-burst (‖∇f‖ = 0.90)."""
    doc = _map_json(
        capsys,
        "--surface",
        "lecture-bowl",
        "--optimizer",
        "rmsprop",
        "--gtol",
        "1e-2",
        "--grid",
        "120x60",
    )
    run = doc["run"]
    assert [m["name"] for m in run["minima"]] == ["global minimum at (0, 0)"]
    hp = run["hyperparameters"]
    lr, beta, eps = hp["lr"], hp["beta"], hp["eps"]
    starts = grid_starts((-6.0, 6.0, -3.0, 3.0), 120, 60)
    cache = np.zeros_like(starts)

    def rmsprop(p: np.ndarray) -> np.ndarray:
        nonlocal cache
        g = np.stack([0.2 * p[..., 0], 4.0 * p[..., 1]], axis=-1)
        cache = beta * cache + (1 - beta) * g * g
        return p - lr * g / (np.sqrt(cache) + eps)

    points = _window_points(rmsprop, starts, 100)
    held = _held(points, (0.0, 0.0), REACH_RADIUS * 12.0)
    values = np.array(run["values"]["minimum"], dtype=float)
    assert np.array_equal(values, np.where(held, 0.0, -1.0))
    assert 0 < np.count_nonzero(~held) < held.size  # both outcomes occur on this grid


def test_help_legend_and_summary_state_the_rule(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit):
        main(["map", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert " ".join(REACH_RULE.split()) in help_text
    assert main(["map", "--surface", "himmelblau", "--steps", "300", "--grid", "20x10"]) == 0
    out = capsys.readouterr().out
    assert "minimum reached and held" in out
    assert (
        "reached = within 0.1 of the minimum at every step from 270 to 300 (the last 30 of 300)"
        in out
    )
