"""A run extended by one thread while another reads it: every read is a consistent run.

The explorer computes past what is shown in a worker thread while the screen keeps reading
the same Trajectory; a reader must never see a row that is not written yet (NaN), columns
of different lengths, or a status about a step it cannot see.
"""

from __future__ import annotations

import itertools
import sys
import threading

import numpy as np
import pytest

from optiscope.core.specs import parse_optimizer
from optiscope.core.surfaces import get_surface
from optiscope.core.trajectory import Trajectory, run


@pytest.fixture
def switch_often():  # type: ignore[no-untyped-def]
    """Threads swap every microsecond, so a read lands between any two steps of a write."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


@pytest.mark.usefixtures("switch_often")
def test_a_reader_never_sees_unwritten_rows_while_a_writer_extends() -> None:
    surface = get_surface("rosenbrock")
    setup = parse_optimizer("adam(lr=0.01)", surface)
    traj = Trajectory(surface, setup, (-1.5, 2.0))
    done = threading.Event()
    seen: list[int] = []
    problems: list[str] = []

    def write() -> None:
        try:
            for _ in range(60):  # many chunks, several regrowths of the columns
                traj.extend(97)
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    while not done.is_set():
        n = len(traj)
        params = traj.column("params")
        if len(params) == 0:
            continue  # record 0 (the start, its gradient) comes with the first chunk
        loss = traj.column("loss")
        v_hat = traj.column("v_hat")  # a derived column, computed from the published rows
        if not (len(params) >= n and len(loss) >= n and len(v_hat) >= n):
            problems.append(f"short columns at n={n}")
        if not np.isfinite(params).all() or not np.isfinite(loss).all():
            problems.append(f"an unwritten row was visible at n={len(params)}")
        last = traj[len(params) - 1]
        if not np.isfinite(last.params).all():
            problems.append("the last visible record is unwritten")
        seen.append(len(params))
    writer.join()
    assert problems == []
    assert len(set(seen)) > 3, "the reader should have seen the run at several lengths"
    # And what was computed in pieces, read concurrently, is the run computed at once.
    whole = run(surface, setup, (-1.5, 2.0), len(traj) - 1)
    assert np.array_equal(whole.column("params"), traj.column("params"))
    assert np.array_equal(whole.column("v_hat"), traj.column("v_hat"))


@pytest.mark.usefixtures("switch_often")
def test_a_reader_never_sees_records_a_divergence_takes_back() -> None:
    """A chunk that diverges ends the run at the first bad record; the records after it,
    computed in the same chunk, must never have been visible (the run never shrinks)."""
    surface = get_surface("rosenbrock")
    setup = parse_optimizer("gd(lr=0.01)", surface)
    shrunk = 0
    for attempt in range(400):
        traj = Trajectory(surface, setup, (-2.0 - attempt * 1e-3, 2.0))
        writer = threading.Thread(target=traj.extend, args=(256,))
        lengths: list[int] = []
        writer.start()
        while writer.is_alive():
            lengths.append(len(traj))
        writer.join()
        lengths.append(len(traj))
        assert traj.status.kind == "diverged"
        shrunk += sum(b < a for a, b in itertools.pairwise(lengths))
    assert shrunk == 0
