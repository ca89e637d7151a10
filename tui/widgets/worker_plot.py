"""A plot whose picture is computed in a worker thread: the start map (``m``) and the lr×β
map (``B``) share how that computation is started, reported, cancelled and ended.

A subclass starts a computation with ``_begin()`` (a new job number, no picture, no
message) and hands its worker thread ``_reporter(job)`` to say how far it has got; the
progress, a failure and a cancellation become ``status``, drawn in the middle of the
canvas by ``_centre_message`` until a picture arrives. The request being drawn, the picture
and its cells by the current metric (``_classify``, cached until either changes) are kept
here too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from rich.style import Style
from textual.message import Message
from textual.worker import Worker, WorkerState

from optiscope.core.maps.classes import CellClasses

from ..plotting.frame import Frame
from ..plotting.layered import LayeredPlot
from ..plotting.layers import Layer, put_text
from ..plotting.mapping import Canvas

#: Progress is posted at most this often (seconds).
PROGRESS_EVERY = 0.1
#: Below this width the legend panel is left out rather than squeezing the map.
PANEL_FROM_WIDTH = 50

Part = tuple[str, Style | None]

Request = TypeVar("Request")
Picture = TypeVar("Picture")


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def fit(parts: list[Part], width: int) -> list[Part]:
    """``parts`` cut to ``width`` cells."""
    out: list[Part] = []
    left = width
    for text, style in parts:
        if left <= 0:
            break
        out.append((text[:left], style))
        left -= len(text[:left])
    return out


def panel_width(width: int) -> int:
    """Columns for the legend beside the plot (0 on a narrow widget)."""
    if width < PANEL_FROM_WIDTH:
        return 0
    return max(24, min(36, round(width * 0.34)))


class WorkerPlot(LayeredPlot, Generic[Request, Picture]):
    """The computation's state; see the module docstring."""

    #: What the centre says after a cancel: which keys compute again.
    CANCELLED: ClassVar[str] = "cancelled: any change computes again"

    class Progress(Message, bubble=False):
        """The worker thread's share of the picture done (posted from that thread)."""

        def __init__(self, job: int, fraction: float) -> None:
            super().__init__()
            self.job = job
            self.fraction = fraction

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._request: Request | None = None
        self._picture: Picture | None = None
        #: The picture's cells by the current metric, made when first asked for.
        self._cells: CellClasses | None = None
        self._worker: Worker[Picture] | None = None
        self._job = 0
        self._progress = 0.0
        self._message: tuple[str, Style | None] | None = None

    @property
    def request(self) -> Request | None:
        """What the picture drawn, or being computed, is of."""
        return self._request

    @property
    def picture(self) -> Picture | None:
        """The computed picture being drawn; None while computing, cancelled or failed."""
        return self._picture

    @property
    def cell_classes(self) -> CellClasses | None:
        """The drawn cells by the current metric (None without a picture)."""
        if self._picture is None:
            return None
        if self._cells is None:
            self._cells = self._classify(self._picture)
        return self._cells

    def _classify(self, picture: Picture) -> CellClasses:
        """``picture``'s cells by the current metric."""
        raise NotImplementedError

    def cancel(self) -> bool:
        """Stop a running computation; True if there was one."""
        if not self.computing or self._worker is None:
            return False
        self._worker.cancel()
        self._message = (self.CANCELLED, Style(color="yellow"))
        self._update_layers()
        return True

    @property
    def computing(self) -> bool:
        # A worker cancelled before its task first ran never leaves RUNNING (Textual sets
        # CANCELLED only inside the task), so "cancelled" is read from the worker itself:
        # otherwise Escape, which cancels a running map first, would be swallowed for good.
        worker = self._worker
        return (
            worker is not None
            and not worker.is_cancelled
            and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        )

    @property
    def status(self) -> str | None:
        """What the canvas says instead of a result: progress, cancelled or an error."""
        if self.computing:
            return f"computing {100 * self._progress:.0f}%…"
        return self._message[0] if self._message else None

    @property
    def half_blocks(self) -> bool:
        """Two cells per terminal row in colour; one, drawn as its glyph, without."""
        return not self.app.no_color

    def _begin(self) -> int:
        """Forget the last picture and message; the new computation's job number."""
        self._picture = None
        self._cells = None
        self._progress = 0.0
        self._message = None
        self._job += 1
        return self._job

    def _reporter(self, job: int) -> Callable[[float], None]:
        """For the worker thread: posts its progress, at most every PROGRESS_EVERY s."""
        last = time.monotonic()

        def progress(fraction: float) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self.post_message(self.Progress(job, fraction))

        return progress

    def on_worker_plot_progress(self, message: Progress) -> None:
        if message.job == self._job and self.computing:
            self._progress = message.fraction
            self._update_layers()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker:
            return  # an earlier request's worker, cancelled
        if event.state == WorkerState.SUCCESS:
            self._picture = event.worker.result
            self._picture_changed()
            self._message = None
        elif event.state == WorkerState.ERROR:
            self._message = (f"map failed: {event.worker.error}", Style(color="red"))
        elif event.state == WorkerState.CANCELLED:
            self._message = (self.CANCELLED, Style(color="yellow"))
        self._update_layers()

    def _picture_changed(self) -> None:
        """A new picture arrived (or was dropped): forget what was derived from it."""
        self._cells = None

    # -- the title above the map and the panel beside it ----------------------------------------
    def map_title(self, width: int) -> str:
        """The map's title, at most ``width`` cells."""
        raise NotImplementedError

    def _panel_lines(
        self, classes: CellClasses | None, width: int, height: int
    ) -> list[list[Part]]:
        """The panel's lines: at most ``height`` of ``width`` cells."""
        raise NotImplementedError

    def _title_layer(self, frame: Frame) -> Layer:
        layer: Layer = {}
        if frame.canvas.top < 2:
            return layer  # no title row at this height
        plot_w = frame.width - panel_width(frame.width)
        text = self.map_title(plot_w - 1)
        pad = (plot_w - len(text)) // 2
        put_text(layer, 0, 0, [(" " * pad, None), (text, Style(bold=True))])
        put_text(layer, pad + len(text), 0, [(" " * (plot_w - pad - len(text)), None)])
        return layer

    def _panel_layer(self, frame: Frame, classes: CellClasses | None, rows: int) -> Layer:
        """The panel at the right, on the first ``rows`` rows (none on a narrow widget)."""
        layer: Layer = {}
        panel = panel_width(frame.width)
        if not panel:
            return layer
        x, width = frame.width - panel + 1, panel - 1
        for y, parts in enumerate(self._panel_lines(classes, width, rows)):
            put_text(layer, x, y, fit(parts, width))
        return layer

    def _centre_message(self, canvas: Canvas) -> Layer:
        layer: Layer = {}
        text = self.status
        if text:
            text = clip(text, canvas.cols)
            x = canvas.left + (canvas.cols - len(text)) // 2
            put_text(layer, x, canvas.top + canvas.rows // 2, [(text, Style(bold=True))])
        return layer
