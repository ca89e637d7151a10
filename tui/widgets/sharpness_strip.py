"""The focused run's sharpness λmax per step, from step 0 to the cursor, against the
optimizer's stability threshold (2/η for GD): the edge of stability at a glance.

Two rows split at the threshold: the lower one fills up to λ/threshold = 1, the upper one
shows only how far a step went past it. A run at the edge of stability (Cohen et al. 2021)
is a full lower row with blips above; a run far from it a row of low bars. The numbers
at the cursor (λmax, the threshold, their ratio) are beside them. For adaptive methods the
λ is the preconditioned sharpness λmax(P⁻¹H) and the threshold approximate ("≈").

Rows are built as Segments straight into Strips (no markup), cached per cursor and width:
a step costs two short strips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from optiscope.core.format import fmt
from optiscope.core.stability import PRECONDITIONED, SHARPNESS, THRESHOLD, rule_for

from ..explorer.snapshot import Shown as Snapshot
from ..plotting.sparkline import BLOCKS

Array = npt.NDArray[np.float64]
LABEL_WIDTH = 11
NOTE_WIDTH = 30
DIM = Style(dim=True)
BOLD = Style(bold=True)
OVER = Style(color="red", bold=True)


@dataclass(frozen=True)
class Shown:
    """What the strip draws: λ per step up to the cursor and, where known, its threshold."""

    sharpness: Array
    threshold: Array | None
    #: "2/η", "(2+2β)/((1−β)η)": the threshold as the rule writes it.
    rule: str
    approximate: bool
    marker: str
    color: str
    #: Why there is nothing to draw ("no Hessian on this surface"), or "".
    missing: str = ""
    #: Why there is no threshold ("no stability threshold is known for adagrad"), or "".
    no_rule: str = ""


def shown_for(snapshot: Snapshot) -> Shown:
    """Read the focused run's stability columns up to the record shown."""
    run = snapshot.focused_run
    traj = run.trajectory
    end = run.index + 1
    names = traj.stability_names
    marker, color = run.marker, run.color
    if SHARPNESS not in names:
        return Shown(np.empty(0), None, "", False, marker, color, "no Hessian on this surface")
    rule = rule_for(run.optimizer.name, run.hyperparameters)
    if rule is None or THRESHOLD not in names:
        why = (
            f"no stability threshold is known for {run.optimizer.name}"
            if rule is None and float(run.hyperparameters.get("weight_decay", 0.0) or 0.0) == 0
            else "no stability threshold with weight decay"
            if rule is None
            else "no threshold"
        )
        return Shown(traj.column(SHARPNESS)[:end], None, "", False, marker, color, no_rule=why)
    curvature = traj.column(PRECONDITIONED if rule.approximate else SHARPNESS)[:end]
    threshold = traj.column(THRESHOLD)[:end]
    return Shown(
        curvature, threshold, rule.threshold(run.hyperparameters), rule.approximate, marker, color
    )


def columns(values: Array, width: int) -> Array:
    """One value per cell: each step its own cell while they fit, else the largest of the
    steps a cell covers (a spike past the threshold must not be averaged away)."""
    n = values.size
    if n == 0 or width <= 0:
        return np.empty(0)
    if n <= width:
        return values.astype(np.float64)
    edges = (np.arange(width + 1) * n) // width
    clean = np.where(np.isfinite(values), values, -np.inf)
    out: Array = np.maximum.reduceat(clean, edges[:-1])
    return np.where(np.isfinite(out), out, np.nan)


def bars(fractions: Array) -> str:
    """Block characters for fractions in [0, 1] (a blank for NaN or nothing)."""
    top = len(BLOCKS) - 1
    out = []
    for f in fractions.tolist():
        if math.isnan(f) or f <= 0:
            out.append(" ")
        else:
            out.append(BLOCKS[min(top, round(min(f, 1.0) * top))])
    return "".join(out)


