"""A step's vectors (``core.step_vectors``) as arrows and legend lines for the plot.

Back to front: plain GD's step −η∇f (dotted), what the step is compared with (dotted),
the addends head to tail (dashed, so their sum visibly ends where the step does), and
the step Δ itself (solid, bold). All in the run's colour; the one-letter tags and the
shaft patterns tell them apart without colour. The legend gives each true length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optiscope.core.format import fmt
from optiscope.core.step_parts import Vector
from optiscope.core.step_vectors import StepVectors

from .arrows import Arrow
from .contour_layers import series_style
from .legend import Entry


@dataclass(frozen=True)
class VectorOverlay:
    """Arrows to draw and the legend lines that name them."""

    arrows: tuple[Arrow, ...]
    entries: tuple[Entry, ...]


def vector_overlay(vectors: StepVectors, color: str) -> VectorOverlay:
    """The arrows of ``vectors`` in ``color``; empty when a vector cannot be drawn."""
    if not vectors.finite:
        return VectorOverlay((), ())
    plain = series_style(color, False)
    bold = series_style(color, True)
    tail = (float(vectors.point[0]), float(vectors.point[1]))
    arrows: list[Arrow] = []
    entries: list[Entry] = []
    addends = {id(v) for v in vectors.addends}
    at = np.array(tail)
    drawn = vectors.drawn()
    # Plain GD's step is its own reference: one arrow, named both ways.
    same = np.array_equal(vectors.gd.value, vectors.step.value)
    for v in drawn[1:] if same else drawn:
        value = (float(v.value[0]), float(v.value[1]))
        if id(v) in addends:
            arrows.append(Arrow((float(at[0]), float(at[1])), value, v.symbol, "dashed", plain))
            at = at + v.value
        elif v is vectors.step:
            arrows.append(Arrow(tail, value, v.symbol, "solid", bold))
        else:
            arrows.append(Arrow(tail, value, v.symbol, "dotted", plain))
        text = _text(v)
        if same and v is vectors.step:
            text = f"step taken = −η∇f {fmt(v.length)}"
        entries.append((v.symbol, bold if v is vectors.step else plain, text, None))
    return VectorOverlay(tuple(arrows), tuple(entries))


def _text(v: Vector) -> str:
    """``−η·β·v 0.1234``: the formula (the step's name, for Δ) and the true length."""
    label = v.label if v.label != v.symbol else v.name
    return f"{label} {fmt(v.length)}"
