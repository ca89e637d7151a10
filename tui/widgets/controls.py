"""The controls pane: surface, start, compared optimizers, hyperparameters, noise, schedule.

It shows a snapshot (``show``) and sends every change up as a message: an ``Edit`` (answered
with the reason when refused, shown inline), ``FocusRun`` or ``OpenFormula``. It never
touches the model or the App.
"""

from __future__ import annotations

import asyncio
from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt
from optiscope.core.noise import SEED, SIGMA
from optiscope.core.params import Param, parse_number
from optiscope.core.schedules import parse_schedule, schedule_examples
from optiscope.core.surfaces import SURFACES

from ..explorer.messages import Edit, FocusRun, OpenFormula
from ..explorer.snapshot import Shown
from .field_row import Check, FieldRow
from .flag_box import FlagBox

CUSTOM_START = "__custom__"
#: The surface list's last entry: opens the formula box (key F does the same).
TYPE_FORMULA = "__formula__"


def value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def refusal(check: object) -> Check:
    """A Check from a function that raises OptiscopeError on text it refuses."""

    def checked(text: str) -> str | None:
        try:
            check(text)  # type: ignore[operator]
        except OptiscopeError as exc:
            return str(exc)
        return None

    return checked


def _number_check(label: str) -> Check:
    return refusal(lambda text: parse_number(text, label))


def _param_check(param: Param, owner: str) -> Check:
    return refusal(lambda text: param.validate(text, owner))


