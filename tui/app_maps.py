"""The convergence map in the explorer (m, M, b): shown in the contour plot's place.

A mixin of OptiscopeApp: it uses the app's model, contour plot and loss plot. What the map
computes, and off which thread, is ``map_view`` and ``widgets/map_plot``; this is only when
it shows, what it compares, and keeping it in step with the setup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from .map_view import map_setup, next_metric
from .widgets.loss_plot import LossPlot
from .widgets.map_plot import MapPlot

if TYPE_CHECKING:
    from .model import ExplorerModel
    from .widgets.plot_canvas import ContourPlot


class ConvergenceMaps(App[None]):
    """Keys m (show or hide), M (next metric) and b (focused optimizer against the next)."""

    if TYPE_CHECKING:  # what it uses of OptiscopeApp
        model: ExplorerModel

        @property
        def plot(self) -> ContourPlot: ...
        def refresh_cursor(self) -> None: ...

    @property
    def map_plot(self) -> MapPlot:
        return self.query_one(MapPlot)

    def action_map_view(self) -> None:
        self._show_map(not self.map_plot.display)

    def action_map_metric(self) -> None:
        mp = self.map_plot
        mp.set_metric(next_metric(mp.metric))
        self._show_map(True)

    def action_map_difference(self) -> None:
        mp = self.map_plot
        if not mp.compare and len(self.model.runs) < 2:
            self.notify(
                "The difference view compares the focused optimizer with the next one: "
                "add a second optimizer with a.",
                severity="warning",
                timeout=4,
            )
            return
        mp.compare = not mp.compare
        self._show_map(True)

    def _show_map(self, shown: bool) -> None:
        """The map in the contour plot's place (showing it hides the loss plot too)."""
        mp = self.map_plot
        if shown:
            window = self.plot.window  # read while the contour plot still has its size
            self.query_one(LossPlot).display = False
            self.plot.display = False
            mp.display = True
            mp.show_setup(map_setup(self.model, window, mp.compare), retry=True)
            self.screen_stack[0].set_focus(mp)
        elif mp.display:
            mp.cancel()
            mp.display = False
            self.plot.display = True
            self.screen_stack[0].set_focus(self.plot)
            self.refresh_cursor()

    def _sync_map(self) -> None:
        """After a setup or view change: the map recomputes if what it shows changed."""
        for mp in self.query(MapPlot):  # none while composing
            if mp.display:
                mp.show_setup(map_setup(self.model, self.plot.window, mp.compare))
