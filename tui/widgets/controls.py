"""The controls pane: surface, start, compared optimizers, hyperparameters, noise, schedule.

Every edit goes through the explorer's ``apply_*`` methods, which validate it and return
an error to show inline; the model keeps its last good value.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from optiscope.core.format import fmt
from optiscope.core.params import Param
from optiscope.core.surfaces import SURFACES

from ..model import ExplorerModel
from .field_row import FieldRow
from .flag_box import FlagBox

if TYPE_CHECKING:
    from ..app import OptiscopeApp

CUSTOM_START = "__custom__"
#: The surface list's last entry: opens the formula box (key F does the same).
TYPE_FORMULA = "__formula__"


def value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class ControlsPane(VerticalScroll):
    """Left-hand pane; ``sync`` brings it up to date with the model after any change."""

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

    def __init__(self, model: ExplorerModel, id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self._form_key: tuple[object, ...] = ()
        self._surface_key: tuple[object, ...] = ()
        self._shown_surfaces: list[tuple[str, str]] = []
        self._form_rebuilds = 0
        self._form_ready = asyncio.Event()
        self._form_ready.set()

    @property
    def explorer(self) -> OptiscopeApp:
        return cast("OptiscopeApp", self.app)

    def compose(self) -> ComposeResult:
        yield Label("Surface", classes="section")
        yield Select(
            self._surface_options(),
            value=self.model.surface.name,
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
            x, y = self.model.surface.coords
            yield FieldRow(x, fmt(self.model.start[0]), self._apply_start_x, id="start-x")
            yield FieldRow(y, fmt(self.model.start[1]), self._apply_start_y, id="start-y")
        yield Label("Optimizers", classes="section")
        yield Static("a add · d remove · o focus", classes="hint")
        yield OptionList(id="runs")
        yield Label("", classes="section", id="form-title")
        yield VerticalScroll(id="hyper-form")
        yield Label("Gradient noise", classes="section")
        yield FieldRow(
            "σ",
            value_text(self.model.noise.sigma),
            self._apply_sigma,
            id="noise",
            tooltip="std of Gaussian noise added to each gradient coordinate",
        )
        yield FieldRow("seed", str(self.model.noise.seed), self._apply_seed, id="seed")
        yield Label("Schedule", classes="section")
        yield FieldRow(
            "η sched",
            self.model.schedule.spec(),
            self._apply_schedule,
            id="schedule",
            tooltip="constant, inverse-time(decay=0.01), step(every=50, gamma=0.5), "
            "cosine(T=200, floor=0)",
        )

    def on_mount(self) -> None:
        self.sync()

    # -- keeping up with the model ---------------------------------------------------------
    def sync(self) -> None:
        model = self.model
        surface_select = self.query_one("#surface-select", Select)
        options = self._surface_options()
        if surface_select.value != model.surface.name or options != self._shown_surfaces:
            self._shown_surfaces = options
            with surface_select.prevent(Select.Changed):
                surface_select.set_options(options)
                surface_select.value = model.surface.name
        self._sync_surface_settings()
        self._sync_start()
        self._sync_runs()
        self._sync_form()

    def _sync_surface_settings(self) -> None:
        surface = self.model.surface
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
                self._surface_setter(p),
                tooltip=f"{p.help} {p.range_text()}",
                id=f"surface-{p.name}",
            )
            for p in surface.PARAMS
        )
        box.styles.height = len(surface.PARAMS)

    def _sync_start(self) -> None:
        select = self.query_one("#start-select", Select)
        options = self._start_options()
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = self._start_value()
        x_row = self.query_one("#start-x", FieldRow)
        y_row = self.query_one("#start-y", FieldRow)
        x_row.query_one(Label).update(self.model.surface.coords[0])
        y_row.query_one(Label).update(self.model.surface.coords[1])
        x_row.set_value(fmt(self.model.start[0]))
        y_row.set_value(fmt(self.model.start[1]))

    def _sync_runs(self) -> None:
        runs = self.query_one("#runs", OptionList)
        runs.clear_options()
        for i, run in enumerate(self.model.runs):
            prompt = Text.assemble(
                (f"{run.marker} ", run.color),
                (run.label, "bold" if i == self.model.focused else ""),
            )
            runs.add_option(Option(prompt, id=f"run-{i}"))
        runs.highlighted = self.model.focused

    def _sync_form(self) -> None:
        run = self.model.focused_run
        opt = run.setup.optimizer
        key = (opt.name,)
        title = self.query_one("#form-title", Label)
        title.update(
            Text.assemble(("Hyperparameters ", ""), (run.marker, run.color), f" {opt.name}")
        )
        form = self.query_one("#hyper-form", VerticalScroll)
        if key == self._form_key:
            for p in opt.schema:
                value = run.setup.hyperparameters[p.name]
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
            value = run.setup.hyperparameters[p.name]
            if p.kind == "bool":
                box = FlagBox(p.name, bool(value), id=f"hp-{p.name}", compact=True)
                box.tooltip = p.help
                rows.append(box)
            else:
                rows.append(
                    FieldRow(
                        p.symbol or p.name,
                        value_text(value),
                        self._hyper_setter(p),
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

    # -- applying edits --------------------------------------------------------------------
    def _surface_setter(self, param: Param):  # type: ignore[no-untyped-def]
        return lambda text: self.explorer.apply_surface_setting(param.name, text)

    def _hyper_setter(self, param: Param):  # type: ignore[no-untyped-def]
        return lambda text: self.explorer.apply_hyperparameter(param.name, text)

    def _apply_start_x(self, text: str) -> str | None:
        return self.explorer.apply_start_text(text, None)

    def _apply_start_y(self, text: str) -> str | None:
        return self.explorer.apply_start_text(None, text)

    def _apply_sigma(self, text: str) -> str | None:
        return self.explorer.apply_noise(text, None)

    def _apply_seed(self, text: str) -> str | None:
        return self.explorer.apply_noise(None, text)

    def _apply_schedule(self, text: str) -> str | None:
        return self.explorer.apply_schedule(text)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "surface-select" and event.value == TYPE_FORMULA:
            surfaces = cast("Select[str]", event.select)
            with surfaces.prevent(Select.Changed):
                surfaces.value = self.model.surface.name
            self.explorer.action_formula()
        elif event.select.id == "surface-select" and event.value != self.model.surface.name:
            self.explorer.apply_surface(str(event.value))
        elif event.select.id == "start-select" and event.value != CUSTOM_START:
            starts = self.model.surface.starts
            names = list(starts)
            # The select also reports values set by the app (at mount, after a surface change).
            if event.value in names and starts[str(event.value)] != self.model.start:
                self.explorer.action_named_start(names.index(str(event.value)))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        name = (event.checkbox.id or "").removeprefix("hp-")
        current = self.model.focused_run.setup.hyperparameters.get(name)
        if current is not None and bool(current) != event.value:
            self.explorer.apply_hyperparameter(name, event.value)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index != self.model.focused:
            self.explorer.focus_run(event.option_index)

    # -- helpers ---------------------------------------------------------------------------
    def _surface_options(self) -> list[tuple[str, str]]:
        """The built-ins, the current surface when it is not one (a typed formula), and an
        entry that opens the formula box."""
        options = [(cls.title, name) for name, cls in SURFACES.items()]
        surface = self.model.surface
        if surface.name not in SURFACES:
            text = getattr(surface, "text", surface.title)
            shown = text if len(text) <= 26 else f"{text[:25]}…"
            options.append((f"f = {shown}", surface.name))
        options.append(("Type a formula… (F)", TYPE_FORMULA))
        return options

    def _start_options(self) -> list[tuple[str, str]]:
        options = [
            (f"{name} ({fmt(p[0])}, {fmt(p[1])})", name)
            for name, p in self.model.surface.starts.items()
        ]
        return [*options, ("custom", CUSTOM_START)]

    def _start_value(self) -> str:
        for name, point in self.model.surface.starts.items():
            if point == self.model.start:
                return name
        return CUSTOM_START
