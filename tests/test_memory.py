"""The explorer's memory stays flat while a learner works: adding and removing optimizers,
opening and closing dialogs and the high-dimensional view (each once kept ~0.2–0.6 MB for
good: 350 add/remove cycles took 95 MB to 333 MB)."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel

#: Growth allowed over the measured cycles, after a warm-up has filled every cache (the
#: leaks fixed here grew 4–14 MB over as many cycles).
ALLOWED_MB = 2.5


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


CYCLES = {
    "add and remove an optimizer": (("a", "g", "d", "enter"), ("d",)),
    "a dialog": (("w",), ("escape",)),
    "the high-dimensional view": (("H",), ("escape",)),
}


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads Linux's /proc")
@pytest.mark.parametrize("name", CYCLES, ids=list(CYCLES))
@pytest.mark.timeout(300)
async def test_memory_stays_flat_over_many_cycles(tmp_path: Path, name: str) -> None:
    open_keys, close_keys = CYCLES[name]
    cycles = 20
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()

        async def cycle() -> None:
            await pilot.press(*open_keys)
            await pilot.pause()
            await pilot.press(*close_keys)
            await pilot.pause()

        for _ in range(10):
            await cycle()
        gc.collect()
        before = rss_mb()
        for _ in range(cycles):
            await cycle()
        gc.collect()
        grown = rss_mb() - before
        assert len(app.screen_stack) == 1
    assert grown < ALLOWED_MB, f"{name}: {grown:.1f} MB more after {cycles} cycles"
