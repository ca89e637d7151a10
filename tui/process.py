"""The ``optiscope`` command's entry point: settings for the whole process, made before it
imports anything heavy.

- **No cyclic garbage collection while starting.** Importing numpy, Textual and the app
  creates several hundred thousand objects that live as long as the process, and CPython ran
  full collections over them as they piled up: ~50 ms of a ~360 ms start to the first frame.
  ``started()`` then freezes what is there (``gc.freeze``: later collections skip it, so a
  step's collections stay short too) and turns collection back on.
- **OpenBLAS on one thread for the explorer** (no command given; also each ``optiscope
  serve`` session) unless the user set ``OPENBLAS_NUM_THREADS``: starting its thread pool
  was ~40 ms of ``import numpy``. The price is in the high-dimensional view: a rotated
  D = 1,000 quadratic, 5,000 Adam steps, took 1.45 s on one thread against 0.93 s on two
  (2 cores). The commands (``optiscope highdim``, ``map``, ...) keep numpy's default.

Only the command sets these (``optiscope``, ``python -m optiscope``): code that imports
optiscope as a library keeps its interpreter as it was.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

#: The commands (the first argument names one); without one, the explorer opens.
COMMANDS = ("run", "map", "highdim", "list", "lesson", "sweep", "serve")

#: True while collection is off because ``starting`` turned it off.
_paused = False


def starting(argv: Sequence[str] | None = None) -> None:
    """Before any heavy import: collection off; for the explorer, one BLAS thread."""
    global _paused
    args = sys.argv[1:] if argv is None else argv
    if not (args and args[0] in COMMANDS):
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if gc.isenabled():
        gc.disable()
        _paused = True


def started() -> None:
    """The command is up (its first frame drawn, or about to run): collect again, over what
    was made from now on. Idempotent, and a no-op unless ``starting`` paused collection."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def console_main() -> NoReturn:
    """The ``optiscope`` command."""
    starting()
    from .cli.main import console_main as run

    run()


if __name__ == "__main__":
    console_main()
