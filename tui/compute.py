"""Extending a comparison's runs off the UI thread.

A quick extension (a few hundred records) happens at once, so a key that needs it shows
its result in the same frame. Anything longer runs in a worker thread, in small chunks:
the screen keeps answering keys, shows how far the work has got, and a change that
makes the work pointless (a new setup, quitting) stops it within a chunk. Only one thread
extends the runs at a time (``Trajectory`` allows one writer and any number of readers).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from .comparison import Comparison, Entry

#: Records computed at once on the UI thread (about 10 ms for four 2-D runs).
SYNC_RECORDS = 1_024
#: Steps per run per chunk in the worker: small, so a cancel or a key waits ~3 ms.
CHUNK = 64
#: Progress reports at most this often (seconds).
REPORT_EVERY = 0.1
#: While a worker computes, threads take turns this often (s): Python's default, 5 ms,
#: would make the UI thread wait up to 5 ms for the lock each time it lets go of it (every
#: event-loop turn), tens of ms per key.
SWITCH_INTERVAL = 0.0005
#: Seconds a worker waits at most for the frame that announces it (see ``want``).
FIRST_FRAME_WAIT = 0.2


class RunComputer:
    """Makes a Comparison's runs reach what its cursor needs; ``progress`` is None when idle,
    else the fraction of the current work done."""

    def __init__(
        self,
        screen: Screen[Any],
        on_progress: Callable[[], None],
        on_done: Callable[[], None],
    ) -> None:
        self.screen = screen
        self.on_progress = on_progress
        self.on_done = on_done
        self.progress: float | None = None
        self._lock = threading.Lock()
        self._worker: Worker[None] | None = None
        self._target: tuple[int, int] | None = None  # (model version, records)

    @property
    def busy(self) -> bool:
        return self._worker is not None and not self._worker.is_finished

    def want(self, model: Comparison[Entry], records: int, quick: bool = True) -> bool:
        """Ask for ``records`` per run; True when they are there now. ``quick=False`` never
        computes on this thread (auto-run ticks, prefetching ahead of the cursor)."""
        missing = model.missing(records)
        if missing == 0:
            return True
        target = (model.version, records)
        if self.busy and self._target is not None:
            version, wanted = self._target
            if version == model.version and wanted >= records:
                return False  # already on its way
        if quick and not self.busy and missing <= SYNC_RECORDS:
            with self._lock:
                model.extend_now(records)
            return True
        self._target = target
        self.progress = 0.0
        entries = list(model.entries)
        # The worker starts once the frame that says "computing…" is out: started at once,
        # it took the interpreter's lock in turns with the UI thread drawing that frame,
        # the learner's first feedback, and doubled its time.
        drawn = threading.Event()
        self.screen.call_after_refresh(drawn.set)
        self._worker = self.screen.run_worker(
            lambda: self._extend(entries, records, missing, drawn),
            thread=True,
            exclusive=True,
            group="compute",
            exit_on_error=False,
        )
        return False

    def cancel(self) -> None:
        """Stop the work in progress (its runs were replaced, or the screen is closing)."""
        if self._worker is not None:
            self._worker.cancel()
        self._worker = None
        self._target = None
        self.progress = None

    def _extend(
        self, entries: list[Entry], records: int, missing: int, drawn: threading.Event
    ) -> None:
        drawn.wait(FIRST_FRAME_WAIT)
        with _prompt_switching():
            self._extend_runs(entries, records, missing)

    def _extend_runs(self, entries: list[Entry], records: int, missing: int) -> None:
        worker = get_current_worker()
        done = 0
        reported = time.perf_counter()
        while True:
            with self._lock:  # taken in turn with a worker this one replaced
                if worker.is_cancelled:
                    return
                added = 0
                for e in entries:
                    run = e.recorded
                    before = len(run)
                    if run.status.kind != "diverged" and before < records:
                        run.run_to(min(records, before + CHUNK))
                        added += len(run) - before
            if added == 0:
                break
            done += added
            now = time.perf_counter()
            if now - reported >= REPORT_EVERY:
                reported = now
                self._report(min(1.0, done / missing), worker)
        if not worker.is_cancelled:
            with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                self.screen.app.call_from_thread(self._finished, worker)

    def _report(self, fraction: float, worker: Worker[None]) -> None:
        def show() -> None:
            if self._worker is worker:
                self.progress = fraction
                self.on_progress()

        try:
            self.screen.app.call_from_thread(show)
        except RuntimeError:  # the app is closing
            worker.cancel()

    def _finished(self, worker: Worker[None]) -> None:
        if self._worker is worker:
            self._worker = None
            self._target = None
            self.progress = None
            self.on_done()


class _PromptSwitching:
    """A short switch interval while any compute worker runs; the one before after the last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = sys.getswitchinterval()

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(SWITCH_INTERVAL)
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setswitchinterval(self._saved)


_prompt_switching = _PromptSwitching()
