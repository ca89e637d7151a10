"""What leaves the explorer and comes back: exports, screenshots, sessions, preferences.

A mixin of OptiscopeApp. ``w`` turns what is on screen into a Session (the model through
``session_io``, the view from the widgets) and back; the preferences file sets the theme
and default view at start. Loading validates first and changes the explorer only once
nothing can fail. Served to a browser, files stay in the tab's folder and are also offered
as downloads.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from optiscope.core.errors import OptiscopeError
from optiscope.core.export import csv_header, csv_rows, run_document
from optiscope.core.lessons.catalog import get_lesson
from optiscope.core.session import file as session_file
from optiscope.core.session.setup import Session, View
from optiscope.core.session.spec import from_spec, to_spec

from . import session_files
from .preferences import Preferences, load_preferences, preferences_path, save_preferences
from .screens.session import SessionActions, SessionScreen
from .session_io import model_from_session, session_from_model
from .widgets.loss_plot import LossPlot

if TYPE_CHECKING:
    from optiscope.core.lessons.lesson import Lesson

    from .model import ExplorerModel
    from .widgets.plot_canvas import ContourPlot
    from .widgets.step_table import StepTable


class FilesAndSessions(App[None]):
    """Export (E), screenshot (P), save, load and share the setup (w), preferences.

    A mixin of OptiscopeApp: it uses the app's model, plot, table and lesson pane.
    """

    if TYPE_CHECKING:  # what it uses of OptiscopeApp
        model: ExplorerModel
        lesson: Lesson | None
        export_dir: Path
        served: bool
        preferences: Preferences | None
        spark_wanted: bool | None
        _initial_view: View | None
        _reported_divergence: set[int]

        @property
        def plot(self) -> ContourPlot: ...
        @property
        def table(self) -> StepTable: ...
        def refresh_all(self) -> None: ...
        def action_loss_view(self) -> None: ...
        def _show_lesson(self, lesson: Lesson) -> None: ...
        def _stop(self) -> None: ...

    # -- preferences -----------------------------------------------------------------------
    def _apply_preferences(self) -> None:
        """Theme and default view from the user's preferences file (a session's view wins)."""
        prefs, note = load_preferences()
        self.preferences = prefs
        if note:
            self.notify(note, severity="warning", timeout=8)
        if prefs.theme in self.available_themes:
            self.theme = prefs.theme
        self.spark_wanted = prefs.sparklines_wanted
        if self._initial_view is None:
            if prefs.view == "loss":
                self.action_loss_view()
            self.table.set_layout(prefs.table_layout)  # type: ignore[arg-type]

    def watch_theme(self, theme: str) -> None:
        """A theme picked in the palette is kept for the next start."""
        prefs = self.preferences
        if prefs is not None and prefs.theme != theme:
            self._save_preferences(replace(prefs, theme=theme))

    def action_save_preferences(self) -> None:
        loss_shown = self.query_one(LossPlot).display
        spark = {None: "auto", True: "on", False: "off"}[self.spark_wanted]
        prefs = replace(
            self.preferences or Preferences(),
            theme=self.theme,
            view="loss" if loss_shown else "contours",
            sparklines=spark,
            table_layout=self.table.requested_layout,
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

    # -- sessions --------------------------------------------------------------------------
    def current_view(self) -> View:
        table_layout = self.table.requested_layout
        return View(
            window=self.plot.zoomed_view,
            equal_aspect=self.plot.equal_aspect,
            loss_view=self.query_one(LossPlot).display,
            table_layout=table_layout,
            lesson=self.lesson.id if self.lesson is not None else None,
        )

    def apply_view(self, view: View) -> None:
        if view.window is not None:
            self.plot.set_view(view.window)
        self.plot.equal_aspect = view.equal_aspect
        if self.query_one(LossPlot).display != view.loss_view:
            self.action_loss_view()
        self.table.set_layout(view.table_layout)  # type: ignore[arg-type]
        if view.lesson is not None:
            try:
                self.lesson = get_lesson(view.lesson)
            except OptiscopeError:
                self.notify(f"lesson {view.lesson!r} is not known here", severity="warning")
            else:
                self._show_lesson(self.lesson)

    def current_session(self) -> Session:
        return session_from_model(self.model, self.current_view())

    def apply_session(self, session: Session) -> None:
        """Replace the whole setup and view; the model is built first, so a failure changes
        nothing."""
        model = model_from_session(session)
        self._stop()
        self.model.load(model)
        self.lesson = None
        self.screen_stack[0].remove_class("-lesson")
        self.plot.set_surface(self.model.surface)
        self._reported_divergence.clear()
        self.refresh_all()
        self.apply_view(session.view)

    def action_session(self) -> None:
        try:
            spec = to_spec(self.current_session())
        except OptiscopeError as exc:
            self.notify(str(exc), severity="warning")
            return
        folder = self.export_dir
        actions = SessionActions(
            save=self.save_session,
            load_file=self.load_session_file,
            load_spec=self.load_session_spec,
            copy=self.copy_to_clipboard,
            exists=self._session_exists,
        )

        def done(line: str | None) -> None:
            if line:
                self.notify(line, timeout=4)

        self.push_screen(
            SessionScreen(spec, folder, session_files.listed(folder), actions, self.served),
            done,
        )

    def _session_exists(self, name: str) -> bool:
        try:
            return session_files.resolve(name, self.export_dir, self.served).exists()
        except OptiscopeError:
            return False  # save() says why the name is refused

    def save_session(self, name: str, overwrite: bool = False) -> str | None:
        try:
            path = session_files.resolve(name, self.export_dir, self.served)
            if path.exists() and not overwrite:
                return f"{path.name} exists"
            session = self.current_session()
            session_file.save(session, path)
        except OptiscopeError as exc:
            return str(exc)
        if self.served and self.is_web:
            self.deliver_text(io.StringIO(session_file.to_toml(session)), save_filename=path.name)
        self.notify(f"session saved to {path}", timeout=4)
        return None

    def load_session_file(self, name: str) -> str | None:
        try:
            path = session_files.resolve(name, self.export_dir, self.served)
            self.apply_session(session_file.load(path))
        except OptiscopeError as exc:
            return str(exc)
        self.notify(f"session loaded from {path}", timeout=4)
        return None

    def load_session_spec(self, text: str) -> str | None:
        try:
            self.apply_session(from_spec(text))
        except OptiscopeError as exc:
            return str(exc)
        return None

    # -- actions: files --------------------------------------------------------------------
    def export_paths(self) -> tuple[Path, Path]:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        base = self.export_dir / f"optiscope-{self.model.surface.name}-{stamp}"
        return base.with_suffix(".csv"), base.with_suffix(".json")

    def action_export(self) -> None:
        model = self.model
        runs = [r.trajectory for r in model.runs]
        csv_path, json_path = self.export_paths()
        try:
            with csv_path.open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(csv_header(model.surface, runs))
                writer.writerows(csv_rows(model.surface, runs))
            doc = run_document(model.surface, model.start, runs, model.noise, model.schedule)
            json_path.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n")
            if self.served and self.is_web:
                import zipfile

                # One file: a browser opens one download per key press, not two.
                bundle = csv_path.with_suffix(".zip")
                with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.write(csv_path, csv_path.name)
                    zf.write(json_path, json_path.name)
                self.deliver_binary(bundle)
        except OSError as exc:
            self.notify(f"export failed: {exc}", severity="error")
            return
        self.notify(f"exported {csv_path.name} and {json_path.name}")

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """P: an SVG of the screen, always in the export folder. Textual's filename and path
        arguments are accepted and not used: served, no caller may pick a server path."""
        name = f"optiscope-{time.strftime('%Y%m%d-%H%M%S')}.svg"
        try:
            path = self.save_screenshot(filename=name, path=str(self.export_dir))
            if self.served and self.is_web:
                self.deliver_binary(path, mime_type="image/svg+xml")
        except OSError as exc:
            self.notify(f"screenshot failed: {exc}", severity="error")
            return
        self.notify(f"saved {Path(path).name}")
