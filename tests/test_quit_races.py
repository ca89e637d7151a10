"""Keys that arrive with q (a burst over SSH, a held key) must not crash the way out:
a dialog opened by a key after q, or a key while the explorer is still mounting."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import burst

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.model import ExplorerModel

DIALOG_KEYS = ["a", "L", "w", "F", "g", "question_mark", "H", "ctrl+p", "m"]


@pytest.mark.parametrize("key", DIALOG_KEYS)
@pytest.mark.parametrize("size", [(120, 40), (60, 18)], ids=["120x40", "60x18"])
async def test_q_then_a_dialog_key_quits_cleanly(
    tmp_path: Path, key: str, size: tuple[int, int]
) -> None:
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        burst(app, "q", key, "x", "w", "O", "semicolon")
        await pilot.pause()
        await pilot.pause()
    assert app.return_code == 0
    assert app._exception is None


@pytest.mark.parametrize(
    "keys", [("n", "n", "o", "x", "n"), ("f", "tab", "0", "enter"), ("c", "W")]
)
async def test_keys_while_the_explorer_is_still_mounting(
    tmp_path: Path, keys: tuple[str, ...]
) -> None:
    """Keys sent before the first frame (a loaded machine, a served class) are handled or
    dropped, never a crash (NoMatches on a control that is not mounted yet)."""
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, *keys)
        await pilot.pause()
        await pilot.pause()
        assert app.is_running
    assert app._exception is None
