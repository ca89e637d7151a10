"""Convergence maps against references written here: plain loops, closed forms, symmetry.

The references never call ``core.batch``/``core.batch_run``: each is the optimizer's
formula as a textbook writes it, stepped over Python floats or a NumPy array.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Mapping
from typing import ClassVar

import numpy as np
import pytest

from optiscope.core.errors import OptiscopeError
from optiscope.core.map_classes import classify
from optiscope.core.map_diff import difference
from optiscope.core.map_summary import summarize
from optiscope.core.maps import Cancelled, ConvergenceMap, compute_map
from optiscope.core.noise import GradientNoise
from optiscope.core.schedules import parse_schedule
from optiscope.core.specs import parse_optimizer
from optiscope.core.surfaces import Minimum, Surface, get_surface
from optiscope.core.trajectory import run
from optiscope.tui.cli.main import main
from optiscope.tui.cli.run_command import parse_surface

GTOL = 1e-6
# Himmelblau's minima as the literature gives them (Himmelblau 1972; digits from solving
# the gradient equations), not read from the surface.
HIMMELBLAU_MINIMA = np.array(
    [
        [3.0, 2.0],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.283185991286170],
        [3.584428340330492, -1.848126526964404],
    ]
)


# -- references -----------------------------------------------------------------------------
def centres(lo: float, hi: float, n: int) -> list[float]:
    return [lo + (i + 0.5) * (hi - lo) / n for i in range(n)]


def grid_starts(window: tuple[float, float, float, float], nx: int, ny: int) -> np.ndarray:
    """starts[j, i] = (x_i, y_j), cell centres, y from the bottom."""
    x0, x1, y0, y1 = window
    xs, ys = centres(x0, x1, nx), centres(y0, y1, ny)
    return np.array([[(x, y) for x in xs] for y in ys])


def himmelblau_gradient(p: np.ndarray) -> np.ndarray:
    x, y = p[..., 0], p[..., 1]
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return np.stack([4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b], axis=-1)


def gd_loop(
    gradient: Callable[[np.ndarray], np.ndarray], starts: np.ndarray, lr: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """p ← p − η∇f(p), ``steps`` times; returns the end points and the first step (0..steps)
    at which ‖∇f‖ ≤ GTOL, -1 if none."""
    p = starts.astype(float).copy()
    first = np.full(p.shape[:-1], -1)
    for k in range(steps + 1):
        g = gradient(p)
        hit = (first < 0) & (np.sqrt(g[..., 0] ** 2 + g[..., 1] ** 2) <= GTOL)
        first[hit] = k
        if k < steps:
            p = p - lr * g
    return p, first


def nearest_of(points: np.ndarray, minima: np.ndarray, radius: float) -> np.ndarray:
    """Index of the minimum within ``radius`` of each point, -1 if none."""
    d = np.linalg.norm(points[..., None, :] - minima, axis=-1)
    k = d.argmin(axis=-1)
    return np.where(d.min(axis=-1) <= radius, k, -1)


def bowl_gd_first_hit(w: float, b: float, lr: float, steps: int, gtol: float = GTOL) -> int:
    """Lecture bowl f = 0.1w² + 2b², GD over Python floats: first k with ‖∇f‖ ≤ gtol."""
    for k in range(steps + 1):
        gw, gb = 0.2 * w, 4.0 * b
        if math.sqrt(gw * gw + gb * gb) <= gtol:
            return k
        w, b = w - lr * gw, b - lr * gb
    return -1


def bowl_rmsprop_first_hit(
    w: float, b: float, lr: float, beta: float, steps: int, gtol: float = GTOL
) -> int:
    """RMSprop as Hinton's lecture writes it, ε = 1e-8 outside the root, over Python floats."""
    sw = sb = 0.0
    for k in range(steps + 1):
        gw, gb = 0.2 * w, 4.0 * b
        if math.sqrt(gw * gw + gb * gb) <= gtol:
            return k
        sw = sw * beta + (1 - beta) * (gw * gw)
        sb = sb * beta + (1 - beta) * (gb * gb)
        w = w - lr * (gw / (math.sqrt(sw) + 1e-8))
        b = b - lr * (gb / (math.sqrt(sb) + 1e-8))
    return -1


def minimum_point(cmap: ConvergenceMap, j: int, i: int) -> tuple[float, float] | None:
    k = int(cmap.minimum[j, i])
    return None if k < 0 else cmap.minima[k].point


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


