"""Pilot helpers shared by the TUI tests: keys in a burst, and waiting for the explorer's
runs to be computed (long computations run in a worker).

Import as ``from tui_helpers import ...`` (pytest puts ``tests/`` on sys.path).
"""

from __future__ import annotations

import asyncio
import time
import unicodedata
from typing import Any

from textual import events
from textual.keys import _character_to_key, _get_unicode_name_from_key


def key_event(key: str) -> events.Key:
    """A key as Textual's driver delivers it (what Pilot.press builds)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def burst(app: Any, *keys: str) -> None:
    """Deliver keys all at once, as a fast typist, tmux send-keys or an SSH link catching
    up does: no pause between them for the app to react."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot: Any, app: Any, timeout: float = 30.0) -> None:
    """Wait until the explorer shows the step asked for (its runs computed that far)."""
    deadline = time.monotonic() + timeout
    screen = app.explorer
    await pilot.pause()
    while screen.model.pending or screen.computer.busy:
        if time.monotonic() > deadline:
            raise AssertionError(f"the runs did not reach step {screen.model.cursor} in time")
        await asyncio.sleep(0.01)
        await pilot.pause()
    await pilot.pause()


async def go_to(pilot: Any, app: Any, step: int) -> None:
    """Jump to ``step`` as a user does (g, the number, Enter) and wait for it to show."""
    await pilot.press("g", *str(step), "enter")
    await settle(pilot, app)
