"""One part of a played update: what happens, the rule it runs and its numbers.

The numbers are the explain pane's own lines (``core.step_frames``): the caption only
chooses which to show and marks the part of the rule they belong to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from optiscope.core.step_frames import Frame

#: Measures wrapped lines only (never prints).
_CONSOLE = Console(width=200, file=None, color_system=None, legacy_windows=False)


@dataclass(frozen=True)
class Played:
    """A run's update in parts, and which part is on screen."""

    label: str
    marker: str
    color: str
    t: int
    frames: Sequence[Frame]
    shown: int = 0

    @property
    def frame(self) -> Frame:
        return self.frames[self.shown]


def caption_text(played: Played, width: int = 0, rows: int = 0) -> Text:
    """The part on screen; below it, as many of the earlier parts' lines (dim) as fit in
    ``rows`` at ``width`` (all of them when either is 0)."""
    frame = played.frame
    text = Text()
    text.append(played.marker, played.color)
    text.append(f" {played.label}", "bold")
    text.append(f"  step t = {played.t}  ", "dim")
    dots = "".join("●" if i <= played.shown else "○" for i in range(len(played.frames)))
    text.append(dots, played.color)
    text.append(f"  part {frame.index} of {frame.count}: ", "dim")
    text.append(frame.title, "bold")
    text.append("\n")
    text.append(frame.says, "italic")
    rule = [r for f in played.frames for r in f.rule]
    if rule:
        text.append("\nrule   ", "dim")
        for i, part in enumerate(rule):
            if i:
                text.append("   ")
            text.append(part, "bold reverse" if part in frame.rule else "dim italic")
    for line in frame.lines:
        text.append("\n")
        text.append(line, "bold" if frame.index == frame.count else "")
    for note in frame.notes:
        text.append("\n")
        text.append(note, "dim italic")
    text.append("\n")
    last = frame.index == frame.count
    text.append(
        "n/→ take the step · p/← back · any other key ends"
        if last
        else "n/→ next part · p/← back · any other key ends",
        "dim",
    )
    earlier = [ln for f in played.frames[: played.shown] for ln in f.lines]
    if width > 0 and rows > 0:
        free = rows - len(text.wrap(_CONSOLE, width)) - 1
        earlier = earlier[-free:] if free > 0 else []
    if earlier:
        text.append("\nso far:", "dim")
        for line in earlier:
            text.append("\n  " + line, "dim")
    return text


class StepCaption(Static):
    """The part of the update on screen; ``show`` replaces it. ``rows`` is the room the
    panel has without covering more of the plot: the earlier parts fill only that."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._played: Played | None = None
        self.rows = 0

    def show(self, played: Played) -> None:
        self._played = played
        self.refresh(layout=True)

    def render(self) -> Text:
        if self._played is None:
            return Text()
        return caption_text(self._played, self.content_region.width, self.rows)