# -- the difference view ----------------------------------------------------------------------
def test_difference_in_steps_is_b_minus_a_so_positive_means_a_is_faster() -> None:
    surface = get_surface("lecture-bowl")
    nx, ny, steps = 12, 4, 900
    fast = compute_map(surface, parse_optimizer("gd(lr=0.4)", surface), (nx, ny), steps)
    slow = compute_map(surface, parse_optimizer("gd(lr=0.1)", surface), (nx, ny), steps)
    ws, bs = centres(-6, 6, nx), centres(-3, 3, ny)
    a = np.array([[bowl_gd_first_hit(w, b, 0.4, steps) for w in ws] for b in bs])
    b = np.array([[bowl_gd_first_hit(w, b, 0.1, steps) for w in ws] for b in bs])
    assert (a >= 0).all() and (b >= 0).all()
    diff = difference(fast, slow, "steps")
    np.testing.assert_array_equal(diff.values, b - a)
    # GD at 0.4 shrinks w by 0.92 per step, at 0.1 by 0.98: A is faster from every start.
    assert (diff.values > 0).all()
    assert {diff.classes.classes[k].label for k in diff.classes.cells.ravel()} == {"A faster"}
    reverse = difference(slow, fast, "steps")
    np.testing.assert_array_equal(reverse.values, -diff.values)
    assert {reverse.classes.classes[k].glyph for k in reverse.classes.cells.ravel()} == {"B"}


def test_where_rmsprop_beats_gd_on_the_lecture_bowl() -> None:
    # RMSprop divides each coordinate by its own RMS, so it walks along the shallow w axis
    # at its own pace, while GD at lr 0.1 crawls there (factor 0.98 per step): wherever both
    # reach ‖∇f‖ ≤ 0.01, RMSprop (A) gets there first. Near the b = 0 line GD converges and
    # RMSprop, hovering at its step size, does not. Both counted by loops over floats.
    surface = get_surface("lecture-bowl")
    nx, ny, steps, gtol = 12, 6, 300, 1e-2
    rmsprop = parse_optimizer("rmsprop(lr=0.05)", surface)
    rms = compute_map(surface, rmsprop, (nx, ny), steps, gtol=gtol)
    gd = compute_map(surface, parse_optimizer("gd(lr=0.1)", surface), (nx, ny), steps, gtol=gtol)
    ws, bs = centres(-6, 6, nx), centres(-3, 3, ny)
    a = np.array([[bowl_rmsprop_first_hit(w, b, 0.05, 0.9, steps, gtol) for w in ws] for b in bs])
    b = np.array([[bowl_gd_first_hit(w, b, 0.1, steps, gtol) for w in ws] for b in bs])
    diff = difference(rms, gd, "steps")
    labels = np.array([[diff.classes.classes[k].label for k in row] for row in diff.classes.cells])
    both = (a >= 0) & (b >= 0)
    np.testing.assert_array_equal(diff.values[both], (b - a)[both])
    assert np.isnan(diff.values[~both]).all()
    np.testing.assert_array_equal(labels == "only A converged", (a >= 0) & (b < 0))
    np.testing.assert_array_equal(labels == "only B converged", (a < 0) & (b >= 0))
    np.testing.assert_array_equal(labels == "A faster", both & (b > a))
    np.testing.assert_array_equal(labels == "B faster", both & (b < a))
    assert (labels == "A faster").mean() > 0.5 and (labels == "only B converged").any()
    assert not (labels == "B faster").any()


def test_loss_difference_is_the_log10_ratio_b_over_a() -> None:
    surface = get_surface("lecture-bowl")
    a = compute_map(surface, parse_optimizer("gd(lr=0.4)", surface), (6, 3), 40)
    b = compute_map(surface, parse_optimizer("gd(lr=0.1)", surface), (6, 3), 40)
    diff = difference(a, b, "loss")
    starts = grid_starts((-6, 6, -3, 3), 6, 3)

    def final_loss(lr: float) -> np.ndarray:
        p = starts.copy()
        for _ in range(40):
            p = p - lr * np.stack([0.2 * p[..., 0], 4.0 * p[..., 1]], axis=-1)
        return 0.1 * p[..., 0] ** 2 + 2.0 * p[..., 1] ** 2

    expected = np.log10(final_loss(0.1)) - np.log10(final_loss(0.4))
    np.testing.assert_allclose(diff.values, expected, rtol=1e-12)
    assert (diff.values > 1).all()  # A ends over ten times lower everywhere: 'A' cells
    assert {diff.classes.classes[k].glyph for k in diff.classes.cells.ravel()} == {"A"}


