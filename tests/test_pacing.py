"""Auto-run pacing against a fake clock: the rate holds through late ticks, and a long
frame is skipped over, not queued."""

from __future__ import annotations

from optiscope.tui.pacing import Pacer


def test_ticks_on_time_take_one_step_each() -> None:
    pacer = Pacer(speed=30, started=0.0)
    assert [pacer.owed(k / 30) for k in range(1, 31)] == [1] * 30
    assert pacer.taken == 30


def test_jittery_ticks_keep_the_average_rate() -> None:
    pacer = Pacer(speed=30, started=0.0)
    # Ticks 40 % late or early, alternately: still 300 steps in 10 s.
    times = [(k + (0.4 if k % 2 else -0.4)) / 30 for k in range(1, 300)] + [10.0]
    assert sum(pacer.owed(t) for t in times) == 300


def test_a_long_frame_is_caught_up_once_not_queued() -> None:
    pacer = Pacer(speed=30, started=0.0)
    assert pacer.owed(1 / 30) == 1
    assert pacer.owed(0.5) == 14  # a 0.47 s stall: the missed steps in one go
    assert pacer.owed(0.5) == 0  # a queued tick right behind it owes nothing
    assert pacer.owed(0.5 + 1 / 30) == 1


def test_early_ticks_owe_nothing() -> None:
    pacer = Pacer(speed=5, started=100.0)
    assert pacer.owed(100.05) == 0
    assert pacer.owed(100.2) == 1
