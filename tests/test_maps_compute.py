"""Convergence maps against references: basins, steps, divergence, summaries, progress.

The references (in ``maps_helpers``) never call ``core.batch``/``core.batch_run``: each is
the optimizer's formula as a textbook writes it, stepped over Python floats or a NumPy array.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pytest
from maps_helpers import (
    HIMMELBLAU_MINIMA,
    bowl_gd_first_hit,
    centres,
    gd_loop,
    grid_starts,
    himmelblau_gradient,
    minimum_point,
    nearest_of,
)

from optiscope.core.errors import OptiscopeError
from optiscope.core.maps.classes import classify
from optiscope.core.maps.compute import Cancelled, compute_map
from optiscope.core.maps.summary import summarize
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import parse_optimizer
from optiscope.core.surfaces import Minimum, Surface, get_surface
from optiscope.core.trajectory import run
from optiscope.tui.cli.run_command import parse_surface


# -- Himmelblau's basins ----------------------------------------------------------------------
@pytest.mark.parametrize("k", range(4))
def test_gd_started_near_a_himmelblau_minimum_ends_in_that_minimum(k: int) -> None:
    surface = get_surface("himmelblau")
    cx, cy = HIMMELBLAU_MINIMA[k]
    window = ((cx - 0.3, cx + 0.3), (cy - 0.3, cy + 0.3))
    cmap = compute_map(surface, parse_optimizer("gd(lr=0.005)", surface), (7, 7), 300, window)
    reached = {minimum_point(cmap, j, i) for j in range(7) for i in range(7)}
    assert len(reached) == 1
    (point,) = reached
    assert point == pytest.approx(tuple(HIMMELBLAU_MINIMA[k]), abs=1e-9)
    assert cmap.converged.all() and not cmap.diverged.any()


def test_himmelblau_basin_split_matches_an_independent_gd_loop() -> None:
    surface = get_surface("himmelblau")
    nx, ny, steps, lr = 40, 36, 300, 0.01
    cmap = compute_map(surface, parse_optimizer(f"gd(lr={lr})", surface), (nx, ny), steps)
    ends, _ = gd_loop(himmelblau_gradient, grid_starts((-5, 5, -5, 5), nx, ny), lr, steps)
    # Reached = within 1% of the domain's side (0.1 here) of a minimum.
    expected = nearest_of(ends, HIMMELBLAU_MINIMA, 0.1)
    assert (expected >= 0).all()  # every start of this grid settles in one of the four
    got = np.array(
        [
            [nearest_of(np.array(minimum_point(cmap, j, i)), HIMMELBLAU_MINIMA, 1e-9)]
            for j in range(ny)
            for i in range(nx)
        ]
    ).reshape(ny, nx)
    np.testing.assert_array_equal(got, expected)
    shares = summarize(cmap)
    for share in shares.minima:
        k = int(nearest_of(np.array(share.point), HIMMELBLAU_MINIMA, 1e-9))
        assert share.fraction == np.count_nonzero(expected == k) / (nx * ny)


def test_six_hump_camel_map_is_point_symmetric_like_the_surface() -> None:
    # f(−x, −y) = f(x, y): the start (−x, −y) must reach the mirror image of the minimum
    # (x, y) reaches, in as many steps. Cell centres on multiples of 1/8 mirror exactly.
    surface = get_surface("six-hump-camel")
    nx, ny = 32, 16
    cmap = compute_map(
        surface, parse_optimizer("gd(lr=0.02)", surface), (nx, ny), 400, ((-2, 2), (-1, 1))
    )
    assert len({m.label for m in cmap.minima[: cmap.known_minima]}) > 1
    for j in range(ny):
        for i in range(nx):
            here, there = minimum_point(cmap, j, i), minimum_point(cmap, ny - 1 - j, nx - 1 - i)
            if here is None:
                assert there is None
            else:
                assert there == pytest.approx((-here[0], -here[1]), abs=1e-12)
    np.testing.assert_array_equal(cmap.converged_at, cmap.converged_at[::-1, ::-1])
    np.testing.assert_array_equal(cmap.end, -cmap.end[::-1, ::-1])


# -- steps, divergence ------------------------------------------------------------------------
def test_steps_equal_an_independent_loops_first_hit_on_himmelblau() -> None:
    surface = get_surface("himmelblau")
    nx, ny, steps, lr = 24, 20, 250, 0.01
    cmap = compute_map(surface, parse_optimizer(f"gd(lr={lr})", surface), (nx, ny), steps)
    _, first = gd_loop(himmelblau_gradient, grid_starts((-5, 5, -5, 5), nx, ny), lr, steps)
    np.testing.assert_array_equal(cmap.converged_at, first)
    assert (first > 0).all()
    values = cmap.values("steps")
    assert np.array_equal(values, first.astype(float))


def test_steps_on_the_lecture_bowl_follow_gd_over_python_floats() -> None:
    surface = get_surface("lecture-bowl")
    nx, ny, steps = 16, 6, 300
    cmap = compute_map(surface, parse_optimizer("gd(lr=0.3)", surface), (nx, ny), steps)
    ws, bs = centres(-6, 6, nx), centres(-3, 3, ny)
    expected = [[bowl_gd_first_hit(w, b, 0.3, steps) for w in ws] for b in bs]
    np.testing.assert_array_equal(cmap.converged_at, expected)
    assert (cmap.converged_at > 0).all()
    # GD's factor along w is 1 − 0.3·0.2 = 0.94 per step: |w| decides, so the map is mirror
    # symmetric in both axes and slower towards the left and right edges.
    np.testing.assert_array_equal(cmap.converged_at, cmap.converged_at[::-1, ::-1])
    assert (np.diff(cmap.converged_at[:, nx // 2 :], axis=1) >= 0).all()


def test_diverging_cells_are_flagged_quietly_and_escapes_count() -> None:
    surface = get_surface("lecture-bowl")
    # GD multiplies b by 1 − 4·0.6 = −1.4 per step: |b| passes 1000 plot widths (12,000)
    # after a number of steps we can count, while staying finite.
    cmap = compute_map(surface, parse_optimizer("gd(lr=0.6)", surface), (6, 4), 60)
    for j, b0 in enumerate(centres(-3, 3, 4)):
        k, b = 0, b0
        while abs(b) <= 12_000:
            b, k = b * -1.4, k + 1
        assert (cmap.diverged_at[j] == k).all()
    assert cmap.diverged.all() and np.isfinite(cmap.end).all()
    assert (cmap.converged_at == -1).all() and (cmap.minimum == -1).all()
    for metric in ("minimum", "steps", "loss"):
        assert np.isnan(cmap.values(metric)).all()
    assert summarize(cmap).diverged == 1.0


def test_a_start_that_converges_on_the_last_step_counts() -> None:
    # Record N, the point reached, is checked too, as the explorer checks it.
    surface = get_surface("lecture-bowl")
    k = bowl_gd_first_hit(-4.5, 1.5, 0.3, 1000)
    assert k > 0
    window = ((-5.0, -4.0), (1.0, 2.0))  # one cell centred on (−4.5, 1.5)
    gd = parse_optimizer("gd(lr=0.3)", surface)
    assert compute_map(surface, gd, (1, 1), k, window).converged_at[0, 0] == k
    assert compute_map(surface, gd, (1, 1), k - 1, window).converged_at[0, 0] == -1


class _HalfDefined(Surface):
    """f is undefined (NaN) left of x = −1 while its gradient stays finite there."""

    name = "half-defined"
    title = "Half defined"
    formula = "(x − 1)² + y² for x > −1"
    teaches = "nothing"

    @property
    def domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return ((-2.0, 2.0), (-2.0, 2.0))

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return (Minimum((1.0, 0.0), 0.0),)

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        return {"o": (0.0, 0.0)}

    def f(self, x, y):  # type: ignore[no-untyped-def]
        x, y = np.asarray(x, float), np.asarray(y, float)
        return np.where(x > -1, (x - 1) ** 2 + y**2, np.nan)

    def grad(self, x, y):  # type: ignore[no-untyped-def]
        x, y = np.asarray(x, float), np.asarray(y, float)
        return 2 * (x - 1), 2 * y


def test_a_loss_undefined_at_a_finite_point_is_divergence_as_in_the_explorer() -> None:
    surface = _HalfDefined()
    gd = parse_optimizer("gd(lr=0.1)", surface)
    cmap = compute_map(surface, gd, (8, 2), 50)
    left = cmap.xs < -1
    assert left.any() and (~left).any()
    assert (cmap.diverged_at[:, left] == 0).all() and (cmap.diverged_at[:, ~left] == -1).all()
    traj = run(surface, gd, (float(cmap.xs[0]), float(cmap.ys[0])), 50)
    assert traj.status.kind == "diverged" and traj.status.step == 0


def test_overflowing_runs_are_flagged_without_runtime_warnings() -> None:
    # pytest turns RuntimeWarning into an error: overflow to inf and NaN must stay silent.
    surface = get_surface("himmelblau")
    cmap = compute_map(surface, parse_optimizer("gd(lr=5)", surface), (9, 9), 80)
    assert cmap.diverged.all()
    assert not np.isfinite(cmap.end).all()
    classes = classify(cmap, "loss")
    assert {classes.classes[k].glyph for k in classes.cells.ravel()} == {"x"}


@pytest.mark.parametrize(
    ("surface_name", "spec", "sigma", "seed", "schedule_spec", "rtol"),
    [
        ("himmelblau", "adam(lr=0.2)", 0.5, 7, "step(every=40, gamma=0.5)", 0.0),
        # A mini-batch mean over (N, batch) sums in another order than over (batch,): an ulp.
        ("regression(batch_size=8)", "momentum(lr=0.3)", 0.0, 3, "cosine(T=200)", 1e-12),
    ],
)
def test_a_cell_tells_the_same_story_as_a_recorded_run(
    surface_name: str, spec: str, sigma: float, seed: int, schedule_spec: str, rtol: float
) -> None:
    # Same shared noise draw, mini-batch and learning rate at step k as the explorer's run.
    surface = parse_surface(surface_name)
    setup = parse_optimizer(spec, surface)
    noise, schedule = GradientNoise(sigma, seed), parse_schedule(schedule_spec)
    cmap = compute_map(surface, setup, (5, 4), 300, noise=noise, schedule=schedule, gtol=1e-3)
    (x0, x1), (y0, y1) = surface.domain
    starts = grid_starts((x0, x1, y0, y1), 5, 4)
    for j, i in [(0, 0), (1, 3), (2, 2), (3, 4)]:
        traj = run(surface, setup, tuple(starts[j, i]), 300, noise, schedule)
        np.testing.assert_allclose(cmap.end[j, i], traj[300].params, rtol=rtol, atol=0)
        np.testing.assert_allclose(cmap.loss[j, i], traj[300].loss, rtol=rtol, atol=0)
        norms = np.linalg.norm(traj.column("exact_grad"), axis=1)
        hits = np.flatnonzero(norms <= 1e-3)
        assert cmap.converged_at[j, i] == (hits[0] if hits.size else -1)
    assert (cmap.converged_at >= 0).any()


# -- surfaces without known minima, summaries, progress ------------------------------------
class _UnlistedBowl(Surface):
    """A bowl with its minimum at (1, −0.5) that it does not list, as a user's formula."""

    name = "unlisted-bowl"
    title = "Unlisted bowl"
    formula = "(x − 1)² + 2(y + 0.5)²"
    teaches = "nothing"
    minima_list: ClassVar[tuple[Minimum, ...]] = ()

    @property
    def domain(self) -> tuple[tuple[float, float], tuple[float, float]]:
        return ((-3.0, 3.0), (-3.0, 3.0))

    @property
    def minima(self) -> tuple[Minimum, ...]:
        return self.minima_list

    @property
    def starts(self) -> dict[str, tuple[float, float]]:
        return {"o": (0.0, 0.0)}

    def f(self, x, y):  # type: ignore[no-untyped-def]
        x, y = np.asarray(x, float), np.asarray(y, float)
        return (x - 1) ** 2 + 2 * (y + 0.5) ** 2

    def grad(self, x, y):  # type: ignore[no-untyped-def]
        x, y = np.asarray(x, float), np.asarray(y, float)
        return 2 * (x - 1), 4 * (y + 0.5)