def test_minimum_difference_finds_the_fork_where_gd_and_adam_part_ways() -> None:
    surface = get_surface("himmelblau")
    window = ((0.53, 0.55), (-0.75, -0.73))  # one cell, centred on the fork (0.54, −0.74)
    gd = compute_map(surface, parse_optimizer("gd", surface), (1, 1), 500, window)
    adam = compute_map(surface, parse_optimizer("adam", surface), (1, 1), 500, window)
    end_gd, _ = gd_loop(himmelblau_gradient, np.array([0.54, -0.74]), 0.01, 500)
    p, m, v = np.array([0.54, -0.74]), np.zeros(2), np.zeros(2)
    for t in range(1, 501):
        g = himmelblau_gradient(p)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        p = p - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    k_gd, k_adam = nearest_of(end_gd, HIMMELBLAU_MINIMA, 0.1), nearest_of(p, HIMMELBLAU_MINIMA, 0.1)
    assert k_gd >= 0 and k_adam >= 0 and k_gd != k_adam
    assert minimum_point(gd, 0, 0) == pytest.approx(tuple(HIMMELBLAU_MINIMA[k_gd]))
    assert minimum_point(adam, 0, 0) == pytest.approx(tuple(HIMMELBLAU_MINIMA[k_adam]))
    diff = difference(gd, adam, "minimum")
    assert diff.values[0, 0] == 0.0
    assert diff.classes.classes[diff.classes.cells[0, 0]].label == "different minima"
    same = difference(gd, gd, "minimum")
    assert same.values[0, 0] == 1.0


def test_maps_over_different_grids_cannot_be_compared() -> None:
    surface = get_surface("lecture-bowl")
    setup = parse_optimizer("gd", surface)
    with pytest.raises(OptiscopeError, match="one grid"):
        difference(
            compute_map(surface, setup, (4, 2), 5), compute_map(surface, setup, (2, 4), 5), "steps"
        )


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


