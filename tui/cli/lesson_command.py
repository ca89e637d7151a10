"""``optiscope lesson ID``: the question, the setup, the measured figures and the answer."""

from __future__ import annotations

import argparse
import json
import textwrap

from optiscope.core.callspec import parse_call
from optiscope.core.format import fmt
from optiscope.core.lessons.catalog import LESSONS, get_lesson
from optiscope.core.lessons.lesson import Lesson
from optiscope.core.predict import direction_question, value_question


def lesson_lines() -> list[str]:
    width = max(len(lesson.id) for lesson in LESSONS)
    return [f"{lesson.number:>2}  {lesson.id:<{width}}  {lesson.title}" for lesson in LESSONS]


def lesson_report(lesson: Lesson, width: int = 88) -> str:
    """The lesson as plain text; every number in it is measured now."""
    found = lesson.measure()
    setup = lesson.setup
    surface = setup.surface
    wrap = textwrap.TextWrapper(width=width, subsequent_indent="  ")
    settings = textwrap.TextWrapper(width=width, initial_indent="  ", subsequent_indent="      ")
    lines = [
        f"Lesson {lesson.number} ({lesson.id}): {lesson.title}",
        "",
        *wrap.wrap(f"Question, from {lesson.source}: {lesson.question}"),
        "",
        f"Setup: {surface} from ({setup.start[0]:g}, {setup.start[1]:g}), {setup.steps} steps"
        + (f", gradient noise σ={setup.noise:g} seed {setup.seed}" if setup.noise else ""),
        "How each optimizer's settings were chosen:",
        *(
            line
            for label, text in lesson.settings_chosen.items()
            for line in settings.wrap(f"{label}: {text}")
        ),
        "",
        "Measured:",
        *(f"  {fig.label}: {fig.text}" for fig in found.figures),
        "",
        *wrap.wrap(f"Answer: {found.answer}"),
        "",
        *wrap.wrap(f"What to look at: {lesson.look_at}"),
        "",
        *exercise_lines(lesson, wrap),
        f"Open it in the explorer: optiscope lesson {lesson.id} --open",
    ]
    if not found.holds:
        lines.insert(2, "WARNING: the measured figures do not support this lesson's claim.")
    return "\n".join(lines)


def exercise_lines(lesson: Lesson, wrap: textwrap.TextWrapper) -> list[str]:
    """The question a lesson ends with, with what it offers (directions) or reads (the
    numbers a value is computed from); the answer is left to the learner (the explorer's
    y reveals it, and ``--format json`` holds it)."""
    exercise = lesson.exercise
    if exercise is None:
        return []
    run = lesson.setup.run()[exercise.run]
    label = run.setup.label
    lines = wrap.wrap(f"Your turn: {exercise.prompt}")
    if exercise.form == "direction":
        question = direction_question(run, exercise.step, label)
        if question is not None:
            lines.append(f"  Which way does {label} step at step {exercise.step}? (w, b axes)")
            lines += [
                f"    {i}. {c.arrow} {c.angle:.0f}°" for i, c in enumerate(question.candidates, 1)
            ]
    else:
        value = value_question(run, exercise.step, exercise.name, label)
        lines.append(f"  {label}'s {value.name} at step {exercise.step}, from:")
        lines += [f"    {line}" for line in (*value.rule, *value.givens)]
    lines.append("  Answer it with y in the explorer (--open); --format json holds the answer.")
    return [*lines, ""]


def exercise_document(lesson: Lesson) -> dict[str, object] | None:
    """The exercise as data, with its answer: the right direction (its number among the
    offered ones and its angle) or the recorded value."""
    exercise = lesson.exercise
    if exercise is None:
        return None
    run = lesson.setup.run()[exercise.run]
    doc: dict[str, object] = {
        "run": run.setup.label,
        "step": exercise.step,
        "form": exercise.form,
        "prompt": exercise.prompt,
    }
    if exercise.form == "direction":
        question = direction_question(run, exercise.step, run.setup.label)
        if question is not None:
            doc["offered_degrees"] = [round(c.angle, 1) for c in question.candidates]
            doc["answer"] = question.answer
    else:
        value = value_question(run, exercise.step, exercise.name, run.setup.label)
        doc["name"] = value.name
        doc["answer"] = value.truth
        doc["answer_text"] = fmt(value.truth)
    return doc


def lesson_document(lesson: Lesson) -> dict[str, object]:
    found = lesson.measure()
    setup = lesson.setup
    name, given = parse_call(setup.surface, "surface")
    settings = setup.build_surface().settings
    return {
        "number": lesson.number,
        "id": lesson.id,
        "title": lesson.title,
        "question": lesson.question,
        "source": lesson.source,
        "setup": {
            "surface": name,
            "settings": {key: settings[key] for key in given},
            "start": list(setup.start),
            "optimizers": list(setup.optimizers),
            "settings_chosen": dict(lesson.settings_chosen),
            "steps": setup.steps,
            "noise": setup.noise,
            "seed": setup.seed,
        },
        "figures": {fig.key: fig.value for fig in found.figures},
        "holds": found.holds,
        "answer": found.answer,
        "look_at": lesson.look_at,
        "exercise": exercise_document(lesson),
    }


def lesson_command(args: argparse.Namespace) -> int:
    lesson = get_lesson(args.id)
    if args.open:
        from .launch import launch_lesson

        return launch_lesson(lesson)
    if args.format == "json":
        print(json.dumps(lesson_document(lesson), indent=2, ensure_ascii=False))
    else:
        print(lesson_report(lesson))
    return 0
