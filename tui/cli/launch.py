"""``optiscope [setup options]``: validate the options, then open the explorer on them.

The explorer draws on a terminal and reads keys from it: with standard input or output
redirected it would write escape codes into a file and never end, so it refuses to start
and points to the commands that work without one. Sessions of ``optiscope serve`` have no
terminal of their own (textual-serve drives them), so ``served`` skips the check.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from optiscope.core.errors import OptiscopeError

from .run_command import setup_from_args
from .session_options import session_from_args

if TYPE_CHECKING:
    from optiscope.core.lessons.lesson import Lesson
    from optiscope.core.session.setup import View

    from ..model import ExplorerModel


def require_terminal() -> None:
    """Refuse (one line, exit 2) unless standard input and output are both a terminal."""
    if not (_is_tty(sys.stdin) and _is_tty(sys.stdout)):
        raise OptiscopeError(
            "the explorer needs a terminal (standard input and output are not one): use "
            "`optiscope run` for text output, or `optiscope serve` for a browser"
        )


def _is_tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def launch(args: argparse.Namespace) -> int:
    """Bad options raise before any screen opens (the caller prints one line, exit 2)."""
    session = session_from_args(args)
    setup = setup_from_args(args) if session is None else None
    served = bool(getattr(args, "served", False))
    if not served:
        require_terminal()  # after the options are checked: a bad one is told first
    from ..model import ExplorerModel

    if session is not None:
        from ..explorer.sessions import model_of

        model = model_of(session)
    else:
        model = ExplorerModel.from_setup(setup or setup_from_args(args))
    view = session.view if session is not None else None
    return run_explorer(model, served=served, view=view)


def launch_lesson(lesson: Lesson, served: bool = False) -> int:
    """The explorer with the lesson loaded and its question shown beside the plot."""
    if not served:
        require_terminal()
    from ..model import ExplorerModel

    return run_explorer(ExplorerModel.from_lesson(lesson), lesson=lesson, served=served)


#: Set once the explorer has run in this terminal: the command then ends the process at
#: once (``main.console_main``), skipping the interpreter's slow teardown.
explorer_ran = False


def run_explorer(
    model: ExplorerModel,
    lesson: Lesson | None = None,
    served: bool = False,
    view: View | None = None,
) -> int:
    """Run the app; ``served`` (one browser session of ``optiscope serve``) keeps every file
    it writes, preferences included, in a temporary folder removed when the session ends."""
    if not served:
        require_terminal()
    from ..app import OptiscopeApp
    from ..preferences import CONFIG_DIR_ENV

    if not served:
        app = OptiscopeApp(model, lesson=lesson, view=view)
        app.run()
        global explorer_ran
        explorer_ran = True
        return app.return_code or 0
    home = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="optiscope-session-") as tmp:
        folder = Path(tmp)
        os.environ[CONFIG_DIR_ENV] = str(folder / "config")
        os.chdir(folder)  # a relative path anywhere lands in the folder too
        try:
            app = OptiscopeApp(model, export_dir=folder, lesson=lesson, served=True, view=view)
            app.run()
        finally:
            os.chdir(home)
    return app.return_code or 0


def exit_at_once(code: int) -> NoReturn:
    """End the process as soon as the app has restored the terminal (only the command's
    own entry point calls this, never a test or an embedding program).

    Everything the app writes (exports, sessions, preferences) is closed by then; what is
    left is the interpreter tearing down every module and object one by one, which took
    ~0.45 s after each quit here (a bare Textual app's teardown is shorter), so a learner
    waited half a second for the shell prompt. The streams are flushed; nothing else runs.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
