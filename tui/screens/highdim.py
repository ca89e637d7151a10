"""``H``: the high-dimensional view. Optimizers compared on an N-dimensional quadratic (or
logistic regression): loss curves, the focused run's top-k coordinates at the cursor, the
paths projected on a fixed plane over the loss in that plane, and the basis lesson measured.

A full screen over the explorer, with the explorer's stepping keys (one table, see
``stepping``); Escape, q or H go back to the explorer unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Hashable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.highdim.basis_story import BasisReport, measure_basis
from optiscope.core.highdim.plane_surface import PlaneSurface
from optiscope.core.highdim.problems import Problem, Quadratic
from optiscope.core.highdim.spec import problem_spec, problem_summary
from optiscope.core.highdim.views import FIELDS

from ..bindings import HIGHDIM, STEPPING, Command, bindings
from ..highdim_model import HighDimModel
from ..stepping import SteppingScreen
from ..widgets.basis_panel import BasisPanel
from ..widgets.footer import Footer
from ..widgets.loss_plot import LossPlot
from ..widgets.plot_canvas import ContourPlot, PlotSeries
from ..widgets.status_line import StatusLine
from ..widgets.topk_bars import TopKBars

NARROW_BELOW = 100
HELP = (
    "Loss: f − f* per step for every optimizer (log scale), the cursor at the step shown.  "
    "Bars: the focused optimizer's largest coordinates of |g|, √S, ηeff = |Δ|/|g| or |Δ| "
    "at that step.  Plane: every path projected on two fixed directions (the Hessian's "
    "top two eigenvectors, or two seeded random ones) over the loss in that plane; the "
    "caption says how far the point lies off it.  Basis: steps to the tolerance measured "
    "for these optimizers with the eigenbasis along the axes and rotated.\n"
    "n/→ p/← step · space run · ] [ speed · g jump · Home/End · o/O focus · b bars · "
    "e plane · R rotate · v plane/basis (narrow) · ? help · Esc/q/H back to the explorer"
)

#: Basis reports by (problem without its rotation, optimizer specs): rotating back and forth
#: or reopening the screen shows the numbers at once.
_REPORTS: dict[Hashable, BasisReport] = {}


def report_key(problem: Problem, specs: Sequence[str]) -> Hashable:
    """Both bases share one report: the key leaves the rotation out."""
    if isinstance(problem, Quadratic):
        return ("quadratic", problem.dim, problem.condition, problem.seed, tuple(specs))
    return (problem_spec(problem), tuple(specs))


class HighDimScreen(SteppingScreen):
    CSS_PATH = "../highdim.tcss"
    COMMANDS_TABLE: ClassVar[tuple[Command, ...]] = STEPPING + HIGHDIM
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(STEPPING + HIGHDIM)]
    SPEEDS: ClassVar[tuple[int, ...]] = (1, 2, 5, 10, 20, 50, 100, 200, 500)
    DEFAULT_SPEED: ClassVar[int] = 50
    MAX_TICK_RATE: ClassVar[int] = 30

    def __init__(
        self, problem_text: str | None = None, optimizer_specs: list[str] | None = None
    ) -> None:
        super().__init__()
        #: Why the asked-for setup was not used (the default is shown instead), or None.
        self.error: str | None = None
        try:
            self.model = HighDimModel.create(problem_text, optimizer_specs)
        except OptiscopeError as exc:
            self.error = str(exc)
            self.model = HighDimModel.create()
        self._shown_version = -1
        self._paths_key: Hashable = None
        self._paths: list[PlotSeries] = []
        self._surface: PlaneSurface | None = None
        self._reported: set[int] = set()

    @property
    def comparison(self) -> HighDimModel:  # type: ignore[override]
        return self.model

    def keep_up(self, quick: bool = True) -> None:
        """High-dimensional runs keep a cache of recent blocks that reading fills, so one
        thread does both: the runs are extended here, as far as the cursor needs."""
        self.model.extend_now(self.model.records_wanted())

    def show_cursor(self) -> None:
        self.refresh_cursor()

    def show_all(self) -> None:
        self.refresh_all()

    # -- layout ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self._layout_for(self.app.size.width)
        yield Static("", id="hd-header")
        with Horizontal(id="hd-body"):
            with Vertical(id="hd-left"):
                yield LossPlot(show_legend=not self.has_class("-narrow"), id="hd-loss")
                yield TopKBars(id="hd-bars")
            with Vertical(id="hd-right"):
                with Vertical(id="hd-plane-box"):
                    yield ContourPlot(show_legend=False, wheel_zoom=False, id="hd-plane")
                    yield Static("", id="hd-caption")
                yield BasisPanel(id="hd-basis")
        yield Static(HELP, id="hd-help")
        yield StatusLine(id="hd-status")
        yield Footer()

    def on_mount(self) -> None:
        self.keep_up()
        if self.error is not None:
            self.notify(self.error, title="high-dimensional view", severity="error", timeout=8)
        self.refresh_all()

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        narrow = width < NARROW_BELOW
        self.set_class(narrow, "-narrow")
        self.set_class(not narrow, "-wide")
        for loss in self.query(LossPlot):  # none while composing
            # Narrow, the legend would hide most of the curves; the status line names them.
            loss.show_legend = not narrow
            loss.refresh()

    # -- pushing model state to the views --------------------------------------------------
    def refresh_all(self) -> None:
        """After the runs were rebuilt or extended: header, curves, plane, basis panel."""
        model = self.model
        self._shown_version = model.version
        text = Text(problem_summary(model.problem), style="bold")
        if self.error is not None:
            text = Text.assemble((f"{self.error}: showing the default setup\n", "bold red"), text)
        self.query_one("#hd-header", Static).update(text)
        self._draw_plane()
        self._show_basis()
        self.refresh_cursor()

    def refresh_cursor(self) -> None:
        """After a cursor, focus or quantity change: curves' cursor, path heads, bars, status."""
        model = self.model
        if model.version != self._shown_version:
            self.refresh_all()
            return
        f_min = model.problem.f_min
        self.query_one(LossPlot).set_losses(
            [(c.label, c.color, c.marker, c.run.column("loss")) for c in model.compared],
            model.cursor,
            f_min if f_min is not None else float("nan"),
        )
        self.query_one(ContourPlot).set_series(self._paths, model.cursor, model.focused)
        self._show_bars()
        focused = model.focused_run
        self.query_one("#hd-caption", Static).update(
            Text.assemble(
                (focused.marker, focused.color),
                f" {fmt(model.off_plane())} off the {model.basis} plane ",
                (f"({model.problem.dim - 2} other directions)", "dim"),
                no_wrap=True,
                overflow="ellipsis",
            )
        )
        self.query_one(StatusLine).update(self._status())
        self._report_divergence()

    def _draw_plane(self) -> None:
        model = self.model
        key = (model.version, model.basis, tuple(len(r) for r in model.runs))
        if key == self._paths_key:
            return
        self._paths_key = key
        coords = model.projections()
        self._paths = [
            PlotSeries(c.label, c.color, c.marker, xy)
            for c, xy in zip(model.compared, coords, strict=True)
        ]
        surface = model.surface(coords)
        if surface is not self._surface:
            self._surface = surface
            plot = self.query_one(ContourPlot)
            plot.set_surface(surface)
            plot.set_start(surface.start())

    def _show_bars(self) -> None:
        model = self.model
        c = model.focused_run
        record = model.record(c)
        bars = self.query_one(TopKBars)

        context = Text.assemble(f" at step {record.t} · ", (c.marker, c.color), f" {c.label}")
        problem = model.field_problem()
        if problem is not None:
            bars.show_message(FIELDS[model.field], context, f"{problem} (b: next quantity)")
            return
        bars.show(model.top(), context, c.color, model.problem.dim)

    def _status(self) -> Text:
        model = self.model
        c = model.focused_run
        record = model.record(c)
        status = model.status_text(c)
        style = {"converged": "bold green", "diverged": "bold red"}.get(status.split()[0], "")
        text = Text.assemble(
            (
                f"▶ {self.speed} steps/s  " if self.running else "paused  ",
                "bold" if self.running else "dim",
            ),
            ("t ", "dim"),
            (f"{model.cursor}", "bold"),
            ("  ", ""),
            (c.marker, c.color),
            f" {c.label}  ",
            ("f − f* ", "dim"),
            fmt(_gap(record.loss, model.problem.f_min)),
            ("  ‖∇f‖ ", "dim"),
            fmt(record.grad_norm),
            "  ",
            (status, style),
        )
        for other in model.compared:
            if other is not c and model.status_text(other) != "running":
                text.append("  ")
                text.append(other.marker, other.color)
                text.append(f" {model.status_text(other).split(' (')[0]}", "dim")
        return text

    def _report_divergence(self) -> None:
        for c in self.model.compared:
            status = c.run.status
            if (
                status.kind == "diverged"
                and status.step is not None
                and status.step <= self.model.cursor
                and id(c.run) not in self._reported
            ):
                self._reported.add(id(c.run))
                self.notify(f"{c.label} {status.text()}", severity="warning", timeout=4)

    # -- the basis panel, measured in a worker -------------------------------------------------
    def _show_basis(self) -> None:
        model = self.model
        panel = self.query_one(BasisPanel)
        key = report_key(model.problem, model.specs)
        report = _REPORTS.get(key)
        if report is None:
            what = "in both bases" if model.rotatable else "on this problem"
            panel.waiting(f"Measuring steps to the tolerance {what} for every optimizer…")
            problem, specs = model.problem, list(model.specs)
            self.run_worker(
                lambda: self._measure(key, problem, specs),
                thread=True,
                exclusive=True,
                group="basis",
            )
            return
        looks = [(c.marker, c.color) for c in model.compared]
        problem = model.problem
        current = (1 if problem.rotated else 0) if isinstance(problem, Quadratic) else None
        panel.show(report, looks, current)

    def _measure(self, key: Hashable, problem: Problem, specs: list[str]) -> None:
        _REPORTS[key] = measure_basis(problem, specs)
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            self.app.call_from_thread(self._basis_measured)

    def _basis_measured(self) -> None:
        if self.is_attached:
            self._show_basis()

    # -- actions: what is shown ----------------------------------------------------------------
    def action_cycle_field(self) -> None:
        message = self.model.cycle_field()
        if message is not None:
            self.notify(message, timeout=4)
        self.refresh_cursor()

    def action_toggle_plane(self) -> None:
        basis = self.model.toggle_plane()
        self.notify(
            "plane: the top two eigenvectors of the Hessian"
            if basis == "eigen"
            else f"plane: two random directions (seed {self.model.problem_seed})",
            timeout=2,
        )
        self._draw_plane()
        self.refresh_cursor()

    def action_toggle_rotated(self) -> None:
        problem = self.model.problem
        try:
            self.model.set_rotated(not getattr(problem, "rotated", False))
        except OptiscopeError as exc:
            self.notify(str(exc), severity="warning", timeout=4)
            return
        self.error = None
        self._reported.clear()
        self.keep_up()
        rotated = getattr(self.model.problem, "rotated", False)
        self.notify("rotated basis" if rotated else "axis-aligned basis", timeout=2)
        self.refresh_all()

    def action_toggle_pane(self) -> None:
        if not self.has_class("-narrow"):
            self.notify("the plane and the basis panel are both shown at this width", timeout=2)
            return
        self.toggle_class("-show-basis")

    def action_help(self) -> None:
        self.toggle_class("-help")

    def action_close(self) -> None:
        self.autorun.stop()
        self.dismiss(None)

    def on_contour_plot_clicked(self, event: ContourPlot.Clicked) -> None:
        # The explorer moves its start on a click; a plane point is no start of its.
        event.stop()


def _gap(loss: float, f_min: float | None) -> float:
    return loss - f_min if f_min is not None else loss
