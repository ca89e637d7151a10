"""A [keymap] in preferences.toml remaps the explorer's keys (Textual's set_keymap), in the
explorer and in the high-dimensional view; a bad entry is one message, defaults kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from optiscope.tui.app import OptiscopeApp
from optiscope.tui.bindings import COMMANDS, binding_ids
from optiscope.tui.model import ExplorerModel
from optiscope.tui.screens.help import HelpScreen, help_table
from optiscope.tui.screens.highdim import HighDimScreen


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OPTISCOPE_CONFIG_DIR", str(tmp_path))
    return tmp_path


def write_prefs(folder: Path, text: str) -> None:
    (folder / "preferences.toml").write_text(text, encoding="utf-8")


async def test_a_keymap_entry_moves_a_binding_to_other_keys(config: Path, tmp_path: Path) -> None:
    write_prefs(config, '[keymap]\nstep-forward = "j"\ncycle-optimizer = "ctrl+o"\n')
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j")
        assert app.explorer.model.cursor == 2
        await pilot.press("n")  # n no longer steps: the keymap replaced it
        assert app.explorer.model.cursor == 2
        await pilot.press("ctrl+o")
        assert app.explorer.model.focused == 1
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = help_table(COMMANDS, app.keymap)
        keys, ids = table.columns[0]._cells, table.columns[2]._cells
        assert keys[ids.index("step-forward")] == "j"  # help shows the keys in force


async def test_the_stepping_ids_remap_the_high_dimensional_view_too(
    config: Path, tmp_path: Path
) -> None:
    write_prefs(config, '[keymap]\nstep-forward = "j"\n')
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, HighDimScreen)
        await pilot.press("j", "j", "j")
        assert app.screen.model.cursor == 3


async def test_a_bad_entry_is_one_message_and_the_defaults_stay(
    config: Path, tmp_path: Path
) -> None:
    write_prefs(config, '[keymap]\nno-such-binding = "x"\nstep-forward = "j"\n')
    app = OptiscopeApp(ExplorerModel.create(), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and "no-such-binding" in notes[0]
        await pilot.press("j")
        assert app.explorer.model.cursor == 1


def test_every_binding_id_can_be_named_in_a_keymap() -> None:
    from optiscope.tui.bindings import EXPLORER, HIGHDIM, STEPPING

    ids = binding_ids()
    assert all(c.id in ids for c in (*STEPPING, *EXPLORER, *HIGHDIM))
    assert os.environ.get("OPTISCOPE_CONFIG_DIR")  # tests never touch the real config
