"""The explorer's hyperparameter plane: the nudge keys (``*`` ``/`` ``}`` ``{``) and the
lr×β map (``B``), kept out of the screen's own module.

A nudge is a setup change like any other (the focused run starts over, a lesson lets go),
but the cursor stays at its step and the recompute goes through the screen's RunComputer:
the status line says "rmsprop η 0.1 → 0.125" while the new path arrives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optiscope.core.errors import OptiscopeError
from optiscope.core.format import fmt

from .nudge import nudge

if TYPE_CHECKING:
    from ..widgets.hyper_map import HyperMapPlot
    from .screen import ExplorerScreen


def nudge_key(screen: ExplorerScreen, which: str, direction: int) -> None:
    """One press of a nudge key; a refused one is a line in the status, nothing changes."""
    try:
        done = nudge(screen.model, which, direction)
    except OptiscopeError as exc:
        screen.show_note(str(exc))
        screen.show_cursor()
        return
    screen.show_note(done.text())
    screen.setup_changed()


async def ensure_hyper_plot(screen: ExplorerScreen) -> HyperMapPlot:
    """The lr×β map widget is mounted the first time it is asked for."""
    from ..widgets.hyper_map import HyperMapPlot

    found = screen.hyper_plot
    if found is None:
        found = HyperMapPlot(id="hyper-map")
        await screen.query_one("#plots").mount(found)
    return found


async def toggle_hyper_map(screen: ExplorerScreen) -> None:
    await ensure_hyper_plot(screen)
    screen.plot_view = "contours" if screen.plot_view == "hyper" else "hyper"


def show_hyper(screen: ExplorerScreen, retry: bool = False) -> None:
    """After a setup or view change: the map recomputes if what it shows changed."""
    from ..hyper_view import hyper_setup

    widget = screen.hyper_plot
    if widget is not None:
        widget.show_setup(hyper_setup(screen.model), retry=retry)


def apply_cell(screen: ExplorerScreen, chosen: HyperMapPlot.Chosen) -> None:
    """Enter on a cell: its η and β become the focused optimizer's (both checked first,
    so a refused value changes nothing), and the contours come back, recomputed."""
    model = screen.model
    run = model.focused_run
    optimizer = run.setup.optimizer
    wanted: dict[str, float] = {"lr": chosen.lr}
    if chosen.beta_name is not None and chosen.beta is not None:
        wanted[chosen.beta_name] = chosen.beta
    try:
        for name, value in wanted.items():
            optimizer.param(name).validate(value, optimizer.name)
    except OptiscopeError as exc:
        screen.show_note(str(exc))
        screen.show_cursor()
        return
    changes = []
    for name, value in wanted.items():
        param = optimizer.param(name)
        old = float(model.focused_run.setup.hyperparameters[name])
        model.set_hyperparameter(name, value)
        changes.append(f"{param.symbol or name} {fmt(old)} → {fmt(value)}")
    screen.show_note(f"{optimizer.name} " + ", ".join(changes))
    screen.plot_view = "contours"
    screen.setup_changed()
