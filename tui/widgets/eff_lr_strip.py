"""The focused optimizer's effective learning rate per coordinate, from step 0 to the cursor.

ηeff = |Δ|/|∂| is the rate a coordinate actually moved at: constant for GD, only falling
for Adagrad, rising for RMSprop and sign-GD as a gradient fades. Two sparklines on one log
scale show that history at a glance; the step table has the exact numbers. Beside them,
what ηeff is under the focused rule (``Optimizer.eff_lr_means``): for momentum-style
methods a step built from past gradients, so a value far above η is the velocity
outrunning the current gradient, not a larger rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from rich.cells import cell_len
from rich.text import Text
from textual.strip import Strip

from optiscope.core.format import fmt

from ..explorer.snapshot import Shown as Snapshot
from ..plotting.sparkline import LogScale, RunningSparks, spark_columns
from ..recent import Recent
from .text_lines import TextLines

#: Room for the label ("● ηeff w "), the value at the cursor (a blank before the widest,
#: "3.074e-04", so it never touches the bars) and the notes (what ηeff is under this rule;
#: the scale).
VALUE_WIDTH = 11
#: Runs whose running sums are kept: the explorer compares up to eight optimizers.
KEPT_RUNS = 8
NOTE_WIDTH = 33


@dataclass(frozen=True)
class Shown:
    """What the strip draws: one series per coordinate, up to the cursor, and who it is."""

    coords: tuple[str, str]
    rates: np.ndarray
    marker: str
    color: str
    #: What ηeff equals under the focused rule, e.g. "= η·|v|/|g|: > η when v outruns g".
    means: str = ""
    #: ``spark_columns``, or the strip's running version of it for this run.
    sparks: Callable[[np.ndarray, int], tuple[list[str], LogScale | None]] = field(
        default=spark_columns, compare=False
    )


def strip_text(shown: Shown, width: int) -> Text:
    """Two lines (one per coordinate) that fit ``width`` cells: the note goes first when
    space is short, then the value; the sparkline keeps at least 8 cells."""
    rates = shown.rates
    label_width = 2 + max(cell_len(f"ηeff {c} ") for c in shown.coords)
    note = width - label_width - VALUE_WIDTH >= 8 + NOTE_WIDTH
    value = width - label_width >= 8 + VALUE_WIDTH
    room = max(1, width - label_width - (VALUE_WIDTH if value else 0) - (NOTE_WIDTH if note else 0))
    columns, scale = shown.sparks(rates, room)
    last = len(rates) - 1
    if scale is None:
        range_note = "no rate yet (0/0)"
    elif scale.flat:
        range_note = f"constant {fmt(scale.low)}"
    else:
        range_note = f"log {fmt(scale.low)}…{fmt(scale.high)}"
    # No step span here (the status line has the step): a strip whose rates did not change
    # then draws the same text, and a step repaints none of its lines.
    means = f"{range_note}, cell means" if len(rates) > room else range_note
    # The longest that fits: the scale always, then how cells are drawn.
    fitting = [n for n in (means, range_note) if len(n) <= NOTE_WIDTH - 1]
    notes = (shown.means or "= |Δ|/|g|", fitting[0] if fitting else range_note)
    text = Text(no_wrap=True, overflow="crop")
    for i, coord in enumerate(shown.coords):
        if i:
            text.append("\n")
        text.append(shown.marker if i == 0 else " ", shown.color)
        text.append(" " + f"ηeff {coord}".ljust(label_width - 2), "dim")
        text.append(columns[i].ljust(room), shown.color)
        if value:
            now = float(rates[last, i])
            shown_now = "—" if np.isnan(now) else fmt(now)  # 0/0: this coordinate is still
            text.append(shown_now.rjust(VALUE_WIDTH - 1) + " ", "bold")
        if note:
            text.append(" " + notes[i][: NOTE_WIDTH - 1].ljust(NOTE_WIDTH - 1), "dim")
    return text


class EffLrStrip(TextLines):
    """Two lines: ηeff of each coordinate over steps 0..cursor for the focused run."""

    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True
    _shown: Shown | None = None
    #: The width the text was made for (the sparkline is sized to it).
    _made_for = -1
    #: Running sums per trajectory shown (the newest last): focusing another optimizer and
    #: back, at step 50,000, reads each run's rates once (~8 ms a run) instead of each time.
    _sparks: Recent[RunningSparks] | None = None

    DEFAULT_CSS = """
    EffLrStrip { height: 2; padding: 0 1; display: none; }
    """

    def show(self, shown: Snapshot) -> None:
        """Read the focused run up to the shown step (what has been stepped through so far)."""
        run = shown.focused_run
        computed = run.trajectory.column("effective_lr")
        rates = computed[: run.index + 1]
        means = run.optimizer.eff_lr_means
        text = means(run.hyperparameters) if means is not None else ""
        trajectory = run.trajectory
        running = self._running_sparks(trajectory, {r.trajectory for r in shown.runs})

        def sparks(values: np.ndarray, width: int) -> tuple[list[str], LogScale | None]:
            """``spark_columns`` of the rates up to the cursor, a prefix of the run's."""
            return running.columns(computed, len(values), width, trajectory)

        self._shown = Shown(shown.coords, rates, run.marker, run.color, text, sparks)
        width = self.content_region.width
        if width > 0:
            self._made_for = width
            self.update(strip_text(self._shown, width))  # repaints only if the text changed
        else:
            self.refresh()

    def _running_sparks(self, trajectory: object, compared: set[object]) -> RunningSparks:
        """The running sums of ``trajectory``'s rates, kept for the runs still ``compared``
        (a replaced run's go: they would keep its records alive)."""
        if self._sparks is None:
            self._sparks = Recent(KEPT_RUNS)
        self._sparks.keep_only(compared)
        return self._sparks.get(trajectory, RunningSparks)

    def _render_strips(self, width: int) -> list[Strip]:
        # The sparkline is sized to the width: a new width makes the text again.
        if width != self._made_for:
            self._made_for = width
            self._text = strip_text(self._shown, width) if self._shown is not None else Text()
        return super()._render_strips(width)
