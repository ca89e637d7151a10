"""Textual's Linux driver, with an input thread that ends at once when the app quits.

Textual 8.2's input thread waits for keys in ``select`` with a 100 ms timeout and checks
for the quit only between waits; on the way out it then selects once more on a selector
it has just emptied, which sleeps the full 100 ms. Every quit therefore waited 100–200 ms
for nothing (a bare Textual app took ~200 ms from q to the end of ``run``). Here a pipe
registered beside the terminal wakes the thread as soon as input is disabled, and the
last read takes what the terminal already holds without waiting.

The loop below is Textual's ``LinuxDriver.run_input_thread`` with those two changes; it
uses the driver's parser the same way (tests/test_quick_exit_driver.py drives it on a
pseudo-terminal: keys arrive, a quit ends the thread within a few ms).
"""

from __future__ import annotations

import contextlib
import os
import selectors
from codecs import getincrementaldecoder

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class QuickExitLinuxDriver(LinuxDriver):
    """LinuxDriver whose input thread a quit wakes instead of waiting out a timeout."""

    #: The wake pipe's write end: made by the input thread, closed here after it ended.
    _wake_write: int | None = None

    def disable_input(self) -> None:
        wake = self._wake_write
        if wake is not None:
            with contextlib.suppress(OSError):
                os.write(wake, b"q")
        super().disable_input()  # sets exit_event and joins the input thread
        if wake is not None and (self._key_thread is None or not self._key_thread.is_alive()):
            self._wake_write = None
            with contextlib.suppress(OSError):
                os.close(wake)

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events, until ``exit_event`` or the wake pipe."""
        wake_read, wake_write = os.pipe()
        self._wake_write = wake_write
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        selector.register(wake_read, selectors.EVENT_READ)
        fileno = self.fileno
        parser = XTermParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def process(events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            terminal = [(key, mask) for key, mask in events if key.fd == fileno]
            for last, (_key, mask) in loop_last(terminal):
                if mask & selectors.EVENT_READ:
                    data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not data:
                        break  # stdin piped and at its end
                    for event in feed(data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(wake_read)
            # What the terminal already holds, without waiting for more.
            process(selector.select(0), final=True)
        finally:
            selector.close()
            os.close(wake_read)
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass
