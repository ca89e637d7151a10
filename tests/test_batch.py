"""``run_batch``: many starts at once, only the arithmetic (what bench_core times against torch).

References are loops written out here or in ``maps_helpers``, never the library's optimizers.
"""

from __future__ import annotations

import numpy as np
from maps_helpers import GTOL, gd_loop, grid_starts, himmelblau_gradient

from optiscope.core.batch import run_batch
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface


def test_gd_from_a_grid_of_starts_matches_the_textbook_loop() -> None:
    surface = get_surface("himmelblau")
    starts = grid_starts((-5.0, 5.0, -5.0, 5.0), 12, 9)
    steps, lr = 300, 0.01
    result = run_batch(surface, make_setup("gd", {"lr": lr}, surface), starts, steps, GTOL)
    ends, first = gd_loop(himmelblau_gradient, starts, lr, steps)
    np.testing.assert_allclose(result.params, ends, rtol=1e-12, atol=1e-12)
    # run_batch checks the points before each update (0..steps-1), the loop also the last.
    np.testing.assert_array_equal(result.first_converged, np.where(first < steps, first, -1))
    assert (result.first_converged >= 0).any() and not result.diverged.any()
    x, y = ends[..., 0], ends[..., 1]
    np.testing.assert_allclose(result.loss, (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2)


def test_adam_on_rosenbrock_matches_adam_written_out_and_marks_divergence() -> None:
    surface = get_surface("rosenbrock")
    rng = np.random.default_rng(7)
    starts = rng.uniform(-2.0, 2.0, size=(50, 2))
    lr, b1, b2, eps, steps = 0.05, 0.9, 0.999, 1e-8, 120
    result = run_batch(surface, make_setup("adam", {"lr": lr}, surface), starts, steps)

    p = starts.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t in range(1, steps + 1):
        x, y = p[:, 0], p[:, 1]
        g = np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=-1)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(result.params, p, rtol=1e-10, atol=1e-12)
    assert (result.first_converged == -1).all()  # no gtol given: nothing is checked

    huge = run_batch(surface, make_setup("gd", {"lr": 10.0}, surface), starts[:5], 20)
    assert huge.diverged.all()
