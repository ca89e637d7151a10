"""optiscope's Textual app: it hosts the screens and owns only what is the app's own.

The explorer (``explorer.screen``) owns the comparison and its view; the high-dimensional
view is a screen of its own. The app keeps the theme and the user's preferences, turns
every notification into plain text, picks the terminal driver, and hands keys to bindings
in the order they arrived (``key_order``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from optiscope.core.errors import OptiscopeError
from optiscope.core.session.setup import View

from . import textual_fixes
from .bindings import binding_ids
from .explorer.screen import ExplorerScreen
from .key_order import binds_in_arrival_order, typed_so_far
from .model import ExplorerModel
from .preferences import Preferences, load_preferences, preferences_path, save_preferences
from .process import started

if TYPE_CHECKING:
    from optiscope.core.lessons.lesson import Lesson

textual_fixes.apply()


class OptiscopeApp(App[None]):
    """optiscope's explorer. ``export_dir`` receives exports, screenshots and sessions."""

    TITLE = "optiscope"
    CSS_PATH = "app.tcss"

    def __init__(
        self,
        model: ExplorerModel | None = None,
        export_dir: Path | None = None,
        lesson: Lesson | None = None,
        served: bool = False,
        view: View | None = None,
    ) -> None:
        super().__init__()
        #: What the explorer opens on (it owns its model from then on).
        self.start_model = model
        self._lesson = lesson
        self._view = view
        self.export_dir = Path.cwd() if export_dir is None else export_dir
        #: Served to a browser (optiscope serve): files stay inside ``export_dir``, a
        #: per-session temporary folder, and no prompt accepts a server path.
        self.served = served
        #: Read when the explorer is made; None until then, so setting the theme saves nothing.
        self.preferences: Preferences | None = None
        self._preferences_note: str | None = None
        self._explorer: ExplorerScreen | None = None
        #: The user's keymap (binding id -> keys) from preferences.toml; help shows it.
        self.keymap: dict[str, str] = {}
        #: Set by q (``exit``): keys that arrive after it (a burst) are dropped, so none can
        #: open a dialog on the way out.
        self.quitting = False

    @property
    def explorer(self) -> ExplorerScreen:
        """The explorer screen (the bottom of the stack, always there while running)."""
        if self._explorer is None:
            raise RuntimeError("the explorer is made when the app starts")
        return self._explorer

    def get_default_screen(self) -> Screen[Any]:
        prefs, self._preferences_note = load_preferences(binding_ids=binding_ids())
        default_view = View(
            loss_view=prefs.view == "loss",
            table_layout=prefs.table_layout,
        )
        self._explorer = ExplorerScreen(
            self.start_model or ExplorerModel.create(),
            self.export_dir,
            served=self.served,
            lesson=self._lesson,
            view=self._view,
            default_view=default_view,
            sparklines=prefs.sparklines_wanted,
            id="_default",
        )
        self._prefs_to_apply = prefs
        return self._explorer

    def on_mount(self) -> None:
        # After the first frame the command's start-up is over (see tui/process.py).
        self.call_after_refresh(started)
        prefs = self._prefs_to_apply
        if prefs.theme in self.available_themes:
            self.theme = prefs.theme
        if prefs.keymap:
            self.keymap = dict(prefs.keymap)
            self.set_keymap(self.keymap)
        self.preferences = prefs
        if self._preferences_note:
            self.notify(self._preferences_note, severity="warning", timeout=8)

    # -- what is the app's own ----------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Always plain text: notifications quote what users typed, files held and specs
        said, and ``[/]`` in any of them must read as itself, not fail as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_driver_class(self) -> type[Driver]:
        # In a terminal on Linux: a driver whose input thread a quit wakes at once.
        # Served to a browser: Textual's WebDriver can interleave a download with a screen
        # update on its pipe; this one writes whole packets (see tui/web_driver.py).
        driver = super().get_driver_class()
        if driver.__module__ == "textual.drivers.linux_driver":
            # A quit that ends at once (Textual's input thread sleeps 100-200 ms on it).
            from .quick_exit_driver import QuickExitLinuxDriver

            return QuickExitLinuxDriver
        if driver.__module__ != "textual.drivers.web_driver":
            return driver
        from .web_driver import whole_packet_driver

        return whole_packet_driver(driver)

    def watch_theme(self, theme: str) -> None:
        """A theme picked in the palette is kept for the next start."""
        prefs = self.preferences
        if prefs is not None and prefs.theme != theme:
            self._save_preferences(replace(prefs, theme=theme))

    def save_view_preferences(
        self, loss_view: bool, sparklines: bool | None, table_layout: str
    ) -> None:
        spark = {None: "auto", True: "on", False: "off"}[sparklines]
        prefs = replace(
            self.preferences or Preferences(),
            theme=self.theme,
            view="loss" if loss_view else "contours",
            sparklines=spark,
            table_layout=table_layout,
        )
        if self._save_preferences(prefs):
            self.notify(f"saved as your default view in {preferences_path()}", timeout=4)

    def _save_preferences(self, prefs: Preferences) -> bool:
        try:
            save_preferences(prefs)
        except OptiscopeError as exc:
            self.notify(str(exc), severity="warning")
            return False
        self.preferences = prefs
        return True

    # -- keys ---------------------------------------------------------------------------------
    def exit(self, result: None = None, return_code: int = 0, message: Any | None = None) -> None:
        self.quitting = True
        super().exit(result, return_code, message)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.quitting:
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            screen = self.screen
            refocus = getattr(screen, "refocus_if_hidden", None)
            if refocus is not None:
                refocus()
            if binds_in_arrival_order(self, event):
                await typed_so_far(self.focused)
                if await self._check_bindings(event.key):
                    return
        await super().on_event(event)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "system_commands", None)
        if commands is not None:
            yield from commands()