def strip_rows(shown: Shown, width: int) -> tuple[list[Segment], list[Segment]]:
    """The two rows, ``width`` cells each: above the threshold, then up to it."""
    room = max(1, width - LABEL_WIDTH - NOTE_WIDTH) if width > LABEL_WIDTH + NOTE_WIDTH + 8 else 0
    note = NOTE_WIDTH if room else max(0, width - LABEL_WIDTH)
    color = Style(color=shown.color)
    if shown.missing:
        return [Segment(shown.missing[:width].ljust(width), DIM)], [Segment(" " * width)]
    lam = shown.sharpness
    now = float(lam[-1]) if lam.size else float("nan")
    name = "λ(P⁻¹H)" if shown.approximate else "λmax"
    if shown.threshold is None:
        # The reason there is no threshold is the note that matters: give it its length.
        note = min(max(note, len(shown.no_rule) + 1), max(0, width - LABEL_WIDTH - 8))
        room = max(0, width - LABEL_WIDTH - note)
        cells = columns(lam, room)
        finite = cells[np.isfinite(cells)]
        high = float(finite.max()) if finite.size else 0.0
        lower = bars(cells / high if high > 0 else cells * 0)
        top = [
            Segment(f"{shown.marker} ", color),
            Segment(name.ljust(LABEL_WIDTH - 2), DIM),
            Segment(" " * room),
            Segment(f" {name} {fmt(now)}"[:note].ljust(note), BOLD),
        ]
        bottom = [
            Segment("  " + f"0–{fmt(high)}".ljust(LABEL_WIDTH - 2), DIM),
            Segment(lower.ljust(room), color),
            Segment(f" {shown.no_rule}"[:note].ljust(note), DIM),
        ]
        return top, bottom
    thr = shown.threshold
    with np.errstate(all="ignore"):
        ratio = columns(lam / thr, room)
    over = ratio - 1.0
    peak = float(np.nanmax(over)) if np.isfinite(over).any() else 0.0
    above = bars(np.where(over > 0, over / max(peak, 0.1), np.nan))
    below = bars(ratio)
    threshold_now = float(thr[-1]) if thr.size else float("nan")
    about = "≈" if shown.approximate else "="
    with np.errstate(all="ignore"):
        share = now / threshold_now
    short = shown.rule if len(shown.rule) <= LABEL_WIDTH - 4 else "thr."
    top = [
        Segment(f"{shown.marker} ", color),
        Segment(f"> {short}".ljust(LABEL_WIDTH - 2), DIM),
        Segment(above.ljust(room), OVER),
        Segment(f" {name} {fmt(now)}  = {fmt(share)}×"[:note].ljust(note), BOLD),
    ]
    bottom = [
        Segment("  " + f"{name}".ljust(LABEL_WIDTH - 2), DIM),
        Segment(below.ljust(room), color),
        Segment(f" {shown.rule} {about} {fmt(threshold_now)}"[:note].ljust(note), DIM),
    ]
    return top, bottom


class SharpnessStrip(Widget):
    """Two lines: the focused run's λmax over steps 0..cursor against its threshold."""

    #: Binds no keys of its own: with it focused, a key is a command (see key_order).
    PASSIVE_KEYS = True

    DEFAULT_CSS = """
    SharpnessStrip { height: 2; padding: 0 1; display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Shown | None = None
        self._rows: tuple[Strip, Strip] | None = None
        self._rows_width = 0

    @property
    def shown(self) -> Shown | None:
        return self._shown

    def show(self, snapshot: Snapshot) -> None:
        self._shown = shown_for(snapshot)
        self._rows = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._shown is None or y > 1 or width <= 0:
            return Strip.blank(max(width, 0))
        if self._rows is None or self._rows_width != width:
            top, bottom = strip_rows(self._shown, width)
            base = self.visual_style.rich_style
            self._rows = (
                Strip(top).adjust_cell_length(width).apply_style(base),
                Strip(bottom).adjust_cell_length(width).apply_style(base),
            )
            self._rows_width = width
        return self._rows[y]

    def text(self) -> str:
        """Both rows as plain text (what a test reads)."""
        width = self.size.width
        if self._shown is None:
            return ""
        top, bottom = strip_rows(self._shown, width)
        return "\n".join("".join(s.text for s in row) for row in (top, bottom))
