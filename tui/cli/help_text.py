"""What ``--help`` ends with: limits, exit status, examples, the environment variables read.

Kept apart from the parsers so each command's help ends the same way, and so the text a
test compares with the README lives in one place.
"""

from __future__ import annotations

import argparse

EXIT_STATUS = (
    "exit status: 0 done (a run that diverges is a result, not an error), 1 a runtime "
    "failure (a file that cannot be written), 2 bad usage or input, 130 interrupted (Ctrl+C)"
)

_COLOUR = "  NO_COLOR              no colour (any value)"
_COLUMNS = "  COLUMNS               width of the output on a terminal"
_CONFIG = "  OPTISCOPE_CONFIG_DIR  folder of preferences.toml (default: the user config folder)"

_EPILOGS: dict[str, tuple[list[str], list[str], str]] = {
    # command: (examples, environment variables, limits)
    "explorer": (
        [
            'optiscope --surface rosenbrock --start -2,2 --optimizer "adam(lr=0.05)"',
            "optiscope --lesson zigzag",
            "optiscope --print-completion bash > ~/.local/share/bash-completion/completions/"
            "optiscope",
        ],
        [
            _CONFIG,
            _COLOUR,
            "  TERM, COLORTERM       what the terminal can draw (Textual)",
            "  OPENBLAS_NUM_THREADS  NumPy's BLAS threads (the explorer's default: 1)",
        ],
        "The explorer needs a terminal on standard input and output; without one use "
        "`optiscope run` (text) or `optiscope serve` (a browser). At most 8 optimizers and "
        "100,000 steps.",
    ),
    "run": (
        [
            'optiscope run --surface rosenbrock --start -2,2 --optimizer "adam(lr=0.05)" '
            "--steps 500",
            'optiscope run --optimizer gd --optimizer "rmsprop(lr=0.1)" --format csv --out run.csv',
            'optiscope run --spec "optiscope:v1 surface=lecture-bowl opt=gd(lr=0.4)" --format json',
        ],
        [_COLOUR, _COLUMNS],
        "At most 8 --optimizer and --steps 100,000; steps x optimizers at most 400,000 "
        "(100,000 steps for four optimizers, 50,000 for eight: about 10 s here); a table "
        "prints at most 10,000 rows (--every thins it). A progress bar shows on a terminal "
        "after a second.",
    ),
    "map": (
        [
            "optiscope map --surface himmelblau --optimizer gd --grid 120x60 --steps 300",
            "optiscope map --surface lecture-bowl --optimizer gd --optimizer rmsprop "
            "--metric steps --gtol 1e-2",
            "optiscope map --over lr,beta --surface lecture-bowl --optimizer momentum "
            "--lr-range 0.01,10 --format json",
        ],
        [_COLOUR, _COLUMNS],
        "Each grid side at most 400; grid cells x steps x optimizers at most 100,000,000 "
        "(about 10 s here; a map --over has one optimizer).",
    ),
    "highdim": (
        [
            "optiscope highdim --steps 1000 --top 3",
            "optiscope highdim --basis",
            'optiscope highdim --problem "logreg(n_samples=500, batch_size=32)" --seed 2 '
            "--format csv",
        ],
        [_COLOUR, _COLUMNS, _CONFIG + " (--open)"],
        "At most 8 --optimizer; --steps at most 20,000 and at most what a run keeps in memory "
        "(80 MB of points: 9,999 steps at D = 1,000); steps x optimizers "
        "x the cost of a step at most about 10 s here (e.g. 308 steps for four optimizers on "
        "logreg(n_samples=20000, n_features=200)). The message names the most your problem "
        "allows.",
    ),
    "list": (
        ["optiscope list surfaces", "optiscope list optimizers", "optiscope list schedules"],
        [],
        "",
    ),
    "lesson": (
        ["optiscope lesson 5", "optiscope lesson rotation --format json"],
        [_CONFIG + " (--open)", _COLOUR],
        "",
    ),
    "sweep": (
        [
            "optiscope sweep --start A --optimizer gd --optimizer rmsprop --optimizer adam",
            'optiscope sweep --surface rosenbrock --optimizer "rmsprop(beta=0.99)" '
            "--lr-range 1e-4,0.1 --points 40",
            "optiscope sweep --optimizer adam --metric final-loss --steps 500 --format json",
        ],
        [_COLOUR, _COLUMNS],
        "At most 8 --optimizer, --points 2 to 200 and --steps 100,000; points x steps x "
        "optimizers at most 20,000,000 (about 10 s here).",
    ),
    "serve": (
        [
            "optiscope serve",
            'optiscope serve --port 8080 --surface rosenbrock --optimizer "adam(lr=0.05)"',
            "optiscope serve --lesson zigzag",
        ],
        [
            _CONFIG + " (each session's own, in a temporary folder)",
            "  TMPDIR                where the sessions' temporary folders go",
        ],
        "",
    ),
}


def epilog(command: str) -> str:
    """Limits, exit status, examples and environment variables for ``command``'s help."""
    examples, env, limits = _EPILOGS.get(command, ([], [], ""))
    parts = [f"limits: {limits}"] if limits else []
    parts.append(EXIT_STATUS)
    if examples:
        parts.append("examples:\n" + "\n".join(f"  {e}" for e in examples))
    parts.append("environment:\n" + "\n".join(env) if env else "environment: none read")
    return "\n\n".join(parts)


class HelpFormatter(argparse.HelpFormatter):
    """Paragraphs are wrapped to the terminal; indented lines (examples) are kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks = []
        for block in text.split("\n\n"):
            lines = block.split("\n")
            if len(lines) > 1 and all(line.startswith("  ") for line in lines[1:]):
                blocks.append("\n".join(indent + line for line in lines))
            else:
                blocks.append(super()._fill_text(block, width, indent))
        return "\n\n".join(blocks)
