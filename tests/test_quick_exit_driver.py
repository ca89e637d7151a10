"""The terminal driver's input thread: keys still arrive, and a quit ends it at once.

Textual's own LinuxDriver sleeps out a 100 ms select on the way out (twice, at worst);
tui/quick_exit_driver.py wakes its copy of that loop with a pipe. Both are driven here on a
pseudo-terminal, so a Textual upgrade that changes the loop shows up as a failure.
"""

from __future__ import annotations

import os
import pty
import signal
import sys
import threading
import time
import tty
from collections.abc import Iterator

import pytest
from textual import events
from textual.drivers.linux_driver import LinuxDriver

from optiscope.tui.quick_exit_driver import QuickExitLinuxDriver

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the Linux terminal driver")


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    """A pseudo-terminal (master, slave), and the signal handlers a driver sets, restored."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGTSTP, signal.SIGCONT, signal.SIGWINCH)}
    master, slave = pty.openpty()
    tty.setraw(slave)  # keys as typed, not lines (as the driver sets its terminal)
    yield master, slave
    os.close(master)
    os.close(slave)
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _driven(driver_class: type[LinuxDriver], slave: int) -> tuple[LinuxDriver, list[str]]:
    keys: list[str] = []

    class Recording(driver_class):  # type: ignore[valid-type, misc]
        def process_message(self, message: object) -> None:
            if isinstance(message, events.Key):
                keys.append(message.key)

    driver = Recording(app=None, debug=False, mouse=False, size=(80, 24))
    driver.fileno = slave
    driver._key_thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    driver._key_thread.start()
    return driver, keys


def _quit_ms(driver: LinuxDriver) -> float:
    t0 = time.perf_counter()
    driver.disable_input()
    return (time.perf_counter() - t0) * 1000


def _wait_for(keys: list[str], count: int) -> None:
    deadline = time.monotonic() + 5
    while len(keys) < count and time.monotonic() < deadline:
        time.sleep(0.005)


async def test_keys_arrive_and_a_quit_ends_the_thread_within_a_few_ms(
    terminal: tuple[int, int],
) -> None:
    master, slave = terminal
    driver, keys = _driven(QuickExitLinuxDriver, slave)
    time.sleep(0.05)
    os.write(master, b"nq")
    _wait_for(keys, 2)
    assert keys == ["n", "q"]
    times = [_quit_ms(driver)]
    assert driver._key_thread is not None and not driver._key_thread.is_alive()
    for _ in range(4):  # again, at a random phase of the 100 ms select
        driver, _ = _driven(QuickExitLinuxDriver, slave)
        time.sleep(0.013 * (len(times) + 1))
        times.append(_quit_ms(driver))
    assert max(times) < 40, times


async def test_textuals_own_driver_still_waits_out_its_select(terminal: tuple[int, int]) -> None:
    """Why the copy exists: if this fails, Textual quits promptly itself and
    quick_exit_driver.py can go."""
    _, slave = terminal
    driver, _ = _driven(LinuxDriver, slave)
    time.sleep(0.05)
    assert _quit_ms(driver) >= 90
