"""preferences.toml: only a regular file is read (a FIFO hung start-up), and the [keymap]
table is checked entry by entry (a bad entry is named once; its binding keeps its keys)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from optiscope.tui.preferences import Preferences, load_preferences, save_preferences

IDS = {"step", "back", "quit", "help", "zoom_in"}


def _load_in_thread(path: Path) -> tuple[Preferences, str | None]:
    """load_preferences, failing the test instead of hanging it."""
    found: list[tuple[Preferences, str | None]] = []
    worker = threading.Thread(target=lambda: found.append(load_preferences(path)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert found, "load_preferences blocked"
    return found[0]


def test_a_fifo_in_place_of_the_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "preferences.toml"
    os.mkfifo(fifo)
    prefs, note = _load_in_thread(fifo)
    assert prefs == Preferences()
    assert note is not None and "not a regular file" in note and "\n" not in note


def test_a_directory_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "preferences.toml"
    folder.mkdir()
    prefs, note = _load_in_thread(folder)
    assert prefs == Preferences() and note is not None and str(folder) in note


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_in_place_of_the_file_is_refused() -> None:
    prefs, note = _load_in_thread(Path("/dev/zero"))
    assert prefs == Preferences() and note is not None and "not a regular file" in note


def test_a_keymap_is_read_normalised_and_saved_back(tmp_path: Path) -> None:
    path = tmp_path / "preferences.toml"
    path.write_text(
        '[keymap]\nstep = "n, j"\nquit = "ctrl+q"\nhelp = "?"\nzoom_in = "ctrl++"\n',
        encoding="utf-8",
    )
    prefs, note = load_preferences(path, IDS)
    assert note is None
    assert prefs.keymap == {
        "step": "n,j",
        "quit": "ctrl+q",
        "help": "question_mark",
        "zoom_in": "ctrl+plus",
    }
    save_preferences(prefs, path)
    assert load_preferences(path, IDS) == (prefs, None)


def test_bad_keymap_entries_are_left_out_and_named_in_one_message(tmp_path: Path) -> None:
    path = tmp_path / "preferences.toml"
    path.write_text(
        'theme = "nord"\n[keymap]\nstep = "j"\nno_such = "x"\nback = "ctrl+"\n'
        'quit = 5\nhelp = "j"\nzoom_in = "[/]"\n',
        encoding="utf-8",
    )
    prefs, note = load_preferences(path, IDS)
    assert prefs.theme == "nord" and prefs.keymap == {"step": "j"}
    assert note is not None and "\n" not in note and "(defaults used)" in note
    for part in (
        "keymap 'no_such': no binding has this id",
        "keymap 'back': 'ctrl+' is not a key",
        "keymap 'quit' = 5: give keys as text",
        "keymap 'help': 'j' is already the key of 'step'",
        "keymap 'zoom_in': '[/]' is not a key",
    ):
        assert part in note


def test_a_keymap_that_is_not_a_table_keeps_every_default(tmp_path: Path) -> None:
    path = tmp_path / "preferences.toml"
    path.write_text('keymap = "n"\n', encoding="utf-8")
    prefs, note = load_preferences(path, IDS)
    assert prefs == Preferences() and note is not None and "keymap must be a table" in note
