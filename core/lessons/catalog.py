"""The lessons: every question in the learners' threads, set up so the answer shows.

The claims (``claims_*.py``) measure each lesson's runs and write its answer from the
figures; this module holds the setups, how each optimizer's settings were chosen, the
words around them and lookup by id. Tuned learning rates are the sweep's best on the
stated grid (``tests/test_lessons_settings.py`` checks they still are).
"""

from __future__ import annotations

import math

from ..errors import OptiscopeError
from ..session.setup import Setup
from ..surfaces import get_surface
from . import claims_adam as adam_claims
from . import claims_geometry as geometry
from . import claims_lecture as lecture
from . import claims_rmsprop as rmsprop_claims
from . import claims_stability as stability
from .lesson import Exercise, Lesson
from .tuning import TO_THREE, fixed, matched, tuned

#: The learners' forum threads, by their titles.
INTUITION = "“Week 2 RMSprop intuition”"
FAVORABLE = "“RMS prop in a favorable setting”"
MOMENTUM_THREAD = "“Momentum / RMSProp Lesson 5”"

A, B, C = lecture.LECTURE_A, lecture.LECTURE_B, lecture.LECTURE_C
SAME_LR = "the same lr for every run, so the steps differ only by the update rule"
#: Lessons about which way a step goes open with the step's vectors drawn at the cursor.
ABOUT_DIRECTION = ("vectors",)
#: Normalized GD's lr that gives it RMSprop's first-step length √2·lr/√(1−β) at lr 0.08.
MATCHED_NORMGD_LR = 0.08 / math.sqrt(0.1) * math.sqrt(2)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "zigzag",
        "Why does RMSprop fix the zig-zag?",
        "Starting from A, GD zig-zags across b and crawls along w. How does dividing by "
        "the root of the squared-gradient average change that, and does it make RMSprop "
        "faster?",
        "the lecture (RMSprop video)",
        Setup("lecture-bowl", A, ("gd(lr=0.45)", "rmsprop(lr=0.08)", "rmsprop(lr=0.2)"), steps=200),
        (
            tuned(200),
            tuned(200),
            fixed("a larger lr than RMSprop's best, to show it getting close fast and not staying"),
        ),
        "The b column of each table (sign flips), the first row's Δw and Δb, the two paths, "
        "then the loss view (v): RMSprop at lr 0.2 dips below the others early and climbs "
        "back.",
        lecture.zigzag,
        shows=ABOUT_DIRECTION,
        exercise=Exercise(
            1,
            0,
            "direction",
            "GD's first step from A is nearly all b. Which way does RMSprop take its first "
            "step, with S starting at 0?",
        ),
    ),
    Lesson(
        2,
        "start-b",
        "What if I start at B?",
        "From B (0.3, −2.3) w is nearly optimal; we do not want a step in w. Does RMSprop "
        "introduce one?",
        FAVORABLE,
        Setup("lecture-bowl", B, ("gd(lr=0.25)", "rmsprop(lr=0.1)"), steps=200),
        (tuned(200), tuned(200)),
        "RMSprop's ∂w, S and Δw columns: a tiny ∂w divided by a tiny √S gives a full-size "
        "Δw that flips sign.",
        lecture.start_b,
        shows=ABOUT_DIRECTION,
        exercise=Exercise(
            1,
            0,
            "value",
            "At B, w is nearly right and ∂w is tiny. How large is RMSprop's first step in w?",
            "Δw",
        ),
    ),
    Lesson(
        3,
        "valley-floor",
        "What happens on the valley floor?",
        "At C (−4.7, 0.03) b is already right. Do adaptive methods leave it alone?",
        "the lecture's point C",
        Setup("lecture-bowl", C, ("gd(lr=0.49)", "rmsprop(lr=0.12)", "adam(lr=0.19)"), steps=200),
        (tuned(200), tuned(200), tuned(200)),
        "The b value in each table and how far the RMSprop and Adam paths climb off the floor.",
        lecture.valley_floor,
        shows=ABOUT_DIRECTION,
    ),
    Lesson(
        4,
        "already-good",
        "What if the trajectory is already good?",
        "If GD already heads straight for the minimum, does RMSprop make it worse?",
        FAVORABLE,
        Setup(
            "round-bowl", lecture.ROUND_OFF_DIAGONAL, ("gd(lr=0.49)", "rmsprop(lr=0.19)"), steps=200
        ),
        (tuned(200), tuned(200)),
        "The ∠ column (angle between the step and −∇f): 0° for GD, not for RMSprop; then "
        "move the start to the diagonal (−3.162, 3.162) and watch it vanish.",
        lecture.already_good,
        shows=ABOUT_DIRECTION,
    ),
    Lesson(
        5,
        "tiny-oscillation",
        "Does RMSprop make a ±1e-4 oscillation worse?",
        "If dw alternates +1e-4, −1e-4, … RMSprop divides by ~1e-4 and gets ±1: is the "
        "oscillation made much worse?",
        INTUITION,
        Setup("vee", (5e-7, 0.0), ("gd(lr=0.01)", "rmsprop(lr=0.01)"), steps=200),
        (fixed(SAME_LR), fixed(SAME_LR)),
        "RMSprop's S column falling to 1e-8, its ηeff column (and the ηeff sparkline under "
        "the plot, key s) settling near η/1e-4 where GD's stays η, and Δw at ±η while "
        "GD's is ±η·1e-4.",
        rmsprop_claims.tiny_oscillation,
        exercise=Exercise(
            1,
            60,
            "value",
            "By step 60 ∂w is ±1e-4 and S has followed it down. What is RMSprop's Δw there?",
            "Δw",
        ),
    ),
    Lesson(
        6,
        "why-not-sign",
        "Why not just use sign(dw)?",
        "Could RMSprop be replaced by dw = +1 if dw >= 0 else −1?",
        INTUITION,
        Setup(
            "lecture-bowl",
            A,
            ("rmsprop(lr=0.1)", "adam(lr=0.1)", "signgd(lr=0.1)", "normgd(lr=0.1)"),
            steps=100,
        ),
        tuple(
            fixed("one lr for all four, so every step reads as a multiple of it") for _ in range(4)
        ),
        "The first row of each table (Δ = 3.16·lr, lr, lr, …), then the ‖Δ‖ and ∠ columns "
        "(o cycles the tables): sign-GD always steps along a diagonal (‖Δ‖ = lr·√2), while "
        "RMSprop's memory of |g| changes both the length and the direction of its steps.",
        rmsprop_claims.why_not_sign,
        shows=ABOUT_DIRECTION,
    ),
    Lesson(
        7,
        "bigger-step",
        "Is RMSprop's lead only a bigger step?",
        "RMSprop seems to beat GD. Is that only because its whole step is larger? Compare "
        "it with GD normalized by ‖g‖, as the thread suggests.",
        FAVORABLE,
        Setup(
            "lecture-bowl",
            A,
            (
                "gd(lr=0.45)",
                "rmsprop(lr=0.08)",
                f"normgd(lr={MATCHED_NORMGD_LR:.10g})",
                "gd(lr=0.08)",
            ),
            steps=300,
        ),
        (
            tuned(300),
            tuned(300),
            matched("same first-step length as rmsprop(lr=0.08), √2·lr/√(1−β)"),
            fixed("RMSprop's lr, to show where an untuned comparison's lead comes from"),
        ),
        "The ‖Δ‖ column (normalized GD's never changes), then the loss view (v): RMSprop "
        "dips to 1e-7 and climbs back, normalized GD flattens above the others.",
        lecture.bigger_step,
        shows=ABOUT_DIRECTION,
    ),
    Lesson(
        8,
        "rotation",
        "What happens with high-dimensional parameters?",
        "The lecture draws w horizontal and b vertical. What if the valley is not along "
        "an axis, as in almost every high-dimensional problem?",
        INTUITION,
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
        tuple(fixed("the same lr at both angles, so only the rotation changes") for _ in range(7)),
        "Change θ in the controls between 0 and 45: GD, momentum and normalized GD trace "
        "the same path turned with the bowl; the others do not.",
        geometry.rotation,
    ),
    Lesson(
        9,
        "adagrad-vs-rmsprop",
        "Does RMSprop's effective learning rate only fall?",
        "RMSprop is 'a less aggressive Adagrad'. Do both shrink their steps over time?",
        MOMENTUM_THREAD,
        Setup("lecture-bowl", A, ("adagrad(lr=0.5)", "rmsprop(lr=0.1)"), steps=200),
        (
            fixed("any lr shows it, since Adagrad's sum of g² only grows"),
            fixed("any lr shows it; this is the surface's suggested lr"),
        ),
        "The ηeff column of each: Adagrad's only falls; RMSprop's climbs as its gradient "
        "shrinks (the ηeff sparkline shows it at a glance).",
        rmsprop_claims.adagrad_vs_rmsprop,
    ),
    Lesson(
        10,
        "momentum-noise",
        "What does momentum do with noisy mini-batches?",
        "How does an average of gradients make the path 'steeper'?",
        MOMENTUM_THREAD,
        Setup(
            "regression(batch_size=4)",
            geometry.REGRESSION_START,
            ("gd(lr=0.27)", "momentum(lr=0.39)"),
            steps=400,
        ),
        (tuned(400, TO_THREE), tuned(400, TO_THREE)),
        "The two paths near the fit: GD jitters from batch to batch, momentum drifts "
        "smoothly; then set batch_size to 0 (the full batch) in the controls.",
        geometry.momentum_noise,
    ),
    Lesson(
        11,
        "large-gradients",
        "Aren't large gradients good?",
        "Large gradients mean big steps and faster progress. Why penalise them?",
        INTUITION,
        Setup("lecture-bowl", A, ("gd(lr=0.51)", "gd(lr=0.49)", "rmsprop(lr=0.51)"), steps=200),
        (
            fixed("just above GD's stability limit 2/λmax = 0.5"),
            fixed("just below GD's stability limit 2/λmax = 0.5"),
            fixed("the lr that makes GD diverge, to show what dividing by |g| does there"),
        ),
        "The b column of the two GD runs: growing vs shrinking zig-zag; the status line "
        "and the loss view (v), where RMSprop falls and climbs back.",
        rmsprop_claims.large_gradients,
    ),
    Lesson(
        12,
        "saddle-escape",
        "Who escapes a saddle first?",
        "Near a saddle the gradient is almost zero. Which update rules leave quickly, and "
        "can any leave from exactly on the ridge?",
        "the lecture on local optima and saddle points",
        Setup(
            "saddle",
            (1.5, 0.001),
            (
                "adagrad(lr=1.34)",
                "rmsprop(lr=0.05)",
                "adam(lr=0.49)",
                "signgd(lr=0.17)",
                "heavyball(lr=0.32)",
                "normgd(lr=0.19)",
                "gd(lr=0.49)",
                "momentum(lr=2.04)",
            ),
            steps=400,
        ),
        tuple(tuned(400, TO_THREE) for _ in range(8)),
        "The paths leaving the ridge y = 0 one by one; then start on the ridge (controls) "
        "and add noise σ.",
        geometry.saddle_escape,
    ),
    Lesson(
        13,
        "himmelblau-basins",
        "Same start, different minimum?",
        "Can two optimizers started at the same point end in different minima?",
        f"the simulator linked in {FAVORABLE}",
        Setup("himmelblau", (0.54, -0.74), ("gd", "momentum", "adam", "rmsprop"), steps=500),
        tuple(
            fixed("the surface's suggested lr; the answer reruns it at 7 lrs down to a tenth")
            for _ in range(4)
        ),
        "The four paths parting in the first few steps.",
        geometry.himmelblau,
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
            A,
            ("momentum(lr=0.4, beta=0.9)", "heavyball(lr=0.04, momentum=0.9)"),
            steps=200,
        ),
        (
            fixed("the course's momentum at GD's lr on this bowl"),
            matched("heavy ball at lr·(1−β) = 0.4·0.1, the course momentum's steps"),
        ),
        "Two paths drawn on top of each other; the v and B columns differ by 1/(1−β).",
        geometry.conventions,
    ),
    Lesson(
        15,
        "averages-and-rescales",
        "Momentum averages, RMSprop rescales: is that right?",
        "'RMSprop is scaling the components of the gradient so that they end up being in a "
        "comparable scale and Momentum is averaging the gradients over many iterations to "
        "reduce oscillations, is that right ?' What does each do to the direction and to the "
        "size of the step, and what does Adam do with both?",
        FAVORABLE,
        Setup(
            "lecture-bowl",
            A,
            ("gd(lr=0.1)", "momentum(lr=0.14)", "rmsprop(lr=0.06)", "adam(lr=0.08)"),
            noise=0.5,
            seed=1,
            steps=200,
        ),
        (tuned(200), tuned(200), tuned(200), tuned(200)),
        "The paths: momentum's and Adam's are smooth, GD's and RMSprop's jitter; then the "
        "ηeff columns of each table (o cycles them): GD's is the same in w and b, RMSprop's "
        "and Adam's are larger in w.",
        adam_claims.averages_and_rescales,
        shows=ABOUT_DIRECTION,
    ),
    Lesson(
        16,
        "adam-pieces",
        "Is this why Adam was developed?",
        "If RMSprop slows the direction that needs to move most: 'Is this the reason, that "
        "Adam optimization algorithm was developed?' What is Adam made of, and does it fix "
        "that?",
        FAVORABLE,
        Setup(
            "lecture-bowl",
            B,
            (
                "rmsprop(lr=0.1)",
                "adam(lr=0.1, beta1=0, beta2=0.9, bias_correction=false)",
                "adam(lr=0.1, beta1=0, beta2=0.9)",
                "adam(lr=0.1, beta2=0.9)",
                "adam(lr=0.1)",
                "gd(lr=0.25)",
            ),
            steps=200,
        ),
        (
            *(fixed(SAME_LR) for _ in range(5)),
            tuned(200),
        ),
        "The first row of each table (RMSprop's 3.16·lr against lr), the first two paths "
        "drawn on top of each other, then the w column of each Adam: it stops flipping once "
        "β₁ = 0.9.",
        adam_claims.adam_pieces,
        exercise=Exercise(
            4,
            0,
            "direction",
            "Adam's m and v both start at 0 and are bias-corrected. Which way does its first "
            "step go?",
        ),
    ),
    Lesson(
        17,
        "adam-sign-noise",
        "Is Adam just sign descent?",
        "Adam's first step is lr·sign(g), like the thread's 'just use sign(dw)'. Does it "
        "stay that way when the gradient is noisy?",
        f"{INTUITION}; Balles & Hennig 2018; Kunstner et al. 2023",
        Setup(
            "vee(slope=1)",
            (0.03, 0.0015),
            ("adam(lr=2e-05)", "signgd(lr=2e-05)"),
            noise=1.0,
            seed=3,
            steps=1000,
        ),
        (fixed(SAME_LR), fixed(SAME_LR)),
        "Adam's |Δ|/η column (the step in units of lr) against sign-GD's constant 1; then "
        "raise σ in the controls (4, say) and watch Adam's fall.",
        adam_claims.sign_until_noisy,
    ),
    Lesson(
        18,
        "edge-of-stability",
        "Why does my loss stop falling smoothly?",
        "GD at a fixed lr on a valley that narrows toward its minimum: the loss falls, then "
        "starts to jump up and down. Is the lr too large, and what sets where it stalls?",
        "Cohen et al. 2021, “Gradient descent on neural networks typically occurs at the "
        "edge of stability”; Damian et al. 2023, “Self-stabilization”",
        Setup("sharpening", (0.0, 1.0), ("gd(lr=0.1)", "gd(lr=0.07)"), steps=5000),
        (
            fixed(
                "2/η = 20 lies between λmax at the start and at the minimum, so the edge "
                "is on the path"
            ),
            fixed("2/η above λmax at the minimum: no edge on the path, the control run"),
        ),
        "The sharpness strip under the plot (C toggles it): λmax per step against 2/η, "
        "filling up to it, overshooting, then swinging around it; the λmax "
        "column beside 2/η in GD's table; then the loss view (v): a smooth fall until "
        "λmax reaches 2/η, then spikes while it swings around it.",
        stability.edge_of_stability,
        shows=("sharpness",),
    ),
    Lesson(
        19,
        "warmup",
        "Why warm up the learning rate?",
        "From a sharp start the lr I want diverges at once. Does ramping it up over the "
        "first steps help, how, and is it then faster than a smaller constant lr?",
        "Kalra & Barkeshli 2024, “Why warmup the learning rate?”",
        Setup(
            "sharpening(center=0)",
            (4.5, 1.0),
            ("gd(lr=1)",),
            schedule="warmup(W=200)",
            steps=600,
        ),
        (
            fixed(
                "η = 1 is stable at the flat minimum (λmax = 1) but diverges from this start "
                "as a constant lr; W = 200, since W = 100 diverges"
            ),
        ),
        "The λmax column falling while η (the schedule) rises, then set the schedule to "
        "constant in the controls and watch the status line.",
        stability.warmup,
        shows=("sharpness",),
    ),
    Lesson(
        20,
        "momentum-beta",
        "Why does momentum with β = 0.99 go haywire?",
        "With β = 0.99 the path shoots past the minimum, comes back, and keeps swinging. "
        "Is the lr too large for that β, and why does it settle so slowly?",
        "Distill, “Why Momentum Really Works” (distillpub/post--momentum#90)",
        Setup(
            "lecture-bowl",
            A,
            ("momentum(lr=0.4, beta=0.99)", "momentum(lr=0.4, beta=0.9)"),
            steps=1000,
        ),
        (
            fixed("β = 0.99 as asked, at the course momentum's lr on this bowl"),
            fixed("the course's β = 0.9 at the same lr, so only β differs"),
        ),
        "The two paths (the β = 0.99 one swings past the minimum), the λmax and threshold "
        "columns (4 against 995: far from unstable), then the loss view (v).",
        stability.beta_too_large,
        shows=("sharpness",),
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