def test_without_known_minima_the_settled_points_are_grouped() -> None:
    surface = _UnlistedBowl()
    cmap = compute_map(surface, parse_optimizer("gd(lr=0.1)", surface), (8, 8), 300)
    assert cmap.known_minima == 0 and len(cmap.minima) == 1
    assert cmap.minima[0].point == pytest.approx((1.0, -0.5), abs=1e-6)
    assert (cmap.minimum == 0).all()
    assert cmap.f_min == pytest.approx(0.0, abs=1e-12)


def test_summary_shares_add_up_and_median_steps_match_the_reference() -> None:
    surface = get_surface("himmelblau")
    nx, ny = 20, 20
    cmap = compute_map(surface, parse_optimizer("gd(lr=0.012)", surface), (nx, ny), 150)
    _, first = gd_loop(himmelblau_gradient, grid_starts((-5, 5, -5, 5), nx, ny), 0.012, 150)
    s = summarize(cmap)
    assert sum(m.fraction for m in s.minima) + s.no_minimum + s.diverged == pytest.approx(1.0)
    assert s.converged == np.count_nonzero(first >= 0) / (nx * ny)
    assert s.median_steps == float(np.median(first[first >= 0]))
    text = "\n".join(s.lines())
    assert "median" in text and "diverged: 0%" in text


def test_progress_reaches_one_and_stop_cancels() -> None:
    surface = get_surface("rosenbrock")
    setup = parse_optimizer("adam", surface)
    seen: list[float] = []
    compute_map(surface, setup, (10, 10), 100, progress=seen.append, block=30, chunk=10)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 10
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        compute_map(surface, setup, (10, 10), 100, should_stop=stop, chunk=10)
    assert len(calls) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"grid": (0, 5)}, "at least 1x1"),
        ({"window": ((1.0, 0.0), (0.0, 1.0))}, "x low < x high"),
        ({"window": ((0.0, math.inf), (0.0, 1.0))}, "finite"),
        ({"steps": -1}, "steps"),
    ],
)
def test_bad_map_arguments_raise_one_clear_error(
    kwargs: Mapping[str, object], message: str
) -> None:
    surface = get_surface("lecture-bowl")
    args: dict[str, object] = {"grid": (3, 3), "steps": 5, **kwargs}
    with pytest.raises(OptiscopeError, match=message):
        compute_map(surface, parse_optimizer("gd", surface), **args)  # type: ignore[arg-type]
