"""The difference of two convergence maps against references: steps, loss, minima.

The references (in ``maps_helpers``) never call ``core.batch``/``core.batch_run``: each is
the optimizer's formula as a textbook writes it, stepped over Python floats or a NumPy array.
"""

from __future__ import annotations

import numpy as np
import pytest
from maps_helpers import (
    HIMMELBLAU_MINIMA,
    bowl_gd_first_hit,
    bowl_rmsprop_first_hit,
    centres,
    gd_loop,
    grid_starts,
    himmelblau_gradient,
    minimum_point,
    nearest_of,
)

from optiscope.core.errors import OptiscopeError
from optiscope.core.maps.compute import compute_map
from optiscope.core.maps.diff import difference
from optiscope.core.specs import parse_optimizer
from optiscope.core.surfaces import get_surface


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
