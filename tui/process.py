"""The ``optiscope`` command's entry point: settings for the whole process, made before it
imports anything heavy.

- **No cyclic garbage collection while starting.** Importing numpy, Textual and the app
  creates several hundred thousand objects that live as long as the process, and CPython ran
  full collections over them as they piled up: ~50 ms of a ~360 ms start to the first frame.
  ``started()`` then freezes what is there (``gc.freeze``: later collections skip it, so a
  step's collections stay short too) and turns collection back on.
- **OpenBLAS on one thread** unless the user set ``OPENBLAS_NUM_THREADS``: starting its
  thread pool was ~40 ms of ``import numpy``, for arrays that are 2-D points, a map's grid
  of starts or a high-dimensional problem of at most a few thousand coordinates.

Only the command sets these (``optiscope``, ``python -m optiscope``): code that imports
optiscope as a library keeps its interpreter as it was.
"""

from __future__ import annotations

import gc
import os
from typing import NoReturn

#: True while collection is off because ``starting`` turned it off.
_paused = False


def starting() -> None:
    """Before any heavy import: collection off, one BLAS thread."""
    global _paused
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
