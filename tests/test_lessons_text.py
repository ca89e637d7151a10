"""Lesson text a learner can trust: no internal labels, well-formed figure labels, every
quoted number a measured figure, and no figure that hinges on the last bits of the start."""

from __future__ import annotations

import re

import pytest

from optiscope.core.lessons.catalog import LESSONS
from optiscope.core.lessons.lesson import Finding, Lesson

THREAD_TITLES = (
    "Week 2 RMSprop intuition",
    "RMS prop in a favorable setting",
    "Momentum / RMSProp Lesson 5",
)
#: Words that name the project's own files and notes, not anything a learner has seen.
INTERNAL = re.compile(r"seed 0\d\d|\bseeds?\b(?! \d)|anchor|ANCHORS|=:|\bTODO\b", re.IGNORECASE)


def _texts(lesson: Lesson, found: Finding) -> dict[str, str]:
    texts = {
        "title": lesson.title,
        "question": lesson.question,
        "source": lesson.source,
        "look_at": lesson.look_at,
        "answer": found.answer,
    }
    for fig in found.figures:
        texts[f"figure {fig.key}"] = f"{fig.label}: {fig.text}"
    for label, text in lesson.settings_chosen.items():
        texts[f"settings {label}"] = text
    return texts


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_no_internal_labels_or_malformed_figure_labels(lesson: Lesson) -> None:
    found = lesson.measure()
    for where, text in _texts(lesson, found).items():
        assert not INTERNAL.search(text), (where, text)
    for fig in found.figures:
        # A label is words ending in a noun or a unit, never a dangling "x =" or ":".
        assert not re.search(r"[=:]\s*$", fig.label), fig.label
        assert fig.label.strip() == fig.label and fig.label


def test_the_scan_catches_the_labels_it_is_for() -> None:
    for bad in (
        "(seed 000)",
        "seed 001 (last post)",
        "the anchors' saddle",
        "gd ends near x =: 3.5",
    ):
        assert INTERNAL.search(bad), bad
    for good in ("noise σ = 0.5, seed 1", "Week 2 RMSprop intuition"):
        assert not INTERNAL.search(good), good


def test_forum_questions_cite_their_threads_by_title() -> None:
    cited = {title for lesson in LESSONS for title in THREAD_TITLES if title in lesson.source}
    assert cited == set(THREAD_TITLES)
    for lesson in LESSONS:
        assert "seed" not in lesson.source.lower()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_number_in_the_answer_is_a_figure_or_a_setting(lesson: Lesson) -> None:
    """Strip the figures' texts, the setup's numbers and closed-form constants the text
    derives from (β, λ, 1%): no other number may be left in the answer."""
    found = lesson.measure()
    answer = found.answer
    for text in sorted((f.text for f in found.figures), key=len, reverse=True):
        # Whole numbers only: a figure "5" must not eat the 5 of "0.45".
        answer = re.sub(rf"(?<![\w.]){re.escape(text)}(?![\w]|\.\d)", " ", answer)
    numbers = re.findall(r"(?<![\w.])[−-]?\d+(?:\.\d+)?(?:e[−+-]?\d+)?", answer)
    allowed = _setting_numbers(lesson)
    stray = [n for n in numbers if n.replace("−", "-").lstrip("-") not in allowed]
    assert not stray, (stray, found.answer)


def _setting_numbers(lesson: Lesson) -> set[str]:
    setup = lesson.setup
    numbers = set(re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", " ".join(setup.optimizers)))
    numbers |= set(re.findall(r"\d+(?:\.\d+)?", setup.surface))
    numbers |= {f"{abs(v):g}" for v in setup.start} | {f"{setup.noise:g}", str(setup.steps)}
    for comparison in setup.build().setups:
        numbers |= {
            f"{v:g}" for v in comparison.hyperparameters.values() if not isinstance(v, bool)
        }
    # Constants of the surfaces and rules the answers derive from, stated where they appear.
    numbers |= {"0", "1", "2", "3", "4", "10", "20", "45", "0.5", "0.2", "0.9", "0.999", "1e-4"}
    numbers |= {"50", "30", "200", "0.001", "1.5", "0.54", "0.74", "3.162", "2018", "2023"}
    return numbers


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_quoted_figures_do_not_hinge_on_rounding(lesson: Lesson) -> None:
    """Moving the start by 1e-12 changes no figure's text (approximate ones read "≈")."""
    found = lesson.measure()
    x, y = lesson.setup.start
    moved = lesson.setup.but(start=(x + 1e-12, y - 1e-12))
    again = lesson.claim(moved, moved.run())
    assert again.holds
    for before, after in zip(found.figures, again.figures, strict=True):
        assert before.key == after.key
        if not before.approx:
            assert before.text == after.text, (before.label, before.text, after.text)
    exact = found.answer
    moved_answer = again.answer
    for before, after in zip(found.figures, again.figures, strict=True):
        if before.approx:
            exact = exact.replace(before.text, "≈…")
            moved_answer = moved_answer.replace(after.text, "≈…")
    assert exact == moved_answer


@pytest.mark.parametrize("lesson", LESSONS[:2] + LESSONS[-1:], ids=lambda lesson: lesson.id)
def test_the_lesson_pane_prints_how_settings_were_chosen(lesson: Lesson) -> None:
    from optiscope.tui.widgets.lesson_pane import lesson_text

    shown = " ".join(lesson_text(lesson, lesson.measure()).plain.split())
    assert "How the settings were chosen" in shown
    for label, text in lesson.settings_chosen.items():
        assert f"{label}: {' '.join(text.split())}" in shown
    assert lesson.source in shown
