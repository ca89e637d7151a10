"""Predict mode's text: the question about the next step, then the truth and the arithmetic.

Direction questions list their candidates as labelled directions (an arrow and an angle
in the surface's coordinates); the plot itself is left as it is. Lengths are not shown:
the question is which way, and a candidate's length would give the right one away.
"""

from __future__ import annotations

from rich.text import Text

from optiscope.core.predict import (
    REL_TOL,
    DirectionQuestion,
    Score,
    ValueQuestion,
    Verdict,
    arrow,
)

RIGHT, WRONG = "✓", "✗"


def header(label: str, marker: str, color: str, t: int, score: Score) -> Text:
    text = Text()
    text.append("Predict  ", "bold")
    text.append(marker, color)
    text.append(f" {label}", "bold")
    text.append(f"  step t = {t}  ·  score: {score.text()}", "dim")
    return text


def _degrees(angle: float) -> str:
    return f"{angle:5.1f}°"


def direction_text(q: DirectionQuestion, coords: tuple[str, str], chosen: int | None) -> Text:
    """The candidates (and, once one is chosen, who each one is and the step's geometry)."""
    x, y = coords
    text = Text()
    if chosen is None:
        text.append(f"Which way does {q.optimizer} step from here?", "bold")
        text.append(f"  (in ({x}, {y}); angles counterclockwise from +{x})\n", "dim")
        for i, c in enumerate(q.candidates, 1):
            text.append(f"  {i} ", "bold reverse")
            text.append(f" {c.arrow} {_degrees(c.angle)}   ")
        text.append("\n")
        text.append(f"−g, steepest descent, points {arrow(q.descent_angle)} ", "dim")
        text.append(f"{q.descent_angle:.1f}°. ", "dim")
        text.append(f"Press 1–{len(q.candidates)}.", "bold")
        return text
    right = chosen == q.answer
    text.append(
        f"{RIGHT} Right: " if right else f"{WRONG} Not that one: ",
        "bold green" if right else "bold red",
    )
    text.append(f"{chosen} is {' = '.join(q.candidates[chosen - 1].names)}.")
    if not right:
        text.append(f" The step is {q.answer}.")
    for i, c in enumerate(q.candidates, 1):
        text.append("\n")
        style = "bold" if c.right else ""
        text.append(f"  {i}  {c.arrow} {_degrees(c.angle)}  ", style)
        text.append(" = ".join(c.names), style)
    text.append("\n")
    text.append(q.reveal, "bold")
    text.append("\nn/→: step on and ask again", "dim")
    return text


def value_text(q: ValueQuestion, verdict: Verdict | None, error: str = "") -> Text:
    """The question with what it reads; once answered, the verdict and the arithmetic."""
    text = Text()
    if verdict is None:
        text.append(f"What is {q.name} at this step?", "bold")
        text.append(f"  (right within {REL_TOL:.0%} of the recorded value)\n", "dim")
        text.append("rule   ", "dim")
        text.append("   ".join(q.rule), "italic")
        text.append("\ngiven  ", "dim")
        text.append(" · ".join(q.givens))
        if error:
            text.append(f"\n{error}", "bold red")
        return text
    recorded = q.working[-1].rsplit(" = ", 1)[-1]
    if verdict.right:
        text.append(f"{RIGHT} Right", "bold green")
    else:
        text.append(f"{WRONG} Not quite", "bold red")
    off = verdict.off_by
    off_text = (
        "" if verdict.truth == 0 else f" ({off:.1%} off)" if off < 0.1 else f" ({off:.0%} off)"
    )
    text.append(
        f": you typed {verdict.typed:g}; the record has {recorded}{off_text}. The arithmetic:"
    )
    for line in q.working:
        text.append("\n")
        text.append(line, "bold" if line is q.working[-1] else "")
    text.append("\nn/→: step on and ask again", "dim")
    return text
