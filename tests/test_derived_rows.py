"""Derived columns (m̂, v̂, sharpness) kept per record: read in any order, while the run
grows in chunks, they equal the closed forms over the recorded columns, and each record
is derived once."""

from __future__ import annotations

import threading

import numpy as np

from optiscope.core.derived_rows import DerivedRows
from optiscope.core.optimizers import get_optimizer
from optiscope.core.specs import make_setup
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory


def test_m_hat_and_v_hat_read_while_the_run_grows_equal_their_closed_forms() -> None:
    setup = make_setup(get_optimizer("adam"), {"lr": 0.05})
    traj = Trajectory(get_surface("rosenbrock"), setup, (-1.5, 2.0))
    rng = np.random.default_rng(3)
    for chunk in (1, 5, 300, 2, 700, 40):
        traj.extend(chunk)
        n = len(traj)
        for k in (*rng.integers(0, n, 6), n - 1, 0):
            record = traj[int(k)]
            count = record.state["step"]
            m, v = record.state["m"], record.state["v"]
            np.testing.assert_allclose(record.state["m_hat"], m / (1 - 0.9**count), rtol=1e-14)
            np.testing.assert_allclose(record.state["v_hat"], v / (1 - 0.999**count), rtol=1e-14)
        t = traj.column("step").astype(float)[:, None]
        np.testing.assert_allclose(
            traj.column("v_hat"), traj.column("v") / (1 - 0.999**t), rtol=1e-14
        )
        assert len(traj.column("m_hat")) == n


def test_sharpness_read_while_the_run_grows_equals_the_hessians_largest_eigenvalue() -> None:
    traj = Trajectory(
        get_surface("rosenbrock"), make_setup(get_optimizer("gd"), {"lr": 0.001}), (-1.5, 2.0)
    )
    for chunk in (3, 250, 1, 600):
        traj.extend(chunk)
        x, y = traj.column("params").T
        # f = (1 − x)² + 100 (y − x²)², differentiated by hand.
        hessians = np.empty((len(x), 2, 2))
        hessians[:, 0, 0] = 2 - 400 * (y - x**2) + 800 * x**2
        hessians[:, 0, 1] = hessians[:, 1, 0] = -400 * x
        hessians[:, 1, 1] = 200
        expected = np.linalg.eigvalsh(hessians)[:, -1]
        np.testing.assert_allclose(traj.column("sharpness"), expected, rtol=1e-12)
        k = len(traj) // 2
        assert traj[k].stability["sharpness"] == traj.column("sharpness")[k]  # one derivation


def test_each_row_is_derived_once_whatever_order_they_are_asked_in() -> None:
    derived: list[int] = []

    def squares(rows: slice) -> dict[str, np.ndarray]:
        index = np.arange(rows.start, rows.stop)
        derived.extend(index.tolist())
        return {"square": index.astype(float) ** 2, "pair": np.stack([index, -index], 1) * 1.0}

    rows = DerivedRows(squares)
    for n in (3, 1, 10, 10, 7, 1000, 2, 1500):
        cols = rows.upto(n)
        np.testing.assert_array_equal(cols["square"], np.arange(n) ** 2.0)
        np.testing.assert_array_equal(cols["pair"][:, 1], -np.arange(n) * 1.0)
    assert derived == list(range(1500))


def test_readers_on_two_threads_see_whole_rows() -> None:
    def double(rows: slice) -> dict[str, np.ndarray]:
        return {"x": 2.0 * np.arange(rows.start, rows.stop)}

    rows = DerivedRows(double)
    wrong: list[int] = []

    def read(seed: int) -> None:
        rng = np.random.default_rng(seed)
        for n in rng.integers(1, 20_000, 400):
            x = rows.upto(int(n))["x"]
            if len(x) != n or not np.array_equal(x, 2.0 * np.arange(n)):
                wrong.append(int(n))

    threads = [threading.Thread(target=read, args=(seed,)) for seed in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
