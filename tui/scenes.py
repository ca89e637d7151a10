"""Named screens of the explorer, reproducible key by key.

The snapshot tests and ``scripts/make_screenshots.py`` share these, so the pictures in
the README are the screens the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optiscope.core.surfaces import get_surface

from .model import ExplorerModel


@dataclass(frozen=True)
class Scene:
    name: str
    caption: str
    keys: tuple[str, ...] = ()
    surface: str = "lecture-bowl"
    start: tuple[float, float] | None = None
    optimizers: tuple[str, ...] = ()
    sizes: tuple[tuple[int, int], ...] = field(default=((120, 40), (80, 24)))
    #: A whole setup as a one-line spec (a formula surface, say), instead of the fields above.
    spec: str | None = None

    def model(self) -> ExplorerModel:
        if self.spec is not None:
            from optiscope.core.session.spec import from_spec

            from .explorer.sessions import model_of

            return model_of(from_spec(self.spec))
        surface = get_surface(self.surface)
        return ExplorerModel.create(surface, self.start, list(self.optimizers) or None)


SCENES: tuple[Scene, ...] = (
    Scene("initial", "The default: GD, momentum, RMSprop and Adam on the lecture bowl from A"),
    Scene(
        "after-20-steps",
        "Twenty steps in: GD zig-zags in b, RMSprop evens the axes out",
        keys=("n",) * 20,
    ),
    Scene(
        "compare-four",
        "Himmelblau from (0.54, −0.74): GD and momentum go one way, RMSprop and Adam another",
        keys=("n",) * 60,
        surface="himmelblau",
        optimizers=("gd", "momentum", "rmsprop", "adam"),
    ),
    Scene(
        "explain",
        "RMSprop's update at step 3 with its numbers substituted",
        keys=("o", "o", "n", "n", "n", "x"),
    ),
    Scene(
        "loss-view",
        "Loss against step, log scale, for the four optimizers",
        keys=("n",) * 40 + ("v",),
    ),
    Scene(
        "rosenbrock",
        "Rosenbrock from (−2, 2): Adam and RMSprop in the curved valley, launched from options",
        keys=("g", "3", "0", "0", "enter"),
        surface="rosenbrock",
        start=(-2.0, 2.0),
        optimizers=("adam(lr=0.05)", "rmsprop(lr=0.01)"),
        sizes=((120, 40),),
    ),
    Scene(
        "diverged",
        "GD just above 2/λmax on the lecture bowl diverges; momentum at the same rate does not",
        keys=("g", "6", "0", "enter"),
        optimizers=("gd(lr=0.55)", "momentum(lr=0.55)"),
        sizes=((120, 40),),
    ),
    Scene(
        "help",
        "Every key, from one table that also makes the footer and the command palette",
        keys=("question_mark",),
        sizes=((120, 40),),
    ),
    Scene(
        "lesson",
        "Lesson 5 (L e): RMSprop's cache falls to 1e-8 on a ±1e-4 gradient; ηeff climbs to η/1e-4",
        keys=("L", "e", "g", "6", "0", "enter", "o"),
    ),
    Scene(
        "lesson-eff-lr",
        "Lesson 9 (L i): Adagrad's ηeff only falls; RMSprop's climbs as the gradient fades",
        keys=("L", "i", "g", "4", "0", "enter", "o"),
        sizes=((120, 40),),
    ),
    Scene(
        "formula",
        "Your own surface (F): f = x² + 10·sin y with sympy's exact ∇f; "
        "all four settle at y = −π/2",
        keys=("n",) * 30,
        spec="optiscope:v1 surface='x**2 + 10*sin(y)' start=-2.5,0.3 opt=gd(lr=0.05) "
        "opt=momentum(lr=0.05) opt=rmsprop(lr=0.05) opt=adam(lr=0.1)",
    ),
    Scene(
        "formula-dialog",
        "Typing a formula: the whitelist parser says exactly what it refuses, and where",
        keys=("F", *("space" if c == " " else c for c in "x**2 + 10*sin(y"), "enter"),
        sizes=((120, 40),),
    ),
    Scene(
        "session-dialog",
        "Sessions (w): the setup as one line to paste in a post, a spec to open, a file",
        keys=("n",) * 12 + ("o", "w"),
        surface="himmelblau",
        start=(0.5, -0.7),
        optimizers=("gd(lr=0.01)", "rmsprop(lr=0.05)"),
        sizes=((120, 40),),
    ),
    Scene(
        "narrow-controls",
        "80 columns: the controls pane on demand (c)",
        keys=("o", "o", "c"),
        sizes=((80, 24),),
    ),
    Scene(
        "vectors",
        "Vectors at the cursor (V), zoomed in: RMSprop's step Δ turns 36° away from plain "
        "GD's −η∇f",
        keys=("o", "o", "n", "n", "n", "V", *("plus",) * 8),
    ),
    Scene(
        "vectors-momentum",
        "Momentum's step is the carried velocity −η·β·v plus the new gradient's share "
        "−η·(1−β)·g, drawn head to tail",
        keys=("o", *("n",) * 4, "V", *("plus",) * 6),
        sizes=((120, 40),),
    ),
    Scene(
        "shaded",
        "Shaded contours (z) and the gradient field (G): bands nest around the minimum, "
        "arrows point downhill",
        keys=(*("n",) * 20, "z", "G"),
        sizes=((120, 40),),
    ),
    Scene(
        "played-step",
        "One update in parts (u): RMSprop's square of g folded into S, with the explain "
        "pane's numbers; the rule's part in force is marked",
        keys=("o", "o", "n", "n", "n", "u", "n"),
    ),
    Scene(
        "predict",
        "Predict mode (y): which way does RMSprop step next? Four directions, one right",
        keys=("o", "o", "n", "n", "y"),
    ),
    Scene(
        "predict-value",
        "Predict mode, a number (Tab): RMSprop's S_b typed as 0.25, marked wrong, with the "
        "explain pane's arithmetic",
        keys=("o", "o", "n", "n", "y", "tab", "0", ".", "2", "5", "enter"),
        sizes=((120, 40),),
    ),
    Scene(
        "map",
        "Convergence map (m): GD from every start of a grid on Himmelblau, by the minimum reached",
        keys=("m",),
        surface="himmelblau",
        optimizers=("gd(lr=0.01)", "rmsprop(lr=0.1)"),
    ),
    Scene(
        "lr-beta-map",
        "The lr×β map (B): momentum from A at every (η, β), its stability boundary "
        "η(1−β)·λmax < 2(1+β) drawn over the cells, the current setting ◎ under the cursor",
        keys=("B",),
        optimizers=("momentum(lr=0.4)", "gd"),
    ),
    Scene(
        "sharpness-strip",
        "The sharpness strip (C; on in lesson 18): GD's λmax climbs to 2/η = 20 and past it "
        "at step 800 of the sharpening valley",
        keys=("L", "r", "g", "8", "0", "0", "enter"),
        sizes=((120, 40),),
    ),
)
