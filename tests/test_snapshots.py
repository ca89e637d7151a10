"""SVG snapshots of the main screens at 120x40 and 80x24 (pytest-textual-snapshot).

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

import pytest

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.scenes import SCENES

CASES = [
    pytest.param(scene, size, id=f"{scene.name}-{size[0]}x{size[1]}")
    for scene in SCENES
    for size in scene.sizes
]


@pytest.mark.parametrize(("scene", "size"), CASES)
def test_screen(snap_compare, tmp_path, scene, size) -> None:  # type: ignore[no-untyped-def]
    app = OptiscopeApp(scene.model(), export_dir=tmp_path)

    # snap_compare presses its keys just before the picture: press them here instead, then
    # wait for the workers they started (runs computed ahead, a map), so the picture is
    # their result and not a moment of their progress.
    async def settle(pilot):  # type: ignore[no-untyped-def]
        await pilot.pause()
        await pilot.press(*scene.keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, run_before=settle, terminal_size=size)
