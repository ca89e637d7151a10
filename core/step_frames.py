"""One update played in parts: the explain pane's lines, grouped into 3–5 captioned frames.

The frames hold no number of their own: each is a slice of ``explain_step``'s lines (the
point and gradient first, the optimizer's sub-steps next, its length and turn last), so a
played step cannot disagree with the explain pane or the table. Which lines a frame shows
is declared beside each update rule (``Optimizer.sub_steps``, by the lines' symbols).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .explain_text import Explanation, SubStep
from .optimizers.base import Optimizer
from .step_explain import explain_step
from .trajectory import Trajectory

_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉ₖ"

#: Every update starts here: the gradient it reads (λ folded in) and the update count k.
GRADIENT = SubStep(
    "the gradient here",
    "the gradient at the point this update starts from, one number per coordinate",
    ("g", "k"),
)
#: ... and ends here: the step as a whole.
TAKEN = SubStep(
    "the step taken",
    "how long the step is and how far it turns from −∇f, the way plain GD would go",
    (),
)


@dataclass(frozen=True)
class Frame:
    """One part of the update: what happens, the rule it runs and its lines with numbers."""

    index: int
    count: int
    title: str
    says: str
    #: The rule lines in force that this part runs (the whole rule is on the first frame).
    rule: tuple[str, ...]
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()


def line_symbol(text: str, coords: Sequence[str] = ()) -> str:
    """What a line (or a rule line) computes, without its coordinate: ``S_w = …`` → ``S``,
    ``√v̂_b + ε = …`` → ``√v̂``, ``Δw = …`` → ``Δp`` (the step), ``μ₂ = …`` → ``μ``."""
    head = text.split(" ", 1)[0]
    for c in coords:
        if head == f"Δ{c}":
            return "Δp"
        if head.endswith(f"_{c}"):
            head = head[: -len(c) - 1]
            break
    return head.rstrip(_SUBSCRIPTS)


def frames(explanation: Explanation, optimizer: Optimizer, coords: Sequence[str]) -> list[Frame]:
    """The update in parts: the gradient, the optimizer's sub-steps that have lines under
    these settings, then the step taken. A line no sub-step claims (which a test rules
    out) joins the first frame rather than vanish."""
    middle = list(optimizer.sub_steps)
    claimed = {s for part in middle for s in part.symbols}
    parts: list[tuple[SubStep, list[str], list[str]]] = []
    for part in (GRADIENT, *middle):
        lines = [
            ln
            for ln in explanation.lines
            if line_symbol(ln, coords) in part.symbols
            or (part is GRADIENT and line_symbol(ln, coords) not in claimed)
        ]
        rule = [r for r in explanation.rule if line_symbol(r) in part.symbols]
        if part is GRADIENT:
            lines.insert(0, explanation.given)
        if lines:
            parts.append((part, rule, lines))
    parts.append((TAKEN, [], [explanation.geometry]))
    count = len(parts)
    return [
        Frame(
            index=i + 1,
            count=count,
            title=part.title,
            says=part.says,
            rule=tuple(rule),
            lines=tuple(lines),
            notes=tuple(explanation.notes) if i == 0 else (),
        )
        for i, (part, rule, lines) in enumerate(parts)
    ]


def step_frames(traj: Trajectory, t: int) -> list[Frame]:
    """Record t's update in parts (raises IndexError if record t does not exist)."""
    explanation = explain_step(traj, t)
    return frames(explanation, traj.setup.optimizer, traj.surface.coords)
