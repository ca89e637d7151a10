"""Textual's web driver with whole packets: one lock, and no write left half done.

When textual-serve runs the app, Textual's WebDriver frames everything it sends (screen updates,
the notice that a file is ready, the file's chunks) as packets on one pipe. Screen updates come
from the app's thread and file chunks from the driver's input thread, each a bare ``os.write``.
A pipe only keeps writes of up to PIPE_BUF (4 KiB) whole; a larger packet written while the
server is busy fills the pipe, and the other thread's packet can land in the middle of it. The
server then reads the rest of the stream out of frame: a download stalls and the tab freezes.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from textual.driver import Driver
from textual.drivers.web_driver import WebDriver


class WholePacketWebDriver(WebDriver):
    """WebDriver whose packets reach the pipe one at a time and in full."""

    def __init__(
        self,
        app: Any,
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._packet_lock = threading.Lock()
        # WebDriver types _write as the partial it makes; any bytes -> None callable serves.
        self._write = self._write_packet  # type: ignore[assignment]

    def _write_packet(self, packet: bytes) -> None:
        view = memoryview(packet)
        with self._packet_lock:
            while view:  # os.write may write less than asked (a signal, a full pipe)
                view = view[os.write(self.fileno, view) :]


def whole_packet_driver(driver_class: type[Driver]) -> type[Driver]:
    """The driver to use instead of ``driver_class``: the fixed one in place of WebDriver."""
    return WholePacketWebDriver if driver_class is WebDriver else driver_class
