"""Seeded random key storms at several terminal sizes: the explorer never raises."""

from __future__ import annotations

import random

import pytest
from textual import events

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.bindings import COMMANDS
from optiscope.tui.model import ExplorerModel

BOUND = sorted({k for c in COMMANDS for k in c.keys.split(",")} - {"q", "E", "P"})
EXTRA = [
    "escape",
    "tab",
    "shift+tab",
    "enter",
    "backspace",
    "up",
    "down",
    "z",
    "5",
    "9",
    "period",
    "1",
    "0",
    "delete",
    "pageup",
    "pagedown",
]
KEYS = BOUND + EXTRA
SIZES = [(120, 40), (80, 24), (100, 30), (60, 18), (44, 14)]
PER_SIZE = 420  # 2,100 keys in all


async def test_keys_sent_this_way_reach_the_bindings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ["n"] * 5 + ["o"]:
            event = events.Key(key, key)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause()
        assert app.explorer.model.cursor == 5 and app.explorer.model.focused == 1


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_random_keys_never_raise(size: tuple[int, int], tmp_path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(hash(size) & 0xFFFF)
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        untouched = (0, 0, app.explorer.plot.window)
        # Keys arrive faster than a person types (Pilot.press would wait for idle after
        # each); the app must keep up with bursts too. Settle every few keys.
        for i in range(PER_SIZE):
            key = rng.choice(KEYS)
            char = key if len(key) == 1 else None
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # as Pilot.press does, without its idle waits
            if i % 6 == 5:
                await pilot.pause()
        await pilot.pause()
        assert app.is_running
        model, plot = app.explorer.model, app.explorer.plot
        assert (model.cursor, model.version, plot.window) != untouched  # the keys arrived
        assert app.explorer.model.cursor >= 0
        assert 1 <= len(app.explorer.model.runs) <= 8
        # Still responsive after the storm: close any dialog, pause, and step from the start.
        while len(app.screen_stack) > 1:
            await pilot.press("escape")
        for _ in range(3):  # an open dropdown takes one Escape, a focused field another
            if app.focused is not app.explorer.plot:
                await pilot.press("escape")
        if app.explorer.running:
            await pilot.press("space")
        assert not app.explorer.running
        await pilot.press("home", "n", "n", "n")
        assert app.explorer.model.cursor == 3
