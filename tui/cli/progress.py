"""A progress bar on stderr for work that takes a while: runs, maps, high-dim runs.

Shown only when stderr is a terminal and only once the work has taken ``SHOW_AFTER``
seconds, so quick commands, pipes and files never see it (rich is imported only then).
It is transient: it leaves no line behind when the work ends or Ctrl+C stops it.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

#: Seconds of work before the bar appears.
SHOW_AFTER = 1.0


class ProgressBar:
    """``with ProgressBar("optiscope run") as bar: bar(fraction)`` as the work advances."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _is_terminal(self.stream)
        self.started = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, fraction: float) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            if time.monotonic() - self.started < SHOW_AFTER:
                return
            self._start()
        self._progress.update(self._task, completed=min(max(fraction, 0.0), 1.0))

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn

        console = Console(file=self.stream, stderr=True)
        self._progress = Progress(
            f"{self.label}",
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            "Ctrl+C stops",
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task(self.label, total=1.0)
        self._progress.start()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
