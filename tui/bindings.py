"""Every key, in tables: the footer, the help screen and the command palette of each screen
are generated from its table, and each binding has an id so a keymap can remap it.

``STEPPING`` holds the keys every stepping screen shares (the explorer and the
high-dimensional view), so a remapped "step-forward" steps in both.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding


class Command(NamedTuple):
    """One explorer action: its keys, footer text, id and a line for the help screen."""

    keys: str
    action: str
    short: str
    id: str
    help: str
    show: bool = False
    group: str = "Steps"
    key_display: str | None = None


STEPPING: tuple[Command, ...] = (
    Command(
        "n,right",
        "step(1)",
        "Next",
        "step-forward",
        "step forward one update",
        True,
        key_display="n/→",
    ),
    Command(
        "p,left", "step(-1)", "Back", "step-back", "step back one update", True, key_display="p/←"
    ),
    Command("space", "toggle_run", "Run", "run", "run / pause stepping automatically", True),
    Command("right_square_bracket", "speed(1)", "Faster", "faster", "run faster", key_display="]"),
    Command("left_square_bracket", "speed(-1)", "Slower", "slower", "run slower", key_display="["),
    Command("g", "jump", "Jump", "jump", "jump to a step number", True),
    Command("home", "first", "First", "first", "go to step 0"),
    Command(
        "end", "last", "Last", "last", "go to the end of the run (--steps, or as far as stepped)"
    ),
    Command(
        "o",
        "cycle_focus(1)",
        "Focus",
        "cycle-optimizer",
        "focus the next optimizer (what the table, bars and explain pane show)",
        True,
        "Optimizers",
    ),
    Command(
        "O",
        "cycle_focus(-1)",
        "Focus back",
        "cycle-optimizer-back",
        "focus the previous optimizer",
        False,
        "Optimizers",
    ),
)

EXPLORER: tuple[Command, ...] = (
    Command("r", "reset", "Reset", "reset", "back to step 0 and stop running"),
    Command(
        "a",
        "add_optimizer",
        "Add",
        "add-optimizer",
        "add an optimizer to compare",
        True,
        "Optimizers",
    ),
    Command(
        "d",
        "remove_optimizer",
        "Remove",
        "remove-optimizer",
        "remove the focused optimizer",
        False,
        "Optimizers",
    ),
    Command(
        "f",
        "edit_form",
        "Edit",
        "edit-hyperparameters",
        "edit the focused optimizer's hyperparameters (Esc back to the plot)",
        True,
        "Optimizers",
    ),
    Command(
        "asterisk",
        "nudge_lr(1)",
        "η ×1.25",
        "lr-up",
        "multiply the focused optimizer's learning rate η by 1.25 (recomputed at once)",
        group="Optimizers",
        key_display="*",
    ),
    Command(
        "slash",
        "nudge_lr(-1)",
        "η ÷1.25",
        "lr-down",
        "divide the focused optimizer's learning rate η by 1.25",
        group="Optimizers",
        key_display="/",
    ),
    Command(
        "right_curly_bracket",
        "nudge_beta(1)",
        "β up",
        "beta-up",
        "the focused optimizer's momentum-like β (β, β₁, μ) halfway to 1: 0.9 → 0.95",
        group="Optimizers",
        key_display="}",
    ),
    Command(
        "left_curly_bracket",
        "nudge_beta(-1)",
        "β down",
        "beta-down",
        "its β twice as far from 1: 0.9 → 0.8 → 0.6 → 0.2 → 0 (stops at its range)",
        group="Optimizers",
        key_display="{",
    ),
    Command(
        "W,shift+up",
        "move_start(0,1)",
        "Start ↑",
        "start-up",
        "move the start up",
        group="Start",
        key_display="W",
    ),
    Command(
        "S,shift+down",
        "move_start(0,-1)",
        "Start ↓",
        "start-down",
        "move the start down",
        group="Start",
        key_display="S",
    ),
    Command(
        "A,shift+left",
        "move_start(-1,0)",
        "Start ←",
        "start-left",
        "move the start left",
        group="Start",
        key_display="A",
    ),
    Command(
        "D,shift+right",
        "move_start(1,0)",
        "Start →",
        "start-right",
        "move the start right",
        group="Start",
        key_display="D",
    ),
    Command(
        "1", "named_start(0)", "Start 1", "start-1", "first named start (e.g. A)", group="Start"
    ),
    Command(
        "2", "named_start(1)", "Start 2", "start-2", "second named start (e.g. B)", group="Start"
    ),
    Command(
        "3", "named_start(2)", "Start 3", "start-3", "third named start (e.g. C)", group="Start"
    ),
    Command("4", "named_start(3)", "Start 4", "start-4", "fourth named start", group="Start"),
    Command(
        "F",
        "formula",
        "Formula",
        "formula-surface",
        "your own surface: type f(x, y), e.g. x**2 + 10*sin(y)",
        group="Start",
    ),
    Command(
        "plus,equals_sign",
        "zoom(0.8)",
        "Zoom in",
        "zoom-in",
        "zoom in",
        group="View",
        key_display="+",
    ),
    Command(
        "minus", "zoom(1.25)", "Zoom out", "zoom-out", "zoom out", group="View", key_display="-"
    ),
    Command("h", "pan(-0.1,0)", "Pan ←", "pan-left", "pan left", group="View"),
    Command("l", "pan(0.1,0)", "Pan →", "pan-right", "pan right", group="View"),
    Command("k", "pan(0,0.1)", "Pan ↑", "pan-up", "pan up", group="View"),
    Command("j", "pan(0,-0.1)", "Pan ↓", "pan-down", "pan down", group="View"),
    Command("0", "reset_view", "Fit", "reset-view", "reset zoom and pan", group="View"),
    Command(
        "e",
        "equal_aspect",
        "Aspect",
        "equal-aspect",
        "equal aspect: one unit is as long on both axes",
        group="View",
    ),
    Command(
        "V",
        "vectors",
        "Vectors",
        "vectors",
        "vectors at the cursor: the step Δ, plain GD's −η∇f and what the step is made of",
        group="View",
    ),
    Command(
        "G",
        "gradient_field",
        "Field",
        "gradient-field",
        "gradient field: −∇f as a sparse quiver over the contours (scale in the legend)",
        group="View",
    ),
    Command(
        "z",
        "shaded",
        "Shaded",
        "shaded-contours",
        "shaded contours: filled bands between the levels instead of lines",
        group="View",
    ),
    Command(
        "x",
        "explain",
        "Explain",
        "explain",
        "show the update rule with this step's numbers",
        True,
        "View",
    ),
    Command(
        "u",
        "play_step",
        "Parts",
        "play-step",
        "play this step's update in parts, each with its numbers (→ ← walk, other keys end)",
        group="View",
    ),
    Command(
        "v",
        "loss_view",
        "Loss",
        "loss-view",
        "switch between contours and loss vs step",
        True,
        "View",
    ),
    Command(
        "s",
        "sparklines",
        "ηeff",
        "sparklines",
        "effective learning rate per coordinate over the steps so far (focused optimizer)",
        group="View",
    ),
    Command(
        "C",
        "sharpness_strip",
        "λmax",
        "sharpness-strip",
        "sharpness strip: λmax (curvature) per step against the stability threshold (2/η for GD)",
        group="View",
    ),
    Command(
        "t",
        "table_layout",
        "Table",
        "table-layout",
        "step table: one line per step, or one line per coordinate",
        group="View",
    ),
    Command(
        "greater_than_sign",
        "table_columns(1)",
        "Columns →",
        "table-right",
        "step table: show the columns further right (a › marks hidden ones)",
        group="View",
        key_display=">",
    ),
    Command(
        "less_than_sign",
        "table_columns(-1)",
        "Columns ←",
        "table-left",
        "step table: back to the columns on the left (a ‹ marks hidden ones)",
        group="View",
        key_display="<",
    ),
    Command(
        "c",
        "toggle_controls",
        "Controls",
        "toggle-controls",
        "show or hide the controls pane",
        group="View",
    ),
    Command(
        "H",
        "highdim",
        "High-dim",
        "highdim",
        "high-dimensional view: a quadratic with N up to 1,000 or logistic regression",
        group="View",
    ),
    Command(
        "m",
        "map_view",
        "Map",
        "map-view",
        "convergence map: the focused optimizer from every start of a grid (again: contours)",
        group="Maps",
    ),
    Command(
        "M",
        "map_metric",
        "Map metric",
        "map-metric",
        "convergence map colours: minimum reached → steps to converge → final loss",
        group="Maps",
    ),
    Command(
        "b",
        "map_difference",
        "A vs B",
        "map-difference",
        "convergence map: where does the focused optimizer (A) beat the next one (B)?",
        group="Maps",
    ),
    Command(
        "B",
        "hyper_map",
        "lr×β map",
        "hyper-map",
        "lr×β map: the focused optimizer at every (η, β) of a grid, its stability boundary "
        "(arrows pick a cell, Enter sets it; again: contours)",
        group="Maps",
    ),
    Command(
        "L",
        "pick_lesson",
        "Lessons",
        "pick-lesson",
        "lessons: a learner's question, set up and answered with measured numbers",
        group="Lessons",
    ),
    Command(
        "i",
        "toggle_lesson",
        "Lesson",
        "toggle-lesson",
        "show or hide the loaded lesson's question and answer",
        group="Lessons",
    ),
    Command(
        "y",
        "predict",
        "Predict",
        "predict",
        "predict mode: guess each next step (its direction or a number) before it shows",
        group="Lessons",
    ),
    Command(
        "J",
        "scroll_lesson(1)",
        "Lesson ↓",
        "lesson-down",
        "scroll the lesson's text down (K up), without leaving the plot",
        group="Lessons",
    ),
    Command(
        "K",
        "scroll_lesson(-1)",
        "Lesson ↑",
        "lesson-up",
        "scroll the lesson's text up",
        group="Lessons",
    ),
    Command(
        "w",
        "session",
        "Session",
        "session",
        "session: copy the one-line spec, open a spec, save or load a file",
        group="Files",
    ),
    Command("E", "export", "Export", "export", "write the run as CSV and JSON", group="Files"),
    Command("P", "screenshot", "Screenshot", "screenshot", "save an SVG screenshot", group="Files"),
    Command("question_mark", "help", "Help", "help", "all keys", True, "App", key_display="?"),
    Command("q", "app.quit", "Quit", "quit", "quit optiscope", True, "App"),
)

HIGHDIM: tuple[Command, ...] = (
    Command(
        "b",
        "cycle_field",
        "Bars",
        "hd-bars",
        "bars: the next quantity (|g|, √S, ηeff, |Δ|)",
        True,
        "High-dim",
    ),
    Command(
        "e",
        "toggle_plane",
        "Plane",
        "hd-plane",
        "the view plane: Hessian eigenvectors or two random directions",
        True,
        "High-dim",
    ),
    Command(
        "R",
        "toggle_rotated",
        "Rotate",
        "hd-rotate",
        "the quadratic in its eigenbasis or rotated (the basis lesson)",
        True,
        "High-dim",
    ),
    Command(
        "v",
        "toggle_pane",
        "Plane/basis",
        "hd-pane",
        "narrow terminals: the plane or the basis panel",
        False,
        "High-dim",
    ),
    Command(
        "question_mark",
        "help",
        "Help",
        "hd-help",
        "what each panel shows",
        True,
        "App",
        key_display="?",
    ),
    Command(
        "escape,q,H",
        "close",
        "Explorer",
        "hd-close",
        "back to the explorer",
        True,
        "App",
        key_display="Esc",
    ),
)


#: Keys while a step plays in parts (``u``): any key not here ends it.
PLAYING: tuple[Command, ...] = (
    Command(
        "n,right",
        "frame(1)",
        "Next part",
        "part-next",
        "the next part of the update (after the last: the step is taken)",
        True,
        "Step in parts (u)",
        key_display="n/→",
    ),
    Command(
        "p,left",
        "frame(-1)",
        "Part back",
        "part-back",
        "the part before",
        True,
        "Step in parts (u)",
        key_display="p/←",
    ),
    Command(
        "escape",
        "dismiss(False)",
        "Done",
        "part-end",
        "end it (so does any other key)",
        True,
        "Step in parts (u)",
        key_display="Esc",
    ),
)

#: Keys in predict mode (``y``): the answers, the next question, the way out.
PREDICTING: tuple[Command, ...] = (
    *(
        Command(
            str(k),
            f"answer({k})",
            "Answer" if k == 1 else "",
            f"predict-answer-{k}",
            f"direction question: candidate {k}",
            k == 1,
            "Predict (y)",
            key_display="1–4" if k == 1 else None,
        )
        for k in range(1, 5)
    ),
    Command(
        "tab",
        "switch_form",
        "Direction/value",
        "predict-form",
        "ask for the direction or for a number of the step",
        True,
        "Predict (y)",
    ),
    Command(
        "n,right",
        "next_question",
        "Next step",
        "predict-next",
        "after the answer: step on and ask again (Enter in the box marks a typed value)",
        True,
        "Predict (y)",
        key_display="n/→",
    ),
    Command(
        "o",
        "focus_next",
        "Focus",
        "predict-focus",
        "ask about the next optimizer instead",
        True,
        "Predict (y)",
    ),
    Command(
        "escape,y",
        "dismiss(None)",
        "Leave",
        "predict-leave",
        "leave predict mode (the score is kept for this session)",
        True,
        "Predict (y)",
        key_display="Esc",
    ),
)


#: Keys while the lr×β map (``B``) has a cell cursor: bound by the map widget itself.
HYPER_MAP: tuple[Command, ...] = (
    *(
        Command(
            key,
            f"move({dx},{dy})",
            "Cell" if key == "left" else "",
            f"hyper-cell-{key}",
            f"lr×β map: the cell cursor {word}",
            key == "left",
            "lr×β map (B)",
            key_display="←→↑↓" if key == "left" else None,
        )
        for key, dx, dy, word in (
            ("left", -1, 0, "to a smaller η"),
            ("right", 1, 0, "to a larger η"),
            ("up", 0, 1, "to a larger β"),
            ("down", 0, -1, "to a smaller β"),
        )
    ),
    Command(
        "enter",
        "choose",
        "Set η, β",
        "hyper-choose",
        "set the focused optimizer's η and β to the cell's and go back to the contours",
        True,
        "lr×β map (B)",
    ),
)

#: The keys of the explorer's modes, for its help screen (bound only while a mode is on).
IN_MODES: tuple[Command, ...] = PLAYING + PREDICTING + HYPER_MAP


def grouped(commands: tuple[Command, ...]) -> tuple[Command, ...]:
    """Commands with each group in one block, groups in order of first appearance (so help
    shows each heading once when a screen adds its keys to the shared stepping ones)."""
    order: dict[str, int] = {}
    for c in commands:
        order.setdefault(c.group, len(order))
    return tuple(sorted(commands, key=lambda c: order[c.group]))


#: Everything the explorer binds, in help order.
COMMANDS: tuple[Command, ...] = grouped(STEPPING + EXPLORER)


def bound_keys(commands: tuple[Command, ...]) -> frozenset[str]:
    """Every key a table binds (as Textual names them: ``right``, ``escape``)."""
    return frozenset(k.strip() for c in commands for k in c.keys.split(","))


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    return [
        Binding(c.keys, c.action, c.short, show=c.show, id=c.id, key_display=c.key_display)
        for c in commands
    ]


def binding_ids() -> frozenset[str]:
    """Every id a keymap may name: the commands of every screen, and Escape's."""
    return frozenset(c.id for c in (*STEPPING, *EXPLORER, *HIGHDIM, *IN_MODES)) | {"focus-plot"}
