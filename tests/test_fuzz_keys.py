"""Seeded random key storms at several terminal sizes, with resizes between bursts: the
explorer never raises, never freezes (no burst of keys takes more than a second), and
answers afterwards. The keys reach every screen: the dialogs (a F w L g ? ctrl+p), the
convergence map (m M b), the high-dimensional view (H) and the controls (Tab, Enter)."""

from __future__ import annotations

import random
import time

import pytest
from tui_helpers import burst

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.bindings import COMMANDS, HIGHDIM, STEPPING
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.highdim import HighDimScreen

#: Every bound key but the ones that end the storm (q) or write files (E P).
BOUND = sorted(
    {k for c in (*COMMANDS, *STEPPING, *HIGHDIM) for k in c.keys.split(",")} - {"q", "E", "P"}
)
EXTRA = [
    "escape", "tab", "shift+tab", "enter", "backspace", "up", "down", "left", "right",
    "delete", "pageup", "pagedown", "ctrl+p", "space",
    # printable text a user might type into a box (markup-looking text included)
    "z", "5", "9", ".", "1", "0", "-", "[", "/", "]", "(", ")", "=", ",", "x", "e",
]  # fmt: skip
KEYS = BOUND + EXTRA
SIZES = [(120, 40), (80, 24), (100, 30), (60, 18), (44, 14)]
#: Sizes the terminal is resized to between bursts (the last one is too small on purpose).
RESIZES = [(120, 40), (80, 24), (99, 40), (200, 60), (40, 12)]
PER_SIZE = 320  # 1,600 keys in all, in bursts of BURST
BURST = 4
#: A burst must be handled within this: no key may freeze the screen for a second (a
#: 3-second freeze once went unnoticed); the slack is for a loaded machine.
BURST_SECONDS = 1.5


async def _stay() -> None:
    """In place of the app's quit action during a storm."""


async def test_keys_sent_this_way_reach_the_bindings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(app, *["n"] * 5, "o")
        await pilot.pause()
        assert app.explorer.model.cursor == 5 and app.explorer.model.focused == 1


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_random_keys_never_raise_or_freeze(size: tuple[int, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(hash(size) & 0xFFFF)
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    slow: list[tuple[float, list[str]]] = []
    screens_seen: set[str] = set()
    # The palette's "Quit" would end the storm as q would (q is left out of the keys).
    app.action_quit = _stay  # type: ignore[method-assign]
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for i in range(0, PER_SIZE, BURST):
            keys = [rng.choice(KEYS) for _ in range(BURST)]
            began = time.perf_counter()
            burst(app, *keys)  # faster than a person types: no idle wait between keys
            await pilot.pause()
            took = time.perf_counter() - began
            if took > BURST_SECONDS:
                slow.append((took, keys))
            screens_seen.add(type(app.screen).__name__)
            if i % (BURST * 12) == 0:
                await pilot.resize_terminal(*rng.choice(RESIZES))
                await pilot.pause()
        await pilot.resize_terminal(*size)
        await pilot.pause()
        assert app.is_running
        assert slow == [], f"bursts slower than {BURST_SECONDS} s: {slow[:3]}"
        assert len(screens_seen) >= 3, screens_seen  # the storm left the explorer
        # Still responsive after the storm: close every dialog and view, stop running, step.
        for _ in range(12):
            if len(app.screen_stack) == 1:
                break
            await pilot.press("escape")
            await pilot.pause()
        assert len(app.screen_stack) == 1 and not isinstance(app.screen, HighDimScreen)
        for _ in range(3):  # an open dropdown takes one Escape, a focused field another
            if app.focused is not app.explorer.plot:
                await pilot.press("escape")
        if app.explorer.running:
            await pilot.press("space")
        assert not app.explorer.running
        await pilot.press("home", "n", "n", "n")
        assert app.explorer.model.cursor == 3
