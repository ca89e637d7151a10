"""The lessons: every question in the learners' threads, set up so the answer shows.

The claims (``claims.py``) measure each lesson's runs and write its answer from the
figures; this module holds the setups, the words around them and lookup by id.
"""

from __future__ import annotations

import math

from ..errors import OptiscopeError
from ..session.setup import Setup
from ..surfaces import get_surface
from .claims import (
    _adagrad_vs_rmsprop,
    _already_good,
    _bigger_step,
    _conventions,
    _himmelblau,
    _large_gradients,
    _momentum_noise,
    _rotation,
    _saddle_escape,
    _start_b,
    _tiny_oscillation,
    _valley_floor,
    _why_not_sign,
    _zigzag,
)
from .lesson import Lesson

LECTURE_A = (-4.7, -1.3)
LECTURE_B = (0.3, -2.3)
LECTURE_C = (-4.7, 0.03)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "zigzag",
        "Why does RMSprop fix the zig-zag?",
        "Starting from A, GD zig-zags across b and crawls along w. How does dividing by "
        "the root of the squared-gradient average change that?",
        "the lecture (RMSprop video)",
        Setup("lecture-bowl", LECTURE_A, ("gd(lr=0.4)", "rmsprop(lr=0.2)"), steps=200),
        "The b column of each table (sign flips), the first row's Δw and Δb, and the two "
        "paths: GD's saw-tooth against RMSprop's straighter line.",
        _zigzag,
    ),
    Lesson(
        2,
        "start-b",
        "What if I start at B?",
        "From B (0.3, −2.3) w is nearly optimal; we do not want a step in w. Does "
        "RMSprop introduce one?",
        "seed 001",
        Setup("lecture-bowl", LECTURE_B, ("gd(lr=0.2)", "rmsprop(lr=0.1)"), steps=200),
        "RMSprop's ∂w, S and Δw columns: a tiny ∂w divided by a tiny √S gives a full-size "
        "Δw that flips sign.",
        _start_b,
    ),
    Lesson(
        3,
        "valley-floor",
        "What happens on the valley floor?",
        "At C (−4.7, 0.03) b is already right. Do adaptive methods leave it alone?",
        "the lecture's point C",
        Setup(
            "lecture-bowl", LECTURE_C, ("gd(lr=0.4)", "rmsprop(lr=0.1)", "adam(lr=0.1)"), steps=200
        ),
        "The b value in each table and how far the RMSprop and Adam paths climb off the floor.",
        _valley_floor,
    ),
    Lesson(
        4,
        "already-good",
        "What if the trajectory is already good?",
        "If GD already heads straight for the minimum, does RMSprop make it worse?",
        "seed 001",
        Setup("round-bowl", (-4.0, 2.0), ("gd(lr=0.1)", "rmsprop(lr=0.1)"), steps=200),
        "The ∠ column (angle between the step and −∇f): 0° for GD, not for RMSprop; then "
        "move the start to the diagonal (3.5, 3.5) and watch it vanish.",
        _already_good,
    ),
    Lesson(
        5,
        "tiny-oscillation",
        "Does RMSprop make a ±1e-4 oscillation worse?",
        "If dw alternates +1e-4, −1e-4, … RMSprop divides by ~1e-4 and gets ±1: is the "
        "oscillation made much worse?",
        "seed 000",
        Setup("vee", (5e-7, 0.0), ("gd(lr=0.01)", "rmsprop(lr=0.01)"), steps=200),
        "RMSprop's S column falling to 1e-8, its ηeff column (and the ηeff sparkline under "
        "the plot, key s) settling near η/1e-4 where GD's stays η, and Δw at ±η while "
        "GD's is ±η·1e-4.",
        _tiny_oscillation,
    ),
    Lesson(
        6,
        "why-not-sign",
        "Why not just use sign(dw)?",
        "Could RMSprop be replaced by dw = +1 if dw >= 0 else −1?",
        "seed 000",
        Setup(
            "lecture-bowl",
            LECTURE_A,
            ("rmsprop(lr=0.1)", "adam(lr=0.1)", "signgd(lr=0.1)", "normgd(lr=0.1)"),
            steps=100,
        ),
        "The first row of each table (Δ = 3.16·lr, lr, lr, …), then the ‖Δ‖ and ∠ columns "
        "(o cycles the tables): sign-GD always steps along a diagonal (‖Δ‖ = lr·√2), so it "
        "stays well off −∇f, while RMSprop's memory of |g| turns its steps towards −∇f.",
        _why_not_sign,
    ),
    Lesson(
        7,
        "bigger-step",
        "Is RMSprop's lead only a bigger step?",
        "RMSprop's first step is longer than GD's. Compare it with GD normalized by ‖g‖ "
        "whose first step is just as long.",
        "seed 001 (last post)",
        Setup(
            "lecture-bowl",
            LECTURE_A,
            (
                "gd(lr=0.4)",
                "rmsprop(lr=0.1)",
                f"normgd(lr={0.1 / math.sqrt(0.1) * math.sqrt(2):.10g})",
            ),
            steps=300,
        ),
        "The ‖Δ‖ column (equal at step 0), then the loss view (v): where the normalized GD "
        "curve flattens out.",
        _bigger_step,
    ),
    Lesson(
        8,
        "rotation",
        "What happens with high-dimensional parameters?",
        "The lecture draws w horizontal and b vertical. What if the valley is not along "
        "an axis, as in almost every high-dimensional problem?",
        "seed 000",
        Setup(
            "rotated-bowl(theta=45)",
            get_surface("rotated-bowl", theta=45.0).starts["A"],
            (
                "gd(lr=0.4)",
                "momentum(lr=0.4)",
                "normgd(lr=0.1)",
                "rmsprop(lr=0.1)",
                "adam(lr=0.1)",
                "adagrad(lr=0.5)",
                "signgd(lr=0.1)",
            ),
            steps=400,
        ),
        "Change θ in the controls between 0 and 45: GD, momentum and normalized GD trace "
        "the same path turned with the bowl; the others do not.",
        _rotation,
    ),
    Lesson(
        9,
        "adagrad-vs-rmsprop",
        "Does RMSprop's effective learning rate only fall?",
        "RMSprop is 'a less aggressive Adagrad'. Do both shrink their steps over time?",
        "seed 002",
        Setup("lecture-bowl", LECTURE_A, ("adagrad(lr=0.5)", "rmsprop(lr=0.1)"), steps=200),
        "The ηeff column of each: Adagrad's only falls; RMSprop's climbs near the minimum "
        "(the ηeff sparkline shows it at a glance).",
        _adagrad_vs_rmsprop,
    ),
    Lesson(
        10,
        "momentum-noise",
        "What does momentum do with noisy mini-batches?",
        "How does an average of gradients make the path 'steeper'?",
        "seed 002",
        Setup(
            "regression(batch_size=4)",
            (-2.6, -0.8),
            ("gd(lr=0.5)", "momentum(lr=0.5, beta=0.9)"),
            steps=400,
        ),
        "The two paths near the fit: GD jitters from batch to batch, momentum drifts "
        "smoothly; the ∠ column (angle to the full-data −∇f).",
        _momentum_noise,
    ),
    Lesson(
        11,
        "large-gradients",
        "Aren't large gradients good?",
        "Large gradients mean big steps and faster progress. Why penalise them?",
        "seed 000",
        Setup(
            "lecture-bowl", LECTURE_A, ("gd(lr=0.51)", "gd(lr=0.49)", "rmsprop(lr=0.51)"), steps=200
        ),
        "The b column of the two GD runs: growing vs shrinking zig-zag; the status line "
        "and the loss view (v).",
        _large_gradients,
    ),
    Lesson(
        12,
        "saddle-escape",
        "Who escapes a saddle first?",
        "Near a saddle the gradient is almost zero. Which update rules leave quickly, and "
        "can any leave from exactly on the ridge?",
        "the anchors' saddle",
        Setup(
            "saddle",
            (1.5, 0.001),
            ("adagrad", "rmsprop", "adam", "signgd", "heavyball", "normgd", "gd", "momentum"),
            steps=400,
        ),
        "The paths leaving the ridge y = 0 one by one; then start on the ridge (controls) "
        "and add noise σ.",
        _saddle_escape,
    ),
    Lesson(
        13,
        "himmelblau-basins",
        "Same start, different minimum?",
        "Can two optimizers started at the same point end in different minima?",
        "the anchors' Himmelblau",
        Setup("himmelblau", (0.54, -0.74), ("gd", "momentum", "adam", "rmsprop"), steps=500),
        "The four paths parting in the first few steps.",
        _himmelblau,
    ),
    Lesson(
        14,
        "momentum-conventions",
        "Which momentum is 'momentum'?",
        "The course averages gradients, v = βv + (1−β)g; PyTorch sums them, B = μB + g. "
        "Are they different methods?",
        "the course vs torch.optim",
        Setup(
            "lecture-bowl",
            LECTURE_A,
            ("momentum(lr=0.4, beta=0.9)", "heavyball(lr=0.04, momentum=0.9)"),
            steps=200,
        ),
        "Two paths drawn on top of each other; the v and B columns differ by 1/(1−β).",
        _conventions,
    ),
)


def get_lesson(key: str) -> Lesson:
    """A lesson by id or number ("zigzag", "1")."""
    text = key.strip().lower()
    for lesson in LESSONS:
        if text in (lesson.id, str(lesson.number)):
            return lesson
    ids = ", ".join(f"{lesson.number} {lesson.id}" for lesson in LESSONS)
    raise OptiscopeError(f"unknown lesson {key!r} (lessons: {ids})")
