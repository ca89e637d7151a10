"""The explorer screen: it owns the comparison it shows and what the learner chose to see.

After every change it builds one frozen snapshot (``Shown``) and hands it to its widgets;
widgets send edits back up as messages. What is on screen lives in reactives
(``plot_view``, ``explaining``, ``sparklines``, ``controls``, ``lesson_shown``) whose
watchers set the screen's CSS classes, so a saved view is read from them and nothing else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal, TypeVar, cast

from textual import events
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widget import MountError, Widget
from textual.widgets import Static

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.session.setup import View
from optiscope.core.surfaces.formula import FormulaSurface

from ..bindings import COMMANDS, IN_MODES, Command, bindings
from ..model import ExplorerModel
from ..stepping import SteppingScreen
from ..widgets.eff_lr_strip import EffLrStrip
from ..widgets.footer import Footer
from ..widgets.plot_canvas import ContourPlot, PlotSeries
from ..widgets.status_line import StatusLine
from ..widgets.step_table import PREFETCH_AFTER, StepTable
from .edits import apply_edit
from .messages import Edit, FocusRun, OpenFormula
from .snapshot import RunShown, Shown

if TYPE_CHECKING:
    from optiscope.core.lessons.lesson import Lesson
    from optiscope.core.predict import Score
    from optiscope.core.session.setup import Session

    from ..plotting.step_arrows import VectorOverlay
    from ..widgets.controls import ControlsPane
    from ..widgets.explain_pane import ExplainPane
    from ..widgets.hyper_map import HyperMapPlot
    from ..widgets.lesson_pane import LessonPane
    from ..widgets.loss_plot import LossPlot
    from ..widgets.map_plot import MapPlot
    from ..widgets.sharpness_strip import SharpnessStrip
    from .step_overlays import StepOverlays

#: A pane the explorer mounts when it is first shown.
PaneT = TypeVar("PaneT", bound=Widget)

NARROW_BELOW = 100
MIN_SIZE = (60, 18)
#: The ηeff sparklines show by default from this terminal height on (s toggles them).
SPARK_FROM_HEIGHT = 30

PlotView = Literal["contours", "loss", "map", "hyper"]
#: Seconds a nudge's "η 0.1 → 0.125" stays in the status line.
NOTE_SECONDS = 4.0
Controls = Literal["auto", "hidden", "shown"]


class ExplorerScreen(SteppingScreen):
    """Surface, start, compared optimizers: stepped, explained, edited."""

    COMMANDS_TABLE: ClassVar[tuple[Command, ...]] = COMMANDS
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings(COMMANDS),
        Binding("escape", "focus_plot", "", show=False, id="focus-plot"),
    ]
    # Focus the plot at once: focusing the first control and then the plot restyled the
    # whole screen twice (a tenth of the start-up).
    AUTO_FOCUS = "#plot"

    plot_view: reactive[PlotView] = reactive("contours", init=False)
    """What the plot area shows: the contours, the loss against step, or a convergence map."""
    vectors: reactive[bool] = reactive(False, init=False)
    """The focused run's step at the cursor as arrows: Δ, −η∇f and the step's parts."""
    gradient_field: reactive[bool] = reactive(False, init=False)
    """A sparse quiver of −∇f over the contours."""
    shaded: reactive[bool] = reactive(False, init=False)
    """Filled bands between the contour levels instead of lines."""
    explaining: reactive[bool] = reactive(False, init=False)
    """The explain pane: the update rule with this step's numbers."""
    sparklines: reactive[bool | None] = reactive(None, init=False)
    """The ηeff strip: None follows the terminal's height."""
    sharpness: reactive[bool] = reactive(False, init=False)
    """The sharpness strip: λmax per step against the stability threshold."""
    controls: reactive[Controls] = reactive("auto", init=False)
    """The controls pane: beside the plot when wide, over it on demand when narrow."""
    lesson_shown: reactive[bool] = reactive(False, init=False)
    """The loaded lesson's question and answer, in the controls' place."""
    #: Predict mode's running score for the session (None until the first question).
    _score: Score | None = None
    #: Lessons whose closing question predict mode has asked in this session.
    exercises_asked: frozenset[str] = frozenset()

    def __init__(
        self,
        model: ExplorerModel,
        folder: Path,
        *,
        served: bool = False,
        lesson: Lesson | None = None,
        view: View | None = None,
        default_view: View | None = None,
        sparklines: bool | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.set_reactive(ExplorerScreen.sparklines, sparklines)
        self.model = model
        #: Exports, screenshots and sessions go here (a temporary folder when served).
        self.folder = folder
        self.served = served
        self.lesson = lesson
        self._initial_view = view or default_view
        self._shown_version = -1
        self._shown_focus = -1
        self._reported_divergence: set[int] = set()
        self._terminal = (0, 0)
        self._ready = False
        #: A new setup waits for the frame that shows "computing…" (see setup_changed).
        self._new_setup_pending = False
        #: The step's arrows, made once each (the next step's ahead): from the first use.
        self._overlays: StepOverlays | None = None
        self._overlay_ahead_pending = False
        #: A nudge's line for the status, and when it stops showing (monotonic seconds).
        self._note: tuple[str, float] = ("", 0.0)

    @property
    def comparison(self) -> ExplorerModel:  # type: ignore[override]
        return self.model

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Kept: a step updates these, and a query per widget per step was ~5% of it.
        self._plot = ContourPlot(id="plot")
        self._table = StepTable(id="table")
        self._eff_lr = EffLrStrip(id="eff-lr")
        self._status = StatusLine(id="status")
        self._layout_for(self.app.size.width, self.app.size.height)
        with Horizontal(id="main"):
            # The panes shown on demand (a lesson, the loss view, sharpness, explain) are
            # mounted when first shown: at start-up they were mounting and CSS for nothing.
            # The controls pane is mounted just after the first frame: its ~60 widgets were
            # a third of start-up. This placeholder holds its width meanwhile.
            yield Static(id="controls-slot")
            with Vertical(id="right"):
                with Vertical(id="plots"):
                    yield self._plot
                yield self._eff_lr
                yield self._table
                # Inside the right column: a step repaints only that column.
                yield self._status
        yield Footer()
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_controls)
        self._ready = True
        # The first frame shows the start; the runs are computed right after it.
        self.call_after_refresh(self._after_first_frame)
        self.plot.set_surface(self.model.surface)
        self.show_all()
        if self._initial_view is not None:
            self.apply_view(self._initial_view)
        if self.lesson is not None:
            self._show_lesson(self.lesson)

    def _after_first_frame(self) -> None:
        self.keep_up()
        self.show_cursor()

    async def _mount_controls(self) -> None:
        slot = self.query("#controls-slot")
        main = self.query_one("#main")
        if not slot or not main.is_attached:
            return  # quitting already
        from ..widgets.controls import ControlsPane  # its ~60 widgets' modules, too

        try:
            await main.mount(ControlsPane(self.snapshot(), id="controls"), before=slot.first())
            await slot.remove()
        except MountError:  # the app closed in between
            return

    def _controls_panes(self) -> list[ControlsPane]:
        """The controls pane, or none while it waits to be mounted (just after start-up)."""
        return [cast("ControlsPane", pane) for pane in self.query("#controls")]

    @property
    def plot(self) -> ContourPlot:
        return self._plot

    @property
    def table(self) -> StepTable:
        return self._table

    @property
    def map_plot(self) -> MapPlot | None:
        # By id: the widget's module (and the maps') loads when a map is first asked for.
        found = self.query("#map")
        return cast("MapPlot", found.first()) if found else None

    # -- the panes shown on demand, mounted when first shown ----------------------------------
    def _loss_plot(self) -> LossPlot:
        from ..widgets.loss_plot import LossPlot

        return self._on_demand(LossPlot, "loss", "#plots", after=self._plot)

    def _sharpness_strip(self) -> SharpnessStrip:
        from ..widgets.sharpness_strip import SharpnessStrip

        return self._on_demand(SharpnessStrip, "sharpness", "#right", after=self._eff_lr)

    def _lesson_pane(self) -> LessonPane:
        from ..widgets.lesson_pane import LessonPane

        return self._on_demand(LessonPane, "lesson", "#main", before=0)  # left of all

    def _explain_pane(self) -> ExplainPane:
        from ..widgets.explain_pane import ExplainPane

        return self._on_demand(
            ExplainPane, "explain", "#right", before=self._table, prepare=self._size_explain
        )

    def _on_demand(
        self,
        kind: type[PaneT],
        pane_id: str,
        parent: str,
        *,
        before: Widget | int | None = None,
        after: Widget | None = None,
        prepare: Callable[[Widget], None] | None = None,
    ) -> PaneT:
        """The pane ``pane_id``, mounted in ``parent`` (before or after a sibling, or at an
        index, so the order of the column stays the same) the first time it is asked for."""
        found = self.query(f"#{pane_id}")
        if found:
            return found.first(kind)
        pane = kind(id=pane_id)
        if prepare is not None:
            prepare(pane)
        self.query_one(parent).mount(pane, before=before, after=after)
        return pane

    def _size_explain(self, pane: Widget) -> None:
        # Stacked: all rows but the footer, the status and a five-row table.
        width, height = self._terminal
        pane.styles.max_height = max(4, height - 7) if width < NARROW_BELOW else "70%"

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for(event.size.width, event.size.height)

    def _layout_for(self, width: int, height: int) -> None:
        self._terminal = (width, height)
        narrow = width < NARROW_BELOW
        self.set_class(narrow, "-narrow")
        self.set_class(not narrow, "-wide")
        small = width < MIN_SIZE[0] or height < MIN_SIZE[1]
        self.set_class(small, "-too-small")
        self._set_spark_class()
        for explain in self.query("#explain"):  # none until first shown
            self._size_explain(explain)
        if small:
            for message in self.query("#too-small").results(Static):
                message.update(
                    f"optiscope needs a terminal of at least {MIN_SIZE[0]}×{MIN_SIZE[1]};\n"
                    f"this one is {width}×{height}. Please enlarge it.\n\n(q quits)"
                )

    # -- view state: reactives whose watchers set the classes ----------------------------------
    def watch_plot_view(self, old: PlotView, view: PlotView) -> None:
        for name in ("contours", "loss", "map", "hyper"):
            self.set_class(view == name, f"-view-{name}")
        for was, widget in (("map", self.map_plot), ("hyper", self.hyper_plot)):
            if old == was and widget is not None:
                widget.cancel()
        if view in ("map", "hyper"):
            self._show_map()
        self.set_focus(self._view_widget())
        self.show_cursor()

    def watch_explaining(self, explaining: bool) -> None:
        self.set_class(explaining, "-explaining")
        self.show_cursor()

    def watch_sparklines(self, _wanted: bool | None) -> None:
        self._set_spark_class()
        self.show_cursor()

    def _set_spark_class(self) -> None:
        wanted = self.sparklines
        self.set_class(
            self._terminal[1] >= SPARK_FROM_HEIGHT if wanted is None else wanted, "-spark"
        )

    def watch_sharpness(self, on: bool) -> None:
        self.set_class(on, "-sharpness")
        self.show_cursor()

    def watch_controls(self, controls: Controls) -> None:
        self.set_class(controls == "hidden", "-hide-controls")
        self.set_class(controls == "shown", "-show-controls")

    def watch_lesson_shown(self, shown: bool) -> None:
        self.set_class(shown, "-lesson")
        if not shown and self.focused is not None and not self._visible(self.focused):
            self.set_focus(self.plot)

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    # -- the snapshot ----------------------------------------------------------------------
    def snapshot(self) -> Shown:
        model = self.model
        runs = tuple(
            RunShown(
                run.label,
                run.color,
                run.marker,
                run.setup.optimizer,
                run.setup.hyperparameters,
                run.trajectory,
                model.record_index(run),
                model.status_text(run),
            )
            for run in model.runs
        )
        return Shown(
            version=model.version,
            surface=model.surface,
            start=model.start,
            runs=runs,
            focused=model.focused,
            cursor=model.cursor,
            step=model.shown_step,
            horizon=model.records_wanted() - 1,
            computing=(self.computer.progress or 0.0) if model.pending else None,
            running=self.running,
            speed=self.speed,
            noise=model.noise,
            schedule=model.schedule,
            note=self._note[0] if time.monotonic() < self._note[1] else "",
        )

    def show_all(self) -> None:
        """After the runs changed: new paths, new table, fresh controls, then the cursor."""
        self._shown_version = -1
        self.show_cursor()

    def show_cursor(self) -> None:
        if not self._ready:
            return  # before on_mount: the widgets are not there yet
        shown = self.snapshot()
        run = shown.focused_run
        if shown.version != self._shown_version or shown.focused != self._shown_focus:
            self._shown_version, self._shown_focus = shown.version, shown.focused
            self.table.set_trajectory(run.trajectory, shown.coords, run.label)
            self.plot.set_start(shown.start)
            for pane in self._controls_panes():  # none for a moment at start-up
                pane.show(shown)
            self._show_map()
        series = [
            PlotSeries(r.label, r.color, r.marker, r.trajectory.column("params"), r.trajectory)
            for r in shown.runs
        ]
        self.plot.set_vectors(self._vector_overlay(shown))
        self.plot.set_series(series, shown.step, shown.focused)
        if self.plot_view == "loss":
            f_min = min((m.value for m in shown.surface.minima), default=0.0)
            end = shown.horizon + 1
            self._loss_plot().set_losses(
                [
                    (r.label, r.color, r.marker, r.trajectory.column("loss")[:end])
                    for r in shown.runs
                ],
                shown.step,
                f_min,
                last_step=shown.horizon,
            )
        # Every computed record, those ahead of the cursor too: rows then arrive a chunk at
        # a time, and a step is not a change of the table's size (a layout pass, 5 ms).
        self.table.notify_extended()
        self.table.set_cursor(run.index)
        if self.has_class("-spark"):
            self._eff_lr.show(shown)
        if self.sharpness:
            self._sharpness_strip().show(shown)
        if self.explaining:
            self._explain_pane().show(shown)
        self._status.show(shown)
        self._report_divergence(shown)

    def _report_divergence(self, shown: Shown) -> None:
        for run in shown.runs:
            status = run.trajectory.status
            key = id(run.trajectory)
            if (
                status.kind == "diverged"
                and status.step is not None
                and status.step <= shown.step
                and key not in self._reported_divergence
            ):
                self._reported_divergence.add(key)
                self.notify(f"{run.label} {status.text()}", severity="warning", timeout=4)

    # -- changes to the setup --------------------------------------------------------------
    def setup_changed(self) -> None:
        """The runs were replaced: stop computing the old ones, start the new ones, and let
        go of a lesson (its text is about the setup it opened)."""
        self.computer.cancel()
        self._detach_lesson()
        # The feedback first: the next frame repaints the status line alone, "computing…";
        # the new paths, table and controls come in the frame after it (at step 50,000 they
        # are a layout and a repaint of most of the screen, ~30 ms), then the work.
        self._status.show(self.snapshot())
        if not self._new_setup_pending:
            self._new_setup_pending = True
            self.call_after_refresh(self._show_new_setup)

    def _show_new_setup(self) -> None:
        self._new_setup_pending = False
        self.show_all()
        self.call_after_refresh(self._after_first_frame)

    def on_edit(self, edit: Edit) -> None:
        edit.stop()
        surface = self.model.surface
        error = apply_edit(self.model, edit.field, edit.value)
        if edit.reply is not None:
            edit.reply(error)
        elif error is not None:
            self.notify(error, severity="warning")
        if error is None:
            if self.model.surface is not surface:
                self._new_surface()
            self.setup_changed()

    def on_focus_run(self, message: FocusRun) -> None:
        message.stop()
        self.model.focused = message.index % len(self.model.runs)
        self.show_all()

    def on_open_formula(self, message: OpenFormula) -> None:
        message.stop()
        self.run_worker(self.action_formula(), exclusive=True, group="dialog")

    def _new_surface(self) -> None:
        self.plot.set_surface(self.model.surface)
        self._reported_divergence.clear()

    def _try(self, change: object) -> bool:
        """Run a model change; an OptiscopeError becomes a notification, nothing changes."""
        try:
            if callable(change):
                change()
        except OptiscopeError as exc:
            self.notify(str(exc), severity="warning")
            return False
        self.setup_changed()
        return True

    # -- actions: steps and optimizers -----------------------------------------------------
    def action_reset(self) -> None:
        self.autorun.stop()
        self.model.first()
        self.plot.reset_view()
        self._show_map()
        self.show_cursor()

    async def action_add_optimizer(self) -> None:
        from ..screens.add_optimizer import AddOptimizerScreen

        def valid(spec: str) -> str | None:
            try:
                self.model.add_optimizer(spec)
            except OptiscopeError as exc:
                return str(exc)
            self.setup_changed()
            return None

        await self.app.push_screen(AddOptimizerScreen(valid))

    def action_remove_optimizer(self) -> None:
        self._try(self.model.remove_focused)

    async def action_edit_form(self) -> None:
        self.lesson_shown = False
        if self.narrow:
            self.controls = "shown"
        elif self.controls == "hidden":
            self.controls = "auto"
        for pane in self._controls_panes():
            await pane.focus_form()

    # -- actions: start point --------------------------------------------------------------
    def action_move_start(self, dx: int, dy: int) -> None:
        self._try(lambda: self.model.nudge_start(dx, dy, self.plot.window))

    def action_named_start(self, index: int) -> None:
        names = list(self.model.surface.starts)
        if self._try(lambda: self.model.named_start(index)):
            self.notify(f"start {names[index]}", timeout=1.5)

    def on_contour_plot_clicked(self, event: ContourPlot.Clicked) -> None:
        self._try(lambda: self.model.set_start((event.x, event.y)))

    async def action_formula(self) -> None:
        from ..screens.formula import FormulaScreen

        surface = self.model.surface
        formula = domain = ""
        if isinstance(surface, FormulaSurface):
            (x0, x1), (y0, y1) = surface.domain
            formula, domain = surface.text, ",".join(fmt(v) for v in (x0, x1, y0, y1))

        def apply(text: str, domain: str = "") -> str | None:
            try:
                self.model.set_surface_text(text, domain)
            except OptiscopeError as exc:
                return str(exc)
            self._new_surface()
            self.setup_changed()
            return None

        await self.app.push_screen(FormulaScreen(apply, formula, domain))

    # -- actions: view ---------------------------------------------------------------------
    def action_zoom(self, factor: float) -> None:
        self.plot.zoom(factor)
        self._show_map()

    def action_pan(self, dx: float, dy: float) -> None:
        self.plot.pan(dx, dy)
        self._show_map()

    def action_reset_view(self) -> None:
        self.plot.reset_view()
        self._show_map()

    def action_equal_aspect(self) -> None:
        self.plot.equal_aspect = not self.plot.equal_aspect
        self._show_map()
        self.notify("equal aspect " + ("on" if self.plot.equal_aspect else "off"), timeout=1.5)

    def action_explain(self) -> None:
        self.explaining = not self.explaining

    def action_sparklines(self) -> None:
        self.sparklines = not self.has_class("-spark")

    def action_sharpness_strip(self) -> None:
        self.sharpness = not self.sharpness

    def action_loss_view(self) -> None:
        self.plot_view = "contours" if self.plot_view == "loss" else "loss"

    def action_table_layout(self) -> None:
        table = self.table
        table.set_layout("stacked" if table.shown_layout == "wide" else "wide")
        self.notify(
            "Step table: one line per coordinate"
            if table.shown_layout == "stacked"
            else "Step table: one line per step (> and < show the columns further right)",
            timeout=3,
        )

    def action_table_columns(self, delta: int) -> None:
        self.table.scroll_columns(delta)

    def action_toggle_controls(self) -> None:
        if self.lesson_shown:
            self.lesson_shown = False
            if self.narrow:
                self.controls = "shown"
            return
        if self.narrow:
            self.controls = "auto" if self.controls == "shown" else "shown"
            if self.controls == "shown":
                for pane in self._controls_panes():
                    self.set_focus(pane)
            else:
                self.set_focus(self.plot)
        else:
            self.controls = "auto" if self.controls == "hidden" else "hidden"

    def action_focus_plot(self) -> None:
        for widget in (self.map_plot, self.hyper_plot):
            if widget is not None and widget.cancel():
                return  # Escape first stops a map being computed
        view = self._view_widget()
        if self.plot_view in ("map", "hyper") and self.focused is view:
            # A map already in focus: Escape leaves it, as its key (m, B) does.
            self.plot_view = "contours"
            self.set_focus(self.plot)
            return
        if self.controls == "shown":
            self.controls = "auto"
        # Now, not on the next idle: keys may already be queued.
        self.set_focus(self._view_widget())

    def _view_widget(self) -> ContourPlot | MapPlot | HyperMapPlot:
        """The widget that shows the plot view (and takes the keys)."""
        shown = {"map": self.map_plot, "hyper": self.hyper_plot}.get(self.plot_view)
        return shown if shown is not None else self.plot

    def refocus_if_hidden(self) -> None:
        """A key must not reach a widget in a pane hidden since (a dropdown left open when a
        lesson took the controls' place): it would act unseen. The plot takes the keys."""
        focused = self.focused
        if focused is None or focused is self.plot or self._visible(focused):
            return
        self.set_focus(self.plot)

    def _visible(self, widget: object) -> bool:
        from textual.widget import Widget

        if not isinstance(widget, Widget):
            return True
        return all(node.display for node in widget.ancestors_with_self if node is not self)

    async def action_help(self) -> None:
        from ..screens.help import HelpScreen

        await self.app.push_screen(HelpScreen(self.COMMANDS_TABLE + IN_MODES))

    async def action_highdim(self) -> None:
        from ..screens.highdim import HighDimScreen

        self.autorun.stop()
        await self.app.push_screen(HighDimScreen())

    # -- maps --------------------------------------------------------------------------------
    async def action_map_view(self) -> None:
        await self.ensure_map_plot()
        self.plot_view = "contours" if self.plot_view == "map" else "map"

    async def action_map_metric(self) -> None:
        from ..map_view import next_metric

        hp = self.hyper_plot
        if self.plot_view == "hyper" and hp is not None:
            hp.set_metric(hp.next_metric())
            self._show_map(retry=True)
            return
        mp = await self.ensure_map_plot()
        mp.set_metric(next_metric(mp.metric))
        self.plot_view = "map"
        self._show_map(retry=True)

    async def action_map_difference(self) -> None:
        mp = await self.ensure_map_plot()
        if not mp.compare and len(self.model.runs) < 2:
            self.notify(
                "The difference view compares the focused optimizer with the next one: "
                "add a second optimizer with a.",
                severity="warning",
                timeout=4,
            )
            return
        mp.compare = not mp.compare
        self.plot_view = "map"
        self._show_map(retry=True)

    async def ensure_map_plot(self) -> MapPlot:
        """The map widget is mounted the first time it is asked for (not at start-up)."""
        from ..widgets.map_plot import MapPlot

        mp = self.map_plot
        if mp is None:
            mp = MapPlot(id="map")
            await self.query_one("#plots").mount(mp)
        return mp

    def _show_map(self, retry: bool = False) -> None:
        """After a setup or view change: the map recomputes if what it shows changed."""
        if self.plot_view == "hyper":
            from .hyper import show_hyper

            show_hyper(self, retry)
            return
        mp = self.map_plot
        if mp is None or self.plot_view != "map":
            return
        from ..map_view import map_setup

        mp.show_setup(map_setup(self.model, self.plot.window, mp.compare), retry=retry)

    # -- the hyperparameter plane: nudges and the lr×β map (explorer/hyper.py) ---------------
    @property
    def hyper_plot(self) -> HyperMapPlot | None:
        found = self.query("#hyper-map")
        return cast("HyperMapPlot", found.first()) if found else None

    def action_nudge_lr(self, direction: int) -> None:
        from .hyper import nudge_key

        nudge_key(self, "lr", direction)

    def action_nudge_beta(self, direction: int) -> None:
        from .hyper import nudge_key

        nudge_key(self, "beta", direction)

    async def action_hyper_map(self) -> None:
        from .hyper import toggle_hyper_map

        await toggle_hyper_map(self)

    def on_hyper_map_plot_chosen(self, message: HyperMapPlot.Chosen) -> None:
        from .hyper import apply_cell

        message.stop()
        apply_cell(self, message)

    def show_note(self, text: str) -> None:
        """A passing line in the status line (a nudge's old → new value)."""
        self._note = (text, time.monotonic() + NOTE_SECONDS)
        self.set_timer(NOTE_SECONDS + 0.05, self.show_cursor)

    # -- vectors at the cursor, the gradient field, shaded contours -------------------------
    def watch_vectors(self, _on: bool) -> None:
        self.show_cursor()

    def watch_gradient_field(self, on: bool) -> None:
        self.plot.field = on

    def watch_shaded(self, on: bool) -> None:
        self.plot.shaded = on

    def action_vectors(self) -> None:
        self.vectors = not self.vectors
        if self.vectors and self.plot_view != "contours":
            self.plot_view = "contours"
        self.notify("vectors at the cursor " + ("on" if self.vectors else "off"), timeout=1.5)

    def action_gradient_field(self) -> None:
        self.gradient_field = not self.gradient_field
        if self.gradient_field and self.plot_view != "contours":
            self.plot_view = "contours"
        self.notify("gradient field " + ("on" if self.gradient_field else "off"), timeout=1.5)

    def action_shaded(self) -> None:
        self.shaded = not self.shaded
        if self.plot_view != "contours":
            self.plot_view = "contours"
        self.notify("shaded contours " + ("on" if self.shaded else "off"), timeout=1.5)

    def _vector_overlay(self, shown: Shown) -> VectorOverlay | None:
        """The focused run's step at the cursor as arrows, while vectors are on."""
        if not self.vectors or self.plot_view != "contours":
            return None
        if self._overlays is None:
            from .step_overlays import StepOverlays

            self._overlays = StepOverlays()
        run = shown.focused_run
        overlay = self._overlays.at(run, run.index)
        if not self._overlay_ahead_pending:
            self._overlay_ahead_pending = True
            self.set_timer(PREFETCH_AFTER, self._overlay_ahead)
        return overlay

    def _overlay_ahead(self) -> None:
        """After the frame: the next step's arrows, for the key that will ask for them."""
        self._overlay_ahead_pending = False
        if self._overlays is not None and self.vectors and self.is_mounted:
            self._overlays.ahead(self.snapshot().focused_run)

    def _lesson_views(self, lesson: Lesson) -> None:
        """A lesson about which way a step goes opens with the step's vectors drawn."""
        if "vectors" in lesson.shows:
            self.vectors = True
        if "sharpness" in lesson.shows:
            self.sharpness = True

    # -- lessons -----------------------------------------------------------------------------
    async def action_pick_lesson(self) -> None:
        from ..screens.lessons import LessonScreen

        def chosen(lesson_id: str | None) -> None:
            if lesson_id is not None:
                from optiscope.core.lessons.catalog import get_lesson

                self.load_lesson(get_lesson(lesson_id))

        await self.app.push_screen(LessonScreen(), chosen)

    def load_lesson(self, lesson: Lesson) -> None:
        """Replace the whole setup with the lesson's and show its question beside the plot."""
        self.autorun.stop()
        self.computer.cancel()
        self.model = ExplorerModel.from_lesson(lesson)
        self._new_surface()
        self.keep_up()
        self.show_all()
        self._show_lesson(lesson)

    def _show_lesson(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self._lesson_views(lesson)
        self._lesson_pane().show(lesson, lesson.measure())
        self.lesson_shown = True
        if self.controls == "shown":
            self.controls = "auto"
        self.sub_title = f"lesson {lesson.number}: {lesson.title}"

    def _detach_lesson(self) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        self.lesson = None
        self.lesson_shown = False
        self.sub_title = ""
        self.notify(
            f"Lesson {lesson.number} closed: its answer is about the setup it opened "
            "(L opens it again).",
            timeout=4,
        )

    def action_toggle_lesson(self) -> None:
        if self.lesson is None:
            self.notify("No lesson loaded: press L to pick one.", timeout=3)
            return
        self.lesson_shown = not self.lesson_shown

    # -- a step in parts (u), predict mode (y), the lesson's scroll (J, K) --------------------
    # Modals over the right column (explorer/step_modes.py): nothing runs per step for them.
    async def action_play_step(self) -> None:
        from .step_modes import play_step

        await play_step(self)

    async def action_predict(self) -> None:
        from .step_modes import predict

        await predict(self)

    @property
    def predict_score(self) -> Score:
        if self._score is None:
            from optiscope.core.predict import Score

            self._score = Score()
        return self._score

    @predict_score.setter
    def predict_score(self, score: Score) -> None:
        self._score = score

    def predict_step(self) -> None:
        self.action_step(1)

    def predict_focus(self, delta: int) -> None:
        self.action_cycle_focus(delta)

    def action_scroll_lesson(self, pages: int) -> None:
        if not self.lesson_shown:
            self.notify("No lesson shown: L picks one (i shows a loaded one).", timeout=2)
            return
        self._lesson_pane().scroll_page(pages)

    # -- sessions and files ------------------------------------------------------------------
    def current_view(self) -> View:
        return View(
            window=self.plot.zoomed_view,
            equal_aspect=self.plot.equal_aspect,
            loss_view=self.plot_view == "loss",
            table_layout=self.table.requested_layout,
            lesson=self.lesson.id if self.lesson is not None else None,
        )

    def apply_view(self, view: View) -> None:
        if view.window is not None:
            self.plot.set_view(view.window)
        self.plot.equal_aspect = view.equal_aspect
        self.plot_view = "loss" if view.loss_view else "contours"
        self.table.set_layout(view.table_layout)  # type: ignore[arg-type]
        if view.lesson is not None:
            from optiscope.core.lessons.catalog import get_lesson

            try:
                self._show_lesson(get_lesson(view.lesson))
            except OptiscopeError:
                self.notify(f"lesson {view.lesson!r} is not known here", severity="warning")

    def current_session(self) -> Session:
        from .sessions import session_of

        return session_of(self.model, self.current_view())

    def apply_session(self, session: Session) -> None:
        """Replace the whole setup and view; the model is built first, so a failure changes
        nothing."""
        model = ExplorerModel.from_setup(session.setup, session.cursor, session.focused)
        self.autorun.stop()
        self.computer.cancel()
        self.model = model
        self.lesson = None
        self.lesson_shown = False
        self._new_surface()
        self.keep_up()
        self.show_all()
        self.apply_view(session.view)

    async def action_session(self) -> None:
        from .sessions import open_dialog

        await open_dialog(self)

    def action_export(self) -> None:
        from . import files

        try:
            paths = files.export_runs(self.model, self.folder)
            if self.served and self.app.is_web:
                self.app.deliver_binary(files.bundle(paths))
        except (OptiscopeError, OSError, ValueError) as exc:
            self.notify(f"export failed: {exc}", severity="error")
            return
        self.notify(f"exported {paths[0].name} and {paths[1].name}")

    def action_screenshot(self) -> None:
        """P: an SVG of the screen, always in the export folder (served: no caller may pick
        a server path)."""
        from .files import stamped

        name = stamped(self.folder, "screen", ".svg").name
        try:
            path = self.app.save_screenshot(filename=name, path=str(self.folder))
            if self.served and self.app.is_web:
                self.app.deliver_binary(path, mime_type="image/svg+xml")
        except OSError as exc:
            self.notify(f"screenshot failed: {exc}", severity="error")
            return
        self.notify(f"saved {Path(path).name}")

    def action_save_preferences(self) -> None:
        save = getattr(self.app, "save_view_preferences", None)
        if save is not None:
            save(self.plot_view == "loss", self.sparklines, self.table.requested_layout)

    # -- the command palette -----------------------------------------------------------------
    def system_commands(self) -> Iterable[SystemCommand]:
        from optiscope.core.lessons.catalog import LESSONS

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
        for command in self.COMMANDS_TABLE:
            if command.action == "app.quit":
                continue
            yield SystemCommand(
                command.help[:1].upper() + command.help[1:],
                f"key: {command.key_display or command.keys.split(',')[0]}",
                lambda action=command.action: self.run_action(action),
            )
