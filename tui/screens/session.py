"""``w``: the whole setup as one line to share, a spec to open, a file to save or load.

One dialog for the three ways a setup travels: the spec line (copied to the clipboard
through the terminal, so it works over SSH), a spec someone posted (pasted and opened),
and a TOML file. Every action goes through the explorer's callbacks, which validate first:
a bad spec or a corrupt file shows its message here and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from .modal import OnceModal


@dataclass(frozen=True)
class SessionActions:
    """What the dialog can ask of the explorer; each returns an error message or None."""

    save: Callable[[str, bool], str | None]
    """(name, overwrite): None when saved; a message (and nothing written) otherwise."""
    load_file: Callable[[str], str | None]
    load_spec: Callable[[str], str | None]
    copy: Callable[[str], None]
    exists: Callable[[str], bool]


class SessionScreen(OnceModal[str | None]):
    """Dismisses with a line for the explorer to show (what was saved, loaded or copied)."""

    DEFAULT_CSS = """
    SessionScreen { align: center middle; }
    SessionScreen > Vertical {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    SessionScreen .section { color: $accent; text-style: bold; margin-top: 1; }
    SessionScreen .hint { color: $text-muted; }
    SessionScreen .error { color: $error; }
    SessionScreen TextArea { height: auto; max-height: 6; }
    SessionScreen Horizontal { height: auto; }
    SessionScreen Horizontal Input, SessionScreen Horizontal Static { width: 1fr; }
    SessionScreen Horizontal Button { width: auto; }
    SessionScreen Button { min-width: 10; margin-left: 1; }
    SessionScreen OptionList { height: auto; max-height: 6; }
    /* Compact boxes have no border: the focused one is marked by a bar on its left (a
       glyph, so it shows without colour) and a tint. */
    SessionScreen Input, SessionScreen OptionList { border-left: blank; }
    SessionScreen Input:focus, SessionScreen OptionList:focus, SessionScreen TextArea:focus {
        border-left: thick $accent; background: $accent 20%;
    }
    SessionScreen Button:focus { text-style: bold reverse; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="close-session")
    ]

    def __init__(
        self,
        spec: str,
        folder: Path,
        files: Sequence[Path],
        actions: SessionActions,
        served: bool = False,
        default_name: str = "optiscope-session.toml",
    ) -> None:
        super().__init__()
        self.spec = spec
        self.folder = folder
        self.files = list(files)
        self.actions = actions
        self.served = served
        self.default_name = default_name
        self._confirm_overwrite: str | None = None

    def compose(self) -> ComposeResult:
        # Tab order follows what is done most: save or load a file, then open a pasted
        # spec, then copy this setup's spec.
        with Vertical():
            yield Label("Session file", classes="section")
            yield Static(
                "Files stay in this browser session's own folder; Save also downloads it."
                if self.served
                else "A name without a folder goes in the folder optiscope was started in.",
                classes="hint",
            )
            with Horizontal():
                yield Input(self.default_name, id="file-input", compact=True)
                yield Button("Save", id="save-file", variant="primary", compact=True)
                yield Button("Load", id="load-file", compact=True)
            if self.files:
                yield OptionList(
                    *[Option(Text(p.name), id=str(i)) for i, p in enumerate(self.files)],
                    id="session-files",
                )
            yield Label("Open a spec someone shared", classes="section")
            yield Input(placeholder="optiscope:v1 surface=… opt=…", id="spec-input", compact=True)
            yield Label("This setup as one line", classes="section")
            yield TextArea(self.spec, read_only=True, soft_wrap=True, id="spec-text")
            with Horizontal():
                yield Static('Paste it in a post; `optiscope --spec "…"` opens it.', classes="hint")
                yield Button("Copy", id="copy-spec", compact=True)
            yield Label("", classes="error", id="session-error", markup=False)
            yield Static(
                "Enter in the file box saves · Enter in the spec box opens it · "
                "Tab moves on · Esc closes",
                classes="hint",
            )

    def on_mount(self) -> None:
        # Now, not on the next idle: a name typed right after w lands in the box.
        self.focus_now("#file-input")

    # -- events ----------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "copy-spec":
            self.actions.copy(self.spec)
            self.dismiss("spec copied to the clipboard (through the terminal)")
        elif event.button.id == "save-file":
            self._save()
        elif event.button.id == "load-file":
            self._load(self.query_one("#file-input", Input).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "spec-input":
            self._outcome(self.actions.load_spec(event.value), "spec opened")
        else:
            self._save()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "file-input":
            self._confirm_overwrite = None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self.files[int(event.option.id or 0)]
        self.query_one("#file-input", Input).value = path.name if self.served else str(path)
        self._load(path.name if self.served else str(path))

    # -- actions ---------------------------------------------------------------------------
    def _save(self) -> None:
        name = self.query_one("#file-input", Input).value
        overwrite = self._confirm_overwrite == name
        if not overwrite and self.actions.exists(name):
            self._confirm_overwrite = name
            self._show(f"{name.strip()} exists: press Enter or Save again to replace it")
            return
        self._outcome(self.actions.save(name, overwrite), None)

    def _load(self, name: str) -> None:
        self._outcome(self.actions.load_file(name), None)

    def _outcome(self, message: str | None, done: str | None) -> None:
        if message is None:
            self.dismiss(done)
        else:
            self._show(message)

    def _show(self, message: str) -> None:
        self.query_one("#session-error", Label).update(message)
