"""The explorer: a keyboard-first Textual app over the NumPy core.

Every key becomes one call on the ExplorerModel; then only the views that depend on what
changed are told (a cursor move costs a path segment and two table rows, not a redraw).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import MountError
from textual.widgets import Footer, Static

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.lessons.catalog import LESSONS, get_lesson
from optiscope.core.lessons.lesson import Lesson
from optiscope.core.session.setup import View
from optiscope.core.surfaces.formula import FormulaSurface

from .app_files import FilesAndSessions
from .app_maps import ConvergenceMaps
from .autorun import AutoRun
from .bindings import COMMANDS, bindings
from .key_order import InOrderKeysMixin
from .model import MAX_HORIZON, ExplorerModel
from .preferences import Preferences
from .screens.add_optimizer import AddOptimizerScreen
from .screens.formula import FormulaScreen
from .screens.help import HelpScreen
from .screens.jump import JumpScreen
from .screens.lessons import LessonScreen
from .widgets.controls import ControlsPane
from .widgets.eff_lr_strip import EffLrStrip
from .widgets.explain_pane import ExplainPane, explain_text
from .widgets.field_row import FieldRow
from .widgets.lesson_pane import LessonPane
from .widgets.loss_plot import LossPlot
from .widgets.map_plot import MapPlot
from .widgets.plot_canvas import ContourPlot, PlotSeries
from .widgets.status_line import StatusLine, status_text
from .widgets.step_table import StepTable

NARROW_BELOW = 100
MIN_SIZE = (60, 18)
#: The ηeff sparklines show by default from this terminal height on (s toggles them).
SPARK_FROM_HEIGHT = 30


class ExplorerScreen(Screen[None]):
    # Focus the plot at once: auto-focusing the first control and then moving focus to the
    # plot restyled the whole screen twice (a tenth of the start-up).
    AUTO_FOCUS = "#plot"


class OptiscopeApp(FilesAndSessions, ConvergenceMaps, InOrderKeysMixin):
    """optiscope's explorer. ``export_dir`` receives exports, screenshots and sessions."""

    TITLE = "optiscope"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(), ("escape", "focus_plot", "")]
    passive_widgets = (ContourPlot, LossPlot, MapPlot, StepTable, ExplainPane, EffLrStrip)

    def __init__(
        self,
        model: ExplorerModel | None = None,
        export_dir: Path | None = None,
        lesson: Lesson | None = None,
        served: bool = False,
        view: View | None = None,
    ) -> None:
        super().__init__()
        self.model = model or ExplorerModel.create()
        self.lesson = lesson
        self.export_dir = Path.cwd() if export_dir is None else export_dir
        #: Served to a browser (optiscope serve): files stay inside ``export_dir``, a
        #: per-session temporary folder, and no prompt accepts a server path.
        self.served = served
        #: A saved session's view (window, aspect, loss view, table layout), applied on mount.
        self._initial_view = view
        #: Read on mount; None until then, so setting the theme from them saves nothing.
        self.preferences: Preferences | None = None
        self.autorun = AutoRun(self, self._advance)
        self._shown_version = -1
        self._reported_divergence: set[int] = set()
        #: The ηeff sparklines: None follows the terminal's height, True/False after key s.
        self.spark_wanted: bool | None = None

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
        # Served to a browser: Textual's WebDriver can interleave a download with a screen
        # update on its pipe; this one writes whole packets (see tui/web_driver.py).
        driver = super().get_driver_class()
        if driver.__module__ != "textual.drivers.web_driver":
            return driver
        from .web_driver import whole_packet_driver

        return whole_packet_driver(driver)

    # -- layout ----------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        return ExplorerScreen(id="_default")

    def compose(self) -> ComposeResult:
        # Layout classes before the widgets mount: set later, they restyle every widget.
        self._layout_for(self.size.width, self.size.height)
        with Horizontal(id="main"):
            yield LessonPane(id="lesson")
            # The controls pane is mounted just after the first frame (_mount_controls): its
            # ~60 widgets were a third of start-up, and the plot, table and status are what a
            # learner looks at first. This placeholder holds its width meanwhile.
            yield Static(id="controls-slot")
            with Vertical(id="right"):
                with Vertical(id="plots"):
                    yield ContourPlot(id="plot")
                    yield LossPlot(id="loss")
                    yield MapPlot(id="map")
                yield EffLrStrip(id="eff-lr")
                yield ExplainPane(id="explain")
                yield StepTable(id="table")
                # Inside the right column: a step then repaints only that column (Textual
                # repaints the box around everything that changed).
                yield StatusLine(id="status")
        yield Footer()
        yield Static("", id="too-small")

    async def _mount_controls(self) -> None:
        main = self.query_one("#main")
        slot = self.query("#controls-slot")
        if not slot or not main.is_attached or self._closing:
            return  # quitting already
        try:
            await main.mount(ControlsPane(self.model, id="controls"), before=slot.first())
            await slot.remove()
        except MountError:  # the app closed in between
            return

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_controls)
        self.query_one(LossPlot).display = False
        self._apply_preferences()
        self.plot.set_surface(self.model.surface)
        self.plot.set_start(self.model.start)
        self._layout_for(self.size.width, self.size.height)
        self.refresh_all()
        self.plot.focus()
        if self._initial_view is not None:
            self.apply_view(self._initial_view)
        if self.lesson is not None:
            self._show_lesson(self.lesson)

    @property
    def plot(self) -> ContourPlot:
        return self.query_one(ContourPlot)

    @property
    def table(self) -> StepTable:
        return self.query_one(StepTable)

    @property
    def speed(self) -> int:
        return self.autorun.speed

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for(event.size.width, event.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        screen = self.screen
        if not isinstance(screen, Screen) or screen is not self.screen_stack[0]:
            screen = self.screen_stack[0]
        narrow = width < NARROW_BELOW
        screen.set_class(narrow, "-narrow")
        screen.set_class(not narrow, "-wide")
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        screen.set_class(small, "-too-small")
        wanted = self.spark_wanted
        screen.set_class(height >= SPARK_FROM_HEIGHT if wanted is None else wanted, "-spark")
        for explain in self.query(ExplainPane):  # none while composing
            # Stacked: all rows but the footer, the status and a five-row table; it scrolls
            # beyond that (Adam's thirteen lines fit from 80x24 up).
            explain.styles.max_height = max(4, height - 7) if narrow else "70%"
        if small:
            for message in self.query("#too-small").results(Static):  # none while composing
                message.update(
                    f"optiscope needs a terminal of at least {MIN_SIZE[0]}×{MIN_SIZE[1]};\n"
                    f"this one is {width}×{height}. Please enlarge it.\n\n(q quits)"
                )

    # -- pushing model state to the views --------------------------------------------------
    def refresh_all(self) -> None:
        """After a setup change: new paths, new table, fresh controls."""
        model = self.model
        self._shown_version = model.version
        run = model.focused_run
        self.table.set_trajectory(run.trajectory, model.surface.coords, run.label)
        self.plot.set_start(model.start)
        for pane in self.query(ControlsPane):  # none for a moment at start-up (Lazy)
            pane.sync()
        self._sync_map()
        self.refresh_cursor()

    def refresh_cursor(self) -> None:
        """After a cursor move: path heads, table row, explain, status."""
        model = self.model
        if model.version != self._shown_version:
            self.refresh_all()
            return
        series = [
            PlotSeries(r.label, r.color, r.marker, r.trajectory.column("params"))
            for r in model.runs
        ]
        self.plot.set_series(series, model.cursor, model.focused)
        loss = self.query_one(LossPlot)
        if loss.display:
            f_min = min((m.value for m in model.surface.minima), default=0.0)
            loss.set_losses(
                [(r.label, r.color, r.marker, r.trajectory.column("loss")) for r in model.runs],
                model.cursor,
                f_min,
            )
        self.table.notify_extended()
        self.table.set_cursor(min(model.cursor, len(model.focused_run.trajectory) - 1))
        if self.screen_stack[0].has_class("-spark"):
            self.query_one(EffLrStrip).show(model)
        explain = self.query_one(ExplainPane)
        if explain.has_class("-visible"):
            explain.update(explain_text(model))
        self.query_one(StatusLine).update(status_text(model, self.running, self.speed))
        self._report_divergence()

    def _report_divergence(self) -> None:
        for run in self.model.runs:
            status = run.trajectory.status
            key = id(run.trajectory)
            if (
                status.kind == "diverged"
                and status.step is not None
                and status.step <= self.model.cursor
                and key not in self._reported_divergence
            ):
                self._reported_divergence.add(key)
                self.notify(f"{run.label} {status.text()}", severity="warning", timeout=4)

    def _try(self, change: object) -> str | None:
        """Run a model change; an OptiscopeError becomes a message (and nothing changes)."""
        try:
            if callable(change):
                change()
        except OptiscopeError as exc:
            return str(exc)
        self.refresh_all()
        return None

    # -- edits from the controls pane ------------------------------------------------------
    def apply_surface(self, name: str) -> str | None:
        message = self._try(lambda: self.model.set_surface(name))
        if message is None:
            self.plot.set_surface(self.model.surface)
            self._reported_divergence.clear()
            self.refresh_all()
        return message

    def apply_surface_text(self, text: str, domain: str = "") -> str | None:
        """A typed surface: a formula f(x, y) (whitelist parser) or a built-in spec."""
        message = self._try(lambda: self.model.set_surface_text(text, domain))
        if message is None:
            self.plot.set_surface(self.model.surface)
            self._reported_divergence.clear()
            self.refresh_all()
        return message

    def apply_surface_setting(self, name: str, text: object) -> str | None:
        message = self._try(lambda: self.model.set_surface_setting(name, text))
        if message is None:
            self.plot.set_surface(self.model.surface)
            self.refresh_all()
        return message

    def apply_hyperparameter(self, name: str, text: object) -> str | None:
        return self._try(lambda: self.model.set_hyperparameter(name, text))

    def apply_start_text(self, x_text: str | None, y_text: str | None) -> str | None:
        def change() -> None:
            x, y = self.model.start
            x = _number(x_text, self.model.surface.coords[0]) if x_text is not None else x
            y = _number(y_text, self.model.surface.coords[1]) if y_text is not None else y
            self.model.set_start((x, y))

        return self._try(change)

    def apply_noise(self, sigma_text: str | None, seed_text: str | None) -> str | None:
        def change() -> None:
            sigma = _number(sigma_text, "σ") if sigma_text is not None else None
            seed = None
            if seed_text is not None:
                value = _number(seed_text, "seed")
                if value != int(value):
                    raise OptiscopeError(f"seed must be a whole number; got {seed_text!r}")
                seed = int(value)
            self.model.set_noise(sigma, seed)

        return self._try(change)

    def apply_schedule(self, text: str) -> str | None:
        return self._try(lambda: self.model.set_schedule(text))

    def try_add_optimizer(self, spec: str) -> str | None:
        return self._try(lambda: self.model.add_optimizer(spec))

    def focus_run(self, index: int) -> None:
        self.model.focused = index % len(self.model.runs)
        self.refresh_all()

    def on_field_row_applied(self, event: FieldRow.Applied) -> None:
        event.stop()

    # -- actions: steps --------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        self.model.step(delta)
        self.refresh_cursor()

    def action_first(self) -> None:
        self.model.first()
        self.refresh_cursor()

    def action_last(self) -> None:
        self.model.last()
        self.refresh_cursor()

    def action_reset(self) -> None:
        self._stop()
        self.model.first()
        self.plot.reset_view()
        self._sync_map()
        self.refresh_cursor()

    def action_jump(self) -> None:
        def done(step: int | None) -> None:
            if step is not None:
                self.model.jump(step)
                self.refresh_cursor()

        self.push_screen(JumpScreen(self.model.cursor, MAX_HORIZON), done)

    def action_toggle_run(self) -> None:
        self.autorun.toggle()
        self.refresh_cursor()

    def action_speed(self, delta: int) -> None:
        self.autorun.change_speed(delta)
        self.refresh_cursor()

    def _stop(self) -> None:
        self.autorun.stop()

    def _advance(self, steps: int) -> bool:
        """One auto-run tick; False once every run has ended or the horizon is reached."""
        self.model.step(steps)
        done = self.model.all_finished or self.model.cursor >= MAX_HORIZON
        if done:
            self.autorun.stop()  # before the refresh, so the status line says "paused"
        self.refresh_cursor()
        return not done

    @property
    def running(self) -> bool:
        return self.autorun.running

    # -- actions: optimizers ---------------------------------------------------------------
    def action_cycle_optimizer(self, delta: int) -> None:
        self.model.cycle_focus(delta)
        self.refresh_all()

    def action_add_optimizer(self) -> None:
        self.push_screen(AddOptimizerScreen(self.try_add_optimizer))

    def action_remove_optimizer(self) -> None:
        message = self._try(self.model.remove_focused)
        if message:
            self.notify(message, severity="warning")

    # -- actions: start point --------------------------------------------------------------
    def action_move_start(self, dx: int, dy: int) -> None:
        self.model.nudge_start(dx, dy, self.plot.window)
        self.refresh_all()

    def action_named_start(self, index: int) -> None:
        try:
            name = self.model.named_start(index)
        except OptiscopeError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"start {name}", timeout=1.5)
        self.refresh_all()

    def on_contour_plot_clicked(self, event: ContourPlot.Clicked) -> None:
        self.model.set_start((event.x, event.y))
        self.refresh_all()

    # -- actions: view ---------------------------------------------------------------------
    def action_zoom(self, factor: float) -> None:
        self.plot.zoom(factor)
        self._sync_map()

    def action_pan(self, dx: float, dy: float) -> None:
        self.plot.pan(dx, dy)
        self._sync_map()

    def action_reset_view(self) -> None:
        self.plot.reset_view()
        self._sync_map()

    def action_equal_aspect(self) -> None:
        self.plot.equal_aspect = not self.plot.equal_aspect
        self._sync_map()
        self.notify("equal aspect " + ("on" if self.plot.equal_aspect else "off"), timeout=1.5)

    def action_explain(self) -> None:
        pane = self.query_one(ExplainPane)
        pane.toggle_class("-visible")
        self.screen_stack[0].set_class(pane.has_class("-visible"), "-explaining")
        self.refresh_cursor()

    def action_sparklines(self) -> None:
        screen = self.screen_stack[0]
        self.spark_wanted = not screen.has_class("-spark")
        screen.set_class(self.spark_wanted, "-spark")
        self.refresh_cursor()

    def action_loss_view(self) -> None:
        self._show_map(False)
        loss = self.query_one(LossPlot)
        loss.display = not loss.display
        self.plot.display = not loss.display
        self.refresh_cursor()

    def action_table_layout(self) -> None:
        table = self.table
        table.set_layout("stacked" if table.shown_layout == "wide" else "wide")
        self.notify(
            "Step table: one line per coordinate"
            if table.shown_layout == "stacked"
            else "Step table: one line per step (scroll sideways with the table focused)",
            timeout=3,
        )

    def action_table_columns(self, delta: int) -> None:
        self.table.scroll_columns(delta)

    async def action_edit_form(self) -> None:
        screen = self.screen_stack[0]
        screen.remove_class("-hide-controls", "-lesson")
        if screen.has_class("-narrow"):
            screen.add_class("-show-controls")
        for pane in self.query(ControlsPane):
            await pane.focus_form()

    def action_formula(self) -> None:
        surface = self.model.surface
        formula = domain = ""
        if isinstance(surface, FormulaSurface):
            (x0, x1), (y0, y1) = surface.domain
            formula, domain = surface.text, ",".join(fmt(v) for v in (x0, x1, y0, y1))
        self.push_screen(FormulaScreen(self.apply_surface_text, formula, domain))

    # -- lessons ---------------------------------------------------------------------------
    def action_pick_lesson(self) -> None:
        def chosen(lesson_id: str | None) -> None:
            if lesson_id is not None:
                self.load_lesson(get_lesson(lesson_id))

        self.push_screen(LessonScreen(), chosen)

    def load_lesson(self, lesson: Lesson) -> None:
        """Replace the whole setup with the lesson's and show its question beside the plot."""
        self._stop()
        self.model.load(ExplorerModel.from_lesson(lesson))
        self.lesson = lesson
        self.plot.set_surface(self.model.surface)
        self._reported_divergence.clear()
        self.refresh_all()
        self._show_lesson(lesson)

    def _show_lesson(self, lesson: Lesson) -> None:
        self.query_one(LessonPane).show(lesson, lesson.measure())
        screen = self.screen_stack[0]
        screen.add_class("-lesson")
        screen.remove_class("-show-controls")
        self.sub_title = f"lesson {lesson.number}: {lesson.title}"

    def action_toggle_lesson(self) -> None:
        if self.lesson is None:
            self.notify("No lesson loaded: press L to pick one.", timeout=3)
            return
        screen = self.screen_stack[0]
        screen.toggle_class("-lesson")
        if not screen.has_class("-lesson") and screen.focused is not self.plot:
            screen.set_focus(self.plot)

    def action_toggle_controls(self) -> None:
        screen = self.screen_stack[0]
        if screen.has_class("-lesson"):
            screen.remove_class("-lesson", "-hide-controls")
            if screen.has_class("-narrow"):
                screen.add_class("-show-controls")
            return
        if screen.has_class("-narrow"):
            screen.toggle_class("-show-controls")
            if screen.has_class("-show-controls"):
                for pane in self.query(ControlsPane):
                    screen.set_focus(pane)
            else:
                screen.set_focus(self.plot)
        else:
            screen.toggle_class("-hide-controls")

    def refocus_if_hidden(self) -> None:
        """A key must not reach a widget in a pane hidden since (say, a surface dropdown left
        open when a lesson took the controls' place): it would act unseen, and an open
        dropdown with no room fails on Page Up. The plot takes the keys instead."""
        screen = self.screen_stack[0]
        focused = screen.focused
        if self.screen is not screen or focused is None or focused is self.plot:
            return
        if not all(node.display for node in focused.ancestors_with_self if node is not screen):
            screen.set_focus(self.plot)

    def action_focus_plot(self) -> None:
        if self.map_plot.cancel():
            return  # Escape first stops a convergence map being computed
        screen = self.screen_stack[0]
        screen.remove_class("-show-controls")
        screen.set_focus(self.plot)  # now, not on the next idle: keys may already be queued

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_highdim(self) -> None:
        from .screens.highdim import HighDimScreen

        if self.running:
            self.action_toggle_run()
        self.push_screen(HighDimScreen())

    # -- command palette -------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for lesson in LESSONS:
            yield SystemCommand(
                f"Lesson {lesson.number}: {lesson.title}",
                lesson.question,
                lambda lesson=lesson: self.load_lesson(lesson),
            )
        yield SystemCommand(
            "Save the current view as my default",
            "contours or loss, ηeff sparklines, table layout and theme, for the next start",
            self.action_save_preferences,
        )
        for command in COMMANDS:
            if command.action == "quit":
                continue
            yield SystemCommand(
                command.help[:1].upper() + command.help[1:],
                f"key: {command.key_display or command.keys.split(',')[0]}",
                lambda action=command.action: self.run_action(action),
            )


def _number(text: str | None, label: str) -> float:
    try:
        value = float(str(text).strip())
    except ValueError:
        raise OptiscopeError(f"{label} must be a number; got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise OptiscopeError(f"{label} must be finite; got {text!r}")
    return value