# -- the CLI ----------------------------------------------------------------------------------
def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["map", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _heatmap_rows(out: str) -> list[str]:
    return [
        line.split("┤" if "┤" in line else "│", 1)[1]
        for line in out.splitlines()
        if "┤" in line or "│" in line
    ]


def test_cli_table_draws_the_basins_top_row_first_with_a_legend(capsys) -> None:
    nx, ny = 30, 12
    code, out, err = _cli(
        capsys,
        "--surface",
        "himmelblau",
        "--optimizer",
        "gd(lr=0.01)",
        "--grid",
        f"{nx}x{ny}",
        "--steps",
        "200",
    )
    assert code == 0 and err == ""
    ends, _ = gd_loop(himmelblau_gradient, grid_starts((-5, 5, -5, 5), nx, ny), 0.01, 200)
    expected = nearest_of(ends, HIMMELBLAU_MINIMA, 0.1)
    rows = _heatmap_rows(out)
    assert len(rows) == ny and all(len(r) == nx for r in rows)
    # The legend maps each digit to a minimum's point; read it back and compare.
    digit_to_k = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 2 and parts[0] in "1234" and " at (" in line:
            x, y = line.split(" at (")[1].split(")")[0].split(", ")
            digit_to_k[parts[0]] = int(
                nearest_of(np.array([float(x), float(y)]), HIMMELBLAU_MINIMA, 1e-3)
            )
    assert sorted(digit_to_k.values()) == [0, 1, 2, 3]
    drawn = np.array([[digit_to_k[c] for c in row] for row in reversed(rows)])
    np.testing.assert_array_equal(drawn, expected)
    assert "converged (‖∇f‖ ≤ 1e-06)" in out and "\x1b[" not in out


def test_cli_steps_table_reads_without_colour_and_labels_ranges(capsys) -> None:
    code, out, _ = _cli(
        capsys, "--grid", "16x6", "--metric", "steps", "--optimizer", "gd(lr=0.3)", "--steps", "300"
    )
    assert code == 0
    rows = _heatmap_rows(out)
    assert len(rows) == 6 and set("".join(rows)) <= set("0123456789")
    # Centre columns (|w| smallest) are fastest: digit 0; the outer columns slowest.
    assert rows[0][7] == "0" and rows[0][0] == max(rows[0])
    assert "steps until ‖∇f‖ ≤ 1e-06" in out and "0  " in out


def test_cli_csv_has_one_row_per_cell(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        "--surface",
        "lecture-bowl",
        "--grid",
        "4x3",
        "--optimizer",
        "gd(lr=0.3)",
        "--steps",
        "300",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 12
    assert list(rows[0]) == ["w", "b", "end_w", "end_b", "loss", "steps", "minimum", "diverged"]
    assert [(float(r["w"]), float(r["b"])) for r in rows[:5]] == [
        (-4.5, -2.0),
        (-1.5, -2.0),
        (1.5, -2.0),
        (4.5, -2.0),
        (-4.5, 0.0),
    ]
    for r in rows:
        assert int(r["steps"]) == bowl_gd_first_hit(float(r["w"]), float(r["b"]), 0.3, 300)
        assert r["minimum"] == "global minimum at (0, 0)" and r["diverged"] == "false"
        w, b = float(r["end_w"]), float(r["end_b"])
        assert float(r["loss"]) == pytest.approx(0.1 * w * w + 2 * b * b, rel=1e-12)


def test_cli_json_has_axes_metric_arrays_and_nulls_for_diverged(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        "--surface",
        "himmelblau",
        "--optimizer",
        "gd(lr=0.05)",
        "--grid",
        "5x4",
        "--steps",
        "100",
        "--format",
        "json",
    )
    assert code == 0

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON")

    doc = json.loads(out, parse_constant=refuse)
    grid = doc["grid"]
    assert grid["nx"] == 5 and grid["ny"] == 4
    assert grid["x"] == pytest.approx(centres(-5, 5, 5)) and grid["y"] == pytest.approx(
        centres(-5, 5, 4)
    )
    values = doc["run"]["values"]
    assert {len(values[m]) for m in ("minimum", "steps", "loss")} == {4}
    diverged = np.array(doc["run"]["diverged"])
    assert diverged.any()  # lr 0.05 is past GD's limit of about 0.015 on Himmelblau
    loss = np.array(values["loss"], dtype=object)
    assert all(v is None for v in loss[diverged])
    np.testing.assert_allclose([m["point"] for m in doc["run"]["minima"]], HIMMELBLAU_MINIMA)
    assert doc["run"]["summary"]["diverged"] == np.count_nonzero(diverged) / 20
    assert doc["classes"]["cells"] and doc["metric"] == "minimum"


def test_cli_two_optimizers_draw_the_difference(capsys, tmp_path) -> None:
    target = tmp_path / "map.txt"
    code, out, err = _cli(
        capsys,
        "--grid",
        "12x4",
        "--optimizer",
        "gd(lr=0.4)",
        "--optimizer",
        "gd(lr=0.1)",
        "--steps",
        "900",
        "--metric",
        "steps",
        "--out",
        str(target),
    )
    assert code == 0 and out == "" and err == ""
    text = target.read_text(encoding="utf-8")
    rows = _heatmap_rows(text)
    assert rows and set("".join(rows)) == {"A"}
    assert "positive = A better" in text and "A faster" in text
    code, out, _ = _cli(
        capsys,
        "--grid",
        "6x2",
        "--optimizer",
        "gd(lr=0.4)",
        "--optimizer",
        "gd(lr=0.1)",
        "--steps",
        "900",
        "--metric",
        "steps",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert set(doc["runs"]) == {"A", "B"}
    assert all(v > 0 for row in doc["difference"]["values"] for v in row)


def test_cli_window_may_start_with_a_minus_sign(capsys) -> None:
    code, out, _ = _cli(
        capsys,
        "--surface",
        "rosenbrock",
        "--window",
        "-1,0,-1,0",
        "--grid",
        "2x2",
        "--steps",
        "1",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(float(r["x"]), float(r["y"])) for r in rows] == [
        (-0.75, -0.75),
        (-0.25, -0.75),
        (-0.75, -0.25),
        (-0.25, -0.25),
    ]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--grid", "0x10"], "grid"),
        (["--grid", "500x10"], "400"),
        (["--grid", "ten"], "grid"),
        (["--grid", "10x-3"], "grid"),
        (["--metric", "speed"], "metric"),
        (["--window", "1,0,0,1"], "window"),
        (["--window", "a,b,c,d"], "window"),
        (["--window", "-2,2,-1"], "window"),
        (["--window", "0,1,0,inf"], "window"),
        (["--start", "1,1"], "--start"),
        (["--optimizer", "gd", "--optimizer", "adam", "--optimizer", "rmsprop"], "two"),
        (["--gtol", "0"], "gtol"),
        (["--optimizer", "warp"], "optimizer"),
    ],
)
def test_cli_bad_options_exit_2_with_one_line(capsys, argv: list[str], needle: str) -> None:
    code, out, err = _cli(capsys, "--steps", "1", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("optiscope: error:") and needle in err