class ControlsPane(VerticalScroll):
    """Left-hand pane; ``show`` brings it up to date with a snapshot."""

    DEFAULT_CSS = """
    ControlsPane { width: 36; border-right: solid $primary-darken-2; padding: 0 1; }
    ControlsPane .section { color: $accent; text-style: bold; margin-top: 1; }
    ControlsPane .hint { color: $text-muted; }
    ControlsPane Select { width: 1fr; }
    ControlsPane OptionList { height: auto; max-height: 9; border: none; padding: 0; }
    ControlsPane Checkbox { border: none; padding: 0; height: 1; }
    ControlsPane Horizontal { height: auto; }
    ControlsPane #start-row { height: 1; }
    ControlsPane #start-row FieldRow { width: 1fr; }
    ControlsPane #surface-settings, ControlsPane #hyper-form { height: auto; }
    ControlsPane #start-row FieldRow Label { width: 2; }
    """

    def __init__(self, shown: Shown, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown = shown
        self._form_key: tuple[object, ...] = ()
        self._surface_key: tuple[object, ...] = ()
        self._shown_surfaces: list[tuple[Text, str]] = []
        #: What the start list and the runs list show now: rebuilt only when it changes
        #: (rebuilding a list is a layout pass, tens of ms: not on every edit).
        self._shown_starts: tuple[list[tuple[str, str]], str] | None = None
        self._shown_runs: list[Text] | None = None
        self._form_rebuilds = 0
        self._form_ready = asyncio.Event()
        self._form_ready.set()

    def compose(self) -> ComposeResult:
        shown = self.shown
        yield Label("Surface", classes="section")
        yield Select(
            self._surface_options(),
            value=shown.surface.name,
            allow_blank=False,
            id="surface-select",
            compact=True,
        )
        yield VerticalScroll(id="surface-settings")
        yield Label("Start", classes="section")
        yield Select(
            self._start_options(),
            value=self._start_value(),
            allow_blank=False,
            id="start-select",
            compact=True,
        )
        with Horizontal(id="start-row"):
            x, y = shown.coords
            yield FieldRow(x, fmt(shown.start[0]), "start-x", _number_check(x), id="start-x")
            yield FieldRow(y, fmt(shown.start[1]), "start-y", _number_check(y), id="start-y")
        yield Label("Optimizers", classes="section")
        yield Static("a add · d remove · o focus", classes="hint")
        yield OptionList(id="runs")
        yield Label("", classes="section", id="form-title")
        yield VerticalScroll(id="hyper-form")
        yield Label("Gradient noise", classes="section")
        yield FieldRow(
            "σ",
            value_text(shown.noise.sigma),
            "noise-sigma",
            _param_check(SIGMA, ""),
            id="noise",
            tooltip="std of Gaussian noise added to each gradient coordinate",
        )
        yield FieldRow(
            "seed", str(shown.noise.seed), "noise-seed", _param_check(SEED, ""), id="seed"
        )
        yield Label("Schedule", classes="section")
        yield FieldRow(
            "η sched",
            shown.schedule.spec(),
            "schedule",
            refusal(parse_schedule),
            id="schedule",
            tooltip=", ".join(schedule_examples()),
        )

    def on_mount(self) -> None:
        self.show(self.shown)

    # -- keeping up with the snapshot ------------------------------------------------------
    def show(self, shown: Shown) -> None:
        self.shown = shown
        surface_select = cast("Select[str]", self.query_one("#surface-select", Select))
        options = self._surface_options()
        if surface_select.value != shown.surface.name or options != self._shown_surfaces:
            self._shown_surfaces = options
            with surface_select.prevent(Select.Changed):
                surface_select.set_options(options)
                surface_select.value = shown.surface.name
        self._show_surface_settings()
        self._show_start()
        self._show_runs()
        self._show_form()
        self.query_one("#noise", FieldRow).set_value(value_text(shown.noise.sigma))
        self.query_one("#seed", FieldRow).set_value(str(shown.noise.seed))
        self.query_one("#schedule", FieldRow).set_value(shown.schedule.spec())

    def _show_surface_settings(self) -> None:
        surface = self.shown.surface
        key = (surface.name, tuple(p.name for p in surface.PARAMS))
        box = self.query_one("#surface-settings", VerticalScroll)
        box.display = bool(surface.PARAMS)
        if key == self._surface_key:
            for p in surface.PARAMS:
                for row in box.query(f"#surface-{p.name}").results(FieldRow):
                    row.set_value(value_text(surface.settings[p.name]))
            return
        self._surface_key = key
        box.remove_children()
        box.mount_all(
            FieldRow(
                p.symbol or p.name,
                value_text(surface.settings[p.name]),
                f"surface-setting:{p.name}",
                _param_check(p, surface.title),
                tooltip=f"{p.help} {p.range_text()}",
                id=f"surface-{p.name}",
            )
            for p in surface.PARAMS
        )
        box.styles.height = len(surface.PARAMS)

    def _show_start(self) -> None:
        shown = self.shown
        select = self.query_one("#start-select", Select)
        starts = (self._start_options(), self._start_value())
        if starts != self._shown_starts:
            self._shown_starts = starts
            with select.prevent(Select.Changed):
                select.set_options(starts[0])
                select.value = starts[1]
        x_row = self.query_one("#start-x", FieldRow)
        y_row = self.query_one("#start-y", FieldRow)
        x_row.set_label(shown.coords[0])
        y_row.set_label(shown.coords[1])
        x_row.set_value(fmt(shown.start[0]))
        y_row.set_value(fmt(shown.start[1]))

    def _show_runs(self) -> None:
        runs = self.query_one("#runs", OptionList)
        prompts = [
            Text.assemble(
                (f"{run.marker} ", run.color),
                (run.label, "bold" if i == self.shown.focused else ""),
            )
            for i, run in enumerate(self.shown.runs)
        ]
        if prompts != self._shown_runs:
            self._shown_runs = prompts
            runs.clear_options()
            runs.add_options([Option(p, id=f"run-{i}") for i, p in enumerate(prompts)])
        if runs.highlighted != self.shown.focused:
            runs.highlighted = self.shown.focused

    def _show_form(self) -> None:
        run = self.shown.focused_run
        opt = run.optimizer
        key = (opt.name,)
        title = self.query_one("#form-title", Label)
        title.update(
            Text.assemble(("Hyperparameters ", ""), (run.marker, run.color), f" {opt.name}")
        )
        form = self.query_one("#hyper-form", VerticalScroll)
        if key == self._form_key:
            for p in opt.schema:
                value = run.hyperparameters[p.name]
                for widget in form.query(f"#hp-{p.name}"):
                    if isinstance(widget, FieldRow):
                        widget.set_value(value_text(value))
                    elif isinstance(widget, Checkbox) and widget.value != bool(value):
                        with widget.prevent(Checkbox.Changed):
                            widget.value = bool(value)
            return
        self._form_key = key
        rows: list[Widget] = []
        for p in opt.schema:
            value = run.hyperparameters[p.name]
            if p.kind == "bool":
                box = FlagBox(p.name, bool(value), id=f"hp-{p.name}", compact=True)
                box.tooltip = p.help
                rows.append(box)
            else:
                rows.append(
                    FieldRow(
                        p.symbol or p.name,
                        value_text(value),
                        f"hp:{p.name}",
                        _param_check(p, opt.name),
                        tooltip=f"{p.name}: {p.help} {p.range_text()}",
                        id=f"hp-{p.name}",
                    )
                )
        self._form_rebuilds += 1
        self._form_ready.clear()
        self.call_later(self._rebuild_form, form, rows)

    async def _rebuild_form(self, form: Widget, rows: list[Widget]) -> None:
        """Swap the form's rows once the old ones are gone (their ids are reused)."""
        try:
            await form.remove_children()
            await form.mount_all(rows)
        finally:
            self._form_rebuilds -= 1
            if self._form_rebuilds == 0:
                self._form_ready.set()

    async def focus_form(self) -> None:
        """Focus the first hyperparameter field of the focused optimizer's form.

        Waits for a pending rebuild and sets focus at once (not on the next idle), so
        keys typed right after `o f Tab` land in the new form, not the one removed.
        """
        await self._form_ready.wait()
        fields = self.query("#hyper-form Input, #hyper-form Checkbox")
        if fields:
            self.screen.set_focus(fields.first())

    # -- sending edits up ------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        shown = self.shown
        if event.select.id == "surface-select" and event.value == TYPE_FORMULA:
            surfaces = cast("Select[str]", event.select)
            with surfaces.prevent(Select.Changed):
                surfaces.value = shown.surface.name
            self.post_message(OpenFormula())
        elif event.select.id == "surface-select" and event.value != shown.surface.name:
            self.post_message(Edit("surface", str(event.value)))
        elif event.select.id == "start-select" and event.value != CUSTOM_START:
            starts = shown.surface.starts
            names = list(starts)
            # The select also reports values set here (at mount, after a surface change).
            if event.value in names and starts[str(event.value)] != shown.start:
                self.post_message(Edit("start-named", names.index(str(event.value))))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        name = (event.checkbox.id or "").removeprefix("hp-")
        current = self.shown.focused_run.hyperparameters.get(name)
        if current is not None and bool(current) != event.value:
            self.post_message(Edit(f"hp:{name}", event.value))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index != self.shown.focused:
            self.post_message(FocusRun(event.option_index))

    # -- helpers ---------------------------------------------------------------------------
    def _surface_options(self) -> list[tuple[Text, str]]:
        """The built-ins, the current surface when it is not one (a typed formula), and an
        entry that opens the formula box. Text, not markup: a formula is what a user typed."""
        options = [(Text(cls.title), name) for name, cls in SURFACES.items()]
        surface = self.shown.surface
        if surface.name not in SURFACES:
            text = getattr(surface, "text", surface.title)
            shown = text if len(text) <= 26 else f"{text[:25]}…"
            options.append((Text(f"f = {shown}"), surface.name))
        options.append((Text("Type a formula… (F)"), TYPE_FORMULA))
        return options

    def _start_options(self) -> list[tuple[str, str]]:
        options = [
            (f"{name} ({fmt(p[0])}, {fmt(p[1])})", name)
            for name, p in self.shown.surface.starts.items()
        ]
        return [*options, ("custom", CUSTOM_START)]

    def _start_value(self) -> str:
        for name, point in self.shown.surface.starts.items():
            if point == self.shown.start:
                return name
        return CUSTOM_START
